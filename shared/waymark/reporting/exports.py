"""Report exports: CSV files in the exports bucket, streamed with S3 multipart upload.

    <program>/<YYYY-MM>/all-partners.csv    the all-partners monthly report (admins)
    <program>/<YYYY-MM>/<agent_id>.csv      one partner's monthly statement (admins, or that partner)

Keys are predictable and an export overwrites its key, so a rerun (a retried schedule, a
second request) replaces the file instead of adding one. Rows go to S3 in parts of
PART_SIZE as they are produced, so memory stays flat whatever the number of rows; a failure
aborts the upload (no partial file becomes visible) and raises for the caller's retry.

CSV: UTF-8 with a byte-order mark (Excel then reads non-Latin names correctly; read it back
with the `utf-8-sig` codec), RFC 4180 quoting, CRLF line ends, money as exact decimals with
a dot ("1234.50", never rounded, never in exponent form). Text that a spreadsheet would run
as a formula (starting with = + - @ or a tab) gets a leading apostrophe. Columns:
docs/architecture.md "Exports".
"""

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from waymark import catalog, wording
from waymark.click.sessions import SUB_ID_FIELDS
from waymark.conversions.vocabulary import ConversionStatus
from waymark.core import aws
from waymark.models import Agent, Conversion, Program
from waymark.reporting import reads
from waymark.reporting.reads import Counters, money

logger = Logger(child=True)

PART_SIZE = 8 * 1024 * 1024  # S3 wants every part but the last to be at least 5 MiB
MIN_PART_SIZE = 5 * 1024 * 1024
DEFAULT_URL_SECONDS = 3600
MAX_URL_SECONDS = 7 * 24 * 3600  # the longest a SigV4 presigned URL can live
ALL_PARTNERS = "all-partners"
BOM = "\ufeff"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

STATEMENT_COLUMNS = (
    "line_type",  # "conversion", then one "total" line per status
    "program_id",
    "month",
    "agent_id",
    "partner_name",
    "conversion_id",
    "order_id",
    "created_at",
    "status",
    "channel",
    "link_code",
    *SUB_ID_FIELDS,
    "conversions",  # 1 on a conversion line, the count on a total line
    "currency",
    "amount",
    "commission",
    "reason",
    "coupon",  # the code that credited a coupon sale (channel coupon), or a code the sale brought
    "original_amount",  # a sale reported in another currency: as reported, before the day's rate
    "original_currency",
)

ALL_PARTNERS_COLUMNS = (
    "line_type",  # "partner" lines, then "unattributed" and "total"
    "program_id",
    "month",
    "agent_id",
    "partner_name",
    "clicks",
    "unique_clicks",
    "bot_clicks",
    "conversions",
    "conversions_pending",
    "conversions_held",
    "conversions_approved",
    "conversions_reversed",
    "conversions_rejected",
    "currency",
    "sales",
    "commission_pending",
    "commission_held",
    "commission_approved",
    "commission_reversed",
)


class ExportRejected(ValueError):
    """The request is malformed (bad month, bad id, bad expiry): a 400, with a message safe to show."""


class ExportForbidden(PermissionError):
    """The requester may not export this: a 403."""


class ExportNotFound(LookupError):
    """No such program or partner: a 404."""


class ExportFailed(RuntimeError):
    """Some exports of a scheduled run failed; raised after the others ran, so the retry redoes them."""


@dataclass(frozen=True)
class Requester:
    """Who asks for an export, as the API knows them from the login token."""

    is_admin: bool
    agent_id: str | None = None  # a partner's own agent id
    program_id: str | None = None  # a partner's program


@dataclass(frozen=True)
class ExportedFile:
    bucket: str
    key: str
    rows: int  # data lines written (header excluded)
    size: int  # bytes


@dataclass(frozen=True)
class Export:
    """What `POST /api/exports` answers: where the file is and a link that works until `expires_at`."""

    bucket: str
    key: str
    rows: int
    url: str
    expires_at: datetime

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "rows": self.rows,
            "url": self.url,
            "expires_at": self.expires_at.isoformat(timespec="seconds"),
        }


# ------------------------------------------------------------------------------------------ keys and rules


def bucket() -> str:
    return os.environ["EXPORTS_BUCKET"]


def export_key(program_id: str, month: str, agent_id: str | None = None) -> str:
    """`<program>/<YYYY-MM>/<agent_id or all-partners>.csv`."""
    return f"{program_id}/{month}/{agent_id or ALL_PARTNERS}.csv"


def check_ids(program_id: str, agent_id: str | None) -> None:
    for name, value in (("program", program_id), ("partner", agent_id)):
        if value is not None and not (isinstance(value, str) and _SAFE_ID.fullmatch(value)):
            raise ExportRejected(wording.EXPORT_BAD_ID(name=name))


def authorize(requester: Requester, program_id: str, agent_id: str | None) -> None:
    """Admins export anything; a partner only its own statement (never the all-partners report)."""
    if requester.is_admin:
        return
    if not requester.agent_id or agent_id is None:
        raise ExportForbidden(wording.EXPORT_OWN_ONLY())
    if agent_id != requester.agent_id or program_id != requester.program_id:
        raise ExportForbidden(wording.EXPORT_OWN_ONLY())


def previous_month(moment: datetime) -> str:
    first = moment.astimezone(UTC).replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def _check_month(month: str, now: datetime) -> None:
    try:
        reads.check_month(month)
    except reads.BadPeriod as error:
        raise ExportRejected(str(error)) from error
    if month > now.astimezone(UTC).strftime("%Y-%m"):
        raise ExportRejected(wording.MONTH_NOT_STARTED())


# ------------------------------------------------------------------------------------------ requests


def request_export(
    requester: Requester,
    *,
    program_id: str,
    month: str,
    agent_id: str | None = None,
    expires_in: int = DEFAULT_URL_SECONDS,
    now: datetime | None = None,
) -> Export:
    """`POST /api/exports`: check, authorise, export to S3 now, and answer with an expiring download URL.

    `agent_id` None means the all-partners report. Raises ExportRejected (400), ExportForbidden
    (403), ExportNotFound (404); anything else is a failure of S3 or DynamoDB (a 5xx, retry later).
    The current month may be exported; it then holds the month so far.
    """
    _check_month(month, now or datetime.now(UTC))
    check_ids(program_id, agent_id)
    if not isinstance(expires_in, int) or not 60 <= expires_in <= MAX_URL_SECONDS:
        raise ExportRejected(wording.EXPORT_LINK_SECONDS(maximum=MAX_URL_SECONDS))
    authorize(requester, program_id, agent_id)
    program = catalog.program(program_id)
    if program is None:
        raise ExportNotFound(wording.EXPORT_NO_PROGRAM())
    if agent_id is None:
        exported = export_all_partners(program, month)
    else:
        agent = catalog.agent(agent_id)
        if agent is None or agent.program_id != program_id:
            raise ExportNotFound(wording.EXPORT_NO_PARTNER())
        exported = export_statement(program, agent, month)
    url, expires_at = presigned_url(exported.key, expires_in, now=now)
    return Export(exported.bucket, exported.key, exported.rows, url, expires_at)


def presigned_url(
    key: str, expires_in: int = DEFAULT_URL_SECONDS, *, now: datetime | None = None
) -> tuple[str, datetime]:
    """A GET URL for one export that stops working after `expires_in` seconds.

    The URL carries the signer's credentials: on Lambda those are the function role's session,
    so it also stops working when that session ends (docs/operators.md "Limits").
    """
    signed_at = now or datetime.now(UTC)
    url = aws.s3_presigner().generate_presigned_url(
        "get_object", Params={"Bucket": bucket(), "Key": key}, ExpiresIn=expires_in
    )
    return url, signed_at + timedelta(seconds=expires_in)


# ------------------------------------------------------------------------------------------ files


def export_statement(program: Program, agent: Agent, month: str) -> ExportedFile:
    """One partner's month: every conversion line (any status, from the agent-index GSI, page by page),
    then one total line per status. Totals are running sums, so memory stays flat."""
    key = export_key(program.program_id, month, agent.agent_id)
    totals = {status: [0, Decimal(0), Decimal(0)] for status in ConversionStatus}
    common = {"program_id": program.program_id, "month": month, "agent_id": agent.agent_id, "partner_name": agent.name}

    def lines() -> Iterator[dict]:
        for conversion in _partner_conversions(program.program_id, agent.agent_id, month):
            total = totals.setdefault(conversion.status, [0, Decimal(0), Decimal(0)])
            total[0] += 1
            total[1] += conversion.amount
            total[2] += conversion.commission
            yield {
                **common,
                "line_type": "conversion",
                "conversion_id": conversion.conversion_id,
                "order_id": conversion.order_id,
                "created_at": conversion.created_at,
                "status": conversion.status,
                "channel": conversion.channel,
                "link_code": conversion.link_code,
                **{name: getattr(conversion, name) for name in SUB_ID_FIELDS},
                "conversions": 1,
                "currency": conversion.currency,
                "amount": conversion.amount,
                "commission": conversion.commission,
                "reason": conversion.reason,
                "coupon": conversion.coupon,
                "original_amount": conversion.original_amount,
                "original_currency": conversion.original_currency,
            }
        for status, (count, amount, commission) in totals.items():
            yield {
                **common,
                "line_type": "total",
                "status": status,
                "conversions": count,
                "currency": program.currency,
                "amount": amount,
                "commission": commission,
            }

    return write_csv(key, STATEMENT_COLUMNS, lines(), filename=f"{program.program_id}-{month}-{agent.agent_id}.csv")


def _partner_conversions(program_id: str, agent_id: str, month: str) -> Iterator[Conversion]:
    return Conversion.by_agent.query(
        agent_id,
        Conversion.created_at.startswith(month),
        filter_condition=Conversion.program_id == program_id,
        page_size=500,
    )


def export_all_partners(program: Program, month: str) -> ExportedFile:
    """A program's month, one line per partner with activity (agent-id order), then the conversions no
    partner earned ("unattributed") and the program's totals."""
    key = export_key(program.program_id, month)
    common = {"program_id": program.program_id, "month": month, "currency": program.currency}

    def lines() -> Iterator[dict]:
        partners = reads.ZERO
        for row in reads.iter_program_partners(program.program_id, month, background=True):
            partners += row.counters
            names = {"agent_id": row.agent_id, "partner_name": row.name}
            yield {**common, **_counter_columns(row.counters), **names, "line_type": "partner"}
        totals = reads.program_totals(program.program_id, month)
        yield {**common, **_counter_columns(totals - partners), "line_type": "unattributed"}
        yield {**common, **_counter_columns(totals), "line_type": "total"}

    return write_csv(key, ALL_PARTNERS_COLUMNS, lines(), filename=f"{program.program_id}-{month}-{ALL_PARTNERS}.csv")


def _counter_columns(counters: Counters) -> dict:
    return {
        "clicks": counters.clicks,
        "unique_clicks": counters.unique_clicks,
        "bot_clicks": counters.bot_clicks,
        "conversions": counters.conversions,
        "conversions_pending": counters.conversions_pending,
        "conversions_held": counters.conversions_held,
        "conversions_approved": counters.conversions_approved,
        "conversions_reversed": counters.conversions_reversed,
        "conversions_rejected": counters.conversions_rejected,
        "sales": counters.sales,
        "commission_pending": counters.commission_pending,
        "commission_held": counters.commission_held,
        "commission_approved": counters.commission_approved,
        "commission_reversed": counters.commission_reversed,
    }


def cell(value: object) -> str:
    """One CSV field: numbers as they are (money exact), and text that a spreadsheet would take for a
    formula defused with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_csv(key: str, columns: tuple[str, ...], lines: Iterable[dict], *, filename: str) -> ExportedFile:
    """Stream `lines` as CSV to `key` in the exports bucket; returns what was written."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    rows = 0
    with MultipartWriter(bucket(), key, filename=filename) as upload:
        writer.writerow(columns)
        upload.write((BOM + text.getvalue()).encode())
        for line in lines:
            text.seek(0)
            text.truncate()
            writer.writerow([cell(line.get(column)) for column in columns])
            upload.write(text.getvalue().encode())
            rows += 1
    return ExportedFile(bucket(), key, rows, upload.size)


class MultipartWriter:
    """Bytes to one S3 object through multipart upload, holding at most one part in memory.

    On an exception inside the `with` block (or from S3) the upload is aborted, so no partial
    object appears and S3 keeps no orphan parts; the exception goes on to the caller.
    """

    def __init__(self, bucket: str, key: str, *, filename: str, part_size: int = PART_SIZE, client=None) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError("S3 parts (but the last) must be at least 5 MiB")
        self.bucket, self.key, self.filename, self.part_size = bucket, key, filename, part_size
        self.client = client or aws.client("s3", background=True)
        self.upload_id: str | None = None
        self.parts: list[dict] = []
        self.size = 0
        self.peak_buffered = 0  # the most bytes held at once: memory stays flat
        self._buffer = bytearray()

    def __enter__(self) -> "MultipartWriter":
        self.upload_id = self.client.create_multipart_upload(
            Bucket=self.bucket,
            Key=self.key,
            ContentType="text/csv; charset=utf-8",
            ContentDisposition=f'attachment; filename="{self.filename}"',
        )["UploadId"]
        return self

    def write(self, data: bytes) -> None:
        self._buffer += data
        self.size += len(data)
        self.peak_buffered = max(self.peak_buffered, len(self._buffer))
        while len(self._buffer) >= self.part_size:
            self._upload_part(bytes(self._buffer[: self.part_size]))
            del self._buffer[: self.part_size]

    def _upload_part(self, body: bytes) -> None:
        number = len(self.parts) + 1
        response = self.client.upload_part(
            Bucket=self.bucket, Key=self.key, UploadId=self.upload_id, PartNumber=number, Body=body
        )
        self.parts.append({"PartNumber": number, "ETag": response["ETag"]})

    def __exit__(self, exc_type, exc, traceback) -> bool:
        if exc_type is None:
            try:
                if self._buffer or not self.parts:
                    self._upload_part(bytes(self._buffer))
                    self._buffer.clear()
                self.client.complete_multipart_upload(
                    Bucket=self.bucket, Key=self.key, UploadId=self.upload_id, MultipartUpload={"Parts": self.parts}
                )
                return False
            except BaseException:
                self._abort()
                raise
        self._abort()
        return False

    def _abort(self) -> None:
        self._buffer.clear()
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=self.key, UploadId=self.upload_id)
        except (BotoCoreError, ClientError):
            # The bucket's lifecycle rule removes incomplete uploads after a day anyway.
            logger.warning("could not abort the multipart upload", extra={"key": self.key})


# ------------------------------------------------------------------------------------------ the monthly run


@dataclass
class ProgramRun:
    program_id: str
    all_partners: ExportedFile
    statements_queued: int
    url: str | None = None


@dataclass
class MonthlyRun:
    month: str
    programs: list[ProgramRun] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "month": self.month,
            "programs": [
                {
                    "program_id": run.program_id,
                    "all_partners": run.all_partners.key,
                    "rows": run.all_partners.rows,
                    "statements_queued": run.statements_queued,
                    "url": run.url,
                }
                for run in self.programs
            ],
        }


def scheduled_month(event: dict) -> str:
    """The month a scheduled event asks for: `detail.month` when set (a manual rerun), else the month
    before the event's time (EventBridge fires on the 1st)."""
    wanted = (event.get("detail") or {}).get("month")
    if wanted:
        try:
            return reads.check_month(wanted)
        except reads.BadPeriod as error:
            raise ExportRejected(str(error)) from error
    fired = event.get("time")
    moment = datetime.fromisoformat(fired.replace("Z", "+00:00")) if fired else datetime.now(UTC)
    return previous_month(moment)


def monthly_exports(month: str, *, with_urls: bool = False) -> MonthlyRun:
    """Export each active program's all-partners report and queue one statement per partner.

    Programs are those with counters in the month (one Query, waymark.reporting.reads.active_programs);
    partners are those with activity in it plus every active partner (program-status-index).
    A program that fails does not stop the others; ExportFailed is raised at the end so the
    schedule's retry runs the month again (exports overwrite their keys: reruns are idempotent).
    """
    run = MonthlyRun(month)
    failed: list[str] = []
    for program_id in reads.active_programs(month, background=True):
        try:
            program = catalog.program(program_id)
            if program is None:
                logger.warning("counters of an unknown program", extra={"program_id": program_id})
                continue
            exported = export_all_partners(program, month)
            queued = queue_statements(program_id, month, statement_partners(program_id, month))
            url = presigned_url(exported.key)[0] if with_urls else None
            run.programs.append(ProgramRun(program_id, exported, queued, url))
        except Exception:
            logger.exception("monthly export failed", extra={"program_id": program_id, "month": month})
            failed.append(program_id)
    if failed:
        raise ExportFailed(f"exports of {month} failed for {', '.join(failed)}")
    return run


def statement_partners(program_id: str, month: str) -> list[str]:
    """Partners who get a statement: activity in the month, or active now."""
    agents = {row.agent_id for row in reads.iter_program_partners(program_id, month, names=False, background=True)}
    active = Agent.by_program_status.query(program_id, Agent.status_created.startswith("active#"))
    agents.update(agent.agent_id for agent in active)
    return sorted(agents)


def queue_statements(program_id: str, month: str, agent_ids: list[str]) -> int:
    queue = os.environ["STATEMENTS_QUEUE_URL"]
    sqs = aws.client("sqs", background=True)
    for start in range(0, len(agent_ids), 10):
        entries = [
            {
                "Id": str(index),
                "MessageBody": json.dumps({"program_id": program_id, "agent_id": agent_id, "month": month}),
            }
            for index, agent_id in enumerate(agent_ids[start : start + 10])
        ]
        failed = sqs.send_message_batch(QueueUrl=queue, Entries=entries).get("Failed") or []
        if failed:
            raise ExportFailed(f"{len(failed)} statements could not be queued")
    return len(agent_ids)


def statement_job(body: str) -> ExportedFile:
    """One queued statement (`{"program_id", "agent_id", "month"}`): export it, raising on any failure."""
    job = json.loads(body)
    program_id, agent_id, month = job["program_id"], job["agent_id"], reads.check_month(job["month"])
    check_ids(program_id, agent_id)
    program, agent = catalog.program(program_id), catalog.agent(agent_id)
    if program is None or agent is None or agent.program_id != program_id:
        raise ExportNotFound(f"no partner {agent_id} in program {program_id}")
    return export_statement(program, agent, month)
