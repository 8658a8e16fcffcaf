"""The daily remarketing job: every send due today (and a short catch-up), through SES, once.

Exactly-once design, per send item:
1. read it from the sparse due-index (only sends still to do are there: no scan, no re-reads);
2. render it (no side effects; a template problem marks it skipped);
3. skip it if its address is suppressed (one consistent BatchGetItem per page of due items
   looks up the page's addresses; only suppressed ones come back), else claim it: a conditional
   update sets status pending -> sending under this run's claim id. A re-run the same day or a
   concurrent run loses the condition and moves on;
4. send it through SES v2 (raw MIME, so we control the unsubscribe headers), paced to the
   account's MaxSendRate, backing off on throttling;
   At most one email per address per day: the claimed send takes along the address's other
   sends due by today (found on email-index, claimed the same way) and merges their offers
   into its email; then a per-address-per-day mark is written conditionally. When the mark
   exists already (the address had today's email, from another program or before a booking
   planned later), the sends move to tomorrow;
5. mark it sent (removing it from the index and dropping the address), the merged ones merged. An SES error that
   proves nothing was sent (throttling, quota, 5xx) hands the claim back; a send whose outcome
   is unknown (timeout after the request left) is marked uncertain and never repeated:
   at most once, never twice.

The job stops when the Lambda has less than STOP_MARGIN_MS left and asks for a continuation
(a message on RemarketingContinueQueue, which invokes this function again); the rest is still
pending in the index, so the continuation simply reads on.
"""

import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from aws_lambda_powertools import Logger
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from waymark import catalog
from waymark.core import aws
from waymark.core.times import iso, utcnow
from waymark.mail import log as mail_log
from waymark.mail.log import MailEvent
from waymark.models import DailyEmailMark, RemarketingSend, Suppression, as_dict
from waymark.remarketing import render, rules, store
from waymark.remarketing.planner import epoch
from waymark.remarketing.tokens import OfferLink, UnsubscribeLink
from waymark.remarketing.vocabulary import SendStatus

logger = Logger(child=True)

STOP_MARGIN_MS = 30_000  # one SES call and one DynamoDB update fit comfortably in this
CATCH_UP_DAYS = 2  # sends of the last days still pending (planned after that day's run) go out too
PAGE_SIZE = 50  # also bounds how long an unsubscribe can go unseen by a running job (one page)
STALE_CLAIM = timedelta(minutes=20)  # longer than any run: a claim this old was interrupted
MAX_THROTTLE_RETRIES = 4
MAX_BACKOFF_SECONDS = 20.0
MAX_MERGED = 9  # other bookings one email may take along; more wait for the next days
MARK_KEEP_DAYS = 3  # a daily mark outlives the catch-up window, then expires (TTL)
MAX_GENERATIONS = 48  # continuations per day, a guard against a run that cannot progress
THROTTLE_CONTINUE_DELAY = 60  # seconds before a continuation after persistent throttling

_THROTTLING = {"TooManyRequestsException", "Throttling", "ThrottlingException"}
# The account cannot send now; nothing was sent; tomorrow's catch-up (or a fix) resumes.
_ACCOUNT_STOPS = {
    "LimitExceededException": "quota",
    "SendingPausedException": "paused",
    "AccountSuspendedException": "paused",
    "MailFromDomainNotVerifiedException": "paused",
    "SenderRejected": "paused",
}


class Clock:
    """Monotonic time and sleep; tests substitute a virtual clock so pacing costs no real time."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


CLOCK = Clock()


class Pacer:
    """At most `rate` sends a second; halves the rate on throttling (never below MIN_RATE)."""

    MIN_RATE = 0.2

    def __init__(self, rate: float, clock: Clock) -> None:
        self.rate = max(rate, self.MIN_RATE)
        self.clock = clock
        self._next = clock.now()

    def wait(self) -> None:
        now = self.clock.now()
        if self._next > now:
            self.clock.sleep(self._next - now)
            now = self._next
        self._next = now + 1.0 / self.rate

    def slow_down(self) -> None:
        slower = max(self.rate / 2, self.MIN_RATE)
        self._next += 1.0 / slower - 1.0 / self.rate  # the wider gap applies from the last send on
        self.rate = slower


@dataclass
class RunSummary:
    """What one run did; returned by the handler and emitted as metrics (the bench reads it)."""

    date: str
    generation: int = 0
    items_read: int = 0  # send items read from the due-index
    config_items_read: int = 0  # program + remarketing configuration items loaded for this run
    suppression_lookups: int = 0  # keys looked up by BatchGetItem (only suppressed ones are items read)
    merge_lookups: int = 0  # the customer's other send items looked up to merge into one email
    sent: int = 0
    suppressed: int = 0
    skipped: int = 0
    failed: int = 0
    uncertain: int = 0
    merged: int = 0  # sends whose offers went out in another booking's email the same day
    postponed: int = 0  # the address already had today's email: due tomorrow instead
    busy: int = 0  # claimed by another run, or already done (index lag)
    throttled: int = 0  # SES throttling answers (each retried or handed back)
    send_rate: float = 0.0
    stopped: str | None = None  # time | throttled | quota | paused | unavailable
    continued: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Settings:
    sender: str
    public_url: str
    unsubscribe_mailto: str | None
    continue_queue_url: str | None
    configuration_set: str | None = None  # whose events feed the send log (waymark.mail.ses_events)

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            sender=os.environ.get("SES_SENDER", ""),
            public_url=os.environ.get("PUBLIC_URL", "").rstrip("/"),
            unsubscribe_mailto=os.environ.get("UNSUBSCRIBE_MAILTO") or None,
            continue_queue_url=os.environ.get("REMARKETING_CONTINUE_QUEUE_URL") or None,
            configuration_set=os.environ.get("SES_CONFIGURATION_SET") or None,
        )


class _Skip(Exception):
    pass


class Run:
    def __init__(
        self,
        *,
        today: date,
        remaining_ms: Callable[[], int],
        generation: int = 0,
        clock: Clock | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.today = today
        self.remaining_ms = remaining_ms
        self.clock = clock or CLOCK
        self.settings = settings or Settings.from_env()
        if "@" not in self.settings.sender or not self.settings.public_url:
            raise RuntimeError("SES_SENDER and PUBLIC_URL must be set (template.yaml sets them)")
        self.claim_id = uuid.uuid4().hex
        self.summary = RunSummary(date=today.isoformat(), generation=generation)
        self.dynamodb = aws.client("dynamodb", background=True)
        self.ses = aws.client_without_retries("sesv2")
        self._programs_seen: set[str] = set()

    # ------------------------------------------------------------------ the run
    def execute(self) -> RunSummary:
        self.pacer = Pacer(self._send_rate(), self.clock)
        self.summary.send_rate = self.pacer.rate
        for offset in range(CATCH_UP_DAYS, -1, -1):
            self._drain_day((self.today - timedelta(days=offset)).isoformat())
            if self.summary.stopped:
                break
        if self.summary.stopped in ("time", "throttled"):
            self._continue()
        logger.info("remarketing run", extra={"summary": self.summary.as_dict()})
        return self.summary

    def _out_of_time(self) -> bool:
        if self.remaining_ms() < STOP_MARGIN_MS:
            self.summary.stopped = "time"
            return True
        return False

    def _drain_day(self, day: str) -> None:
        request = {
            "TableName": RemarketingSend.Meta.table_name,
            "IndexName": RemarketingSend.by_due.Meta.index_name,
            "KeyConditionExpression": "due_date = :day",
            "ExpressionAttributeValues": {":day": {"S": day}},
            "Limit": PAGE_SIZE,
        }
        while not self._out_of_time():
            page = self.dynamodb.query(**request)
            sends = [RemarketingSend.from_raw_data(raw) for raw in page.get("Items", [])]
            self.summary.items_read += len(sends)
            suppressed = self._suppressed({s.email_hash for s in sends if s.status == SendStatus.PENDING})
            for send in sends:
                if self._out_of_time():
                    return
                self._process(send, suppressed=send.email_hash in suppressed)
                if self.summary.stopped:
                    return
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _continue(self) -> None:
        if not self.settings.continue_queue_url or self.summary.generation + 1 >= MAX_GENERATIONS:
            logger.warning("no continuation", extra={"generation": self.summary.generation})
            return
        body = {"date": self.summary.date, "generation": self.summary.generation + 1}
        delay = THROTTLE_CONTINUE_DELAY if self.summary.stopped == "throttled" else 0
        aws.client("sqs", background=True).send_message(
            QueueUrl=self.settings.continue_queue_url, MessageBody=json.dumps(body), DelaySeconds=delay
        )
        self.summary.continued = True

    # ------------------------------------------------------------------ one send
    def _suppressed(self, hashes: set[str]) -> set[str]:
        """Which of these addresses are suppressed: one consistent BatchGetItem (100 keys at most)."""
        if not hashes:
            return set()
        self.summary.suppression_lookups += len(hashes)
        keys = [dict(zip(("pk", "sk"), ({"S": k} for k in Suppression.key(h)), strict=True)) for h in hashes]
        items = aws.batch_get_items(
            self.dynamodb,
            Suppression.Meta.table_name,
            keys,
            pause=lambda: self.clock.sleep(0.2),
            ConsistentRead=True,
            ProjectionExpression="email_hash",
        )
        return {item["email_hash"]["S"] for item in items}

    def _process(self, send: RemarketingSend, *, suppressed: bool = False) -> None:
        if send.status == SendStatus.SENDING and self._stale(send):
            # Interrupted between claim and mark: SES may have sent it. Never twice.
            self._finish(
                send, SendStatus.UNCERTAIN, reason="interrupted", expect=SendStatus.SENDING, claim_id=send.claim_id
            )
            self.summary.uncertain += 1
            return
        if send.status != SendStatus.PENDING:
            self.summary.busy += 1
            return
        if suppressed:
            self._finish(send, SendStatus.SUPPRESSED, expect=SendStatus.PENDING)
            self.summary.suppressed += 1
            return
        try:
            self._compose(send)  # composable alone, checked before anything is claimed
        except (ClientError, BotoCoreError):
            raise  # DynamoDB trouble: the run fails and is retried; the send is still pending
        except Exception as error:  # one bad send must not stop every later one
            reason = str(error) if isinstance(error, _Skip) else f"cannot compose: {type(error).__name__}: {error}"
            if not isinstance(error, _Skip):
                logger.exception("send cannot be composed", extra={"send": send.sk})
            self._finish(send, SendStatus.SKIPPED, reason=reason[:300], expect=SendStatus.PENDING)
            self.summary.skipped += 1
            return
        if not self._claim(send):
            self.summary.busy += 1
            return
        others = self._claim_others(send)
        if not self._claim_day(send):
            for item in (send, *others):
                self._postpone(item)
            self.summary.postponed += 1 + len(others)
            return
        try:
            message, others = self._compose(send, others)
        except _Skip as error:  # the bookings together leave nothing to offer
            for item in (send, *others):
                self._finish(item, SendStatus.SKIPPED, reason=str(error)[:300])
            self.summary.skipped += 1 + len(others)
            self._release_day(send)
            return
        self._send(send, message, others)

    def _claim_others(self, send: RemarketingSend) -> list[RemarketingSend]:
        """The address's other sends of this program due by today, claimed for this send's email."""
        request = {
            "TableName": RemarketingSend.Meta.table_name,
            "IndexName": RemarketingSend.by_email_hash.Meta.index_name,
            "KeyConditionExpression": "email_hash = :hash",
            "ExpressionAttributeValues": {":hash": {"S": send.email_hash}},
        }
        today, keys = self.today.isoformat(), []
        while True:
            page = self.dynamodb.query(**request)
            for item in page.get("Items", []):
                pk, sk = item["pk"]["S"], item["sk"]["S"]
                # sk "SEND#<send date>#...": only sends whose day has come
                if sk.startswith("SEND#") and sk[5:15] <= today and (pk, sk) != (send.pk, send.sk):
                    keys.append({"pk": {"S": pk}, "sk": {"S": sk}})
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        if not keys:
            return []
        self.summary.merge_lookups += len(keys)
        items = aws.batch_get_items(
            self.dynamodb,
            RemarketingSend.Meta.table_name,
            keys,
            pause=lambda: self.clock.sleep(0.2),
            ConsistentRead=True,
        )
        candidates = sorted(
            (RemarketingSend.from_raw_data(item) for item in items),
            key=lambda other: (other.booked_at, other.sk),
        )
        claimed = []
        for other in candidates:
            if len(claimed) >= MAX_MERGED:
                break
            usable = other.status == SendStatus.PENDING and other.due_date and other.email
            if usable and other.program_id == send.program_id and self._claim(other):
                claimed.append(other)
        return claimed

    def _claim_day(self, send: RemarketingSend) -> bool:
        """The address's one email of the day: False when it already had it."""
        pk, sk = DailyEmailMark.key(send.email_hash, self.today.isoformat())
        try:
            self.dynamodb.put_item(
                TableName=DailyEmailMark.Meta.table_name,
                Item={
                    "pk": {"S": pk},
                    "sk": {"S": sk},
                    "claim_id": {"S": self.claim_id},
                    "send": {"S": f"{send.pk}|{send.sk}"},
                    "ttl": {"N": str(epoch(self.today + timedelta(days=MARK_KEEP_DAYS)))},
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _release_day(self, send: RemarketingSend) -> None:
        """Nothing went out: a later run today may still email the address."""
        pk, sk = DailyEmailMark.key(send.email_hash, self.today.isoformat())
        try:
            self.dynamodb.delete_item(
                TableName=DailyEmailMark.Meta.table_name,
                Key={"pk": {"S": pk}, "sk": {"S": sk}},
                ConditionExpression="claim_id = :mine",
                ExpressionAttributeValues={":mine": {"S": self.claim_id}},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise

    def _postpone(self, send: RemarketingSend) -> None:
        tomorrow = (self.today + timedelta(days=1)).isoformat()
        self._update(
            send,
            "SET #status = :pending, due_date = :tomorrow, reason = :reason REMOVE claim_id, claimed_at",
            {
                ":pending": {"S": SendStatus.PENDING},
                ":tomorrow": {"S": tomorrow},
                ":reason": {"S": "the address had its email of the day"},
            },
            expect=SendStatus.SENDING,
            claim_id=self.claim_id,
        )

    def _stale(self, send: RemarketingSend) -> bool:
        if not send.claimed_at:
            return True
        return utcnow() - datetime.fromisoformat(send.claimed_at) > STALE_CLAIM

    def _claim(self, send: RemarketingSend) -> bool:
        """pending -> sending under this run's claim id; False when another run got there first."""
        try:
            self.dynamodb.update_item(
                TableName=RemarketingSend.Meta.table_name,
                Key={"pk": {"S": send.pk}, "sk": {"S": send.sk}},
                UpdateExpression="SET #status = :sending, claim_id = :claim, claimed_at = :now ADD attempts :one",
                ConditionExpression="#status = :pending",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":sending": {"S": SendStatus.SENDING},
                    ":pending": {"S": SendStatus.PENDING},
                    ":claim": {"S": self.claim_id},
                    ":now": {"S": iso(utcnow())},
                    ":one": {"N": "1"},
                },
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _send(self, send: RemarketingSend, message: bytes, others: list[RemarketingSend]) -> None:
        """Send the email; the sends merged into it share its outcome."""
        together = (send, *others)
        for attempt in range(MAX_THROTTLE_RETRIES + 1):
            self.pacer.wait()
            request = {
                # No Destination: SES takes the recipient from the raw message's To header.
                "FromEmailAddress": self.settings.sender,
                "Content": {"Raw": {"Data": message}},
                "EmailTags": [
                    {"Name": "stream", "Value": "remarketing"},
                    {"Name": "program", "Value": send.program_id},
                    {"Name": "profile", "Value": send.profile_id},
                ],
            }
            if self.settings.configuration_set:
                request["ConfigurationSetName"] = self.settings.configuration_set
            try:
                response = self.ses.send_email(**request)
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
                if code in _THROTTLING:
                    self.summary.throttled += 1
                    self.pacer.slow_down()
                    if attempt < MAX_THROTTLE_RETRIES and self.remaining_ms() > STOP_MARGIN_MS:
                        self.clock.sleep(min(MAX_BACKOFF_SECONDS, 2.0**attempt))
                        continue
                    self._release_all(send, together, f"throttled: {code}")
                    self.summary.stopped = "throttled"
                    return
                message_text = error.response.get("Error", {}).get("Message", "")
                if code == "MessageRejected" and self.settings.sender.lower() in message_text.lower():
                    # The sender identity itself is refused (unverified, ...): every send would fail alike.
                    code = "SenderRejected"
                if code in _ACCOUNT_STOPS or status >= 500:
                    self._release_all(send, together, f"{code}: {message_text}")
                    self.summary.stopped = _ACCOUNT_STOPS.get(code, "unavailable")
                    logger.error("SES cannot send now; the rest stays pending", extra={"code": code})
                    return
                for item in together:
                    self._finish(item, SendStatus.FAILED, reason=f"{code}: {message_text}"[:300])
                self.summary.failed += len(together)
                return
            except (EndpointConnectionError, ConnectTimeoutError) as error:
                # The request never reached SES: nothing was sent.
                self._release_all(send, together, type(error).__name__)
                self.summary.stopped = "unavailable"
                return
            except (ReadTimeoutError, ConnectionClosedError, BotoCoreError) as error:
                # The request may have reached SES: sending again could email twice.
                for item in together:
                    self._finish(item, SendStatus.UNCERTAIN, reason=type(error).__name__)
                self.summary.uncertain += len(together)
                logger.warning("SES outcome unknown; not retried", extra={"send": send.sk, "error": str(error)})
                return
            self._finish(send, SendStatus.SENT, message_id=response.get("MessageId"))
            mail_log.record(
                MailEvent.SENT,
                stream="remarketing",
                message_id=response.get("MessageId"),
                email=send.email,
                email_hash=send.email_hash,
                program_id=send.program_id,
                kind=send.profile_id,
            )
            for other in others:
                self._finish(other, SendStatus.MERGED, reason=f"sent with booking {send.conversion_id}"[:300])
            self.summary.sent += 1
            self.summary.merged += len(others)
            return

    def _release_all(self, send: RemarketingSend, together: tuple[RemarketingSend, ...], reason: str) -> None:
        for item in together:
            self._release(item, reason)
        self._release_day(send)

    def _release(self, send: RemarketingSend, reason: str) -> None:
        """Hand the claim back: nothing was sent, the send stays due for a later run."""
        self._update(
            send,
            "SET #status = :pending, reason = :reason REMOVE claim_id, claimed_at",
            {":pending": {"S": SendStatus.PENDING}, ":reason": {"S": reason[:300]}},
            expect=SendStatus.SENDING,
            claim_id=self.claim_id,
        )

    def _finish(
        self,
        send: RemarketingSend,
        status: SendStatus,
        *,
        reason: str | None = None,
        message_id: str | None = None,
        expect: SendStatus = SendStatus.SENDING,
        claim_id: str | None = None,
    ) -> None:
        """A final state: out of the due-index, and the address and booking reference dropped."""
        values = {":status": {"S": status}, ":at": {"S": iso(utcnow())}}
        sets = ["#status = :status", "finished_at = :at"]
        if reason:
            sets.append("reason = :reason")
            values[":reason"] = {"S": reason}
        if message_id:
            sets += ["message_id = :message_id", "sent_at = :at"]
            values[":message_id"] = {"S": message_id}
        expression = f"SET {', '.join(sets)} REMOVE due_date, due_key, email, booking_ref, claim_id"
        self._update(
            send,
            expression,
            values,
            expect=expect,
            claim_id=claim_id or (self.claim_id if expect == SendStatus.SENDING else None),
        )

    def _update(
        self, send: RemarketingSend, expression: str, values: dict, *, expect: SendStatus, claim_id: str | None
    ):
        condition = "#status = :expect" + (" AND claim_id = :mine" if claim_id else "")
        values = {**values, ":expect": {"S": expect}}
        if claim_id:
            values[":mine"] = {"S": claim_id}
        try:
            self.dynamodb.update_item(
                TableName=RemarketingSend.Meta.table_name,
                Key={"pk": {"S": send.pk}, "sk": {"S": send.sk}},
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            logger.info("send changed meanwhile", extra={"send": send.sk, "expected": expect})

    # ------------------------------------------------------------------ composing
    def _compose(
        self, send: RemarketingSend, others: list[RemarketingSend] | None = None
    ) -> tuple[bytes, list[RemarketingSend]]:
        """The email for `send` with the offers of `others` merged in, and the others it took:
        one that can no longer be sent (its profile gone) is skipped here."""
        program = catalog.program(send.program_id)
        if program is None:
            raise _Skip("program removed")
        config = store.config(program.program_id, background=True)
        if program.program_id not in self._programs_seen:
            self._programs_seen.add(program.program_id)
            self.summary.config_items_read += 1 + len(config.profiles) + len(config.templates) + len(config.channels)
        profile = self._sending_profile(config, send)
        template = config.templates.get(send.template_id)
        if template is None:
            raise _Skip("template removed")
        if not send.email:
            raise _Skip("no address")
        lang = rules.language(program, send.lang)
        bodies = {k: as_dict(v) for k, v in as_dict(template.bodies).items()}
        body = bodies.get(lang) or bodies.get(program.default_language)
        settings = config.channel_settings(send.channel)
        subjects = as_dict(settings.subjects) if settings else {}
        subject = subjects.get(lang) or subjects.get(program.default_language)
        if not body or not body.get("html"):
            raise _Skip(f"template has no content for {lang}")
        if not subject:
            raise _Skip(f"no email subject for channel {send.channel}")
        parts, taken = [(send, profile, _cart(send))], []
        for other in others or ():
            try:
                parts.append((other, self._sending_profile(config, other), _cart(other)))
            except _Skip as error:
                self._finish(other, SendStatus.SKIPPED, reason=str(error))
                self.summary.skipped += 1
                continue
            taken.append(other)
        offers = rules.merged_offers(parts)
        if not offers:
            raise _Skip("nothing left to offer")
        base = self.settings.public_url
        views = [
            render.OfferView(
                code=offer.code,
                name=rules.product_name(offer, lang, program.default_language),
                price=Decimal(offer.price),
                currency=program.currency,
                image_url=offer.image_url,
                # Each offer's link names the booking that offered it, so a click credits that booking.
                url=f"{base}/x/{OfferLink(origin.offer_id, origin.profile_id, offer.code, _expires(origin)).token()}",
            )
            for origin, offer in offers
        ]
        unsubscribe = f"{base}/unsubscribe/{UnsubscribeLink(send.email_hash, program.program_id, lang).token()}"
        bookings = [_booking(item) for item in (send, *taken)]
        context = render.EmailContext(lang, program.name, bookings[0], views, unsubscribe, {"bookings": bookings})
        try:
            rendered = render.render_email(subject, body["html"], body.get("text"), context)
        except render.RenderError as error:
            raise _Skip(f"template error: {error}") from error
        urls = [unsubscribe]
        if self.settings.unsubscribe_mailto:
            urls.insert(0, f"mailto:{self.settings.unsubscribe_mailto}?subject=unsubscribe")
        message = render.mime_message(
            rendered,
            sender=self.settings.sender,
            sender_name=settings.from_name if settings else None,
            to=send.email,
            reply_to=settings.reply_to if settings else None,
            unsubscribe_urls=urls,
            lang=lang,
        )
        return message, taken

    @staticmethod
    def _sending_profile(config: store.RemarketingConfig, send: RemarketingSend):
        profile = config.profile(send.profile_id)
        if profile is None or not profile.active or profile.kind not in rules.EMAIL_KINDS:
            raise _Skip("profile removed or no longer sends email")
        return profile

    def _send_rate(self) -> float:
        """SES's MaxSendRate: GetAccount (v2), else GetSendQuota (v1; the same account quota)."""
        try:
            return float(aws.client_without_retries("sesv2").get_account()["SendQuota"]["MaxSendRate"])
        except (ClientError, BotoCoreError, NotImplementedError, KeyError) as error:
            logger.info("GetAccount unavailable; asking GetSendQuota", extra={"error": str(error)})
        try:
            return float(aws.client_without_retries("ses").get_send_quota()["MaxSendRate"])
        except (ClientError, BotoCoreError, NotImplementedError, KeyError):
            logger.warning("SES send quota unknown; sending at one message a second")
            return 1.0


def _cart(send: RemarketingSend) -> rules.Cart:
    return rules.Cart.of(send.items, lang=send.lang, channel=send.channel, amount=send.amount, currency=send.currency)


def _expires(send: RemarketingSend) -> int:
    return epoch(date.fromisoformat(send.send_date) + timedelta(days=rules.LINK_VALID_DAYS))


def _booking(send: RemarketingSend) -> render.BookingView:
    return render.BookingView(
        # Shops that report no booking reference know the booking by its order id (so do the links).
        ref=send.booking_ref or send.conversion_id.partition(":")[2] or send.conversion_id,
        booked_on=send.booked_at[:10],
        service_date=send.service_date,
        amount=Decimal(send.amount),
        currency=send.currency,
        items=tuple(
            {"product": i.product, "category": i.category, "quantity": int(i.quantity or 1)} for i in send.items
        ),
    )


def run(*, today: date, remaining_ms: Callable[[], int], generation: int = 0, clock: Clock | None = None) -> RunSummary:
    """One run of the daily job (the schedule's, or a continuation)."""
    return Run(today=today, remaining_ms=remaining_ms, generation=generation, clock=clock).execute()


def scheduled_date(event: dict) -> date:
    """The day a scheduled event is for (its `time`), so a retried invocation works on the same day."""
    moment = event.get("time")
    if isinstance(moment, str):
        try:
            return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(UTC).date()
        except ValueError:
            pass
    return utcnow().date()
