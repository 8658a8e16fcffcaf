"""The portal's report helpers without AWS: the server-drawn chart, periods, channels, page scopes, ids."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest

from waymark import web
from waymark.core import times
from waymark.portal.reports import charts, figures
from waymark.reporting.reads import ChannelCounters, Counters, DayCounters, MonthCounters

START = date(2026, 5, 1)


def series(clicks: list[int], conversions: list[int] | None = None) -> list[DayCounters]:
    conversions = conversions or [0] * len(clicks)
    return [
        DayCounters(START + timedelta(days=i), Counters(clicks=c, unique_clicks=c // 2, conversions_pending=v))
        for i, (c, v) in enumerate(zip(clicks, conversions, strict=True))
    ]


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1), (1, 1), (2, 2), (3, 5), (5, 5), (6, 10), (11, 20), (47, 50), (51, 100), (999, 1000)]
)
def test_axis_tops_are_round_numbers_at_least_the_largest_value(value, ceiling):
    assert charts.nice_ceiling(value) == ceiling


def test_bars_are_as_tall_as_their_share_of_the_axis_and_sit_on_the_baseline():
    chart = charts.daily_chart(series([0, 5, 10, 3], [0, 1, 2, 0]))
    clicks, conversions = chart.panels
    assert clicks.maximum == 10 and conversions.maximum == 2
    assert [bar.height for bar in clicks.bars] == [0, charts.PANEL_HEIGHT / 2, charts.PANEL_HEIGHT, 28.8]
    assert {round(bar.y + bar.height, 2) for bar in clicks.bars} == {clicks.top + charts.PANEL_HEIGHT}
    assert [bar.value for bar in clicks.inner] == [0, 2, 5, 1]  # unique clicks, drawn inside
    assert all(inner.width < bar.width for inner, bar in zip(clicks.inner, clicks.bars, strict=True))
    assert (
        conversions.top > clicks.top + charts.PANEL_HEIGHT and chart.baseline == conversions.top + charts.PANEL_HEIGHT
    )
    xs = [bar.x for bar in clicks.bars]
    assert xs == sorted(xs) and xs[0] >= charts.LEFT and clicks.bars[-1].x + clicks.bars[-1].width <= charts.WIDTH
    assert clicks.bars[1].tip == "2 May: 5 clicks" and conversions.bars[1].tip == "2 May: 1 conversion"
    assert [tick.label for tick in clicks.ticks] == ["0", "5", "10"] and [t.label for t in conversions.ticks] == [
        "0",
        "1",
        "2",
    ]


def test_the_chart_is_described_in_words_and_labels_do_not_crowd():
    chart = charts.daily_chart(series([0] * 28 + [4, 1], [0] * 29 + [1]))
    assert chart.title == "Daily clicks and conversions, 1 May to 30 May 2026"
    assert chart.description == (
        "5 clicks (2 unique) and 1 conversions in 30 days. Most clicks on 29 May: 4. Most conversions on 30 May: 1."
    )
    assert [label.label for label in chart.labels] == ["1 May", "8 May", "15 May", "22 May", "30 May"]
    quiet = charts.daily_chart(series([0, 0]))
    assert quiet.description == "0 clicks (0 unique) and 0 conversions in 2 days."
    assert quiet.panels[0].maximum == 1 and all(bar.height == 0 for bar in quiet.panels[0].bars)
    with pytest.raises(ValueError, match="at least one day"):
        charts.daily_chart([])


def test_every_channel_is_listed_in_order_with_zeros():
    found = [ChannelCounters("phone", Counters(conversions_pending=2)), ChannelCounters("web", Counters(clicks=1))]
    rows = figures.all_channels(found, Counters(clicks=1))
    channels = ["web", "chat", "phone", "concierge", "inside_sales", "remarketing", "coupon"]
    assert [row.channel for row in rows] == channels
    assert rows[2].counters.conversions == 2 and rows[1].counters == Counters()


def test_the_months_clicks_are_the_web_channels():
    """The channel counters hold conversions only: the table showed 0 web clicks beside totals with clicks."""
    found = [
        ChannelCounters("web", Counters(conversions_pending=1)),
        ChannelCounters("phone", Counters(conversions_approved=1)),
    ]
    rows = figures.all_channels(found, Counters(clicks=7, unique_clicks=5, bot_clicks=2, conversions_pending=1))
    web, phone = rows[0].counters, rows[2].counters
    assert (web.clicks, web.unique_clicks, web.bot_clicks, web.conversions) == (7, 5, 2, 1)
    assert phone.clicks == 0 and phone.conversions == 1
    assert figures.all_channels([], Counters(clicks=3))[0].counters.clicks == 3


def test_a_partners_months_start_in_the_month_it_joined():
    months = [MonthCounters(month, Counters()) for month in ("2026-01", "2026-02", "2026-03", "2026-04")]
    assert [row.month for row in figures.since_joining(months, "2026-03-17T08:00:00.000+00:00")] == [
        "2026-03",
        "2026-04",
    ]
    assert figures.since_joining(months, None) == months  # an old partner without a date: all 12
    assert [row.month for row in figures.since_joining(months, "2027-01-01T00:00:00.000+00:00")] == ["2026-04"]


def test_stored_times_read_as_minutes_in_utc():
    assert times.shown("2026-03-04T09:05:59.123+00:00") == "4 Mar 2026, 09:05 UTC"
    assert times.shown("2026-03-04T10:05:00.000+01:00") == "4 Mar 2026, 09:05 UTC"
    assert times.shown("") == "—" and times.shown("not a time") == "not a time"


def test_stored_times_read_in_the_readers_zone_named():
    stored = "2026-12-02T08:14:00.000+00:00"
    assert times.shown(stored, "Europe/Berlin") == "2 Dec 2026, 09:14 CET"
    assert times.shown("2026-07-02T08:14:00.000+00:00", "Europe/Berlin") == "2 Jul 2026, 10:14 CEST"
    assert times.shown(stored, "Asia/Dubai") == "2 Dec 2026, 12:14 UTC+04"  # no abbreviation: the offset
    assert times.shown_day("2026-12-01T23:30:00.000+00:00", "Asia/Tokyo") == "2 Dec 2026"
    assert times.shown_day("2026-12-01T23:30:00.000+00:00") == "1 Dec 2026"
    assert times.shown(stored, "../../etc/passwd") == "2 Dec 2026, 08:14 UTC"  # not a zone name: UTC


def test_only_the_zone_databases_own_names_are_zones():
    assert times.zone_named("Europe/Berlin") == "Europe/Berlin" and times.zone_named("UTC") == "UTC"
    for bad in (None, "", "Mars/Olympus", "europe/berlin", "/etc/localtime", "Europe/../UTC", "A" * 65):
        assert times.zone_named(bad) is None, bad


def test_report_months_are_checked_against_the_clock():
    with mock.patch("waymark.core.times.utcnow", return_value=datetime(2026, 5, 25, tzinfo=UTC)):
        assert figures.checked_month(None) == "2026-05" and figures.checked_month("2025-12") == "2025-12"
        assert figures.recent_months(count=3) == ["2026-05", "2026-04", "2026-03"]
        for bad in ("2026-06", "2026-5", "26-05", "2026-00", "May"):
            with pytest.raises(web.BadRequest):
                figures.checked_month(bad)
    assert figures.month_label("2026-01") == "January 2026"


def test_conversion_page_scopes_differ_by_every_filter():
    base = figures.ConversionFilters("demo", "2026-05")
    variants = [
        base,
        figures.ConversionFilters("demo", "2026-04"),
        figures.ConversionFilters("other", "2026-05"),
        figures.ConversionFilters("demo", "2026-05", status="pending"),
        figures.ConversionFilters("demo", "2026-05", channel="web"),
        figures.ConversionFilters("demo", "2026-05", agent_id="abcd1234"),
    ]
    assert len({f.scope() for f in variants}) == len(variants)
    assert variants[3].query("c1") == {"month": "2026-05", "status": "pending", "cursor": "c1"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("shop%3AA-1", "shop:A-1"), ("shop:A-1", "shop:A-1"), ("shop%3A2026%2F05%20%237", "shop:2026/05 #7")],
)
def test_conversion_ids_come_percent_encoded_in_paths(raw, expected):
    assert figures.conversion_id_from_path(raw) == expected


@pytest.mark.parametrize("raw", ["", "no-colon", "shop%3A%0Aline", "x:" + "a" * 300])
def test_malformed_conversion_ids_are_not_found(raw):
    with pytest.raises(web.NotFound):
        figures.conversion_id_from_path(raw)
