"""The remarketing admin forms: stored configuration -> form values -> the domain's input models.

HTML forms are flat (`offer-2-name-de`), the inputs are nested; rows left empty are dropped,
and each problem is reported against the row the operator sees ("Offer 2, link: ..."), not
the index it had in the list sent to the domain.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from waymark.conversions.vocabulary import Channel
from waymark.models import ChannelEmailSettings, EmailTemplate, Program, RemarketingProfile, as_dict
from waymark.portal.remarketing.views import profile_out
from waymark.remarketing.config import ChannelSettingsInput, ProfileInput, TemplateInput
from waymark.web import messages
from waymark.web.app import language

MAX_OFFERS = 20
MAX_STEPS = 10
EMPTY_ROWS = 2
OFFER_FIELDS = ("code", "price", "image_url", "link")
STEP_FIELDS = ("anchor", "days", "template_id")
_ROW = re.compile(r"^(offers|schedule)[\[.](\d+)\]?\.?(.*)$")
_ROW_LABEL = {"offers": "Offered product", "schedule": "Send day"}
_FIELD_LABEL = {
    "profile_id": "Identifier",
    "template_id": "Identifier",
    "name": "Name",
    "kind": "Type",
    "priority": "Priority",
    "offers": "Offered products",
    "bodies": "Content",
    "preview": "Preview",
    "schedule": "Email schedule",
    "rules.products": "Rule: products",
    "rules.categories": "Rule: categories",
    "rules.destinations": "Rule: destinations",
    "rules.languages": "Rule: languages",
    "rules.channels": "Rule: channels",
    "rules.min_amount": "Rule: minimum amount",
    "subjects": "Subjects",
    "booking_url": "Booking page",
    "from_name": "Sender name",
    "reply_to": "Reply-to address",
}


@dataclass
class Problems:
    """What the operator reads: (where, message) in form order, and the rows to mark."""

    items: list[tuple[str, str]] = field(default_factory=list)
    rows: set[str] = field(default_factory=set)  # "offers-3", "schedule-0": form rows with a problem

    def __bool__(self) -> bool:
        return bool(self.items)


def describe(problems: list[dict[str, str]], positions: dict[str, list[int]] | None = None) -> Problems:
    """Domain or validation problems ({"field", "message"}) with labels an operator understands."""
    found = Problems()
    for problem in problems:
        where = str(problem.get("field") or "")
        match = _ROW.match(where)
        if match and positions is not None:
            kind, index, rest = match.group(1), int(match.group(2)), match.group(3)
            rows = positions.get(kind, [])
            row = rows[index] if index < len(rows) else index
            found.rows.add(f"{kind}-{row}")
            label = f"{_ROW_LABEL[kind]} {row + 1}"
            if rest:
                label += f", {rest.split('.')[0].replace('_', ' ')}"
        elif where.startswith("bodies."):
            parts = where.split(".")
            label = f"Content ({parts[1]}{', ' + parts[2] if len(parts) > 2 else ''})"
        elif where.startswith("subjects."):
            label = f"Subject ({where.split('.', 1)[1]})"
        else:
            label = _FIELD_LABEL.get(where, where.replace("_", " ") or "Form")
        found.items.append((label, str(problem.get("message") or "")))
    return found


def validation_problems(error: ValidationError) -> list[dict[str, str]]:
    return [
        {"field": ".".join(str(part) for part in p["loc"]), "message": messages.explain(p, language())}
        for p in error.errors(include_url=False)
    ]


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", text or "") if part.strip()]


# ----------------------------------------------------------------------------- profiles


def profile_values(profile: RemarketingProfile | None) -> dict[str, Any]:
    """The profile form's values: a stored profile, or the defaults of a new one."""
    if profile is None:
        return {
            "profile_id": "",
            "name": "",
            "kind": "web",
            "active": True,
            "priority": "100",
            "rules": {"products": "", "categories": "", "destinations": "", "languages": [], "channels": []},
            "min_amount": "",
            "offers": [],
            "schedule": [],
        }
    out = profile_out(profile)
    return {
        "profile_id": out.profile_id,
        "name": out.name,
        "kind": out.kind,
        "active": out.active,
        "priority": str(out.priority),
        "rules": {
            "products": ", ".join(out.rules.products),
            "categories": ", ".join(out.rules.categories),
            "destinations": ", ".join(out.rules.destinations),
            "languages": out.rules.languages,
            "channels": out.rules.channels,
        },
        "min_amount": "" if out.rules.min_amount is None else str(out.rules.min_amount),
        "offers": [
            {
                "code": o.code,
                "price": str(o.price),
                "image_url": o.image_url or "",
                "link": o.link or "",
                "names": o.names,
            }
            for o in out.offers
        ],
        "schedule": [{"anchor": s.anchor, "days": str(s.days), "template_id": s.template_id} for s in out.schedule],
    }


def posted_profile(form: dict[str, str], program: Program) -> dict[str, Any]:
    """The profile form as posted, in profile_values' shape (every row, empty ones too)."""
    languages = list(program.languages)
    offers = []
    for i in range(MAX_OFFERS):
        row = {name: form.get(f"offer-{i}-{name}", "").strip() for name in OFFER_FIELDS}
        row["names"] = {lang: form.get(f"offer-{i}-name-{lang}", "").strip() for lang in languages}
        offers.append(row)
    steps = [{name: form.get(f"step-{i}-{name}", "").strip() for name in STEP_FIELDS} for i in range(MAX_STEPS)]
    return {
        "profile_id": form.get("profile_id", "").strip(),
        "name": form.get("name", ""),
        "kind": form.get("kind", "web"),
        "active": form.get("active") == "on",
        "priority": form.get("priority", "").strip(),
        "rules": {
            "products": form.get("rules-products", ""),
            "categories": form.get("rules-categories", ""),
            "destinations": form.get("rules-destinations", ""),
            "languages": [lang for lang in languages if form.get(f"rules-language-{lang}") == "on"],
            "channels": [c for c in Channel if form.get(f"rules-channel-{c}") == "on"],
        },
        "min_amount": form.get("rules-min_amount", "").strip(),
        "offers": offers,
        "schedule": steps,
    }


def _offer_is_empty(row: dict[str, Any]) -> bool:
    return not any(row.get(name) for name in OFFER_FIELDS) and not any((row.get("names") or {}).values())


def _step_is_empty(row: dict[str, Any]) -> bool:
    return not row.get("days") and not row.get("template_id")


def profile_input(values: dict[str, Any]) -> tuple[ProfileInput | None, Problems, dict[str, list[int]]]:
    """(the input, or None with the problems, and each kept row's form row) from the form's values."""
    offers = [(i, row) for i, row in enumerate(values["offers"]) if not _offer_is_empty(row)]
    steps = [(i, row) for i, row in enumerate(values["schedule"]) if not _step_is_empty(row)]
    positions = {"offers": [i for i, _ in offers], "schedule": [i for i, _ in steps]}
    rules = values["rules"]
    data = {
        "profile_id": values["profile_id"] or None,
        "name": values["name"],
        "kind": values["kind"],
        "active": values["active"],
        "priority": values["priority"] or 100,
        "rules": {
            "products": _split(rules["products"]),
            "categories": _split(rules["categories"]),
            "destinations": _split(rules["destinations"]),
            "languages": rules["languages"],
            "channels": rules["channels"],
            "min_amount": values["min_amount"] or None,
        },
        "offers": [
            {
                "code": row["code"],
                "names": {lang: name for lang, name in row["names"].items() if name},
                "price": row["price"],
                "image_url": row["image_url"] or None,
                "link": row["link"] or None,
            }
            for _, row in offers
        ],
        "schedule": [
            {"anchor": row["anchor"] or "booking", "days": row["days"], "template_id": row["template_id"]}
            for _, row in steps
        ],
    }
    try:
        return ProfileInput.model_validate(data), Problems(), positions
    except ValidationError as error:
        return None, describe(validation_problems(error), positions), positions


def with_empty_rows(values: dict[str, Any]) -> dict[str, Any]:
    """The rows to show: each where it was (problems name rows by position), then a few empty ones."""

    def rows(found: list[dict], is_empty, blank: dict, most: int) -> list[dict]:
        used = max((i + 1 for i, row in enumerate(found) if not is_empty(row)), default=0)
        return found[:used] + [dict(blank) for _ in range(min(EMPTY_ROWS, most - used))]

    blank_offer = {"code": "", "price": "", "image_url": "", "link": "", "names": {}}
    blank_step = {"anchor": "booking", "days": "", "template_id": ""}
    return {
        **values,
        "offers": rows(values["offers"], _offer_is_empty, blank_offer, MAX_OFFERS),
        "schedule": rows(values["schedule"], _step_is_empty, blank_step, MAX_STEPS),
    }


# ----------------------------------------------------------------------------- templates


def template_values(template: EmailTemplate | None, program: Program) -> dict[str, Any]:
    bodies = {lang: as_dict(body) for lang, body in as_dict(template.bodies).items()} if template else {}
    return {
        "template_id": template.template_id if template else "",
        "name": template.name if template else "",
        "bodies": {
            lang: {
                "html": (bodies.get(lang) or {}).get("html") or "",
                "text": (bodies.get(lang) or {}).get("text") or "",
            }
            for lang in program.languages
        },
    }


def posted_template(form: dict[str, str], program: Program) -> dict[str, Any]:
    return {
        "template_id": form.get("template_id", "").strip(),
        "name": form.get("name", ""),
        "bodies": {
            lang: {"html": form.get(f"html-{lang}", ""), "text": form.get(f"text-{lang}", "")}
            for lang in program.languages
        },
    }


def template_input(values: dict[str, Any], *, for_preview: bool = False) -> tuple[TemplateInput | None, Problems]:
    """A language whose boxes are both empty is left out, so the domain names it as missing."""
    bodies = {
        lang: {"html": body["html"], "text": body["text"] if body["text"].strip() else None}
        for lang, body in values["bodies"].items()
        if body["html"].strip() or body["text"].strip()
    }
    name = values["name"] if values["name"].strip() or not for_preview else "(preview)"
    try:
        data = TemplateInput(template_id=values["template_id"] or None, name=name, bodies=bodies)
    except ValidationError as error:
        return None, describe(validation_problems(error))
    return data, Problems()


# ----------------------------------------------------------------------------- channels


def channel_values(settings: ChannelEmailSettings | None, program: Program) -> dict[str, Any]:
    subjects = as_dict(settings.subjects) if settings else {}
    return {
        "subjects": {lang: str(subjects.get(lang) or "") for lang in program.languages},
        "booking_url": (settings.booking_url if settings else None) or "",
        "from_name": (settings.from_name if settings else None) or "",
        "reply_to": (settings.reply_to if settings else None) or "",
    }


def posted_channel(form: dict[str, str], program: Program) -> dict[str, Any]:
    return {
        "subjects": {lang: form.get(f"subject-{lang}", "").strip() for lang in program.languages},
        "booking_url": form.get("booking_url", "").strip(),
        "from_name": form.get("from_name", "").strip(),
        "reply_to": form.get("reply_to", "").strip(),
    }


def channel_input(channel: str, values: dict[str, Any]) -> tuple[ChannelSettingsInput | None, Problems]:
    try:
        data = ChannelSettingsInput(
            channel=channel,  # type: ignore[arg-type]
            subjects={lang: subject for lang, subject in values["subjects"].items() if subject},
            booking_url=values["booking_url"] or None,
            from_name=values["from_name"] or None,
            reply_to=values["reply_to"] or None,
        )
    except ValidationError as error:
        return None, describe(validation_problems(error))
    return data, Problems()
