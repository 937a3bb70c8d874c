"""Validators and helpers every form uses: clear messages, and nothing typed is lost."""

import re
from datetime import date, timedelta

from flask import g
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import ValidationError

from journal.services.errors import DomainError

#: Control characters (including NUL) that databases refuse or that render as nothing.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_hidden_characters(form, field) -> None:
    """Refuse NUL and other control characters, or bytes that were not valid UTF-8.

    The offending characters are removed from what is shown back, so the writer can save
    the rest of the text with one more press.
    """
    if not isinstance(field.data, str):
        return
    cleaned = _CONTROL.sub("", field.data)
    unreadable = "\ufffd" in cleaned
    if cleaned != field.data or unreadable:
        field.data = cleaned.replace("\ufffd", "")
        raise ValidationError(
            f"{field.label.text} had hidden or unreadable characters that can't be saved. "
            "We have removed them: check the text and save again."
        )


def max_length(limit: int, what: str):
    """A length check whose message gives the limit and how long the text is now."""
    def check(form, field) -> None:
        length = len(field.data or "")
        if length > limit:
            raise ValidationError(
                f"{what} must be {limit:,} characters or fewer (it is {length:,})")
    return check


def not_in_future(form, field) -> None:
    """Entry dates can be today or earlier (one day of slack for time zones)."""
    if field.data and field.data > date.today() + timedelta(days=1):
        raise ValidationError("Date of the entry must be today or in the past")


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show a domain error against its field, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def has_errors(form: FlaskForm) -> bool:
    """Whether the form has any error to show (field or form-level)."""
    return bool(form.errors or form.form_errors)


class RealDateField(DateField):
    """A date field whose only parse error is a clear one, and none when left empty."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            # Only spaces is no date: InputRequired must see it as missing, or a save with no
            # date reaches the database (a NOT NULL error, and a 500, instead of the message).
            self.data, self.raw_data = None, []
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a real date, for example 2026-11-21") from None


class BaseForm(FlaskForm):
    """Every form of the app: it fails, keeping what was typed, when the input boundary had to
    remove characters from the request (see ``journal.boundary``), so nothing is saved from it."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if message := g.get("input_refused"):
            self.form_errors.append(message)
            return False
        return valid


class ConfirmForm(BaseForm):
    """An empty form: a CSRF-protected button for actions such as delete or sign out."""
