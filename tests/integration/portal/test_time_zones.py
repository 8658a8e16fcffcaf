"""Times in each reader's own zone: chosen on the account page, else the browser's (a cookie), else UTC."""

import json
import re

import jwt

from waymark.models import Agent, ChangeRecord, OperatorProfile
from waymark.programs import time_zones

# "2 Dec 2026, 09:14 CET": a day, a month's name, the minutes and the zone's name.
SHOWN = r"\d\d? [A-Z][a-z][a-z] \d\d\d\d, \d\d:\d\d {zone}"


def _sub_of(browser) -> str:
    return jwt.decode(browser.cookies["__Host-wm_session"], options={"verify_signature": False})["sub"]


def _changes_of(program_id: str, subject: str) -> list[ChangeRecord]:
    return [c for c in ChangeRecord.query(f"PROGRAM#{program_id}") if c.subject == subject]


def test_an_operator_chooses_its_zone_over_the_browsers_recorded_and_utc_without_either(world, as_admin, api_admin):
    as_admin.cookies["__Host-wm_tz"] = "Asia/Tokyo"  # what static/portal.js sets
    page = as_admin.get("/admin/account").body
    assert "now Asia/Tokyo" in page and "<option>Europe/Berlin</option>" in page

    refused = as_admin.submit("/admin/account", "/admin/account/time-zone", {"time_zone": "Mars/Olympus"})
    assert refused.status == 400 and "choose a time zone from the list" in refused.body
    assert time_zones.of_operator(_sub_of(as_admin)) is None

    saved = as_admin.submit("/admin/account", "/admin/account/time-zone", {"time_zone": "Europe/Berlin"})
    assert saved.status == 303 and saved.location == "/admin/account?done=time-zone"
    profile = OperatorProfile.get(*OperatorProfile.key(_sub_of(as_admin)))
    assert (profile.time_zone, profile.email) == ("Europe/Berlin", "ops@example.com")
    (record,) = _changes_of(world.program.program_id, "operator:ops@example.com")
    assert json.loads(record.before) == {"time_zone": None}
    assert json.loads(record.after) == {"time_zone": "Europe/Berlin"}

    changes = as_admin.get("/admin/changes").body  # the choice beats the browser's Tokyo
    assert re.search(SHOWN.format(zone="CES?T"), changes) and "JST" not in changes

    assert api_admin.get("/api/admin/account/time-zone").json == {"time_zone": "Europe/Berlin"}
    bad = api_admin.request("PUT", "/api/admin/account/time-zone", json={"time_zone": "../../etc/passwd"})
    assert bad.status == 422 and "choose a time zone from the list" in bad.json["errors"][0]["message"]
    cleared = api_admin.request("PUT", "/api/admin/account/time-zone", json={"time_zone": None})
    assert cleared.status == 200 and cleared.json == {"time_zone": None}
    assert re.search(SHOWN.format(zone="JST"), as_admin.get("/admin/changes").body)  # the browser's again

    # Without a choice or a zone the browser named (no script, or a forged cookie): UTC.
    as_admin.cookies["__Host-wm_tz"] = "/etc/localtime"
    changes = as_admin.get("/admin/changes").body
    assert re.search(SHOWN.format(zone="UTC"), changes) and "now UTC" in as_admin.get("/admin/account").body


def test_a_partner_chooses_its_zone_on_its_profile_recorded_in_its_programs_change_record(world, as_a, api_a):
    saved = as_a.submit("/portal/profile", "/portal/profile/time-zone", {"time_zone": "Asia/Tokyo"})
    assert saved.status == 303 and saved.location == "/portal/profile?done=time-zone"
    assert Agent.get(world.a.agent_id).time_zone == "Asia/Tokyo"
    page = as_a.get(saved.location).body
    assert "Your time zone is saved." in page and "now Asia/Tokyo" in page
    (record,) = _changes_of(world.a.program_id, f"partner:{world.a.agent_id}")
    assert json.loads(record.after) == {"time_zone": "Asia/Tokyo"}

    # Our own validator's sentence, end to end in German: the browser asks for it, the program offers it.
    form = {"csrf_token": as_a.get("/portal/profile").csrf(), "time_zone": "Tokyo"}
    refused = as_a.post("/portal/profile/time-zone", form=form, headers={"accept-language": "de-CH,de;q=0.9"})
    assert refused.status == 400 and Agent.get(world.a.agent_id).time_zone == "Asia/Tokyo"
    assert "wählen Sie eine Zeitzone aus der Liste, etwa Europe/Berlin" in refused.body
    assert "choose a time zone" not in refused.body
    assert api_a.get("/api/profile/time-zone").json == {"time_zone": "Asia/Tokyo"}
    assert api_a.request("PUT", "/api/profile/time-zone", json={"time_zone": None}).json == {"time_zone": None}
    assert Agent.get(world.a.agent_id).time_zone is None
