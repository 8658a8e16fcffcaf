"""Daily charts drawn on the server as SVG geometry. Pure: no I/O, no markup (templates draw it).

The portal's CSP allows no inline script and no other origin, so charts cannot come from a
JavaScript library or a CDN; plain SVG elements with CSS classes need neither. Each chart
comes with a title and a one-sentence description for screen readers, and the page shows
the same figures as a table.
"""

from dataclasses import dataclass
from datetime import date

from waymark.reporting.reads import DayCounters

WIDTH = 720
# A phone's chart: drawn for about its screen's width, so its type is not shrunk to half (a 720-wide
# chart in a 340 px column draws 11 px labels at 5 px).
PHONE_WIDTH = 360
LEFT = 44  # room for the y axis labels
RIGHT = 8
PANEL_HEIGHT = 96
PANEL_GAP = 34  # the second panel's title sits in the gap
TOP = 22
AXIS_LABELS_HEIGHT = 22
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    tip: str  # the bar's own title ("3 May: 5 clicks"), shown on hover


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Panel:
    title: str
    css: str  # class of its bars
    top: float
    height: float
    maximum: int  # the axis' top value
    bars: list[Bar]
    inner: list[Bar]  # drawn over `bars` (unique clicks within clicks); may be empty
    ticks: list[Tick]


@dataclass(frozen=True)
class DayLabel:
    x: float
    label: str


@dataclass(frozen=True)
class DailyChart:
    width: int
    height: int
    title: str
    description: str
    panels: list[Panel]
    labels: list[DayLabel]  # some days under the last panel
    baseline: float  # y of the bottom axis line
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT


def day_label(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least `value` (at least 1): a readable axis top."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _bars(
    values: list[int], maximum: int, top: float, noun: tuple[str, str], days: list[date], *, scale: float, width: int
):
    slot = (width - LEFT - RIGHT) / len(values)
    bar_width = max(1.0, slot * scale)
    bars = []
    for index, (value, day) in enumerate(zip(values, days, strict=True)):
        height = PANEL_HEIGHT * value / maximum
        x = LEFT + slot * index + (slot - bar_width) / 2
        word = noun[0] if value == 1 else noun[1]
        y = top + PANEL_HEIGHT - height
        tip = f"{day_label(day)}: {value} {word}"
        bars.append(Bar(round(x, 2), round(y, 2), round(bar_width, 2), round(height, 2), value, tip))
    return bars


def _panel(
    title: str,
    css: str,
    index: int,
    values: list[int],
    days: list[date],
    noun,
    inner=None,
    inner_noun=None,
    *,
    width: int,
):
    top = TOP + index * (PANEL_HEIGHT + PANEL_GAP)
    maximum = nice_ceiling(max(values, default=0))
    ticks = [Tick(round(top + PANEL_HEIGHT * (1 - share), 2), str(int(maximum * share))) for share in (0, 0.5, 1)]
    if maximum % 2:  # 1 or 5 times a power of ten: a middle tick would be a fraction
        ticks = [ticks[0], ticks[2]]
    return Panel(
        title,
        css,
        top,
        PANEL_HEIGHT,
        maximum,
        _bars(values, maximum, top, noun, days, scale=0.72, width=width),
        _bars(inner, maximum, top, inner_noun, days, scale=0.36, width=width) if inner is not None else [],
        ticks,
    )


def daily_chart(days: list[DayCounters], width: int = WIDTH) -> DailyChart:
    """Clicks (unique clicks drawn inside) and conversions per day, one panel each, sharing the days
    axis, `width` units wide (PHONE_WIDTH: the phone's version)."""
    if not days:
        raise ValueError("a chart needs at least one day")
    dates = [point.day for point in days]
    clicks = [point.counters.clicks for point in days]
    unique = [point.counters.unique_clicks for point in days]
    conversions = [point.counters.conversions for point in days]
    panels = [
        _panel(
            "Clicks",
            "clicks",
            0,
            clicks,
            dates,
            ("click", "clicks"),
            unique,
            ("unique click", "unique clicks"),
            width=width,
        ),
        _panel("Conversions", "conversions", 1, conversions, dates, ("conversion", "conversions"), width=width),
    ]
    baseline = panels[-1].top + PANEL_HEIGHT
    slot = (width - LEFT - RIGHT) / len(days)
    last = len(days) - 1
    shown = [i for i in range(0, last, 7) if last - i >= 4] + [last]  # weekly, and the last day unless crowded
    labels = [DayLabel(round(LEFT + slot * (i + 0.5), 2), day_label(dates[i])) for i in shown]
    return DailyChart(
        width,
        int(baseline + AXIS_LABELS_HEIGHT),
        f"Daily clicks and conversions, {day_label(dates[0])} to {day_label(dates[-1])} {dates[-1].year}",
        describe(dates, clicks, unique, conversions),
        panels,
        labels,
        baseline,
        plot_right=width - RIGHT,
    )


def describe(dates: list[date], clicks: list[int], unique: list[int], conversions: list[int]) -> str:
    """The chart in one or two sentences, for people who cannot see it."""
    total, total_unique, total_conversions = sum(clicks), sum(unique), sum(conversions)
    text = f"{total} clicks ({total_unique} unique) and {total_conversions} conversions in {len(dates)} days."
    if total:
        best = max(range(len(clicks)), key=lambda i: (clicks[i], i))
        text += f" Most clicks on {day_label(dates[best])}: {clicks[best]}."
    if total_conversions:
        best = max(range(len(conversions)), key=lambda i: (conversions[i], i))
        text += f" Most conversions on {day_label(dates[best])}: {conversions[best]}."
    return text
