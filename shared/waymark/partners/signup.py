"""Partner self-signup: one Cognito login and one Agent, or neither.

The login is created first because Cognito usernames are unique: of two concurrent
signups with one email, exactly one gets past AdminCreateUser and the other is told
"duplicate" before anything else is written. The agent code is chosen up front and stored
in the login (custom:agent_id), so no second Cognito update is needed. If a later step
fails, the login is deleted again.
"""

import string
from dataclasses import dataclass

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from waymark.core import aws, ids
from waymark.core.cache import TTLCache
from waymark.models import Agent, Program
from waymark.partners.accounts import PARTNERS_GROUP, user_pool_id
from waymark.partners.management import AGENT_CODE_LENGTH, create_agent

logger = Logger(child=True)

# Cognito's own list of the characters that count as symbols in a password policy.
COGNITO_SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")
MAX_PASSWORD_LENGTH = 256


class DuplicateSignup(Exception):
    """There already is a login with this email."""


class SignupRejected(ValueError):
    """The signup cannot be accepted as sent; the message is safe to show."""


@dataclass(frozen=True)
class PasswordPolicy:
    minimum_length: int = 8
    require_lowercase: bool = True
    require_uppercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True

    @classmethod
    def from_user_pool(cls, pool: dict) -> "PasswordPolicy":
        policy = pool.get("Policies", {}).get("PasswordPolicy", {})
        return cls(
            minimum_length=int(policy.get("MinimumLength", 8)),
            require_lowercase=bool(policy.get("RequireLowercase", True)),
            require_uppercase=bool(policy.get("RequireUppercase", True)),
            require_numbers=bool(policy.get("RequireNumbers", True)),
            require_symbols=bool(policy.get("RequireSymbols", True)),
        )

    def problems(self, password: str) -> list[str]:
        """What the password lacks, in words a person can act on (empty when it is acceptable)."""
        found = []
        if len(password) < self.minimum_length:
            found.append(f"at least {self.minimum_length} characters")
        if len(password) > MAX_PASSWORD_LENGTH:
            found.append(f"at most {MAX_PASSWORD_LENGTH} characters")
        if self.require_lowercase and not any(c in string.ascii_lowercase for c in password):
            found.append("a lower-case letter")
        if self.require_uppercase and not any(c in string.ascii_uppercase for c in password):
            found.append("an upper-case letter")
        if self.require_numbers and not any(c in string.digits for c in password):
            found.append("a digit")
        if self.require_symbols and not any(c in COGNITO_SYMBOLS for c in password):
            found.append("a symbol")
        if password != password.strip():
            found.append("no spaces at the start or end")
        return found

    def describe(self) -> str:
        parts = [f"at least {self.minimum_length} characters"]
        kinds = [
            label
            for wanted, label in (
                (self.require_lowercase, "a lower-case letter"),
                (self.require_uppercase, "an upper-case letter"),
                (self.require_numbers, "a digit"),
                (self.require_symbols, "a symbol"),
            )
            if wanted
        ]
        return ", ".join(parts + kinds)


POLICY_TTL_SECONDS = 3600.0
_policies: TTLCache[PasswordPolicy] = TTLCache(POLICY_TTL_SECONDS, max_entries=4)


def password_policy() -> PasswordPolicy:
    """The user pool's password policy (DescribeUserPool), cached for an hour in the warm container."""
    pool_id = user_pool_id()

    def load() -> PasswordPolicy:
        pool = aws.client("cognito-idp").describe_user_pool(UserPoolId=pool_id)["UserPool"]
        return PasswordPolicy.from_user_pool(pool)

    return _policies.get_or_load(pool_id, load)


def sign_up(
    program: Program,
    *,
    name: str,
    email: str,
    password: str,
    website: str | None,
    partner_type: str,
) -> Agent:
    """Create the partner's login and agent. Raises DuplicateSignup or SignupRejected; AWS errors pass through."""
    email = email.strip().lower()
    problems = password_policy().problems(password)
    if problems:
        raise SignupRejected("the password needs " + ", ".join(problems))
    agent_id = ids.new_code(AGENT_CODE_LENGTH)
    sub = _create_login(email, password, agent_id)
    try:
        return create_agent(
            program,
            name=name,
            email=email,
            website=website,
            partner_type=partner_type,
            agent_id=agent_id,
            cognito_sub=sub,
        )
    except Exception:
        _delete_login(email)
        raise


def _create_login(email: str, password: str, agent_id: str) -> str:
    cognito = aws.client("cognito-idp")
    pool = user_pool_id()
    try:
        user = cognito.admin_create_user(
            UserPoolId=pool,
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "custom:agent_id", "Value": agent_id},
            ],
            MessageAction="SUPPRESS",
        )["User"]
    except ClientError as error:
        if _code(error) in ("UsernameExistsException", "AliasExistsException"):
            raise DuplicateSignup(email) from error
        if _code(error) == "InvalidParameterException":
            raise SignupRejected("this email address cannot be used") from error
        raise
    try:
        cognito.admin_set_user_password(UserPoolId=pool, Username=email, Password=password, Permanent=True)
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=email, GroupName=PARTNERS_GROUP)
    except Exception as error:
        _delete_login(email)
        if isinstance(error, ClientError) and _code(error) == "InvalidPasswordException":
            raise SignupRejected("the password does not meet the password policy") from error
        raise
    return next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")


def _delete_login(email: str) -> None:
    """Undo a half-made signup. Patient retries: leaving the login behind would block the email."""
    try:
        aws.client("cognito-idp", background=True).admin_delete_user(UserPoolId=user_pool_id(), Username=email)
    except (ClientError, BotoCoreError):
        logger.exception("could not delete the login of a failed signup; delete it by hand", extra={"email": email})


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")
