"""The console's exchange rate page (/admin/rates): the last days' rates and the operator's own for a day."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import ValidationError

from waymark import web
from waymark.core.times import utcnow
from waymark.models import Program
from waymark.portal import actions
from waymark.portal.admin import rate_actions
from waymark.portal.admin.rate_schemas import RatesIn, RemovedDay
from waymark.portal.params import ProgramId

router = Router()

NOTICES = {"saved": "The rates are saved: sales use them within a minute."}
Done = Annotated[Literal[tuple(NOTICES)] | None, Query()]  # type: ignore[valid-type]


def _page(program: Program, *, status=200, values=None, errors=None, notice=None) -> Response[str]:
    return web.render(
        "admin/rates.html",
        status,
        program=program,
        table=rate_actions.table(),
        values=values or {"day": utcnow().date().isoformat(), "base": program.currency},
        errors=errors or {},
        notice=NOTICES.get(notice or ""),
    )


def _posted_rates(text: str) -> dict[str, str]:
    """Lines "USD 1.0845" (or "USD=1.0845") into a map; what does not split is left for the model to name."""
    rates: dict[str, str] = {}
    for line in text.replace("=", " ").splitlines():
        parts = line.split()
        if parts:
            rates[parts[0]] = parts[1] if len(parts) > 1 else ""
    return rates


@router.get("/admin/rates")
def rates_page(program: ProgramId = None, done: Done = None) -> Response[str]:
    web.admin()
    return _page(actions.program(program), notice=done)


@router.post("/admin/rates")
def save_rates(program: ProgramId = None) -> Response[str]:
    web.admin()
    chosen = actions.program(program)
    form = web.form()
    values = {name: form.get(name, "").strip() for name in ("day", "base", "rates")}
    posted = _posted_rates(values["rates"])
    try:
        if not posted:  # an empty table removes the day's rates
            rate_actions.remove(chosen, RemovedDay.model_validate({"day": values["day"]}).day)
        else:
            body = RatesIn.model_validate({"day": values["day"], "base": values["base"] or "EUR", "rates": posted})
            rate_actions.put(chosen, body)
    except ValidationError as error:
        errors = {name.split("-")[0]: f"{name}: {message}" for name, message in web.field_errors(error).items()}
        return _page(chosen, status=400, values=values, errors=errors)
    except web.BadRequest as error:
        return _page(chosen, status=400, values=values, errors={"rates": error.message})
    return web.redirect(f"/admin/rates?program={chosen.program_id}&done=saved")
