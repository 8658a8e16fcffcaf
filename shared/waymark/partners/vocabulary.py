"""The words partners and their links are described in: a partner's type and status, a link's status.

Standard library only: the click path reads these statuses on every click.
"""

from enum import StrEnum


class PartnerType(StrEnum):
    """How a partner sells: links on its own site, listings on its platform, or bookings for guests."""

    AFFILIATE = "affiliate"
    MARKETPLACE_PARTNER = "marketplace_partner"
    CONCIERGE = "concierge"


class PartnerStatus(StrEnum):
    """Whether a partner's clicks and sales earn: only an active partner's do."""

    UNVERIFIED = "unverified"  # signed up, email address not yet confirmed: no operator sees it
    PENDING = "pending"  # signed up, waiting for an operator
    ACTIVE = "active"  # its clicks and sales earn commission
    SUSPENDED = "suspended"  # its links still redirect but earn nothing
    DECLINED = "declined"  # an applicant the operator turned down: no portal, no commission


class LinkStatus(StrEnum):
    """Whether a tracking link credits its partner."""

    ACTIVE = "active"
    PAUSED = "paused"  # the link still redirects but credits nobody until it is resumed
