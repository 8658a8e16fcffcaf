"""The mail console and its JSON API: partner emails' wording (checked, previewed, change-recorded,
used), the declined email, suppressions by hand, the send log."""

from tests.helpers.mail import deliver, put_event
from tests.helpers.portal import stored_state
from tests.helpers.remarketing import sent_emails
from waymark.models import ChangeRecord

BODY = '<p>Hi {{ partner.name }}, welcome to {{ program.name }}. <a href="{{ portal_url }}">Log in</a></p>'


def _changes(program_id: str = "demo") -> list[ChangeRecord]:
    found = ChangeRecord.query(f"PROGRAM#{program_id}", ChangeRecord.sk.startswith("CHANGE#"), scan_index_forward=False)
    return list(found)


def test_declining_an_applicant_emails_it(world, api_admin):
    answer = api_admin.post(f"/api/admin/partners/{world.pending.agent_id}/status", json={"action": "decline"})
    assert answer.status == 200

    assert deliver(world.stack, world.runtime) == 1
    (email,) = sent_emails(world.stack)
    assert email["to"] == ["pending@example.com"] and email["subject"] == "Your application to Demo Tours"
    assert "cannot accept your application" in email["text"]


def test_an_operators_wording_is_checked_recorded_and_sent(world, api_admin):
    before = stored_state()
    missing = api_admin.request(
        "PUT",
        "/api/admin/mail/partner-emails/approved",
        json={"subjects": {"en": "Welcome"}, "bodies": {"en": {"html": BODY}}},
    )
    assert missing.status == 422 and "missing for de" in missing.body
    german = api_admin.request(
        "PUT",
        "/api/admin/mail/partner-emails/approved",
        json={"subjects": {"en": "Welcome"}, "bodies": {"en": {"html": BODY}}},
        headers={"accept-language": "de"},
    )
    assert german.status == 422 and german.json["message"] == "Der Wortlaut wurde nicht gespeichert."
    assert {"field": "subjects.de", "message": "für de fehlt ein Betreff"} in german.json["errors"]
    broken = api_admin.request(
        "PUT",
        "/api/admin/mail/partner-emails/approved",
        json={
            "subjects": {"en": "Welcome", "de": "Willkommen"},
            "bodies": {"en": {"html": "{{ partner.nmae }}"}, "de": {"html": "{{ ''.__class__.__mro__ }}"}},
        },
    )
    assert broken.status == 422 and "nmae" in broken.body and "bodies.de.html" in broken.body
    assert stored_state() == before

    saved = api_admin.request(
        "PUT",
        "/api/admin/mail/partner-emails/approved",
        json={
            "subjects": {"en": "Welcome aboard, {{ partner.name }}", "de": "Willkommen"},
            "bodies": {"en": {"html": BODY}, "de": {"html": BODY}},
        },
    )
    assert saved.status == 200 and saved.json["custom"] is True
    (entry,) = [c for c in _changes() if c.subject == "partner-email:approved"]
    assert (entry.action, entry.by) == ("create", "ops@example.com")

    put_event(world.stack, "partner.approved", {"program_id": "demo", "agent_id": world.a.agent_id, "status": "active"})
    deliver(world.stack, world.runtime)
    (email,) = sent_emails(world.stack)
    assert email["subject"] == "Welcome aboard, Alpha Blog" and "welcome to Demo Tours" in email["html"]

    reset = api_admin.request("DELETE", "/api/admin/mail/partner-emails/approved")
    assert reset.status == 200 and reset.json["custom"] is False
    assert reset.json["subjects"]["en"] == "Welcome to {{ program.name }}: your account is approved"


def test_the_console_previews_unsaved_wording_in_a_sandboxed_frame_and_saves_it(world, as_admin):
    page = "/admin/mail/partner-emails/conversion_approved"
    fields = {
        "subject-en": "Approved: {{ conversion.commission|money(conversion.currency) }}",
        "html-en": "<p>{{ conversion.amount|money(conversion.currency) }}</p><script>alert(1)</script>",
        "subject-de": "Freigegeben",
        "html-de": "<p>{{ conversion.amount|money(conversion.currency) }}</p>",
        "preview-lang": "de",
    }
    shown = as_admin.submit(page, page, {**fields, "action": "preview"})
    assert shown.status == 200 and 'sandbox=""' in shown.body
    assert "178,00 EUR" in shown.body and "Diese E-Mails abbestellen" in shown.body  # optional: unsubscribe added
    assert "<script>alert(1)</script>" not in shown.body  # the srcdoc attribute holds it escaped

    saved = as_admin.submit(page, page, {**fields, "action": "save"})
    assert saved.status == 303
    assert "Your wording is sent" in as_admin.get(saved.location).body
    overview = as_admin.get("/admin/mail")
    assert overview.status == 200 and "Conversion approved" in overview.body


def test_operators_suppress_and_lift_an_address_by_hand_recorded_without_the_address(world, api_admin, as_admin):
    from waymark.remarketing.suppression import is_suppressed

    added = api_admin.post("/api/admin/mail/suppressions", json={"email": "Guest@Example.org"})
    again = api_admin.post("/api/admin/mail/suppressions", json={"email": "guest@example.org"})
    assert added.json == {"suppressed": True, "changed": True} and again.json["changed"] is False
    assert is_suppressed("guest@example.org")

    lifted = as_admin.submit(
        "/admin/mail", "/admin/mail/suppressions", {"email": "guest@example.org", "action": "lift"}
    )
    assert lifted.status == 303 and "may get email again" in as_admin.get(lifted.location).body
    assert not is_suppressed("guest@example.org")
    recorded = [c for c in _changes() if c.subject.startswith("suppression:")]
    assert [c.action for c in recorded] == ["delete", "create"]
    assert all("guest@example.org" not in (c.before or "") + (c.after or "") for c in recorded)

    wrong = as_admin.submit("/admin/mail", "/admin/mail/suppressions", {"email": "not an address", "action": "add"})
    assert wrong.status == 400 and "enter one email address" in wrong.body
    refused = api_admin.post("/api/admin/mail/suppressions", json={"email": "nope"})
    assert refused.status == 422


def test_the_send_log_shows_partner_emails_with_masked_addresses(world, api_admin, as_admin):
    put_event(
        world.stack,
        "partner.signed_up",
        {"program_id": "demo", "agent_id": world.pending.agent_id, "status": "pending"},
    )
    deliver(world.stack, world.runtime)

    log = api_admin.get("/api/admin/mail/log")
    assert log.status == 200
    (line,) = log.json["lines"]
    assert (line["event"], line["stream"], line["kind"], line["recipient"]) == (
        "sent",
        "partner",
        "application_received",
        "p***@example.com",
    )
    page = as_admin.get("/admin/mail", query={"event": "sent"})
    assert "p***@example.com" in page.body and "pending@example.com" not in page.body


def test_a_partner_chooses_its_language_and_turns_the_digest_off(world, as_a, api_a):
    from waymark.models import Agent

    saved = as_a.submit("/portal/profile", "/portal/profile/emails", {"lang": "de", "receive-conversions": "yes"})
    assert saved.status == 303 and "Your email choices are saved" in as_a.get(saved.location).body
    stored = Agent.get(world.a.agent_id)
    assert stored.lang == "de" and stored.email_opt_outs == {"digest"}

    choices = api_a.get("/api/profile/emails").json
    assert (
        choices["lang"] == "de"
        and choices["turned_off"] == ["digest"]
        and set(choices["optional"])
        == {
            "digest",
            "conversions",
        }
    )
    wrong = api_a.request("PUT", "/api/profile/emails", json={"lang": "fr", "turned_off": []})
    assert wrong.status == 400 and "en, de" in wrong.json["message"]
    unknown = api_a.request("PUT", "/api/profile/emails", json={"turned_off": ["account"]})
    assert unknown.status == 422
    assert Agent.get(world.a.agent_id).lang == "de"  # refused: nothing changed
    back = api_a.request("PUT", "/api/profile/emails", json={"lang": None, "turned_off": []})
    assert back.status == 200 and back.json["lang"] is None and Agent.get(world.a.agent_id).email_opt_outs is None


def test_a_wording_too_large_to_store_is_refused_naming_the_limit(world, api_admin):
    big = "<p>" + "x" * 80_000 + "</p>"
    answer = api_admin.request(
        "PUT",
        "/api/admin/mail/partner-emails/approved",
        json={"subjects": {"en": "A", "de": "B"}, "bodies": {"en": {"html": big}, "de": {"html": big}}},
    )
    assert answer.status == 422 and "150000 characters" in answer.body
