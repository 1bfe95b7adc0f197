"""Errors that services raise and the HTTP layer turns into 4xx JSON bodies:
``{"error": {"code": "sold_out", "message": "...", "details": [...]}}``."""
from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: list | dict | None = None,
                 status: int | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.details = details
        self.status = status or self.status
        self.headers = headers or {}  # extra HTTP response headers, e.g. Retry-After

    def body(self) -> dict:
        err = {"code": self.code, "message": self.message}
        if self.details is not None:
            err["details"] = self.details
        return {"error": err}


class NotFound(DomainError):
    status, code = 404, "not_found"


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class Conflict(DomainError):
    status, code = 409, "conflict"


class Unprocessable(DomainError):
    """Well-formed but not acceptable (an unknown tender, an amount out of range): 422."""
    status, code = 422, "unprocessable"


class TooMany(DomainError):
    """Too many at once (open requests, wrong PINs): 429."""
    status, code = 429, "too_many"


class RateLimited(TooMany):
    """Too many in a while: 429, ``details.retry_after`` seconds and a Retry-After header."""
    status, code = 429, "rate_limited"

    def __init__(self, message: str, *, retry_after: int, details: dict | None = None):
        super().__init__(message, details={**(details or {}), "retry_after": retry_after},
                         headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


class Unavailable(DomainError):
    """Not now: the database is busy, read-only or down. 503 with ``details.retry_after``
    seconds and a Retry-After header; nothing was changed."""
    status, code = 503, "unavailable"

    def __init__(self, message: str, *, code: str, retry_after: int):
        super().__init__(message, code=code, details={"retry_after": retry_after},
                         headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after
