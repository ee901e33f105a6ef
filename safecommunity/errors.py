"""Errors the domain raises and the HTTP edge maps to status codes (see web.ERROR_STATUS)."""


class DomainError(Exception):
    """Base of the errors a caller can cause; never a bug of ours."""


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    """The request clashes with the current state: a duplicate, or an illegal state change."""


class IllegalTransition(Conflict):
    pass


class InvalidRequest(DomainError):
    """Bad input that is not a single field's fault (unreadable JSON, wrong content type)."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


class FieldInvalid(DomainError):
    """One field's value is wrong in a way only the domain can tell (an unknown grid, say)."""

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.messages = {field: [message]}
