"""Figures, reports, conversions and exports for pages and the JSON API alike, with domain errors
turned into HTTP ones (the way waymark.portal.actions does it for partners and links).

Everything reads pre-aggregated counters (waymark.reporting.reads) or Queries one partner's or one
program's month of conversions (waymark.conversions.queries): never a Scan. Callers pass the
calling partner's own ids (web.partner()) or are operators (web.admin()).
"""

import os
from dataclasses import dataclass, replace
from datetime import date, timedelta
from urllib.parse import unquote

from waymark import web, wording
from waymark.conversions import queries, status_changes
from waymark.conversions.vocabulary import Channel
from waymark.core import aws, times
from waymark.models import Conversion
from waymark.portal.reports.charts import PHONE_WIDTH, DailyChart, daily_chart
from waymark.reporting import counters, exports, reads
from waymark.reporting.reads import ChannelCounters, Counters, DayCounters, MonthCounters, PartnerMonth, ProgramMonth

CHART_DAYS = 30
MONTHS_SHOWN = 12
SUB_ID_PAGE = 50
CONVERSION_PAGE = 50
MAX_CONVERSION_ID = 200
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# ------------------------------------------------------------------------------------------ periods


def today() -> date:
    return times.utcnow().date()


def current_month() -> str:
    return times.month_of(times.utcnow())


def month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year}"


def checked_month(month: str | None) -> str:
    """A month a report may show: YYYY-MM, not after the current one (400 otherwise); None is this month."""
    if month is None:
        return current_month()
    try:
        reads.check_month(month)
    except reads.BadPeriod as error:
        raise web.BadRequest(str(error)) from error
    if month > current_month():
        raise web.BadRequest(wording.MONTH_NOT_STARTED())
    return month


def recent_months(until: str | None = None, count: int = MONTHS_SHOWN) -> list[str]:
    """The `count` months up to `until` (default: this month), newest first (a month picker's options)."""
    return list(reversed(reads.months_until(until or current_month(), count)))


def all_channels(found: list[ChannelCounters], totals: Counters) -> list[ChannelCounters]:
    """Every sales channel in the usual order (zeros where nothing happened), then any other the counters hold.

    The channel counters count conversions only. Every click is a visit to the shop's website
    through a tracking link, so the month's clicks (`totals`) are the web channel's: a table
    showing 0 web clicks beside totals with clicks would contradict itself.
    """
    by_name = {row.channel: row.counters for row in found}
    web = by_name.get(Channel.WEB, reads.ZERO)
    by_name[Channel.WEB] = replace(
        web, clicks=totals.clicks, unique_clicks=totals.unique_clicks, bot_clicks=totals.bot_clicks
    )
    rows = [ChannelCounters(channel, by_name.pop(channel, reads.ZERO)) for channel in Channel]
    return rows + [ChannelCounters(channel, totals) for channel, totals in sorted(by_name.items())]


# ------------------------------------------------------------------------------------------ partner figures


@dataclass(frozen=True)
class Dashboard:
    month: str
    this_month: Counters
    months: list[MonthCounters]  # the last 12 months since it joined, oldest first (this month last)
    days: list[DayCounters]  # the last 30 days, oldest first (today last)
    chart: DailyChart
    phone_chart: DailyChart  # the same, drawn for a phone's width


def since_joining(months: list[MonthCounters], joined: str | None) -> list[MonthCounters]:
    """The months from the one the partner joined in (`joined`: its created_at): the months before
    it are no figures of the partner, only zeros. This month always stays."""
    first = (joined or "")[:7]
    kept = [row for row in months if row.month >= first]
    return kept or months[-1:]


def dashboard(program_id: str, agent_id: str, joined: str | None = None) -> Dashboard:
    """This month, the last 12 months (from the month it joined) and the last 30 days of one
    partner: one BatchGetItem and one Query."""
    month, end = current_month(), today()
    months = since_joining(reads.partner_months(program_id, agent_id, month, MONTHS_SHOWN), joined)
    days = reads.partner_days(agent_id, end - timedelta(days=CHART_DAYS - 1), end)
    return Dashboard(month, months[-1].counters, months, days, daily_chart(days), daily_chart(days, PHONE_WIDTH))


def link_totals(agent_id: str) -> dict[str, Counters]:
    """All-time figures of each of a partner's links that has any (one Query)."""
    return {row.link_code: row.counters for row in reads.partner_links(agent_id)}


@dataclass(frozen=True)
class LinkFigures:
    totals: Counters  # since the link's first click
    days: list[DayCounters]
    chart: DailyChart
    phone_chart: DailyChart


def link_figures(agent_id: str, link_code: str, days: int = CHART_DAYS) -> LinkFigures:
    """One link's totals and daily series. The caller has checked that the link is the partner's."""
    if not 1 <= days <= reads.MAX_DAYS:
        raise web.BadRequest(wording.DAYS_BETWEEN(maximum=reads.MAX_DAYS))
    end = today()
    series = reads.link_days(link_code, end - timedelta(days=days - 1), end)
    totals = link_totals(agent_id).get(link_code, reads.ZERO)
    return LinkFigures(totals, series, daily_chart(series), daily_chart(series, PHONE_WIDTH))


@dataclass(frozen=True)
class LinkRow:
    code: str
    name: str | None
    counters: Counters


@dataclass(frozen=True)
class SubIdPage:
    rows: list[reads.SubIdCounters]
    next_cursor: str | None


@dataclass(frozen=True)
class PartnerReport:
    program_id: str
    agent_id: str
    month: str
    totals: Counters
    channels: list[ChannelCounters]
    links: list[LinkRow]
    sub_ids: SubIdPage


def partner_report(program_id: str, agent_id: str, month: str, sub_cursor: str | None = None) -> PartnerReport:
    """A partner's monthly commission report: totals, by channel, by link (with names), one page of sub-IDs."""
    found: PartnerMonth = reads.partner_month(program_id, agent_id, month, max_sub_ids=SUB_ID_PAGE)
    if sub_cursor:
        page = sub_id_page(agent_id, month, sub_cursor)
    else:
        last = found.by_sub_id[-1] if found.by_sub_id else None
        after = counters.sub_sort_key(last.field, last.value) if found.sub_ids_truncated and last else None
        page = SubIdPage(found.by_sub_id, _sub_cursor(agent_id, month, after))
    names = link_names(agent_id, [row.link_code for row in found.by_link])
    links = [LinkRow(row.link_code, names.get(row.link_code), row.counters) for row in found.by_link]
    return PartnerReport(
        program_id, agent_id, month, found.totals, all_channels(found.by_channel, found.totals), links, page
    )


def _sub_scope(agent_id: str, month: str) -> str:
    return f"sub-ids:{agent_id}:{month}"


def _sub_cursor(agent_id: str, month: str, after: str | None) -> str | None:
    return web.encode_cursor({"sk": after}, _sub_scope(agent_id, month)) if after else None


def sub_id_page(agent_id: str, month: str, cursor: str | None) -> SubIdPage:
    """One page of a partner month's sub-IDs; the cursor only continues this partner's month."""
    key = web.decode_cursor(cursor, _sub_scope(agent_id, month))
    after = key.get("sk") if key else None
    if key is not None and not isinstance(after, str):
        raise web.BadRequest(wording.PAGE_LINK_INVALID())
    rows, next_key = reads.partner_sub_ids(agent_id, month, limit=SUB_ID_PAGE, after=after)
    return SubIdPage(rows, _sub_cursor(agent_id, month, next_key))


def link_names(agent_id: str, codes: list[str]) -> dict[str, str | None]:
    """Names of a partner's links by code (one BatchGetItem per hundred); codes of other partners are left out."""
    if not codes:
        return {}
    items = aws.batch_get_items(
        aws.client("dynamodb"),
        os.environ["LINKS_TABLE"],
        [{"code": {"S": code}} for code in dict.fromkeys(codes)],
        ProjectionExpression="#code, #agent, #name",  # names, not words DynamoDB might reserve
        ExpressionAttributeNames={"#code": "code", "#agent": "agent_id", "#name": "name"},
    )
    return {
        item["code"]["S"]: item.get("name", {}).get("S")
        for item in items
        if item.get("agent_id", {}).get("S") == agent_id
    }


# ------------------------------------------------------------------------------------------ conversions


@dataclass(frozen=True)
class ConversionPage:
    conversions: list[Conversion]
    next_cursor: str | None
    names: dict[str, str]  # partner names of the page's conversions (operators' lists)
    truncated: bool = False  # by partner name: more matched than the one page shows


def _conversion_page(scope: str, cursor: str | None, query) -> tuple[list[Conversion], str | None]:
    """Wraps waymark.conversions.queries' cursor in a signed one bound to `scope` (partner or filters), so a page
    link cannot be edited to start another listing."""
    key = web.decode_cursor(cursor, scope)
    inner = key.get("c") if key else None
    if key is not None and not isinstance(inner, str):
        raise web.BadRequest(wording.PAGE_LINK_INVALID())
    try:
        page = query(inner)
    except queries.BadQuery as error:
        raise web.BadRequest(str(error)) from error
    return page.conversions, web.encode_cursor({"c": page.cursor}, scope) if page.cursor else None


def partner_conversions(agent_id: str, month: str, cursor: str | None) -> ConversionPage:
    """A partner's own conversions of a month, newest first (agent-index)."""
    found, next_cursor = _conversion_page(
        f"conversions:{agent_id}:{month}",
        cursor,
        lambda inner: queries.conversions_of_agent(agent_id, month, limit=CONVERSION_PAGE, cursor=inner),
    )
    return ConversionPage(found, next_cursor, {})


@dataclass(frozen=True)
class ConversionFilters:
    program_id: str
    month: str
    status: str | None = None
    channel: str | None = None
    agent_id: str | None = None
    partner_name: str | None = None  # part of the partner's name (one bounded page, no cursor)

    def scope(self) -> str:
        return "conversions:" + "|".join(
            v or "" for v in (self.program_id, self.month, self.status, self.channel, self.agent_id)
        )

    def query(self, cursor: str | None = None) -> dict[str, str]:
        """The filters as a query string's parameters (for page links)."""
        pairs = {
            "month": self.month,
            "status": self.status,
            "channel": self.channel,
            "partner": self.agent_id,
            "partner_name": self.partner_name,
        }
        return {k: v for k, v in pairs.items() if v} | ({"cursor": cursor} if cursor else {})


def program_conversions(filters: ConversionFilters, cursor: str | None) -> ConversionPage:
    """A program's conversions of a month, newest first, filtered (program-index), with partner names.

    By partner name: the newest CONVERSION_PAGE of the matching partners (agent-index), one page."""
    if filters.partner_name:
        if cursor or filters.agent_id:
            raise web.BadRequest(wording.PARTNER_CODE_OR_NAME())
        try:
            named = queries.conversions_of_partners_named(
                filters.program_id,
                filters.month,
                filters.partner_name,
                status=filters.status,
                channel=filters.channel,
                limit=CONVERSION_PAGE,
            )
        except queries.BadQuery as error:
            raise web.BadRequest(str(error)) from error
        found = named.conversions
        return ConversionPage(found, None, partner_names([c.agent_id for c in found]), truncated=named.truncated)
    found, next_cursor = _conversion_page(
        filters.scope(),
        cursor,
        lambda inner: queries.conversions_of_program(
            filters.program_id,
            filters.month,
            status=filters.status,
            channel=filters.channel,
            agent_id=filters.agent_id,
            limit=CONVERSION_PAGE,
            cursor=inner,
        ),
    )
    return ConversionPage(found, next_cursor, partner_names([c.agent_id for c in found]))


def partner_names(agent_ids: list[str | None]) -> dict[str, str]:
    return reads.agent_names([agent_id for agent_id in agent_ids if agent_id])


def clean_note(note: str | None) -> str | None:
    return (note or "").strip() or None


def conversion_id_from_path(raw: str) -> str:
    """A conversion id from a path segment (percent-encoded: order ids may hold '/', '#', '?' or spaces)."""
    value = unquote(raw)
    if not value or len(value) > MAX_CONVERSION_ID or ":" not in value or not value.isprintable():
        raise web.NotFound(wording.NO_SUCH_CONVERSION())
    return value


def conversion(conversion_id: str) -> Conversion:
    try:
        return Conversion.get(conversion_id, consistent_read=True)
    except Conversion.DoesNotExist:
        raise web.NotFound(wording.NO_SUCH_CONVERSION()) from None


def change_conversion_status(
    conversion_id: str, to_status: str, *, by: str, reason: str | None, note: str | None
) -> Conversion:
    try:
        return status_changes.change_status(conversion_id, to_status, by=by, reason=reason, note=note)
    except status_changes.ConversionNotFound:
        raise web.NotFound(wording.NO_SUCH_CONVERSION()) from None
    except status_changes.DecisionIncomplete as error:
        raise web.BadRequest(str(error)) from error
    except status_changes.TransitionRefused as error:
        raise web.Conflict(str(error)) from error


# ------------------------------------------------------------------------------------------ operators' reports


@dataclass(frozen=True)
class ProgramReport:
    report: ProgramMonth
    channels: list[ChannelCounters]
    months: list[MonthCounters]  # the program's last 12 months up to the report's month, oldest first


def program_report(program_id: str, month: str) -> ProgramReport:
    """The all-partners report of a month (with unattributed sales) and the program's 12 months before it."""
    found = reads.program_month(program_id, month)
    months = reads.program_months(program_id, month, MONTHS_SHOWN)
    return ProgramReport(found, all_channels(found.by_channel, found.totals), months)


def partners_month(program_id: str, month: str, agent_ids: list[str]) -> dict[str, Counters]:
    return reads.partners_month(program_id, month, agent_ids)


# ------------------------------------------------------------------------------------------ exports


def export(
    requester: exports.Requester,
    *,
    program_id: str,
    month: str,
    agent_id: str | None,
    expires_in: int = exports.DEFAULT_URL_SECONDS,
) -> exports.Export:
    """Write the CSV to the exports bucket now and answer its expiring download link (request_export authorises)."""
    try:
        return exports.request_export(
            requester,
            program_id=program_id,
            month=month,
            agent_id=agent_id,
            expires_in=expires_in,
            now=times.utcnow(),
        )
    except exports.ExportRejected as error:
        raise web.BadRequest(str(error)) from error
    except exports.ExportForbidden as error:
        raise web.Forbidden(str(error)) from error
    except exports.ExportNotFound as error:
        raise web.NotFound(str(error)) from error


def partner_requester(me: web.ActivePartner) -> exports.Requester:
    return exports.Requester(is_admin=False, agent_id=me.agent.agent_id, program_id=me.program.program_id)


ADMIN_REQUESTER = exports.Requester(is_admin=True)
