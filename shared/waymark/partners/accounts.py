"""Logins in the Cognito user pool: one per partner (group `partners`) or operator (group `admins`)."""

import os
from dataclasses import dataclass

from botocore.exceptions import ClientError

from waymark.core import aws

PARTNERS_GROUP = "partners"
ADMINS_GROUP = "admins"


class LoginExists(ValueError):
    """The email address already has a login (a partner's or an operator's)."""


@dataclass(frozen=True)
class Login:
    username: str  # the user pool's own name for the login (with email usernames, an opaque id)
    email: str
    status: str  # Cognito's UserStatus: FORCE_CHANGE_PASSWORD until the first login, then CONFIRMED, ...
    enabled: bool = True
    created_at: str = ""
    groups: frozenset[str] = frozenset()  # filled by describe_login
    agent_id: str | None = None


def user_pool_id() -> str:
    return os.environ["USER_POOL_ID"]


def create_login(email: str, password: str, *, group: str, agent_id: str | None = None) -> str:
    """Create a confirmed user with a permanent password; returns its `sub`."""
    cognito = aws.client("cognito-idp", background=True)
    attributes = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
    if agent_id:
        attributes.append({"Name": "custom:agent_id", "Value": agent_id})
    user = cognito.admin_create_user(
        UserPoolId=user_pool_id(), Username=email, UserAttributes=attributes, MessageAction="SUPPRESS"
    )["User"]
    cognito.admin_set_user_password(UserPoolId=user_pool_id(), Username=email, Password=password, Permanent=True)
    cognito.admin_add_user_to_group(UserPoolId=user_pool_id(), Username=email, GroupName=group)
    return next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")


def invite_login(
    email: str, *, group: str, temporary_password: str | None = None, agent_id: str | None = None
) -> Login:
    """Create a login that must choose its password at first login, in `group` (a partner's names its `agent_id`).

    Cognito emails the invitation with a temporary password it makes up. A given
    `temporary_password` is for the local stack, whose embedded user pool sends no email:
    the invitation is then not sent. Raises LoginExists.
    """
    cognito = aws.client("cognito-idp", background=True)
    request = {
        "UserPoolId": user_pool_id(),
        "Username": email,
        # The address is the one the merchant gave; the invitation proves it reaches its owner.
        "UserAttributes": [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        "DesiredDeliveryMediums": ["EMAIL"],
    }
    if agent_id:
        request["UserAttributes"].append({"Name": "custom:agent_id", "Value": agent_id})
    if temporary_password is not None:
        request.update(TemporaryPassword=temporary_password, MessageAction="SUPPRESS")
    try:
        user = cognito.admin_create_user(**request)["User"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("UsernameExistsException", "AliasExistsException"):
            raise LoginExists(email) from error
        raise
    add_to_group(user["Username"], group)
    return _login(user)


def add_to_group(username: str, group: str) -> None:
    aws.client("cognito-idp", background=True).admin_add_user_to_group(
        UserPoolId=user_pool_id(), Username=username, GroupName=group
    )


def describe_login(email: str) -> Login:
    """The login's status, groups and partner code (AdminGetUser, AdminListGroupsForUser)."""
    cognito = aws.client("cognito-idp", background=True)
    user = cognito.admin_get_user(UserPoolId=user_pool_id(), Username=email)
    groups = cognito.admin_list_groups_for_user(UserPoolId=user_pool_id(), Username=email, Limit=60)["Groups"]
    attributes = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
    return _login(
        {**user, "Attributes": user.get("UserAttributes", [])},
        groups=frozenset(g["GroupName"] for g in groups),
        agent_id=attributes.get("custom:agent_id"),
    )


def logins_in(group: str) -> list[Login]:
    """Every login of a group (ListUsersInGroup, all pages)."""
    cognito = aws.client("cognito-idp", background=True)
    found, token = [], None
    while True:
        page = cognito.list_users_in_group(
            UserPoolId=user_pool_id(), GroupName=group, Limit=60, **({"NextToken": token} if token else {})
        )
        found += [_login(user) for user in page.get("Users", [])]
        token = page.get("NextToken")
        if not token:
            return sorted(found, key=lambda login: login.email)


def delete_login(username: str) -> None:
    aws.client("cognito-idp", background=True).admin_delete_user(UserPoolId=user_pool_id(), Username=username)


def forget_partner_login(email: str, agent_id: str) -> bool:
    """Delete the login of `email` only if it is this partner's (names `agent_id`): the address of an
    agent without a login may be anyone's, an operator's included. False when there was none."""
    login = find_login(email)
    if login is None or login.agent_id != agent_id:
        return False
    try:
        delete_login(login.username)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "UserNotFoundException":
            return False
        raise
    return True


def find_login(email: str) -> Login | None:
    """describe_login, or None when the address has no login."""
    try:
        return describe_login(email)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "UserNotFoundException":
            return None
        raise


def user_pool_client_id() -> str:
    """The app client people log in through (USER_PASSWORD_AUTH)."""
    return os.environ["USER_POOL_CLIENT_ID"]


def _login(user: dict, **extra) -> Login:
    attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
    created = user.get("UserCreateDate")
    return Login(
        username=user["Username"],
        email=attributes.get("email", ""),
        status=user.get("UserStatus", ""),
        enabled=bool(user.get("Enabled", True)),
        created_at=created.isoformat() if hasattr(created, "isoformat") else str(created or ""),
        **extra,
    )
