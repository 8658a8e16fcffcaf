"""The portal's path and query parameters, each with its limits and the description the OpenAPI document shows.

The limits admit every identifier the data holds: partner and link codes come from
waymark.core.ids.new_code (and an operator's chosen code passes waymark.core.ids.is_code: 4 to 64
letters, digits, '-' or '_'); program ids have template.yaml's DefaultProgram pattern, which exports
and remarketing tokens also rely on; profile and template ids are waymark.remarketing.config's codes.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from waymark.core.times import MONTH_PATTERN
from waymark.portal.schemas import Channel

ID_PATTERN = r"^[A-Za-z0-9_-]+$"

# ------------------------------------------------------------------------------------------ in the path

AgentId = Annotated[str, Path(min_length=4, max_length=64, pattern=ID_PATTERN, description="The partner's code")]
LinkCode = Annotated[str, Path(min_length=4, max_length=64, pattern=ID_PATTERN, description="The link's code")]
ConversionId = Annotated[
    str, Path(min_length=3, max_length=600, description="<advertiser>:<order id>, percent-encoded")
]
RemarketingId = Annotated[
    str,
    Path(min_length=1, max_length=64, pattern=ID_PATTERN, description="A cross-sell profile's or email template's id"),
]
CouponCode = Annotated[
    str, Path(min_length=3, max_length=40, pattern=ID_PATTERN, description="The coupon code, in any case")
]
RateDay = Annotated[str, Path(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="YYYY-MM-DD")]
ChannelName = Annotated[Channel, Path(description="The sales channel")]
MonthPath = Annotated[str, Path(pattern=MONTH_PATTERN, description="YYYY-MM (UTC)")]
ProgramPath = Annotated[str, Path(min_length=2, max_length=64, pattern=ID_PATTERN, description="The program's id")]
AdvertiserId = Annotated[str, Path(min_length=2, max_length=64, pattern=ID_PATTERN, description="The advertiser's id")]
PayoutId = Annotated[
    str, Path(min_length=4, max_length=40, pattern=ID_PATTERN, description="The payout run's id (waymark.payouts)")
]
OperatorUsername = Annotated[
    str,
    Path(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9_.@+-]+$",
        description="The operator's login in the user pool (username of GET /api/admin/operators)",
    ),
]

# ------------------------------------------------------------------------------------------ in the query

ProgramId = Annotated[
    str | None, Query(max_length=64, pattern=ID_PATTERN, description="Default: the deployment's DEFAULT_PROGRAM")
]
MonthQuery = Annotated[str | None, Query(pattern=MONTH_PATTERN, description="YYYY-MM (UTC); default: this month")]
Cursor = Annotated[str | None, Query(max_length=2000, description="next_cursor of the previous page")]
SubId = Annotated[str | None, Query(max_length=500, description="A sub-ID the link carries (as ?sub1=... on a click)")]
PartnerFilter = Annotated[
    str | None, Query(min_length=4, max_length=64, pattern=ID_PATTERN, description="Only this partner's (its code)")
]
CurrencyQuery = Annotated[
    str | None, Query(pattern=r"^[A-Z]{3}$", description="ISO 4217 code; default: the program's currency")
]
NameContains = Annotated[str | None, Query(max_length=100, description="Name contains")]

# ------------------------------------------------------------------------------------------ from pages' forms

# The month picker is a form, so its choice may come with spaces (portal.reports.pages.picked_month strips them).
PickedMonth = Annotated[str | None, Query(max_length=20, description="YYYY-MM; default: this month")]
# A filter form sends empty fields for "any": plain text here, checked by the page.
StatusField = Annotated[str | None, Query(max_length=20, description="A conversion status, or empty for any")]
ChannelField = Annotated[str | None, Query(max_length=20, description="A sales channel, or empty for any")]
PartnerField = Annotated[
    str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9_-]*$", description="A partner's code, or empty for any")
]
