"""The source and detail types of Waymark's events. Standard library only.

These strings are a contract with merchants' rules and with the partner-email and postback
consumers: never rename one; add new ones.
"""

from enum import StrEnum

SOURCE = "waymark"


class EventType(StrEnum):
    CONVERSION_RECORDED = "conversion.recorded"
    CONVERSION_APPROVED = "conversion.approved"
    CONVERSION_REJECTED = "conversion.rejected"
    CONVERSION_REVERSED = "conversion.reversed"
    PARTNER_SIGNED_UP = "partner.signed_up"
    PARTNER_APPROVED = "partner.approved"
    PAYOUT_PAID = "payout.paid"
