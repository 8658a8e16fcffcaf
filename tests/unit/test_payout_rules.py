"""Partner money's pure rules: payment details' checks and masks, the pay files, balances and a run's plan."""

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waymark.models import PaidConversion, PayoutLine
from waymark.payouts import accounts, files
from waymark.payouts.balances import Entry, balances, due, payable_from, plan

NOW = datetime(2026, 4, 2, tzinfo=UTC)


# ------------------------------------------------------------------------------------ accounts


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("gb82 west 1234 5698 7654 32", "GB82WEST12345698765432"),
        ("NL91ABNA0417164300", "NL91ABNA0417164300"),
    ],
)
def test_an_iban_with_good_check_digits_is_stored_without_spaces(typed, stored):
    assert accounts.normalize_iban(typed) == stored


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("DE89 3704 0044 0532 0130 01", "check digits do not match"),  # one digit wrong
        ("DE98 3704 0044 0532 0130 00", "check digits do not match"),  # check digits swapped
        ("DE89 3704 0044 0532 0130", "DE has 22 characters"),
        ("89DE 3704 0044 0532 0130 00", "2 letters of the country"),
        ("DE89 3704 0044 0532 0130 0!", "2 letters of the country"),
    ],
)
def test_a_mistyped_iban_is_refused_saying_what_is_wrong(typed, says):
    with pytest.raises(accounts.InvalidAccount, match=says):
        accounts.normalize_iban(typed)


@pytest.mark.parametrize("bic", ["COBADEFF", "COBADEFFXXX", "deutdeff500"])
def test_a_bic_of_8_or_11_characters_is_accepted(bic):
    assert accounts.normalize_bic(bic) == bic.upper()


@pytest.mark.parametrize("bic", ["COBADEF", "COBADEFFXX", "C0BADEFF", "COBA1EFF"])
def test_a_bic_of_another_shape_is_refused(bic):
    with pytest.raises(accounts.InvalidAccount, match="8 or 11 characters"):
        accounts.normalize_bic(bic)


def test_accounts_are_masked_to_what_their_owner_recognises():
    assert accounts.masked("paypal", "alpha@example.com") == "a***@example.com"
    assert accounts.masked("bank", "DE89370400440532013000") == "DE** **** 3000"


# ------------------------------------------------------------------------------------ pay files


def _line(agent_id, method, account, amount, currency="EUR", status="open", bic=None):
    return PayoutLine(
        *PayoutLine.key("20260402-abc", agent_id, currency),
        payout_id="20260402-abc",
        program_id="shop",
        agent_id=agent_id,
        partner_name=f"={agent_id}" if agent_id == "evil" else agent_id.title(),
        currency=currency,
        amount=Decimal(amount),
        status=status,
        conversions=[PaidConversion(conversion_id="x:1", amount=Decimal(amount))],
        method=method,
        account=account,
        bic=bic,
        cutoff="2026-04-01",
        created_at="2026-04-02T00:00:00.000+00:00",
    )


LINES = [
    _line("alpha", "paypal", "alpha@example.com", "30.5"),
    _line("bravo", "paypal", "bravo@example.com", "12.00", currency="USD"),
    _line("paid1", "paypal", "paid@example.com", "9.00", status="paid"),
    _line("wise1", "wise", "wise@example.com", "40.00"),
    _line("evil", "bank", "DE89370400440532013000", "50.00", bic="COBADEFFXXX"),
]


def test_the_paypal_file_has_paypals_columns_one_currency_and_only_open_paypal_lines():
    rows = list(csv.reader(io.StringIO(files.paypal_csv(LINES, "EUR", note="Your commission"))))
    assert rows == [["alpha@example.com", "30.50", "EUR", "20260402-abc-alpha", "Your commission", "PAYPAL"]]


def test_the_wise_file_has_its_header_and_pays_emails_and_bank_accounts_exactly():
    rows = list(csv.DictReader(io.StringIO(files.wise_csv(LINES, "EUR", reference_prefix="Example Tours"))))
    assert [row["recipientEmail"] or row["IBAN"] for row in rows] == ["wise@example.com", "DE89370400440532013000"]
    bank = rows[1]
    assert (bank["amount"], bank["amountCurrency"], bank["targetCurrency"], bank["BIC"]) == (
        "50.00",
        "target",
        "EUR",
        "COBADEFFXXX",
    )
    assert bank["name"] == "'=evil"  # a spreadsheet formula, defused
    assert bank["paymentReference"] == "Example Tours 20260402-abc"


# ------------------------------------------------------------------------------------ balances


def _entry(cid, status, commission, *, paid="0", days_ago=40, open_payout=None, open_amount=None, agent="a"):
    return Entry(
        conversion_id=cid,
        agent_id=agent,
        currency="EUR",
        status=status,
        commission=Decimal(commission),
        payable_from=NOW - timedelta(days=days_ago),
        paid=Decimal(paid),
        open_payout=open_payout,
        open_amount=Decimal(open_amount) if open_amount else None,
    )


def test_the_hold_runs_from_the_sale_and_never_ends_before_the_approval():
    sale = datetime(2026, 1, 1, tzinfo=UTC)
    assert payable_from(sale, sale, 30) == sale + timedelta(days=30)
    assert payable_from(sale, sale + timedelta(days=45), 30) == sale + timedelta(days=45)


def test_a_balance_splits_a_partners_money_by_where_it_stands():
    figures = balances(
        [
            _entry("p", "pending", "1"),
            _entry("h", "held", "2"),
            _entry("w", "approved", "4", days_ago=-3),  # in its hold
            _entry("ok", "approved", "8"),
            _entry("claw", "reversed", "16", paid="16"),
            _entry("run", "approved", "32", open_payout="r1", open_amount="32"),
            _entry("done", "approved", "64", paid="64"),
        ],
        NOW,
    )["EUR"]
    assert (figures.pending, figures.held, figures.waiting) == (1, 2, 4)
    assert (figures.payable, figures.adjustments, figures.in_payout, figures.paid) == (8, -16, 32, 80)
    assert figures.balance == -8


def test_a_run_plans_lines_that_reach_the_minimum_with_clawbacks_netted():
    entries = [
        _entry("ok", "approved", "30"),
        _entry("claw", "reversed", "10", paid="10"),
        _entry("small", "approved", "5", agent="b"),
        _entry("taken", "approved", "50", open_payout="r1", open_amount="50", agent="c"),
    ]
    (line,) = plan(entries, NOW, Decimal(20))
    assert (line.agent_id, line.amount) == ("a", Decimal(20))
    assert due(entries[3], NOW) == 0  # another run holds it


STATUSES = st.sampled_from(["pending", "held", "approved", "rejected", "reversed"])
AMOUNTS = st.decimals(min_value=0, max_value=1000, places=2)


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(STATUSES, AMOUNTS, st.booleans(), st.booleans(), st.integers(-60, 60)),
        max_size=30,
    )
)
def test_every_cent_owed_is_paid_in_a_run_waiting_or_in_the_balance(rows):
    """paid + in a run + waiting + balance = the commission of what is approved now, whatever was paid before."""
    entries = []
    for n, (status, commission, was_paid, in_run, days_ago) in enumerate(rows):
        paid = commission if was_paid else Decimal(0)
        owed = commission if status == "approved" else Decimal(0)
        open_amount = str(owed - paid) if in_run and owed != paid else None
        entries.append(
            _entry(
                f"c{n}",
                status,
                str(commission),
                paid=str(paid),
                days_ago=days_ago,
                open_payout=open_amount and "r",
                open_amount=open_amount,
            )
        )
    figures = balances(entries, NOW).get("EUR")
    owed = sum((e.owed for e in entries), Decimal(0))
    if figures is None:
        assert owed == 0
        return
    assert figures.paid + figures.in_payout + figures.waiting + figures.balance == owed
