"""Reports shaped for the JSON API (the pages render the same dataclasses from waymark.portal.reports.figures)."""

from waymark.models import Conversion, Program
from waymark.portal.reports import figures
from waymark.portal.reports.schemas import (
    AdminConversionOut,
    ChannelOut,
    DashboardOut,
    DayOut,
    LinkFiguresOut,
    MonthOut,
    PartnerReportOut,
    PartnerRowOut,
    ProgramReportOut,
    SubIdOut,
)
from waymark.portal.schemas import CountersOut
from waymark.reporting.reads import ChannelCounters, DayCounters, MonthCounters, SubIdCounters


def months_out(months: list[MonthCounters]) -> list[MonthOut]:
    return [MonthOut(month=row.month, counters=CountersOut.of(row.counters)) for row in months]


def days_out(days: list[DayCounters]) -> list[DayOut]:
    return [DayOut(day=row.day.isoformat(), counters=CountersOut.of(row.counters)) for row in days]


def channels_out(channels: list[ChannelCounters]) -> list[ChannelOut]:
    return [ChannelOut(channel=row.channel, counters=CountersOut.of(row.counters)) for row in channels]


def sub_ids_out(rows: list[SubIdCounters]) -> list[SubIdOut]:
    return [SubIdOut(field=row.field, value=row.value, counters=CountersOut.of(row.counters)) for row in rows]


def dashboard_out(program: Program, agent_id: str, found: figures.Dashboard) -> DashboardOut:
    return DashboardOut(
        program_id=program.program_id,
        agent_id=agent_id,
        currency=program.currency,
        month=found.month,
        this_month=CountersOut.of(found.this_month),
        months=months_out(found.months),
        days=days_out(found.days),
    )


def partner_report_out(program: Program, found: figures.PartnerReport) -> PartnerReportOut:
    return PartnerReportOut(
        program_id=found.program_id,
        agent_id=found.agent_id,
        month=found.month,
        currency=program.currency,
        totals=CountersOut.of(found.totals),
        by_channel=channels_out(found.channels),
        by_link=[
            LinkFiguresOut(code=row.code, name=row.name, counters=CountersOut.of(row.counters)) for row in found.links
        ],
        by_sub_id=sub_ids_out(found.sub_ids.rows),
        sub_ids_next_cursor=found.sub_ids.next_cursor,
    )


def program_report_out(program: Program, found: figures.ProgramReport) -> ProgramReportOut:
    report = found.report
    return ProgramReportOut(
        program_id=report.program_id,
        month=report.month,
        currency=program.currency,
        totals=CountersOut.of(report.totals),
        by_channel=channels_out(found.channels),
        partners=[
            PartnerRowOut(agent_id=row.agent_id, name=row.name, counters=CountersOut.of(row.counters))
            for row in report.partners
        ],
        unattributed=CountersOut.of(report.unattributed),
        months=months_out(found.months),
    )


def admin_conversion_out(conversion: Conversion, names: dict[str, str]) -> AdminConversionOut:
    return AdminConversionOut.of(conversion, partner_name=names.get(conversion.agent_id or ""))
