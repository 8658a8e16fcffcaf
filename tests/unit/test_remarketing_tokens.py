"""Link tokens: signed, expiring, purpose-bound, and free of personal data."""

import pytest

from waymark.remarketing.tokens import BadToken, ExpiredToken, OfferLink, UnsubscribeLink, email_hash, offer_id


def test_offer_links_round_trip_until_they_expire():
    link = OfferLink(offer_id("shop-backend:B1"), "addons", "wine-tasting", 2_000_000_000)
    assert OfferLink.parse(link.token(), now=1_999_999_999) == link
    with pytest.raises(ExpiredToken):
        OfferLink.parse(link.token(), now=2_000_000_000)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t.replace("wine-tasting", "city-walk"),
        lambda t: t.replace("2000000000", "2100000000"),
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t.rsplit(".", 1)[0],
        lambda t: t + ".x",
        lambda t: "",
        lambda t: "a" * 600,
        lambda t: t.replace(".", ".<", 1),
    ],
)
def test_any_change_breaks_an_offer_link(mangle):
    token = OfferLink("abc", "addons", "wine-tasting", 2_000_000_000).token()
    with pytest.raises(BadToken) as error:
        OfferLink.parse(mangle(token), now=0)
    assert not isinstance(error.value, ExpiredToken)


def test_a_token_is_only_good_for_its_purpose():
    unsubscribe = UnsubscribeLink("h" * 32, "shop", "en").token()
    with pytest.raises(BadToken):
        OfferLink.parse(unsubscribe + ".1", now=0)
    offer = OfferLink("h" * 32, "shop", "en", 2_000_000_000).token()
    with pytest.raises(BadToken):
        UnsubscribeLink.parse(".".join(offer.split(".")[:4]) + "." + offer.rsplit(".", 1)[1])


def test_no_personal_data_in_tokens():
    address = "Jane.Doe@Example.org"
    hashed = email_hash(address)
    assert hashed == email_hash("  jane.doe@example.org ") and len(hashed) == 32
    token = UnsubscribeLink(hashed, "shop", "de").token()
    assert "jane" not in token.lower() and "example" not in token.lower()
    handle = offer_id("shop-backend:B1042")
    assert handle == offer_id("shop-backend:B1042") != offer_id("shop-backend:B1043")
    assert "B1042" not in handle and "shop" not in handle


def test_unsubscribe_links_never_expire():
    token = UnsubscribeLink("h" * 32, "shop", "de").token()
    assert UnsubscribeLink.parse(token) == UnsubscribeLink("h" * 32, "shop", "de")


def test_parts_must_be_url_safe():
    with pytest.raises(ValueError, match="URL-safe"):
        OfferLink("abc", "profile", "a.b", 1).token()


def test_a_partners_unsubscribe_link_and_a_customers_cannot_stand_in_for_each_other():
    from waymark.remarketing.tokens import PartnerUnsubscribeLink

    partner = PartnerUnsubscribeLink("p7x2k9", "digest", "de")
    assert PartnerUnsubscribeLink.parse(partner.token()) == partner
    customer = UnsubscribeLink("p7x2k9", "digest", "de").token()  # the same parts, another purpose key
    with pytest.raises(BadToken):
        PartnerUnsubscribeLink.parse(customer)
    with pytest.raises(BadToken):
        UnsubscribeLink.parse(partner.token())
    with pytest.raises(BadToken):
        PartnerUnsubscribeLink.parse(partner.token().replace("digest", "conversions"))
