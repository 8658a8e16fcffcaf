"""An operator crediting a conversion to another partner: an unattributed sale, or one credited wrongly.

The commission is priced again with the new partner's and the program's rules (on the day the sale was
recorded); the history keeps from → to and who, and the change record before → after. One transaction,
conditional on the partner and status read, so a concurrent decision or reassignment wins and this one
changes nothing. The stats consumer sees the MODIFY and moves the sale's figures from the old partner's
counters (or the unattributed ones) to the new partner's.
"""

from datetime import datetime

from waymark import catalog, wording
from waymark.click.sessions import SUB_ID_FIELDS
from waymark.conversions.attribution import Reason
from waymark.conversions.status_changes import (
    MAX_NOTE_LENGTH,
    ConversionNotFound,
    DecisionIncomplete,
    TransitionRefused,
    commit,
    load,
    price_for,
)
from waymark.conversions.vocabulary import ConversionStatus
from waymark.core.times import iso, utcnow
from waymark.models import Conversion, StatusChange
from waymark.partners.vocabulary import PartnerStatus
from waymark.programs import changes

# Rejections decided when the sale was recorded because of who (or nobody) it was credited to: naming
# the right partner answers them, so the sale earns again (pending). Operators' own rejections (fraud,
# duplicate, …) are undone first (waymark.conversions.status_changes).
ATTRIBUTION_REASONS = (
    Reason.UNKNOWN_CLICK,
    Reason.UNKNOWN_AGENT,
    Reason.AGENT_SUSPENDED,
    Reason.NO_ATTRIBUTION,
    Reason.SELF_REFERRAL,
)
REASSIGNABLE = (ConversionStatus.PENDING, ConversionStatus.APPROVED)

__all__ = ["ConversionNotFound", "DecisionIncomplete", "TransitionRefused", "reassign"]


def reassign(
    conversion_id: str,
    agent_id: str,
    *,
    by: str,
    note: str,
    program_id: str | None = None,
    now: datetime | None = None,
) -> Conversion:
    """Credit the conversion to `agent_id` (an active partner of its program); returns it as stored now."""
    if not by:
        raise DecisionIncomplete(wording.SAY_WHO_REASSIGNS())
    if not (note or "").strip() or len(note) > MAX_NOTE_LENGTH:
        raise DecisionIncomplete(wording.REASSIGN_NOTE(maximum=MAX_NOTE_LENGTH))
    conversion = load(conversion_id)
    if program_id is not None and conversion.program_id != program_id:
        raise ConversionNotFound(conversion_id)
    agent = catalog.agent(agent_id)
    if agent is None or agent.program_id != conversion.program_id or agent.status != PartnerStatus.ACTIVE:
        raise DecisionIncomplete(wording.REASSIGN_ACTIVE_PARTNER())
    if conversion.agent_id == agent_id:
        raise TransitionRefused(wording.REASSIGN_SAME())
    status = conversion.status
    if status == ConversionStatus.REJECTED and conversion.reason in ATTRIBUTION_REASONS:
        to_status = ConversionStatus.PENDING
    elif status in REASSIGNABLE:
        to_status = status
    else:
        raise TransitionRefused(wording.REASSIGN_EARNS_NOTHING(status=status))
    price = price_for(conversion, agent_id)
    at = iso(now or utcnow())
    change = StatusChange(
        at=at,
        by=by,
        from_status=status,
        to_status=to_status,
        note=note.strip(),
        from_agent=conversion.agent_id or "",
        to_agent=agent_id,
    )
    actions = [
        Conversion.agent_id.set(agent_id),
        Conversion.attributed_by.set("operator"),
        Conversion.commission.set(price.commission),
        Conversion.commission_rule.set(price.rule),
        Conversion.status.set(to_status),
        Conversion.updated_at.set(at),
        Conversion.history.set(Conversion.history.append([change])),
        # The link and its sub-IDs were the old partner's: the new partner's figures must not show them.
        Conversion.link_code.remove(),
        *(getattr(Conversion, name).remove() for name in SUB_ID_FIELDS),
    ]
    if to_status != status:
        actions.append(Conversion.reason.remove())
    before = {"agent_id": conversion.agent_id, "status": status, "commission": conversion.commission}
    after = {"agent_id": agent_id, "status": to_status, "commission": price.commission, "note": note.strip()}
    entry = changes.record(
        conversion.program_id,
        by=by,
        subject=f"conversion:{conversion.conversion_id}",
        action="reassign",
        before=before,
        after=after,
        now=now,
    )
    owner = Conversion.agent_id == conversion.agent_id if conversion.agent_id else Conversion.agent_id.does_not_exist()
    lost = "the conversion changed just now (someone decided or reassigned it first): reload it"
    commit(conversion, actions, condition=(Conversion.status == status) & owner, entry=entry, lost=lost)
    return load(conversion_id)
