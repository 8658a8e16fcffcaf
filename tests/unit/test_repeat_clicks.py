"""Repeat or unique, decided on the click path from the browser's __Secure-wm_seen cookie (waymark.click.seen)."""

import pytest

from tests.unit.test_clicks import NOW, agent, link, program, request
from waymark.click import seen
from waymark.click.rules import decide

T = int(NOW.timestamp())


def cookie(**entries: int) -> str:
    """A value as the click function writes it, entries oldest first (ages in seconds before T)."""
    value = ""
    for code, age in sorted(entries.items(), key=lambda pair: -pair[1]):
        value = seen.updated(seen.parse(value, T - age), code, T - age)
    return value


def test_a_unique_click_refreshes_its_entry_and_keeps_the_others_oldest_first():
    before = cookie(lnkaaaa=600, lnkbbbb=60)
    assert seen.parse(before, T) == {"lnkaaaa": T - 600, "lnkbbbb": T - 60}
    after = seen.updated(seen.parse(before, T), "lnkaaaa", T)
    assert after == f"lnkbbbb:{seen._base36(T - 60)}.lnkaaaa:{seen._base36(T)}"
    assert seen.parse(after, T) == {"lnkbbbb": T - 60, "lnkaaaa": T}


def test_entries_count_for_an_hour_from_their_unique_click():
    value = cookie(lnkaaaa=0)
    assert "lnkaaaa" in seen.parse(value, T + 3599)
    assert seen.parse(value, T + 3600) == {}  # exactly an hour later: unique again


def test_the_cookie_keeps_the_newest_entries_only():
    value = ""
    for n in range(seen.MAX_ENTRIES + 5):
        value = seen.updated(seen.parse(value, T + n), f"link{n:04d}", T + n)
    kept = seen.parse(value, T + 30)
    assert list(kept) == [f"link{n:04d}" for n in range(5, seen.MAX_ENTRIES + 5)]
    assert len(value) < 400  # compact: 20 ten-character links fit in about 360 bytes


FRESH = seen._base36(T - 60)  # a minute old: only the form can make these values unusable


def test_a_well_formed_value_with_a_fresh_entry_is_read():
    assert seen.parse(f"lnkaaaa:{FRESH}", T) == {"lnkaaaa": T - 60}


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "garbage",
        "lnkaaaa",
        f"lnkaaaa:{FRESH.upper()}",  # not lower-case base 36
        f"lnkaaaa:{FRESH[:2]}_{FRESH[2:]}",  # int() would read it
        f"lnk:{FRESH}",  # no link code is that short
        f"lnkaaaa:{FRESH}.",
        f"lnkaaaa:{FRESH};lnkbbbb:{FRESH}",
        f"lnkaaaa: {FRESH}",
        f"%3Cscript%3E:{FRESH}",
        ".".join([f"lnkaaaa:{FRESH}"] * (seen.MAX_ENTRIES + 1)),  # more entries than ever written
        f"lnkaaaa:{FRESH}" + "x" * 5000,
        f"lnkaaaa:{FRESH}.lnkbbbb:{seen._base36(T + 3600)}",  # one entry from the future: not written here
    ],
)
def test_a_malformed_or_oversized_value_is_ignored(raw):
    assert seen.parse(raw, T) == {}


def test_a_click_with_a_fresh_entry_is_a_repeat_and_leaves_the_cookie_as_it_was():
    outcome = decide(request(seen=cookie(lnk0000001=1800)), link(), agent(), program(), NOW)
    assert outcome.status == 302 and outcome.session.repeat is True
    assert outcome.seen is None  # the hour stays fixed from the counted unique click
    assert outcome.session.to_item()["repeat"] == {"BOOL": True}


@pytest.mark.parametrize("raw", [None, "garbage", "x" * 5000])
def test_a_click_without_a_usable_cookie_is_unique_and_starts_one(raw):
    outcome = decide(request(seen=raw), link(), agent(), program(), NOW)
    assert outcome.status == 302 and outcome.session.repeat is None
    assert "repeat" not in outcome.session.to_item()  # unique sessions stay as small as before
    assert seen.parse(outcome.seen, T) == {"lnk0000001": T}


def test_another_links_entry_or_an_expired_one_does_not_make_a_repeat():
    outcome = decide(request(seen=cookie(lnkother1=60, lnk0000001=3600)), link(), agent(), program(), NOW)
    assert outcome.session.repeat is None
    assert seen.parse(outcome.seen, T) == {"lnkother1": T - 60, "lnk0000001": T}


def test_uncredited_clicks_set_no_cookie():
    assert decide(request(method="HEAD"), link(), agent(), program(), NOW).seen is None


def test_the_cookie_is_scoped_to_the_click_routes_for_an_hour():
    assert seen.set_cookie("v") == "__Secure-wm_seen=v; Max-Age=3600; Path=/c; Secure; HttpOnly; SameSite=Lax"
