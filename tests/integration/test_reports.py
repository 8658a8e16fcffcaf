"""The report read API over counters the real consumer wrote: shapes, breakdowns, series, and reads
that never scan and never grow with the number of clicks."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from devstack import bulk
from tests.helpers.programs import make_agent, make_program
from tests.helpers.reporting import DESKTOP, SLACK, T0, set_status, stored_click, stored_sale
from waymark.reporting import reads
from waymark.reporting.reads import BadPeriod, Counters

READS = ("GetItem", "Query", "BatchGetItem")


@pytest.fixture
def activity(runtime, streams):
    """Two partners of program shop with clicks and sales in May 2026, one unattributed sale, one in June."""
    program = make_program("shop")
    first = make_agent(program, name='Hôtel "Le Port", Nice')
    second = make_agent(program, name="Ὀδυσσεύς Tours")
    a, b = first.agent_id, second.agent_id
    stored_click("shop", a, "lnk1", sub1="news")
    stored_click("shop", a, "lnk1", at=T0 + timedelta(minutes=5), sub1="news", repeat=True)  # not unique
    stored_click("shop", a, "lnk2", at=T0 + timedelta(days=1), source="instagram", user_agent=DESKTOP)
    stored_click("shop", a, "lnk1", user_agent=SLACK)
    stored_click("shop", b, "lnk3", at=T0 + timedelta(days=3))
    approved = stored_sale("shop", a, "o1", amount="249.90", commission="24.99", link_code="lnk1", sub1="news")
    stored_sale("shop", a, "o2", amount="100", commission="10", channel="phone", at=T0 + timedelta(days=1))
    reversed_ = stored_sale("shop", a, "o3", amount="40", commission="4", link_code="lnk2", at=T0 + timedelta(days=1))
    stored_sale("shop", b, "o4", amount="10.01", commission="1.001", status="rejected")
    stored_sale("shop", None, "o5", amount="75.50", commission="0", channel="chat")
    stored_sale("shop", a, "o6", amount="1", commission="0.1", at=T0 + timedelta(days=20))  # 9 June
    set_status(approved, "approved")
    set_status(reversed_, "approved")
    set_status(reversed_, "reversed")
    streams.drain()  # one stream: inserts and changes of an item arrive in order in one batch
    return a, b


def test_the_partner_month_report(activity, aws_requests):
    a, _ = activity
    report = reads.partner_month("shop", a, "2026-05")

    assert sorted(set(aws_requests.calls)) == ["GetItem", "Query"]
    totals = report.totals
    assert (totals.clicks, totals.unique_clicks, totals.bot_clicks) == (3, 2, 1)
    assert (totals.conversions, totals.conversions_approved, totals.conversions_reversed) == (2, 1, 1)
    assert totals.sales == Decimal("349.90")
    assert (totals.commission_pending, totals.commission_approved, totals.commission_reversed) == (
        Decimal("10"),
        Decimal("24.99"),
        Decimal("4"),
    )
    channels = {row.channel: row.counters for row in report.by_channel}
    assert set(channels) == {"web", "phone"}
    assert channels["phone"].commission_pending == Decimal("10") and channels["web"].clicks == 0
    links = {row.link_code: row.counters for row in report.by_link}
    assert links["lnk1"] == Counters(
        clicks=2,
        unique_clicks=1,
        bot_clicks=1,
        conversions_approved=1,
        sales_approved=Decimal("249.90"),
        commission_approved=Decimal("24.99"),
    )
    assert links["lnk2"].commission_reversed == Decimal("4") and links["lnk2"].clicks == 1
    sub_ids = {(row.field, row.value): row.counters for row in report.by_sub_id}
    assert set(sub_ids) == {("sub1", "news"), ("source", "instagram")}
    assert sub_ids[("sub1", "news")].clicks == 2 and sub_ids[("sub1", "news")].sales_approved == Decimal("249.90")
    assert report.sub_ids_truncated is False


def test_sub_ids_come_in_pages(runtime, streams):
    for index in range(5):
        stored_click("shop", "ag1", "lnk1", sub1=f"campaign-{index}", visitor=f"v{index}")
    streams.drain()
    report = reads.partner_month("shop", "ag1", "2026-05", max_sub_ids=2)
    assert report.sub_ids_truncated and [row.value for row in report.by_sub_id] == ["campaign-0", "campaign-1"]
    seen, cursor = [], None
    while True:
        page, cursor = reads.partner_sub_ids("ag1", "2026-05", limit=2, after=cursor)
        seen += [row.value for row in page]
        if cursor is None:
            break
    assert seen == [f"campaign-{index}" for index in range(5)]
    exact = reads.partner_month("shop", "ag1", "2026-05", max_sub_ids=5)
    assert len(exact.by_sub_id) == 5 and not exact.sub_ids_truncated  # exactly as many as asked: no next page


def test_daily_series_are_complete_and_exact(activity):
    a, _ = activity
    series = reads.partner_days(a, date(2026, 5, 19), date(2026, 5, 22))
    assert [point.day for point in series] == [date(2026, 5, day) for day in range(19, 23)]
    assert [point.counters.clicks for point in series] == [0, 2, 1, 0]
    assert series[1].counters.commission_approved == Decimal("24.99")
    assert series[2].counters.commission_pending == Decimal("10")
    assert series[0].counters == reads.ZERO
    link_series = reads.link_days("lnk2", date(2026, 5, 21), date(2026, 5, 21))
    assert link_series[0].counters.commission_reversed == Decimal("4")
    with pytest.raises(BadPeriod):
        reads.partner_days(a, date(2026, 5, 2), date(2026, 5, 1))
    with pytest.raises(BadPeriod):
        reads.partner_days(a, date(2025, 1, 1), date(2026, 5, 1))


def test_the_last_twelve_months(activity, aws_requests):
    a, _ = activity
    months = reads.partner_months("shop", a, "2026-06")
    assert aws_requests.of(*READS) == ["BatchGetItem"]
    assert (months[0].month, months[-1].month) == ("2025-07", "2026-06")
    assert months[-2].counters.clicks == 3 and months[-1].counters.commission_pending == Decimal("0.1")
    assert all(m.counters == reads.ZERO for m in months[:-2])
    program = reads.program_months("shop", "2026-05", count=2)
    assert program[-1].counters.conversions_rejected == 1 and program[0].counters == reads.ZERO


def test_per_link_totals_of_a_partner(activity, aws_requests):
    a, _ = activity
    links = {row.link_code: row.counters for row in reads.partner_links(a)}
    assert aws_requests.of(*READS) == ["Query"]
    assert set(links) == {"lnk1", "lnk2"}
    assert links["lnk1"].clicks == 2 and links["lnk1"].bot_clicks == 1


def test_the_all_partners_report_is_one_query(activity, aws_requests):
    a, b = activity
    report = reads.program_month("shop", "2026-05")
    assert sorted(aws_requests.of(*READS)) == ["BatchGetItem", "GetItem", "Query"]

    rows = {row.agent_id: row for row in report.partners}
    assert set(rows) == {a, b}
    assert rows[a].name == 'Hôtel "Le Port", Nice' and rows[b].name == "Ὀδυσσεύς Tours"
    assert rows[b].counters.rejected == 1 and rows[b].counters.clicks == 1
    assert report.totals.clicks == 4 and report.totals.bot_clicks == 1
    assert report.unattributed == Counters(conversions_pending=1, sales_pending=Decimal("75.50"))
    channels = {row.channel: row.counters for row in report.by_channel}
    assert channels == {row.channel: row.counters for row in reads.program_channels("shop", "2026-05")}
    assert channels["chat"].sales_pending == Decimal("75.50")
    assert channels["web"].conversions_rejected == 1
    assert reads.active_programs("2026-05") == ["shop"]


@pytest.mark.parametrize("clicks", [20, 2000])
def test_report_reads_do_not_grow_with_clicks(runtime, aws, clicks, aws_requests):
    """The same reads (count and kind) for 20 and for 2000 clicks: the budget's 1k vs 100k, in small."""
    aws_requests.recording = False
    bulk.seed_clicks("shop", "ag1", "lnk1", clicks, month="2026-05", sub1="news")
    bulk.seed_conversions("shop", "ag1", clicks // 10, month="2026-05", link_code="lnk1")
    aws_requests.calls.clear()
    aws_requests.recording = True

    month = reads.partner_month("shop", "ag1", "2026-05")
    program = reads.program_month("shop", "2026-05", with_names=False)
    reads.partner_days("ag1", date(2026, 5, 1), date(2026, 5, 31))

    assert aws_requests.calls == ["GetItem", "Query", "Query", "GetItem", "Query", "Query"]
    assert month.totals.clicks == clicks and month.totals.unique_clicks == clicks
    assert month.totals.commission_approved == Decimal("12.35") * (clicks // 10)
    assert program.totals.sales == Decimal("123.45") * (clicks // 10)
