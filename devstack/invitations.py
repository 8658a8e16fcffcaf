"""Cognito's invitation emails, locally.

Deployed, `AdminCreateUser` without a temporary password makes one up and emails it with the user
pool's `InviteMessageTemplate` (an operator invited from the console, docs/operators.md). moto
makes none and sends nothing, so a login invited on the local stack could never log in. Here the
embedded user pool makes one up as Cognito does, and keeps the invitation it would have emailed:
`/_local/mail` lists it beside the emails SES accepted (devstack/control.py).

An invitation the caller suppresses (`MessageAction=SUPPRESS`, with the password it chose: the
bootstrap and the demo seed) is neither changed nor kept, as in Cognito.
"""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime
from typing import Any

# What Cognito writes when the pool has no template of its own.
_DEFAULT_SUBJECT = "Your temporary password"
_DEFAULT_MESSAGE = "Your username is {username} and temporary password is {####}."
_sent: list[dict[str, Any]] = []
_lock = threading.Lock()
_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.cognitoidp.models import CognitoIdpBackend

    create = CognitoIdpBackend.admin_create_user

    def admin_create_user(self, user_pool_id, username, message_action, temporary_password, attributes):
        emailed = message_action != "SUPPRESS" and not temporary_password
        if emailed:
            temporary_password = _temporary_password()
        user = create(self, user_pool_id, username, message_action, temporary_password, attributes)
        if emailed:
            _keep(self.describe_user_pool(user_pool_id), user, temporary_password)
        return user

    CognitoIdpBackend.admin_create_user = admin_create_user
    _applied = True


def sent() -> list[dict[str, Any]]:
    """The invitations the user pool would have emailed, newest first, as `/_local/mail` lists messages."""
    with _lock:
        return list(reversed(_sent))


def _temporary_password() -> str:
    # Like Cognito's: random, and within the pool's policy (length, lower and upper case, digit).
    return f"Invite-{secrets.token_hex(5)}A1"


def _keep(pool, user, temporary_password: str) -> None:
    template = pool.extended_config.get("AdminCreateUserConfig", {}).get("InviteMessageTemplate", {})
    email = next((a["Value"] for a in user.attributes if a["Name"] == "email"), user.username)
    text = (template.get("EmailMessage") or _DEFAULT_MESSAGE).replace("{####}", temporary_password)
    with _lock:
        _sent.append(
            {
                "id": f"invitation-{len(_sent) + 1}",
                "to": email,
                "from": "Cognito (the user pool's invitation)",
                "subject": template.get("EmailSubject") or _DEFAULT_SUBJECT,
                "headers": {"Date": datetime.now(UTC).isoformat(timespec="seconds")},
                "html": None,
                "text": text.replace("{username}", email),
            }
        )
