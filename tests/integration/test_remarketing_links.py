"""The links in the emails: offers back to the booking (attributed to the booking's partner) and
one-click unsubscribe. Bad, altered or expired links get a page, never a redirect."""

import re
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from devstack.pumps import QueuePump, StreamPump
from tests.helpers.events import http_event
from tests.helpers.remarketing import VirtualClock, configure, make_customer, run_sender, sent_emails


@pytest.fixture
def emailed(shop, aws, runtime, monkeypatch):
    """A booking through the shop's partner, planned and emailed; returns the email's links."""
    from waymark.core.times import utcnow
    from waymark.remarketing import sender

    clock = VirtualClock()
    monkeypatch.setattr(sender, "CLOCK", clock)
    configure(shop.program)

    def email_for(**customer):
        make_customer(shop.program, **customer)
        StreamPump(aws, runtime).drain()
        day = utcnow().date() + timedelta(days=1)
        run_sender(runtime, day, clock)
        message = sent_emails(aws)[-1]
        offers = re.findall(r'href="([^"]+/x/[^"]+)"', message["html"])
        return {"offers": offers, "unsubscribe": message["message"]["List-Unsubscribe"].strip("<>"), **message}

    return email_for


def request(aws, runtime, method: str, url: str, **kwargs) -> dict:
    function, event = http_event(aws, method, urlsplit(url).path, **kwargs)
    return runtime.invoke(function, event)


def test_an_offer_link_credits_the_bookings_partner_and_opens_the_booking_page(
    aws, runtime, shop, emailed, monkeypatch
):
    runtime.handler("RemarketingLinkFunction")  # loading a handler applies the template's environment
    monkeypatch.setenv("TRUST_VIEWER_COUNTRY", "true")  # as with TrustViewerCountry=true: CloudFront in front
    from waymark.models import RemarketingClick, Session

    email = emailed(agent_id=shop.agent.agent_id, lang="de")
    wine = next(url for url in email["offers"])
    assert "guest" not in wine and "B10" not in wine  # no personal data in the URL

    response = request(aws, runtime, "GET", wine, headers={"cloudfront-viewer-country": "at"})

    assert response["statusCode"] == 302
    location = urlsplit(response["headers"]["Location"])
    assert (location.scheme, location.netloc) == ("https", "www.example.com")
    assert location.path.startswith("/booking/B10")
    query = parse_qs(location.query)
    assert query["add"] == ["wine-tasting"] and query["lang"] == ["de"]
    session = Session.get(*Session.key(query["click_id"][0]))
    assert session.agent_id == shop.agent.agent_id and session.program_id == "shop"
    assert (session.link_code, session.source, session.sub1, session.sub2) == (
        "remarketing",
        "remarketing",
        "addons",
        "wine-tasting",
    )
    assert session.country == "AT" and session.expires_at > time.time() + 364 * 86400
    assert response["cookies"][0].startswith(f"__Host-wm_click={session.click_id};")
    (click,) = RemarketingClick.query(f"CUSTOMER#{_conversion(email)}", RemarketingClick.sk.startswith("CLICK#"))
    assert click.click_id == session.click_id and click.agent_id == shop.agent.agent_id


def _conversion(email) -> str:
    """The booking's conversion id, from the booking reference in the email."""
    ref = re.search(r"(B\d{4,})", email["html"]).group(1)
    return f"shop-backend:{ref}"


def test_without_an_active_partner_there_is_no_click_id_to_credit(aws, runtime, shop, emailed):
    from waymark.models import Session

    direct = emailed(agent_id=None)
    response = request(aws, runtime, "GET", direct["offers"][0])
    assert response["statusCode"] == 302 and "click_id" not in response["headers"]["Location"]
    assert "cookies" not in response or not response["cookies"]

    shop.agent.set_status("suspended")
    shop.agent.save()
    from waymark.core.cache import clear_all

    clear_all()
    suspended = emailed(agent_id=shop.agent.agent_id, email="second@example.org")
    response = request(aws, runtime, "GET", suspended["offers"][0])
    assert response["statusCode"] == 302 and "click_id" not in response["headers"]["Location"]
    assert list(Session.scan()) == []  # test inspection only


MANGLED = [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature altered
    lambda t: t.replace(".addons.", ".other1."),  # profile altered
    lambda t: "x" * 40,
    lambda t: t + ".extra",
    lambda t: "%2e%2e%2f",
]


def test_an_altered_link_gets_a_page_and_no_redirect(aws, runtime, emailed):
    token = emailed()["offers"][0].rsplit("/", 1)[1]
    for mangle in MANGLED:
        response = request(aws, runtime, "GET", f"https://track.example.com/x/{mangle(token)}")
        assert response["statusCode"] == 400 and "Location" not in response["headers"]
        assert "This link is not valid" in response["body"]


def test_a_bad_link_is_refused_in_the_visitors_language(aws, runtime):
    german = {"accept-language": "de-AT,de;q=0.8"}
    offer = request(aws, runtime, "GET", "https://track.example.com/x/garbage", headers=german)
    assert offer["statusCode"] == 400 and '<html lang="de">' in offer["body"]
    assert "Dieser Link ist ungültig. Bitte verwenden Sie den Link aus Ihrer E-Mail." in offer["body"]
    page = request(aws, runtime, "GET", "https://track.example.com/unsubscribe/garbage", headers=german)
    assert page["statusCode"] == 400 and "Bitte verwenden Sie den Abmeldelink aus Ihrer E-Mail." in page["body"]
    english = request(aws, runtime, "GET", "https://track.example.com/x/garbage", headers={"accept-language": "fr"})
    assert '<html lang="en">' in english["body"] and "This link is not valid." in english["body"]


def test_an_expired_link_gets_a_page_and_no_redirect(aws, runtime, emailed):
    from waymark.remarketing.tokens import OfferLink

    token = emailed()["offers"][0].rsplit("/", 1)[1]
    _, offer, profile, product, _, _ = token.split(".")
    expired = OfferLink(offer, profile, product, int(time.time()) - 1).token()

    response = request(aws, runtime, "GET", f"https://track.example.com/x/{expired}")

    assert response["statusCode"] == 410 and "Location" not in response["headers"]
    assert "expired" in response["body"]


def test_an_unsubscribe_token_is_no_offer_link(aws, runtime, emailed):
    email = emailed()
    token = email["unsubscribe"].rsplit("/", 1)[1]
    response = request(aws, runtime, "GET", f"https://track.example.com/x/{token}")
    assert response["statusCode"] == 400 and "Location" not in response["headers"]


def test_a_booking_page_outside_the_allowed_domains_is_never_redirected_to(aws, runtime, shop, emailed):
    """Even if stored settings or the program's domains change after the email went out."""
    from waymark.models import ChannelEmailSettings

    email = emailed()
    settings = ChannelEmailSettings.get(*ChannelEmailSettings.key("shop", "web"))
    settings.booking_url = "https://evil.example/steal?b={booking_ref}"
    settings.save()
    from waymark.core.cache import clear_all

    clear_all()

    response = request(aws, runtime, "GET", email["offers"][0])

    assert response["statusCode"] == 400 and "Location" not in response["headers"]
    assert "not available" in response["body"]


def test_links_of_deleted_bookings_or_withdrawn_offers_expire(aws, runtime, shop, emailed):
    from waymark.core.cache import clear_all
    from waymark.models import Customer
    from waymark.remarketing import config

    gone = emailed()
    Customer(*Customer.key(_conversion(gone))).delete()  # as TTL would
    assert request(aws, runtime, "GET", gone["offers"][0])["statusCode"] == 410

    withdrawn = emailed(email="second@example.org")
    config.delete_profile(shop.program, "addons")
    clear_all()
    response = request(aws, runtime, "GET", withdrawn["offers"][0])
    assert response["statusCode"] == 410 and "Location" not in response["headers"]


def test_one_click_unsubscribe_needs_no_cookie_or_csrf_token(aws, runtime, emailed):
    from waymark.remarketing.suppression import is_suppressed

    email = emailed(lang="de")
    page = request(aws, runtime, "GET", email["unsubscribe"])
    assert page["statusCode"] == 200 and '<form method="post">' in page["body"] and "Abmelden" in page["body"]
    assert not is_suppressed(email["to"][0])  # looking at the page (or a link scanner) changes nothing

    done = request(
        aws,
        runtime,
        "POST",
        email["unsubscribe"],
        headers={"content-type": "application/x-www-form-urlencoded"},
        body="List-Unsubscribe=One-Click",
    )

    assert done["statusCode"] == 200 and "abgemeldet" in done["body"]
    assert is_suppressed(email["to"][0])


def test_the_unsubscribe_page_is_the_shops_and_offers_no_button_once_unsubscribed(aws, runtime, shop, emailed):
    email = emailed(lang="en")
    home = shop.program.default_landing_url
    page = request(aws, runtime, "GET", email["unsubscribe"])["body"]
    assert f"<header>{shop.program.name}</header>" in page and "<main>" in page
    assert f'<a href="{home}">Back to {shop.program.name}</a>' in page and 'id="unsubscribe"' in page

    request(aws, runtime, "POST", email["unsubscribe"], body="")
    # Again (the back button, or the email's link a second time): it says so, with no button to press.
    again = request(aws, runtime, "GET", email["unsubscribe"])
    assert again["statusCode"] == 200 and "You are unsubscribed" in again["body"]
    assert 'id="unsubscribe"' not in again["body"] and "<form" not in again["body"]
    assert f'<a href="{home}">Back to {shop.program.name}</a>' in again["body"]


def test_a_bad_unsubscribe_token_changes_nothing(aws, runtime, emailed):
    import boto3

    email = emailed()
    token = email["unsubscribe"].rsplit("/", 1)[1]
    before = boto3.client("dynamodb").scan(TableName=aws.physical["RemarketingTable"]["Ref"])["Count"]
    for bad in (token[:-3] + "abc", "garbage", token.replace(".shop.", ".shop2.")):
        response = request(aws, runtime, "POST", f"https://track.example.com/unsubscribe/{bad}", body="x")
        assert response["statusCode"] == 400
    assert boto3.client("dynamodb").scan(TableName=aws.physical["RemarketingTable"]["Ref"])["Count"] == before


def test_an_unsubscribe_dynamodb_could_not_take_is_replayed(aws, runtime, emailed, inject_failure):
    from waymark.remarketing.suppression import is_suppressed

    email = emailed()
    inject_failure("dynamodb", "PutItem")
    done = request(aws, runtime, "POST", email["unsubscribe"], body="")
    assert done["statusCode"] == 200
    assert not is_suppressed(email["to"][0])

    QueuePump(aws, runtime).drain()

    assert is_suppressed(email["to"][0])


@pytest.mark.parametrize("name", ["offer-bad-token", "unsubscribe-page", "one-click-bad-token"])
def test_the_sample_events_get_pages(aws, runtime, name):
    from tests.helpers.events import load_event

    response = runtime.invoke("RemarketingLinkFunction", load_event("remarketing_links", name))
    assert response["statusCode"] == 400 and response["headers"]["Content-Type"].startswith("text/html")
