"""Logins in the Cognito user pool: one per partner (group `partners`) or operator (group `admins`)."""

import os

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
