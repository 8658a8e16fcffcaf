"""Partner self-signup: one Cognito login and one Agent, or neither; then the address is proven.

The login is created first because Cognito usernames are unique: of two concurrent
signups with one email, exactly one gets past AdminCreateUser and the other is treated as a
known address before anything else is written. The agent code is chosen up front and stored
in the login (custom:agent_id), so no second Cognito update is needed. If a later step
fails, the login is deleted again.

A known address (a partner's or an operator's login) gets the same answer as a new one and
nothing happens to it: no login, no agent, no email (docs/security.md "Signup and enumeration").

An address signed up but never confirmed is not held for ever: after RECLAIM_AFTER a new
signup with it takes that login over (its password, the applicant's details, a new code to
the address), so nobody can keep an address from its owner by signing it up first.

A new partner starts unverified: its email address is not verified in Cognito and its agent
is in no index an operator reads. Cognito emails a code (GetUserAttributeVerificationCode,
with the partner's own access token, so only someone who knows the password can ask for one);
VerifyUserAttribute with that code makes the address verified, and only then does the agent
become pending (or active, where the program approves automatically).
"""

import string
from dataclasses import dataclass
from datetime import timedelta

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.constants import NONE
from pynamodb.exceptions import UpdateError

from waymark import catalog, wording
from waymark.core import aws, ids
from waymark.core.cache import TTLCache
from waymark.core.times import iso, utcnow
from waymark.models import Agent, Program
from waymark.partners.accounts import PARTNERS_GROUP, user_pool_client_id, user_pool_id
from waymark.partners.management import AGENT_CODE_LENGTH, create_agent
from waymark.partners.vocabulary import PartnerStatus

logger = Logger(child=True)

# Cognito's own list of the characters that count as symbols in a password policy.
COGNITO_SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")
MAX_PASSWORD_LENGTH = 256


class SignupRejected(ValueError):
    """The signup cannot be accepted as sent; the message is safe to show."""


class VerificationFailed(ValueError):
    """The email, password or code is not right (which one is not said); the message is safe to show."""


class TooManyCodes(ValueError):
    """Cognito refuses more codes or attempts for this login for now; the message is safe to show."""


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


RECLAIM_AFTER = timedelta(hours=24)
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
) -> Agent | None:
    """Create the partner's login and unverified agent and email the code; None for a known address.

    Raises SignupRejected (the same for known and new addresses: it depends on the request only);
    AWS errors pass through. The caller answers the same whether an agent or None comes back.
    """
    email = email.strip().lower()
    problems = password_policy().problems(password)
    if problems:
        raise SignupRejected(wording.SIGNUP_PASSWORD_NEEDS(rules=", ".join(problems)))
    agent_id = ids.new_code(AGENT_CODE_LENGTH)
    sub = _create_login(email, password, agent_id)
    if sub is None:
        reclaimed = _reclaim(program, email, password, name=name, website=website, partner_type=partner_type)
        if reclaimed is None:
            logger.info("signup for an address that already has a login; nothing done")
        return reclaimed
    try:
        agent = create_agent(
            program,
            name=name,
            email=email,
            website=website,
            partner_type=partner_type,
            status=PartnerStatus.UNVERIFIED,
            agent_id=agent_id,
            cognito_sub=sub,
            # The partner ticked "I accept" beside a link to this page (the request says it did).
            terms_accepted_at=iso(utcnow()),
            terms_url=program.terms_url,
        )
    except Exception:
        _delete_login(email)
        raise
    try:
        _send_code(_access_token(email, password))
    except (ClientError, BotoCoreError, VerificationFailed, TooManyCodes):
        # The login and agent stand; the partner asks for the code again on the verify page.
        logger.exception("could not send the signup's verification code")
    return agent


def _reclaim(program: Program, email: str, password: str, **details) -> Agent | None:
    """Take over a login that was signed up long ago and never confirmed; None for any other login."""
    cognito = aws.client("cognito-idp")
    pool = user_pool_id()
    try:
        user = cognito.admin_get_user(UserPoolId=pool, Username=email)
    except ClientError as error:
        if _code(error) == "UserNotFoundException":
            return None  # deleted meanwhile: treated as known this once
        raise
    attributes = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
    created = user.get("UserCreateDate")
    agent_id = attributes.get("custom:agent_id")
    if attributes.get("email_verified") == "true" or not agent_id or created is None:
        return None
    if utcnow() - created < RECLAIM_AFTER:
        return None
    try:
        agent = Agent.get(agent_id, consistent_read=True)
    except Agent.DoesNotExist:
        return None
    if agent.status != PartnerStatus.UNVERIFIED or agent.program_id != program.program_id:
        return None
    now = iso(utcnow())
    try:
        # Conditional on still being unverified, before the password changes: a confirmation that
        # lands meanwhile keeps its login.
        Agent._get_connection().update_item(
            agent_id,
            actions=[
                Agent.name.set(details["name"]),
                Agent.website.set(details["website"]) if details["website"] else Agent.website.remove(),
                Agent.partner_type.set(details["partner_type"]),
                Agent.terms_accepted_at.set(now),
                Agent.terms_url.set(program.terms_url) if program.terms_url else Agent.terms_url.remove(),
                Agent.updated_at.set(now),
            ],
            condition=Agent.status == PartnerStatus.UNVERIFIED,
            return_values=NONE,
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    cognito.admin_set_user_password(UserPoolId=pool, Username=email, Password=password, Permanent=True)
    cognito.admin_user_global_sign_out(UserPoolId=pool, Username=email)  # the earlier signer's tokens end
    logger.info("an unconfirmed signup was taken over by a new signup with its address")
    try:
        _send_code(_access_token(email, password))
    except (ClientError, BotoCoreError, VerificationFailed, TooManyCodes):
        logger.exception("could not send the signup's verification code")
    catalog.forget_agent(agent_id)
    return Agent.get(agent_id, consistent_read=True)


def send_code_again(email: str, password: str) -> None:
    """Email a new code to an unverified login. Raises VerificationFailed or TooManyCodes."""
    _send_code(_access_token(email.strip().lower(), password))


def verify_email(email: str, password: str, code: str) -> Agent:
    """Check Cognito's code; the partner then waits for an operator (or is active). Raises VerificationFailed."""
    token = _access_token(email.strip().lower(), password)
    cognito = aws.client("cognito-idp")
    try:
        cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code.strip())
    except ClientError as error:
        if _code(error) in ("CodeMismatchException", "ExpiredCodeException", "InvalidParameterException"):
            raise VerificationFailed(_WRONG) from error
        if _code(error) in ("LimitExceededException", "TooManyRequestsException", "TooManyFailedAttemptsException"):
            raise TooManyCodes(wording.SIGNUP_TOO_MANY_ATTEMPTS()) from error
        raise
    user = cognito.get_user(AccessToken=token)
    agent_id = next((a["Value"] for a in user["UserAttributes"] if a["Name"] == "custom:agent_id"), None)
    if agent_id is None:
        raise VerificationFailed(_WRONG)  # an operator's login: verified, but there is no applicant
    return _confirm_agent(agent_id)


_WRONG = wording.SIGNUP_WRONG()


def _confirm_agent(agent_id: str) -> Agent:
    """unverified -> pending (or active where the program approves automatically); a no-op afterwards."""
    agent = Agent.get(agent_id, consistent_read=True)
    if agent.status != PartnerStatus.UNVERIFIED:
        return agent
    program = catalog.program(agent.program_id)
    target = PartnerStatus.ACTIVE if program is not None and program.auto_approve else PartnerStatus.PENDING
    now = iso(utcnow())
    try:
        # ReturnValues NONE, not Model.update's ALL_NEW: the role may write (and so read back) only
        # these attributes of a partner (dynamodb:Attributes in template.yaml).
        Agent._get_connection().update_item(
            agent_id,
            actions=[
                Agent.status.set(target),
                Agent.status_created.set(f"{target}#{agent.created_at}"),
                Agent.email_verified_at.set(now),
                Agent.updated_at.set(now),
            ],
            condition=Agent.status == PartnerStatus.UNVERIFIED,
            return_values=NONE,
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return Agent.get(agent_id, consistent_read=True)  # confirmed meanwhile by a second submit
    catalog.forget_agent(agent_id)
    agent.set_status(target)
    agent.email_verified_at = agent.updated_at = now
    return agent


def _access_token(email: str, password: str) -> str:
    """The login's own access token: Cognito sends and checks email codes only for the login itself."""
    try:
        result = aws.client("cognito-idp").initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=user_pool_client_id(),
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
    except ClientError as error:
        if _code(error) in ("NotAuthorizedException", "UserNotFoundException", "UserNotConfirmedException"):
            raise VerificationFailed(_WRONG) from error
        if _code(error) in ("TooManyRequestsException", "LimitExceededException"):
            raise TooManyCodes(wording.SIGNUP_TOO_MANY_ATTEMPTS()) from error
        raise
    if "AuthenticationResult" not in result:
        raise VerificationFailed(_WRONG)  # an invited login's temporary password: not a signup
    return result["AuthenticationResult"]["AccessToken"]


def _send_code(access_token: str) -> None:
    try:
        aws.client("cognito-idp").get_user_attribute_verification_code(AccessToken=access_token, AttributeName="email")
    except ClientError as error:
        if _code(error) in ("LimitExceededException", "TooManyRequestsException", "CodeDeliveryFailureException"):
            raise TooManyCodes(wording.SIGNUP_NO_MORE_CODES()) from error
        raise


def _create_login(email: str, password: str, agent_id: str) -> str | None:
    """The new login's sub, or None when the address has a login already (nothing is changed then)."""
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
            return None
        if _code(error) == "InvalidParameterException":
            raise SignupRejected(wording.SIGNUP_EMAIL_UNUSABLE()) from error
        raise
    try:
        cognito.admin_set_user_password(UserPoolId=pool, Username=email, Password=password, Permanent=True)
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=email, GroupName=PARTNERS_GROUP)
    except Exception as error:
        _delete_login(email)
        if isinstance(error, ClientError) and _code(error) == "InvalidPasswordException":
            raise SignupRejected(wording.SIGNUP_PASSWORD_POLICY()) from error
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
