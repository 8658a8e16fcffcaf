"""Web offers for the merchant's checkout: the products of web profiles that match a cart.

Public and anonymous: the cart carries product codes, categories, destinations and amounts,
never who is buying, and the answer is the program's own catalogue of add-ons. The program's
configuration comes from the warm container's cache (one Query a minute at most). Browsers
may call it from the program's allowed domains only (CORS, checked per program).
"""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from waymark import catalog
from waymark.click.destinations import allowed_domains
from waymark.conversions.vocabulary import Channel
from waymark.core import httpapi
from waymark.models import Program
from waymark.remarketing import rules, store
from waymark.remarketing.config import Code, Lang, Money, Name, StrictInput

CORS_METHODS = "POST, OPTIONS"
CORS_MAX_AGE = "600"


class CartItem(StrictInput):
    product: Code
    category: Code | None = None
    quantity: int = Field(1, ge=1, le=1000)
    price: Money | None = None
    destination: Name | None = None


class OffersRequest(StrictInput):
    items: list[CartItem] = Field(min_length=1, max_length=50)
    lang: Lang | None = None
    channel: Channel = Channel.WEB
    amount: Money | None = Field(None, description="The cart's total; the items' prices are summed when omitted")
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None


class Offer(BaseModel):
    code: str
    name: str
    price: str = Field(description="Decimal string in the program's currency")
    currency: str
    image_url: str | None
    link: str | None
    profile_id: str


class OffersResponse(BaseModel):
    lang: str
    offers: list[Offer]


def offers_for_cart(program: Program, request: OffersRequest) -> OffersResponse:
    lang = rules.language(program, request.lang)
    cart = rules.Cart.of(
        [item.model_dump() for item in request.items],
        lang=request.lang,
        channel=request.channel,
        amount=request.amount,
        currency=request.currency or program.currency,
    )
    profiles = rules.matching_profiles(
        store.config(program.program_id).profiles, cart, kinds=rules.WEB_KINDS, program_currency=program.currency
    )
    return OffersResponse(
        lang=lang,
        offers=[
            Offer(
                code=offer.code,
                name=rules.product_name(offer, lang, program.default_language),
                price=str(Decimal(offer.price)),
                currency=program.currency,
                image_url=offer.image_url,
                link=offer.link,
                profile_id=profile.profile_id,
            )
            for profile, offer in rules.web_offers(profiles, cart)
        ],
    )


def find_program(program_id: str) -> Program | None:
    return catalog.program(program_id) if 1 <= len(program_id) <= 64 else None


def allowed_origin(program: Program, origin: str | None) -> bool:
    """Whether a browser page at `origin` (scheme://host[:port]) may read the program's offers."""
    if not origin:
        return True  # not a browser cross-origin call (server-side checkout code)
    scheme, sep, rest = origin.partition("://")
    host = rest.rsplit(":", 1)[0] if rest.count(":") == 1 else rest
    if not sep or scheme not in (("https", "http") if program.allow_http else ("https",)) or "/" in rest:
        return False
    return allowed_domains(tuple(program.allowed_domains)).allows(host.lower())


def cors_headers(origin: str | None) -> dict[str, str]:
    headers = {"Vary": "Origin", **httpapi.NO_STORE}
    if origin:
        headers |= {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": CORS_METHODS,
            "Access-Control-Allow-Headers": "content-type",
            "Access-Control-Max-Age": CORS_MAX_AGE,
        }
    return headers
