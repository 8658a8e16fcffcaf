"""Advertisers: who reports conversions for a program, and the secrets they prove it with.

Credentials are a postback token ("<advertiser id>.<secret>", stored only as its SHA-256) and an
HMAC secret for signed postbacks (stored encrypted: waymark.conversions.advertiser_secrets). Both
are shown once, when made. Rotating makes new ones; the
previous pair keeps working until `previous_valid_until` (a grace period the operator chooses,
so the merchant can switch without losing postbacks), then is refused. Every change an operator
makes is recorded (waymark.programs.changes) in the same transaction, without the secrets.
"""

import hashlib
import hmac
import secrets
import time
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger
from pynamodb.constants import NONE
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from waymark import catalog, wording
from waymark.conversions import advertiser_secrets
from waymark.conversions.vocabulary import AdvertiserStatus
from waymark.core.times import iso, utcnow
from waymark.models import Advertiser, Program, advertisers_listing, connection
from waymark.programs import changes

logger = Logger(child=True)

MAX_GRACE_HOURS = 720
# What an operator may see and change; never the credentials.
PUBLIC_FIELDS = ("name", "program_id", "allowed_cidrs", "status")
# What the console reads of an advertiser's item: never the HMAC secrets. The roles serving the
# portal and the API may read no more (dynamodb:Attributes in template.yaml). token_sha256 is a
# hash of a random token, read only to make a rotation conditional on the pair it replaces.
CONSOLE_ATTRIBUTES = (
    "pk",
    "sk",
    "advertiser_id",
    "program_id",
    "name",
    "allowed_cidrs",
    "status",
    "token_sha256",
    "previous_valid_until",
    "created_at",
    "updated_at",
    "listed_in",
)


class AdvertiserNotFound(LookupError):
    pass


class AdvertiserExists(ValueError):
    pass


class RotationConflict(RuntimeError):
    """Someone else rotated the credentials at the same moment: their new pair stands."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def advertiser_id_of(token: str) -> str | None:
    """Tokens read "<advertiser id>.<secret>", so a pixel URL needs no other parameter."""
    advertiser_id, dot, secret = token.partition(".")
    return advertiser_id if dot and advertiser_id and secret else None


def in_grace(advertiser: Advertiser, now: float) -> bool:
    """Whether the credentials from before the last rotation are still accepted at `now` (epoch seconds)."""
    until = advertiser.previous_valid_until
    return until is not None and now < float(until)


def token_matches(advertiser: Advertiser, token: str, now: float | None = None) -> bool:
    digest = token_digest(token)
    if hmac.compare_digest(advertiser.token_sha256, digest):
        return True
    previous = advertiser.previous_token_sha256
    moment = time.time() if now is None else now
    return bool(previous) and in_grace(advertiser, moment) and hmac.compare_digest(previous, digest)


def hmac_secrets(advertiser: Advertiser, now: float) -> list[str]:
    """The HMAC secrets a signature may be made with at `now`: the current one, and the previous within grace.

    A stored secret that does not decrypt for this advertiser (copied from another item) is left out.
    """
    stored = [advertiser.hmac_secret]
    if advertiser.previous_hmac_secret and in_grace(advertiser, now):
        stored.append(advertiser.previous_hmac_secret)
    found = (advertiser_secrets.decrypt(advertiser.advertiser_id, value) for value in stored)
    return [secret for secret in found if secret is not None]


def public_fields(advertiser: Advertiser) -> dict[str, Any]:
    return {
        "name": advertiser.name,
        "program_id": advertiser.program_id,
        "allowed_cidrs": list(advertiser.allowed_cidrs or []),
        "status": advertiser.status,
    }


def _new_credentials(advertiser_id: str) -> tuple[str, str]:
    return f"{advertiser_id}.{secrets.token_urlsafe(24)}", secrets.token_urlsafe(32)


def create_advertiser(
    program: Program,
    advertiser_id: str,
    name: str,
    *,
    allowed_cidrs: list[str] | None = None,
    by: str = "system",
) -> tuple[Advertiser, str, str]:
    """Store a new advertiser; returns it with its postback token and HMAC secret (shown once, never stored as such)."""
    token, hmac_secret = _new_credentials(advertiser_id)
    now = iso(utcnow())
    advertiser = Advertiser(
        *Advertiser.key(advertiser_id),
        advertiser_id=advertiser_id,
        program_id=program.program_id,
        name=name,
        token_sha256=token_digest(token),
        hmac_secret=advertiser_secrets.encrypt(advertiser_id, hmac_secret),
        test_hmac_secret=_new_test_secret(advertiser_id),
        allowed_cidrs=allowed_cidrs or [],
        created_at=now,
        updated_at=now,
        listed_in=advertisers_listing(program.program_id),
    )
    entry = changes.record(
        program.program_id,
        by=by,
        subject=f"advertiser:{advertiser_id}",
        action="create",
        before=None,
        after=public_fields(advertiser),
    )
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(advertiser, condition=Advertiser.pk.does_not_exist())
            transaction.save(entry)
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":
            raise AdvertiserExists(advertiser_id) from error
        raise
    return advertiser, token, hmac_secret


def get_advertiser(advertiser_id: str) -> Advertiser:
    """The advertiser as the console sees it (CONSOLE_ATTRIBUTES: no secrets)."""
    try:
        return Advertiser.get(
            *Advertiser.key(advertiser_id), consistent_read=True, attributes_to_get=list(CONSOLE_ATTRIBUTES)
        )
    except Advertiser.DoesNotExist as error:
        raise AdvertiserNotFound(advertiser_id) from error


# What the console's test conversion reads: enough to sign a test postback, never a real secret.
TEST_SIGNING_ATTRIBUTES = ("pk", "sk", "advertiser_id", "program_id", "status", "test_hmac_secret")


def test_signing_advertiser(advertiser_id: str) -> tuple[Advertiser, str]:
    """The advertiser and its test secret, decrypted, for the console's test conversion.

    An advertiser made before test secrets gets one here, written only if still absent, so two
    first tests at once agree on one secret."""
    advertiser = _test_signing(advertiser_id)
    if advertiser.test_hmac_secret is None:
        try:
            Advertiser._get_connection().update_item(
                *Advertiser.key(advertiser_id),
                actions=[Advertiser.test_hmac_secret.set(_new_test_secret(advertiser_id))],
                condition=Advertiser.pk.exists() & Advertiser.test_hmac_secret.does_not_exist(),
                return_values=NONE,
            )
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
        advertiser = _test_signing(advertiser_id)
    stored = advertiser.test_hmac_secret
    secret = (
        advertiser_secrets.decrypt(advertiser_id, stored, purpose=advertiser_secrets.TEST_PURPOSE) if stored else None
    )
    if secret is None:
        raise AdvertiserNotFound(advertiser_id)
    return advertiser, secret


def test_hmac_secret(advertiser: Advertiser) -> str | None:
    """The advertiser's test secret, decrypted (postback side), or None when it has none that decrypts."""
    stored = advertiser.test_hmac_secret
    if not stored:
        return None
    return advertiser_secrets.decrypt(advertiser.advertiser_id, stored, purpose=advertiser_secrets.TEST_PURPOSE)


def _test_signing(advertiser_id: str) -> Advertiser:
    try:
        return Advertiser.get(
            *Advertiser.key(advertiser_id), consistent_read=True, attributes_to_get=list(TEST_SIGNING_ATTRIBUTES)
        )
    except Advertiser.DoesNotExist as error:
        raise AdvertiserNotFound(advertiser_id) from error


def _new_test_secret(advertiser_id: str) -> str:
    return advertiser_secrets.encrypt(advertiser_id, secrets.token_urlsafe(32), purpose=advertiser_secrets.TEST_PURPOSE)


def advertisers_of(program_id: str) -> list[Advertiser]:
    """A program's advertisers, by id: a Query on listing-index (advertisers are few; no paging)."""
    return list(
        Advertiser.by_listing.query(advertisers_listing(program_id), attributes_to_get=list(CONSOLE_ATTRIBUTES))
    )


def update_advertiser(advertiser_id: str, values: dict[str, Any], *, by: str) -> Advertiser:
    """Change name, allowed_cidrs or status (validated already); recorded, nothing written when nothing changes."""
    unknown = set(values) - {"name", "allowed_cidrs", "status"}
    if unknown:
        raise ValueError(
            wording.FIELDS_NOT_CHANGEABLE(fields=", ".join(sorted(unknown)), allowed="name, allowed_cidrs, status")
        )
    if "status" in values and values["status"] not in set(AdvertiserStatus):
        raise ValueError(wording.ONE_OF(name="status", choices=", ".join(AdvertiserStatus)))
    advertiser = get_advertiser(advertiser_id)
    before, after = changes.diff(public_fields(advertiser), {**public_fields(advertiser), **values})
    if not after:
        return advertiser
    actions: list[Action] = [Advertiser.updated_at.set(iso(utcnow()))]
    actions += [getattr(Advertiser, name).set(value) for name, value in after.items()]
    action = "disable" if after.get("status") == AdvertiserStatus.DISABLED else "update"
    entry = changes.record(
        advertiser.program_id, by=by, subject=f"advertiser:{advertiser_id}", action=action, before=before, after=after
    )
    with TransactWrite(connection=connection()) as transaction:
        transaction.update(advertiser, actions=actions, condition=Advertiser.pk.exists())
        transaction.save(entry)
    catalog.forget_advertiser(advertiser_id)
    return get_advertiser(advertiser_id)


def rotate_credentials(
    advertiser_id: str, *, grace_hours: int, by: str, now: datetime | None = None
) -> tuple[Advertiser, str, str]:
    """New token and HMAC secret (returned once); the current pair stays valid `grace_hours` more, then is refused.

    A rotation during a grace period ends the older pair at once: only one previous pair is kept.
    The advertiser's id leaves the program's token_exposed_by, since the leaked token is replaced.
    """
    if not 0 <= grace_hours <= MAX_GRACE_HOURS:
        raise ValueError(wording.GRACE_HOURS(maximum=MAX_GRACE_HOURS))
    moment = now or utcnow()
    advertiser = get_advertiser(advertiser_id)
    token, hmac_secret = _new_credentials(advertiser_id)
    actions: list[Action] = [
        Advertiser.token_sha256.set(token_digest(token)),
        Advertiser.hmac_secret.set(advertiser_secrets.encrypt(advertiser_id, hmac_secret)),
        Advertiser.updated_at.set(iso(moment)),
    ]
    if grace_hours:
        actions += [
            Advertiser.previous_token_sha256.set(advertiser.token_sha256),
            # Copied inside DynamoDB: the console never reads a secret, not even encrypted.
            Advertiser.previous_hmac_secret.set(Advertiser.hmac_secret),
            Advertiser.previous_valid_until.set(int(moment.timestamp()) + grace_hours * 3600),
        ]
    else:
        actions += [
            Advertiser.previous_token_sha256.remove(),
            Advertiser.previous_hmac_secret.remove(),
            Advertiser.previous_valid_until.remove(),
        ]
    # Read now, not from the lookup cache: the pixel may have flagged the token a moment ago elsewhere.
    try:
        flagged = Program.get(*Program.key(advertiser.program_id), consistent_read=True).token_exposed_by or set()
    except Program.DoesNotExist:
        flagged = set()
    exposed = advertiser_id in flagged
    entry = changes.record(
        advertiser.program_id,
        by=by,
        subject=f"advertiser:{advertiser_id}",
        action="rotate",
        before={"token_exposed": True} if exposed else None,  # a flag, not a token  # nosec B105
        after={"grace_hours": grace_hours},
        now=moment,
    )
    try:
        with TransactWrite(connection=connection()) as transaction:
            # Conditional on the credentials read, so two rotations at once cannot both hand out a pair.
            transaction.update(
                advertiser, actions=actions, condition=Advertiser.token_sha256 == advertiser.token_sha256
            )
            if exposed:
                transaction.update(
                    Program(*Program.key(advertiser.program_id)),
                    actions=[Program.token_exposed_by.delete({advertiser_id})],
                    condition=Program.pk.exists(),
                )
            transaction.save(entry)
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":
            raise RotationConflict(advertiser_id) from error
        raise
    catalog.forget_advertiser(advertiser_id)
    catalog.forget_program(advertiser.program_id)
    return get_advertiser(advertiser_id), token, hmac_secret


def flag_exposed_token(advertiser: Advertiser) -> None:
    """Mark on the program that this advertiser's postback token was seen in public (sent to the pixel).

    The console shows the flag until the token is rotated. Best effort: the pixel still answers if
    the write fails, and the next hit with the leaked token tries again.
    """
    pk, sk = Program.key(advertiser.program_id)
    try:
        # ReturnValues NONE, not Model.update's ALL_NEW: the role may write (and so read back) only
        # this one attribute of a program (dynamodb:Attributes in template.yaml).
        Program._get_connection().update_item(
            pk,
            sk,
            actions=[Program.token_exposed_by.add({advertiser.advertiser_id})],
            condition=Program.pk.exists(),
            return_values=NONE,
        )
    except UpdateError as error:
        logger.warning("could not flag the exposed token", extra={"error": str(error)})
