"""The click path reads and writes items without PynamoDB; the PynamoDB models stay the schema.

These tests hold waymark.click.sessions and waymark.click.projections to waymark.models, so the fast path can
never write or read anything the models would not.
"""

import json
import subprocess
import sys
from datetime import UTC, datetime

from devstack.template import ROOT
from waymark.click.projections import AgentView, LinkView, ProgramView
from waymark.click.sessions import SessionRecord, new_session
from waymark.core.table_keys import program_key
from waymark.models import Agent, Link, Program, Session

NOW = datetime(2026, 11, 20, 9, 30, 12, 345000, tzinfo=UTC)


def full_session() -> SessionRecord:
    return new_session(
        agent_id="ag000001", link_code="lnk0000001", program_id="shop", destination="https://www.example.com/?c=1",
        window=30, now=NOW, source_ip="203.0.113.9", user_agent="Mozilla/5.0", referer="https://blog.example/x",
        country="de", sub_ids={"sub1": "a", "sub2": None, "sub3": "c", "sub4": "d", "sub5": "e", "source": "f"},
    )  # fmt: skip


def test_a_session_item_is_exactly_what_the_model_writes():
    repeat = full_session()
    repeat.repeat = True
    for record in (full_session(), repeat, new_session(agent_id="a", link_code="l", program_id="p", destination="d",
                                               window=365, now=NOW, source_ip="")):  # fmt: skip
        fields = {name: getattr(record, name) for name in SessionRecord.__slots__ if getattr(record, name) is not None}
        model = Session(fields.pop("ref_code"), fields.pop("click_id"), **fields)
        assert record.to_item() == model.serialize()


def test_session_record_fields_are_session_attributes_of_the_same_kind():
    attributes = Session.get_attributes()
    for name in SessionRecord.__slots__:
        assert name in attributes, name
        kind = "N" if name in SessionRecord._NUMBERS else "BOOL" if name in SessionRecord._BOOLEANS else "S"
        assert attributes[name].attr_type == kind, name


def test_views_read_what_the_models_write():
    link = Link("lnk0000001", agent_id="ag1", program_id="shop", created_at="2026-01-01T00:00:00.000+00:00",
                destination="https://www.example.com/x", sub_defaults={"sub1": "s"}, status="paused")  # fmt: skip
    view = LinkView.from_item(link.serialize())
    assert (view.code, view.agent_id, view.program_id, view.destination, view.sub_defaults, view.status) == (
        "lnk0000001", "ag1", "shop", "https://www.example.com/x", {"sub1": "s"}, "paused",
    )  # fmt: skip
    agent = Agent("ag1", program_id="shop", name="A", email="a@example.com", created_at="2026-01-01T00:00:00.000+00:00",
                  attribution_window_days=14)  # fmt: skip
    agent.set_status("suspended")
    seen = AgentView.from_item(agent.serialize())
    assert (seen.agent_id, seen.program_id, seen.status, seen.attribution_window_days) == (
        "ag1",
        "shop",
        "suspended",
        14,
    )
    program = Program(*Program.key("shop"), program_id="shop", name="Shop", default_landing_url="https://www.example.com/",
                      allowed_domains=["www.example.com", "*.example.com"], allow_http=True, click_param="wm",
                      passthrough=False, attribution_window_days=30, languages=["de", "en"], default_language="de",
                      settings={"remarketing": {"email": True}})  # fmt: skip
    read = ProgramView.from_item(program.serialize())
    assert (read.program_id, read.default_landing_url, read.allowed_domains, read.allow_http, read.click_param,
            read.passthrough, read.attribution_window_days, read.languages, read.default_language) == (
        "shop", "https://www.example.com/", ("www.example.com", "*.example.com"), True, "wm", False, 30,
        ("de", "en"), "de",
    )  # fmt: skip
    assert program_key("shop") == Program.key("shop")


def test_views_take_the_models_defaults_for_missing_attributes():
    link = LinkView.from_item({"code": {"S": "c"}, "agent_id": {"S": "a"}, "program_id": {"S": "p"}})
    assert (link.destination, link.sub_defaults, link.status) == (None, {}, Link().status)
    program = ProgramView.from_item({"program_id": {"S": "p"}, "default_landing_url": {"S": "https://x.example/"}})
    defaults = Program()
    assert (program.click_param, program.passthrough, program.allow_http, program.attribution_window_days,
            list(program.languages), program.default_language) == (
        defaults.click_param, defaults.passthrough, defaults.allow_http, defaults.attribution_window_days,
        defaults.languages, defaults.default_language,
    )  # fmt: skip
    assert AgentView.from_item({"agent_id": {"S": "a"}}).status == Agent().status


def test_the_click_function_loads_no_pynamodb_pydantic_jinja_or_bot_lists():
    probe = (
        "import sys, json; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import app; "
        "print(json.dumps(sorted(m for m in ('pynamodb', 'pydantic', 'jinja2', 'waymark.models', "
        "'aws_xray_sdk', 'boto3', 'waymark.reporting.reads', 'waymark.catalog', 'waymark.click.useragents', "
        "'crawlerdetect', 'is_bot', 'regex', 'ua_parser', 'waymark.wording', 'waymark.web') if m in sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(ROOT / "functions" / "click"), str(ROOT / "shared")],
                            capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    assert json.loads(result.stdout) == []
