"""HTTP refusals raised by the gate, handlers and domain glue; the resolver turns them into pages or JSON."""

from typing import Any

from waymark import wording
from waymark.partners.vocabulary import PartnerStatus


class HttpError(Exception):
    status = 500
    title: str = wording.TITLE_ERROR()

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra  # added to JSON answers (e.g. the partner's status, field errors)


class BadRequest(HttpError):
    status = 400
    title = wording.TITLE_BAD_REQUEST()


class LoginRequired(HttpError):
    status = 401
    title = wording.TITLE_LOGIN()


class Forbidden(HttpError):
    status = 403
    title = wording.TITLE_FORBIDDEN()


class AccountNotActive(Forbidden):
    """A partner whose account is pending or suspended: shown its status, never data."""

    def __init__(self, status: str) -> None:
        if status == PartnerStatus.PENDING:
            message, self.title = wording.ACCOUNT_PENDING(), wording.TITLE_AWAITING()
        elif status == PartnerStatus.DECLINED:
            message, self.title = wording.ACCOUNT_DECLINED(), wording.TITLE_DECLINED()
        elif status == PartnerStatus.UNVERIFIED:
            message, self.title = wording.ACCOUNT_UNVERIFIED(), wording.TITLE_UNVERIFIED()
        elif status == PartnerStatus.SUSPENDED:
            message, self.title = wording.ACCOUNT_SUSPENDED(), wording.TITLE_SUSPENDED()
        else:
            message, self.title = wording.ACCOUNT_INACTIVE(), wording.TITLE_INACTIVE()
        super().__init__(message, status=status)


class NotFound(HttpError):
    status = 404
    title = wording.TITLE_NOT_FOUND()


class Conflict(HttpError):
    status = 409
    title = wording.TITLE_CONFLICT()


class PayloadTooLarge(HttpError):
    status = 413
    title = wording.TITLE_TOO_LARGE()


class TooManyRequests(HttpError):
    status = 429
    title = wording.TITLE_TOO_MANY()


class Unavailable(HttpError):
    status = 503
    title = wording.TITLE_UNAVAILABLE()


class UnsupportedMediaType(HttpError):
    status = 415
    title = wording.TITLE_MEDIA_TYPE()
