"""Profile names, product names, subjects and template content never become markup in the admin
pages, and a template's own markup only ever runs inside the sandboxed preview frame."""

import html
import re

import pytest

from tests.helpers.remarketing import configure
from waymark.core import cache
from waymark.models import ChannelEmailSettings, EmailTemplate, RemarketingProfile

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
TEXTAREA = "</textarea><script>alert(2)</script>"


@pytest.fixture
def hostile(world):
    """Hostile values written straight to storage, as if validation had been bypassed."""
    configure(world.program)
    pk, sk = RemarketingProfile.key(world.program.program_id, "addons")
    profile = RemarketingProfile.get(pk, sk)
    offers = profile.offers
    offers[0].names = {"en": f"Wine {ATTRIBUTE}", "de": f"Wein {SCRIPT}"}
    offers[1].code = f"walk{ATTRIBUTE}"
    profile.update(actions=[RemarketingProfile.name.set(f"Add-ons {SCRIPT}"), RemarketingProfile.offers.set(offers)])
    template = EmailTemplate.get(*EmailTemplate.key(world.program.program_id, "addons-email"))
    bodies = template.bodies.as_dict()
    bodies["en"] = {"html": f"<p>{{{{ offers[0].name }}}}</p>{TEXTAREA}", "text": TEXTAREA}
    template.update(actions=[EmailTemplate.name.set(f"Mail {ATTRIBUTE}"), EmailTemplate.bodies.set(bodies)])
    channel = ChannelEmailSettings.get(*ChannelEmailSettings.key(world.program.program_id, "web"))
    channel.update(
        actions=[
            ChannelEmailSettings.subjects.set({"en": f"</title>{SCRIPT}", "de": ATTRIBUTE}),
            ChannelEmailSettings.booking_url.set(f"javascript:alert(1)//{ATTRIBUTE}"),
        ]
    )
    cache.clear_all()
    return world


def assert_inert(body: str, path: str) -> None:
    for payload in (SCRIPT, ATTRIBUTE, TEXTAREA, "<img", "alert(2)</script>"):
        assert payload not in body, (path, payload)
    assert len(re.findall(r"<script\b", body)) == 1, path  # only the console's own /static script
    assert 'href="javascript:' not in body, path


def test_hostile_names_subjects_and_content_are_text_in_every_remarketing_page(hostile, as_admin):
    pages = [
        "/admin/remarketing",
        "/admin/remarketing/profiles/addons",
        "/admin/remarketing/templates/addons-email",
        "/admin/remarketing/channels/web",
        "/admin/remarketing/profiles/new",
    ]
    for path in pages:
        answer = as_admin.get(path)
        assert answer.status == 200, path
        assert_inert(answer.body, path)
    assert "Add-ons &lt;script&gt;" in as_admin.get("/admin/remarketing").body
    template = as_admin.get("/admin/remarketing/templates/addons-email").body
    assert "&lt;/textarea&gt;&lt;script&gt;alert(2)" in template  # inside its text box, as text
    assert html.unescape(re.search(r'name="html-en"[^>]*>(.*?)</textarea>', template, re.S).group(1)).endswith(TEXTAREA)


def test_the_preview_runs_template_markup_only_in_the_sandbox_and_escapes_names_inside_it(hostile, as_admin):
    page = as_admin.get("/admin/remarketing/templates/addons-email")
    form = {
        "csrf_token": page.csrf(),
        "name": "x",
        "html-en": f"<p>{{{{ offers[0].name }}}}</p>{SCRIPT}<img src=x onerror=alert(3)>",
        "html-de": "<p>{{ offers[0].name }}</p>",
        "action": "preview",
        "preview-lang": "en",
        "preview-channel": "web",
        "preview-profile": "addons",
    }
    answer = as_admin.post("/admin/remarketing/templates/addons-email", form=form)
    assert answer.status == 200
    assert_inert(answer.body, "preview")
    frames = re.findall(r"<iframe ([^>]*)></iframe>", answer.body)
    assert len(frames) == 1 and 'sandbox=""' in frames[0] and "allow-" not in frames[0]
    email = html.unescape(re.search(r'srcdoc="([^"]*)"', frames[0]).group(1))
    # The operator's own markup is the email (it can only run in the sandbox, which allows no script) ...
    assert SCRIPT in email and "<img src=x onerror=alert(3)>" in email
    # ... but data in it, like a product name, is escaped by the email template's own autoescaping.
    assert "Wine &#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in email
    subject = re.search(r'<dd id="preview-subject">(.*?)</dd>', answer.body).group(1)
    assert html.unescape(subject) == f"</title>{SCRIPT}"  # shown as text
    csp = answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_json_answers_keep_hostile_content_as_data(hostile, api_admin):
    answer = api_admin.get("/api/admin/remarketing/profiles/addons")
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json["name"] == f"Add-ons {SCRIPT}"
