"""Logins in the Cognito user pool: one per partner (group `partners`) or operator (group `admins`)."""

import os
from dataclasses import dataclass

from waymark.core import aws

PARTNERS_GROUP = "partners"
ADMINS_GROUP = "admins"


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


class LoginExists(ValueError):
    """The email address already has a login (a partner's or an operator's)."""


@dataclass(frozen=True)
class Login:
    username: str  # the user pool's own name for the login (with email usernames, an opaque id)
    email: str
    status: str  # Cognito's UserStatus: FORCE_CHANGE_PASSWORD until the first login, then CONFIRMED
    enabled: bool
    created_at: str


def invite_login(email: str, *, group: str) -> Login:
    """Create a login that Cognito invites by email (a temporary password to change at first login)."""
    cognito = aws.client("cognito-idp", background=True)
    attributes = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
    try:
        user = cognito.admin_create_user(
            UserPoolId=user_pool_id(), Username=email, UserAttributes=attributes, DesiredDeliveryMediums=["EMAIL"]
        )["User"]
    except cognito.exceptions.UsernameExistsException as error:
        raise LoginExists(email) from error
    cognito.admin_add_user_to_group(UserPoolId=user_pool_id(), Username=user["Username"], GroupName=group)
    return _login(user)


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


def _login(user: dict) -> Login:
    attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
    created = user.get("UserCreateDate")
    return Login(
        username=user["Username"],
        email=attributes.get("email", ""),
        status=user.get("UserStatus", ""),
        enabled=bool(user.get("Enabled", True)),
        created_at=created.isoformat() if hasattr(created, "isoformat") else str(created or ""),
    )
