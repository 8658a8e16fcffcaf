"""The first program and the first operator, ensured by each deploy that runs it and at every local start.

`sam deploy` runs this through the stack's custom resource (functions/bootstrap), with the
template's parameters as its properties, when the stack is created and whenever one of them
changes; `make dev` runs the same `ensure` with the local values. Creating and updating do
the same work: what is absent is created, what exists is left exactly as it is (an operator
may have changed the program since; a login may have its own password), so running it again
is harmless and nothing is ever deleted. Each run also encrypts any advertiser's HMAC secret still
stored in plain text from before encryption (waymark.setup.secrets_migration).
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aws_lambda_powertools import Logger
from pynamodb.exceptions import PutError

from waymark.click.destinations import UnsafeDestination, allowed_domains, check_destination
from waymark.core import currencies
from waymark.models import Program
from waymark.partners import accounts
from waymark.setup import secrets_migration

logger = Logger(child=True)

PROGRAM_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_NAME_LENGTH = 200
# What Cognito accepts as an email username, roughly; Cognito has the last word.
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,253}\.[^@\s.]{2,63}$")


class BootstrapRefused(ValueError):
    """The settings cannot be used as given; the message names the setting and what it must be."""


@dataclass(frozen=True)
class FirstProgram:
    program_id: str
    name: str
    currency: str
    landing_page: str
    allowed_domains: tuple[str, ...]


@dataclass(frozen=True)
class Settings:
    program: FirstProgram
    operator_email: str


@dataclass
class Outcome:
    """What `ensure` found and did, for the stack's events and the local banner."""

    program: str  # "created" | "kept"
    operator: str  # see ensure_operator
    notes: list[str] = field(default_factory=list)

    def as_data(self) -> dict[str, str]:
        return {"Program": self.program, "Operator": self.operator}


def settings(
    *,
    program_id: str,
    program_name: str,
    currency: str,
    landing_page: str,
    allowed_domains_text: str,
    operator_email: str,
    allow_http: bool = False,
) -> Settings:
    """Checked settings, or BootstrapRefused naming the template parameter that is wrong."""
    program_id = program_id.strip()
    if not PROGRAM_ID.match(program_id):
        raise BootstrapRefused("DefaultProgram must be 1 to 64 letters, digits, '-' or '_'")
    name = program_name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise BootstrapRefused(f"ProgramName must be 1 to {MAX_NAME_LENGTH} characters")
    currency = currency.strip().upper()
    if currencies.minor_units(currency) is None:
        raise BootstrapRefused("ProgramCurrency must be an ISO 4217 currency code such as EUR, USD or GBP")
    landing_page = landing_page.strip()
    host = (urlsplit(landing_page).hostname or "") if landing_page else ""
    domains = tuple(d.strip().lower() for d in allowed_domains_text.split(",") if d.strip()) or (
        (host,) if host else ()
    )
    try:
        rules = allowed_domains(domains)
    except ValueError as error:
        raise BootstrapRefused(
            "ProgramAllowedDomains must be hosts such as www.example.com or rules such as *.example.com, "
            f"separated by commas ({error})"
        ) from error
    try:
        landing_page = check_destination(landing_page, rules, allow_http=allow_http)
    except UnsafeDestination as error:
        raise BootstrapRefused(
            f"ProgramLandingPage must be an {'http(s)' if allow_http else 'https'} URL on one of "
            f"ProgramAllowedDomains ({error})"
        ) from error
    email = operator_email.strip().lower()
    if not EMAIL.match(email):
        raise BootstrapRefused("OperatorEmail must be an email address, e.g. you@example.com")
    return Settings(FirstProgram(program_id, name, currency, landing_page, domains), email)


def settings_from_properties(properties: dict) -> Settings:
    """Settings from the custom resource's properties (template.yaml `Bootstrap`)."""

    def text(key: str) -> str:
        value = properties.get(key, "")
        if isinstance(value, list):  # a CommaDelimitedList parameter arrives as a list
            value = ",".join(str(v) for v in value)
        if not isinstance(value, str):
            raise BootstrapRefused(f"{key} must be text")
        return value

    return settings(
        program_id=text("ProgramId"),
        program_name=text("ProgramName"),
        currency=text("ProgramCurrency"),
        landing_page=text("ProgramLandingPage"),
        allowed_domains_text=text("ProgramAllowedDomains"),
        operator_email=text("OperatorEmail"),
    )


def ensure_from_properties(properties: dict) -> dict[str, str]:
    """The custom resource's work (Create and Update alike): what `ensure` did, as the resource's Data."""
    return ensure(settings_from_properties(properties)).as_data()


def ensure(chosen: Settings, *, allow_http: bool = False, temporary_password: str | None = None) -> Outcome:
    """The program and the operator exist afterwards; nothing that existed before is changed.

    `temporary_password` is for the local stack only (its user pool sends no email); deployed,
    Cognito makes one up and emails it with the invitation.
    """
    program = ensure_program(chosen.program, allow_http=allow_http)
    operator, notes = ensure_operator(chosen.operator_email, temporary_password=temporary_password)
    migrated = secrets_migration.encrypt_plaintext_secrets()
    if migrated.encrypted:
        notes.append(f"{migrated.encrypted} HMAC secrets stored in plain text are now encrypted")
    outcome = Outcome(program, operator, notes)
    logger.info("bootstrap ensured", extra={"program_id": chosen.program.program_id, **outcome.as_data()})
    return outcome


def ensure_program(first: FirstProgram, *, allow_http: bool = False) -> str:
    """Create the program unless one with its id exists: "created" or "kept" (left untouched)."""
    program = Program(
        *Program.key(first.program_id),
        program_id=first.program_id,
        name=first.name,
        currency=first.currency,
        default_landing_url=first.landing_page,
        allowed_domains=list(first.allowed_domains),
        allow_http=allow_http,
    )
    try:
        program.save(condition=Program.pk.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return "kept"
        raise
    return "created"


def ensure_operator(email: str, *, temporary_password: str | None = None) -> tuple[str, list[str]]:
    """Invite `email` into the `admins` group unless the login exists.

    Answers "invited", "kept" (already an operator), "invitation completed" (an invitation of
    ours whose group step failed last time), or "not made an operator" with a note: an existing
    login that is not an operator is never promoted, because anyone can sign up as a partner
    with an address they guessed, and would then hold an operator's login with a password of
    their choosing.
    """
    try:
        accounts.invite_login(email, group=accounts.ADMINS_GROUP, temporary_password=temporary_password)
        return "invited", []
    except accounts.LoginExists:
        pass
    login = accounts.describe_login(email)
    decision = existing_login_decision(login)
    if decision == "invitation completed":
        accounts.add_to_group(email, accounts.ADMINS_GROUP)
    if decision == "not made an operator":
        note = f"{email} already has a login that is not an operator's; it was left as it is"
        logger.warning(note)
        return decision, [note]
    return decision, []


def existing_login_decision(login: accounts.Login) -> str:
    """What to do with a login that exists under the operator's address (pure: see ensure_operator)."""
    if accounts.ADMINS_GROUP in login.groups:
        return "kept"
    if not login.groups and login.status == "FORCE_CHANGE_PASSWORD" and login.agent_id is None:
        # Only the invitation's own email holds its temporary password, so this gives nobody else a way in.
        return "invitation completed"
    return "not made an operator"
