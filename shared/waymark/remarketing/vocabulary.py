"""The words a planned remarketing email is described in: its send status. Standard library only."""

from enum import StrEnum


class SendStatus(StrEnum):
    """Where one planned email stands (waymark.remarketing.sender moves it)."""

    PENDING = "pending"  # due: in the due-index until a run finishes it
    SENDING = "sending"  # claimed by a run, which hands it back to pending if SES provably sent nothing
    SENT = "sent"
    FAILED = "failed"  # SES refused this message; the reason is kept
    SKIPPED = "skipped"  # it could not be composed (a program, profile or template removed, or broken)
    SUPPRESSED = "suppressed"  # the address must get no remarketing email
    UNCERTAIN = "uncertain"  # SES may have sent it, so it is never tried again
    MERGED = "merged"  # its offers went out in the same day's email for another booking of the customer
