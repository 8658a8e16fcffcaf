"""The console's operators: logins in the Cognito group `admins`, invited by email, never fewer than one.

Operators are the deployment's, not one program's; their changes are recorded in the change record
of the program the console is showing.
"""

from waymark import wording
from waymark.models import ChangeRecord
from waymark.partners import accounts, mfa
from waymark.programs import changes


class OperatorNotFound(LookupError):
    pass


class LastOperator(ValueError):
    """Removing this login would leave nobody who can run the console."""


class OwnAuthenticator(ValueError):
    """An operator cannot reset its own authenticator app: the reset is another person's check."""


def operators() -> list[accounts.Login]:
    return accounts.logins_in(accounts.ADMINS_GROUP)


def invite_operator(email: str, *, by: str, program_id: str) -> accounts.Login:
    """A new operator login; Cognito emails the temporary password. LoginExists if the address has a login."""
    login = accounts.invite_login(email, group=accounts.ADMINS_GROUP)
    _save(changes.record(program_id, by=by, subject=f"operator:{email}", action="invite", before=None, after={
        "email": email, "group": accounts.ADMINS_GROUP
    }))  # fmt: skip
    return login


def remove_operator(username: str, *, by: str, program_id: str) -> accounts.Login:
    """Delete an operator's login, unless it is the last one (two removals at once can still race: see docs)."""
    current = operators()
    login = next((found for found in current if found.username == username), None)
    if login is None:
        raise OperatorNotFound(username)
    if len(current) <= 1:
        raise LastOperator(wording.LAST_OPERATOR())
    accounts.delete_login(username)
    _save(changes.record(program_id, by=by, subject=f"operator:{login.email}", action="remove", before={
        "email": login.email, "group": accounts.ADMINS_GROUP
    }, after=None))  # fmt: skip
    return login


def reset_authenticator(username: str, *, by: str, by_username: str, program_id: str) -> accounts.Login:
    """Turn an operator's TOTP off (a lost device): its next login sets up a new authenticator app.

    Only another operator may: whoever holds a session of this login cannot drop its second step.
    """
    login = next((found for found in operators() if found.username == username), None)
    if login is None:
        raise OperatorNotFound(username)
    if username == by_username:
        raise OwnAuthenticator(wording.OWN_AUTHENTICATOR())
    mfa.turn_off(username)
    _save(changes.record(program_id, by=by, subject=f"operator:{login.email}", action="reset_authenticator",
        before={"authenticator_app": "set up or pending"}, after={"authenticator_app": "none: set up at next login"}
    ))  # fmt: skip
    return login


def _save(entry: ChangeRecord) -> None:
    # Cognito and DynamoDB share no transaction: the login changes first, then its record is written.
    entry.save(condition=ChangeRecord.sk.does_not_exist())
