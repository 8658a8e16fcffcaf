"""Report shapes, periods and money formatting; export keys, authorisation and CSV cells. No AWS."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from waymark.reporting import exports, reads
from waymark.reporting.exports import ExportForbidden, Requester
from waymark.reporting.reads import BadPeriod, Counters


def test_counters_read_exact_numbers_and_derive_the_live_totals():
    counters = Counters.from_item(
        {
            "clicks": {"N": "12"},
            "conversions_pending": {"N": "2"},
            "conversions_approved": {"N": "1"},
            "conversions_reversed": {"N": "1"},
            "conversions_rejected": {"N": "3"},
            "sales_pending": {"N": "0.1"},
            "sales_approved": {"N": "0.2"},
            "sales_reversed": {"N": "99"},
            "commission_pending": {"N": "0.01"},
            "commission_approved": {"N": "0.02"},
        }
    )
    assert counters.clicks == 12 and counters.unique_clicks == 0
    assert counters.conversions == 3 and counters.rejected == 3
    assert counters.sales == Decimal("0.3")  # exact: no float on the way
    assert counters.commission == Decimal("0.03")
    as_json = counters.as_dict()
    assert as_json["sales"] == "0.30" and as_json["sales_reversed"] == "99.00"
    assert as_json["commission_approved"] == "0.02" and as_json["conversions"] == 3


def test_counters_add_and_subtract_field_by_field():
    a = Counters(clicks=2, sales_pending=Decimal("1.50"))
    b = Counters(clicks=1, sales_pending=Decimal("0.25"), bot_clicks=4)
    assert a + b == Counters(clicks=3, sales_pending=Decimal("1.75"), bot_clicks=4)
    assert (a + b) - b == a


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("12"), "12.00"),
        (Decimal("0.125"), "0.125"),
        (Decimal("1E+3"), "1000.00"),
        (Decimal("-3.5"), "-3.50"),
        (Decimal("24.990"), "24.99"),
        (Decimal("10.000"), "10.00"),
        (Decimal("0.0050"), "0.005"),
    ],
)
def test_money_is_exact_text(value, text):
    assert reads.money(value) == text


def test_months_and_ranges():
    assert reads.months_until("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    assert reads.add_months("2026-12", 1) == "2027-01"
    assert reads.months_until("2000-01", reads.MAX_MONTHS)[0] == "1997-02"
    for bad in ("2026-13", "2026-1", "26-01", "", None, "2026-05\n", "２０２６-05", "0000-01", "0001-01", "1999-12"):
        with pytest.raises(BadPeriod):
            reads.check_month(bad)
    with pytest.raises(BadPeriod):
        reads.months_until("2026-01", 0)


def test_export_keys_are_predictable():
    assert exports.export_key("shop", "2026-05") == "shop/2026-05/all-partners.csv"
    assert exports.export_key("shop", "2026-05", "cpzkdey4") == "shop/2026-05/cpzkdey4.csv"


def test_admins_export_anything_and_partners_only_their_own_statement():
    admin = Requester(is_admin=True)
    partner = Requester(is_admin=False, agent_id="ag1", program_id="shop")
    exports.authorize(admin, "shop", None)
    exports.authorize(admin, "other", "ag2")
    exports.authorize(partner, "shop", "ag1")
    for program_id, agent_id in (("shop", None), ("shop", "ag2"), ("other", "ag1")):
        with pytest.raises(ExportForbidden):
            exports.authorize(partner, program_id, agent_id)
    with pytest.raises(ExportForbidden):
        exports.authorize(Requester(is_admin=False), "shop", "ag1")


@pytest.mark.parametrize("value", ["../x", "a/b", "", "x" * 65, "shop\n"])
def test_ids_that_would_bend_the_key_are_rejected(value):
    with pytest.raises(exports.ExportRejected):
        exports.check_ids(value, None)


def test_spreadsheet_formulas_are_defused_and_plain_text_is_kept():
    assert exports.cell('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert exports.cell("-2+3") == "'-2+3"
    assert exports.cell('Müller, "Ω" & Söhne') == 'Müller, "Ω" & Söhne'
    assert exports.cell(None) == ""
    assert exports.cell(7) == "7"
    assert exports.cell(Decimal("-5")) == "-5.00"  # a refund is a number, not a formula
    assert exports.cell(Decimal("0.0050")) == "0.005"


def test_the_schedule_exports_the_month_before_it_fires_unless_told():
    assert exports.scheduled_month({"time": "2026-06-01T02:00:00Z"}) == "2026-05"
    assert exports.scheduled_month({"time": "2026-01-01T02:00:00Z"}) == "2025-12"
    assert exports.scheduled_month({"time": "2026-06-01T02:00:00Z", "detail": {"month": "2026-02"}}) == "2026-02"
    with pytest.raises(exports.ExportRejected):
        exports.scheduled_month({"detail": {"month": "May"}})
    assert exports.previous_month(datetime(2026, 3, 1, 0, 0, tzinfo=UTC)) == "2026-02"


def test_multipart_parts_must_be_at_least_five_megabytes():
    with pytest.raises(ValueError, match="5 MiB"):
        exports.MultipartWriter("bucket", "key", filename="x.csv", part_size=1024, client=object())
