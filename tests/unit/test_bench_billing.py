"""bench/billing.py: DynamoDB's request units for a write, the table's item and its indexes', as DynamoDB bills them."""

from bench import billing, cost
from devstack.template import load

RESOURCES = load()["Resources"]
CONVERSIONS = billing.Table.declared("ConversionsTable", RESOURCES["ConversionsTable"])
AGENTS = billing.Table.declared("AgentsTable", RESOURCES["AgentsTable"])
SESSION = {
    "click_id": {"S": "0Qz8-abcdefghijklmnopqr"},
    "agent_id": {"S": "cpzkdey4"},
    "expires_at": {"N": "1827000000"},
    "sub_defaults": {"M": {"sub1": {"S": "news"}}},
    "allowed_domains": {"L": [{"S": "www.example.com"}, {"S": "*.example.com"}]},
    "bot": {"BOOL": False},
}


def _conversion(**changes) -> dict:
    item = {
        "conversion_id": {"S": "c1"},
        "agent_id": {"S": "a1"},
        "program_id": {"S": "shop"},
        "created_at": {"S": "2026-12-01T10:00:00+00:00"},
        "status": {"S": "pending"},
    }
    return item | {name: {"S": value} for name, value in changes.items()}


def test_item_sizes_are_names_plus_values_as_dynamodb_documents_them():
    assert billing.item_size({"ab": {"S": "xyz"}}) == 5
    assert billing.item_size({"n": {"N": "12345"}}) == 1 + 4  # a byte per two significant digits, plus one
    assert billing.item_size({"n": {"N": "-120.500"}}) == 1 + 3  # leading and trailing zeros trimmed: 1205
    # names + values; "1827" (trailing zeros trimmed) is 3 bytes; a list or map 3 bytes plus 1 per element
    sizes = [8 + 23, 8 + 8, 10 + 3, 12 + 3 + 1 + 4 + 4, 15 + 3 + 16 + 14, 3 + 1]
    assert billing.item_size(SESSION) == sum(sizes)


def test_write_units_are_per_started_kilobyte_and_reads_per_started_4kb():
    assert [billing.write_units(n) for n in (0, 1, 1024, 1025, 3000)] == [1, 1, 1, 2, 3]
    assert billing.read_units(100, consistent=False) == 0.5
    assert billing.read_units(4097, consistent=True) == 2


def test_the_indexes_are_read_from_the_template():
    assert CONVERSIONS.keys == ("conversion_id",)
    assert [(i.name, i.keys, i.projection) for i in CONVERSIONS.indexes] == [
        ("agent-index", ("agent_id", "created_at"), "ALL"),
        ("program-index", ("program_id", "created_at"), "ALL"),
    ]
    assert {i.name: i.projection for i in AGENTS.indexes}["program-email-index"] == "KEYS_ONLY"


def test_a_new_item_writes_the_table_and_each_index_it_enters():
    # A conversion is in both ALL indexes: three units, not one.
    assert CONVERSIONS.write_units(None, _conversion()) == (1, 2)
    # A partner without an email is not in the sparse email index.
    partner = {"agent_id": {"S": "a1"}, "program_id": {"S": "shop"}, "status_created": {"S": "active#2026"}}
    assert AGENTS.write_units(None, partner) == (1, 1)
    assert AGENTS.write_units(None, partner | {"email": {"S": "p@example.com"}}) == (1, 2)


def test_an_update_costs_an_index_nothing_unless_what_it_holds_changes():
    before = {"agent_id": {"S": "a1"}, "program_id": {"S": "shop"}, "email": {"S": "p@example.com"}}
    after = before | {"name": {"S": "Renamed"}}
    # the email index holds keys only; the status index lacks its sort key (status_created): neither is written
    assert AGENTS.write_units(before, after) == (1, 0)
    # an ALL index takes the changed projection: one write each
    assert CONVERSIONS.write_units(_conversion(), _conversion(status="approved")) == (1, 2)


def test_an_update_that_changes_an_index_key_is_a_delete_and_a_put_there():
    moved = _conversion(agent_id="a2")
    # agent-index: its key changed (delete + put); program-index: a projected attribute changed (one write)
    assert CONVERSIONS.write_units(_conversion(), moved) == (1, 2 + 1)
    # an attribute removed takes the item out of the index: one delete
    partner = {"agent_id": {"S": "a1"}, "program_id": {"S": "shop"}, "email": {"S": "p@example.com"}}
    assert AGENTS.write_units(partner, {k: v for k, v in partner.items() if k != "email"}) == (1, 1)


def test_an_index_item_is_billed_per_started_kilobyte_of_what_it_projects():
    big = _conversion(note="x" * 1500)
    assert CONVERSIONS.write_units(None, big) == (2, 2 + 2)
    keys_only = billing.Table("T", ("pk",), (billing.Index("by-k", ("k",), "KEYS_ONLY"),))
    assert keys_only.write_units(None, {"pk": {"S": "p"}, "k": {"S": "k"}, "note": {"S": "x" * 1500}}) == (2, 1)
    include = billing.Table("T", ("pk",), (billing.Index("by-k", ("k",), "INCLUDE", ("note",)),))
    item = {"pk": {"S": "p"}, "k": {"S": "k"}, "note": {"S": "a"}, "other": {"S": "b"}}
    assert include.write_units(item, item | {"other": {"S": "c"}}) == (1, 0)  # not projected there
    assert include.write_units(item, item | {"note": {"S": "x" * 1500}}) == (2, 2)


def test_a_transaction_bills_the_table_twice_and_its_indexes_once():
    assert CONVERSIONS.write_units(None, _conversion(), transactional=True) == (2, 2)


def test_a_write_that_did_not_happen_bills_the_stored_item_and_no_index():
    stored = _conversion(note="x" * 1500)
    assert CONVERSIONS.write_units(stored, stored) == (2, 0)  # a failed condition: the item as it is
    assert CONVERSIONS.write_units(None, None, transactional=True) == (2, 0)  # cancelled, nothing stored: 1 unit x2


def test_the_cost_meter_adds_up_each_item_of_a_call():
    tables = {"conversions": CONVERSIONS, "plain": billing.Table("PlainTable", ("pk",))}
    body = {
        "TransactItems": [
            {"Put": {"TableName": "conversions", "Item": _conversion()}},
            {"Update": {"TableName": "plain", "Key": {"pk": {"S": "b"}}}},
        ]
    }
    before = [None, {"pk": {"S": "b"}, "blob": {"S": "x" * 2000}}]
    after = [_conversion(), {"pk": {"S": "b"}, "blob": {"S": "x" * 2100}}]
    # the conversion: 2 x 1 + two indexes; the update: 2 x 3 (the larger, 2.1 KB)
    assert cost._units("TransactWriteItems", body, {}, before, after, tables) == (2 + 2 + 6, 0.0, 2)
    # cancelled: each item billed at what it holds (at least one unit), no index written
    assert cost._units("TransactWriteItems", body, {"Error": {}}, before, before, tables) == (2 + 4, 0.0, 0)
