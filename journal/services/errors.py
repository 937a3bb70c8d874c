"""Domain errors that views turn into form errors or flashed messages."""


class DomainError(Exception):
    """A rule refused the request; the message is safe to show to the user."""

    #: Name of the form field the message belongs to, if any.
    field: str | None = None

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field or self.field


class StaleEdit(DomainError):
    """Saved on another device (or tab) after this form was drawn: nothing was overwritten."""


class AccountError(DomainError):
    """Sign-up, sign-in or account change refused."""


class SignInThrottled(AccountError):
    """Too many failed sign-ins for this username or address."""


class SignUpThrottled(AccountError):
    """Too many wrong invite codes from this address."""
