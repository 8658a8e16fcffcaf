"""The words a conversion is described in: its status, the sales channel it came through, whether
the advertiser reporting it is accepted, and the coupon codes that may credit it.

Standard library only, so every handler may import it (the click path too). The values are
what is stored and answered; the rules that use them live in waymark.conversions.attribution.
"""

from enum import StrEnum


class ConversionStatus(StrEnum):
    """Where a reported sale stands: pending until an operator decides, unless the advertiser approved it."""

    PENDING = "pending"  # recorded, waiting for the merchant's decision
    HELD = "held"  # recorded, waiting for an operator because a fraud rule flagged it (its reason says which)
    APPROVED = "approved"  # its commission is owed
    REJECTED = "rejected"  # it earns nothing (a waymark.conversions.attribution.Reason says why)
    REVERSED = "reversed"  # approved, then taken back (a refund, a cancellation)


class Channel(StrEnum):
    """Where the sale was made: a browser, or one of the channels where people take orders."""

    WEB = "web"
    CHAT = "chat"
    PHONE = "phone"
    CONCIERGE = "concierge"
    INSIDE_SALES = "inside_sales"
    REMARKETING = "remarketing"
    # Credited by a coupon code (whatever channel it came through), so reports, exports and channel
    # commission rules keep coupon sales apart; set by attribution, never sent by an advertiser.
    COUPON = "coupon"


class AdvertiserStatus(StrEnum):
    """Whether an advertiser's postbacks and pixel hits are accepted."""

    ACTIVE = "active"
    DISABLED = "disabled"  # an operator turned it off: everything it sends is refused (401)


class CouponStatus(StrEnum):
    """Whether a coupon code credits its partner (an expired code does not either, whatever this says)."""

    ACTIVE = "active"
    PAUSED = "paused"


class CouponPrecedence(StrEnum):
    """A program's choice when a sale brings both a click and a coupon code (as Impact offers)."""

    CLICK_WINS = "click_wins"  # the coupon credits only a sale without a live click
    COUPON_WINS = "coupon_wins"  # an active coupon credits its partner, over any click
    COUPON_IF_NO_CLICK = "coupon_if_no_click"  # the coupon credits only a sale that names no click at all
