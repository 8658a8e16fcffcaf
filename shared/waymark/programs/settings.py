"""A program's settings as operators set them: create, read, list, change, each change recorded.

The values come in validated (waymark.portal.admin.setup_schemas checks every field and the
rules between them); this module stores them, with the change record in the same transaction.
"""

from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from waymark import catalog, wording
from waymark.conversions.vocabulary import CouponPrecedence
from waymark.models import PROGRAMS_LISTING, CommissionRule, Program, as_dict, connection
from waymark.programs import changes

# What an operator sets. `banners` (waymark.partners.snippets reads them), `fraud_rules`
# (waymark.conversions.fraud) and `coupon_precedence` (waymark.conversions.coupons) live in the
# program's `settings` map, which other modules write too.
IN_SETTINGS = ("banners", "fraud_rules", "coupon_precedence")
FIELDS = (
    "name",
    "currency",
    "allowed_domains",
    "default_landing_url",
    "order_page_url",
    "click_param",
    "passthrough",
    "attribution_window_days",
    "auto_approve",
    "languages",
    "default_language",
    "terms_url",
    "banners",
    "fraud_rules",
    "coupon_precedence",
    "commission_rules",
)


class ProgramNotFound(LookupError):
    pass


class ProgramExists(ValueError):
    pass


def fields_of(program: Program) -> dict[str, Any]:
    """The program's operator-set fields as stored values (rules and banners as plain dicts)."""
    values = {name: getattr(program, name) for name in FIELDS if name not in (*IN_SETTINGS, "commission_rules")}
    values["allowed_domains"] = list(program.allowed_domains or [])
    values["languages"] = list(program.languages or [])
    values["attribution_window_days"] = int(program.attribution_window_days)
    values["banners"] = [as_dict(banner) for banner in as_dict(program.settings).get("banners") or []]
    # Self-referral is on unless a program turned it off (waymark.conversions.fraud.FraudRules).
    values["fraud_rules"] = {"self_referral": True, **as_dict(as_dict(program.settings).get("fraud_rules"))}
    values["coupon_precedence"] = as_dict(program.settings).get("coupon_precedence") or CouponPrecedence.CLICK_WINS
    values["commission_rules"] = [
        {k: v for k, v in as_dict(rule).items() if v is not None} for rule in program.commission_rules or []
    ]
    return values


def get_program(program_id: str) -> Program:
    """The program as stored now (a strongly consistent read, before changes and for operators)."""
    try:
        return Program.get(*Program.key(program_id), consistent_read=True)
    except Program.DoesNotExist as error:
        raise ProgramNotFound(program_id) from error


def list_programs() -> list[Program]:
    """Every program, by id: a Query on listing-index (programs are few; no paging)."""
    return list(Program.by_listing.query(PROGRAMS_LISTING))


def create_program(program_id: str, values: dict[str, Any], *, by: str) -> Program:
    settings = {name: values[name] for name in IN_SETTINGS if values.get(name)}
    stored = {k: v for k, v in values.items() if k not in (*IN_SETTINGS, "commission_rules") and v is not None}
    program = Program(
        *Program.key(program_id),
        program_id=program_id,
        settings=settings,
        commission_rules=[CommissionRule(**rule) for rule in values.get("commission_rules") or []],
        **stored,
    )
    after = fields_of(program)
    entry = changes.record(program_id, by=by, subject="program", action="create", before=None, after=after)
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(program, condition=Program.pk.does_not_exist())
            transaction.save(entry)
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":
            raise ProgramExists(program_id) from error
        raise
    return program


def update_program(program_id: str, values: dict[str, Any], *, by: str) -> Program:
    """Set the given fields (None removes an optional one); nothing is written when nothing changes."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(wording.FIELDS_NOT_CHANGEABLE(fields=", ".join(sorted(unknown)), allowed=", ".join(FIELDS)))
    program = get_program(program_id)
    before, after = changes.diff(fields_of(program), {**fields_of(program), **values})
    if not after:
        return program
    actions: list[Action] = []
    for name, value in after.items():
        if name == "commission_rules":
            actions.append(Program.commission_rules.set([CommissionRule(**rule) for rule in value]))
        elif name in IN_SETTINGS:
            continue  # below: inside the settings map, which other modules write too
        elif value is None:
            actions.append(getattr(Program, name).remove())
        else:
            actions.append(getattr(Program, name).set(value))
    entry = changes.record(program_id, by=by, subject="program", action="update", before=before, after=after)
    inside = {name: after[name] for name in IN_SETTINGS if name in after}
    if not inside:
        _update(program, actions, Program.pk.exists(), entry)
    else:
        try:  # only these keys, so a remarketing flag written meanwhile stays
            keys = [Program.settings[name].set(value) for name, value in inside.items()]
            _update(program, [*actions, *keys], Program.settings.exists(), entry)
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise
            # An item stored without a settings map (written by hand): the whole map, which is empty.
            whole = Program.settings.set({**as_dict(program.settings), **inside})
            _update(program, [*actions, whole], Program.pk.exists(), entry)
    catalog.forget_program(program_id)
    return get_program(program_id)


def _update(program: Program, actions: list[Action], condition: Any, entry: Any) -> None:
    with TransactWrite(connection=connection()) as transaction:
        transaction.update(program, actions=actions, condition=condition)
        transaction.save(entry)
