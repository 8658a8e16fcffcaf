"""HTTP refusals raised by the gate, handlers and domain glue; the resolver turns them into pages or JSON."""

from typing import Any

from waymark.partners.vocabulary import PartnerStatus


class HttpError(Exception):
    status = 500
    title = "Something went wrong"

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra  # added to JSON answers (e.g. the partner's status, field errors)


class BadRequest(HttpError):
    status = 400
    title = "This request cannot be handled"


class LoginRequired(HttpError):
    status = 401
    title = "Please log in"


class Forbidden(HttpError):
    status = 403
    title = "Not allowed"


class AccountNotActive(Forbidden):
    """A partner whose account is pending or suspended: shown its status, never data."""

    def __init__(self, status: str) -> None:
        if status == PartnerStatus.PENDING:
            message = "Your partner account is awaiting approval. We will let you know when it is approved."
            self.title = "Awaiting approval"
        elif status == PartnerStatus.DECLINED:
            message = "Your application to the partner program was declined."
            self.title = "Application declined"
        elif status == PartnerStatus.UNVERIFIED:
            message = "Please confirm your email address first: enter the code we emailed you at /signup/verify."
            self.title = "Confirm your email address"
        elif status == PartnerStatus.SUSPENDED:
            message = "Your partner account is suspended. Please contact the partner program."
            self.title = "Account suspended"
        else:
            message = "Your partner account is not active."
            self.title = "Account not active"
        super().__init__(message, status=status)


class NotFound(HttpError):
    status = 404
    title = "Not found"


class Conflict(HttpError):
    status = 409
    title = "Conflict"


class PayloadTooLarge(HttpError):
    status = 413
    title = "Too large"


class TooManyRequests(HttpError):
    status = 429
    title = "Too many attempts"


class Unavailable(HttpError):
    status = 503
    title = "Please try again"


class UnsupportedMediaType(HttpError):
    status = 415
    title = "Unsupported content type"
