"""Forms of the private journal."""

import re
import secrets
from datetime import date

from wtforms import HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from journal.forms.common import (
    BaseForm,
    RealDateField,
    max_length,
    no_hidden_characters,
    not_in_future,
)
from journal.models.journal import BODY_MAX, TITLE_MAX
from journal.prompts import prompt_choices

#: What a submission key made by us (or by the offline page's script) looks like.
SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_submission_key() -> str:
    """A fresh random key for a new-entry form."""
    return secrets.token_urlsafe(24)


def submission_key(value: str | None) -> str | None:
    """The key a form was sent with, or None if it carries none we made (an older page)."""
    return value if value and SUBMISSION_KEY.fullmatch(value) else None


class EntryForm(BaseForm):
    """A private journal entry."""

    title = StringField("Title (optional)",
                        validators=[no_hidden_characters, max_length(TITLE_MAX, "Title")])
    body = TextAreaField("Your entry", validators=[
        no_hidden_characters,
        DataRequired("Write something in your entry before saving"),
        max_length(BODY_MAX, "Your entry"),
    ])
    entry_date = RealDateField("Date of the entry", default=date.today, validators=[
        InputRequired("Enter the date of the entry"), not_in_future,
    ])
    support = RadioField(
        "How supported did you feel today? (optional)",
        choices=[SelectChoice("1", "1 - Not at all"), SelectChoice("2"), SelectChoice("3"),
                 SelectChoice("4"), SelectChoice("5", "5 - Very supported")],
        validators=[Optional()], validate_choice=True,
    )
    prompt_key = SelectField("Start from a prompt (optional)", choices=prompt_choices(),
                             validators=[Optional()])
    #: The entry's version when the editor was opened ("" for a new entry).
    version = HiddenField()
    #: New entries only: a random key made when the editor is shown, so the same form sent
    #: twice saves one entry (see journal.services.journal.create_entry).
    submission_key = HiddenField(default=new_submission_key)


class CheckInForm(BaseForm):
    """One tap: how supported did you feel today? And an optional line."""

    support = RadioField("How supported did you feel today?", choices=[
        SelectChoice(str(n), label) for n, label in
        ((1, "1 Not at all"), (2, "2"), (3, "3"), (4, "4"), (5, "5 Very"))],
        validators=[InputRequired("Choose how supported you felt, from 1 to 5")])
    note = StringField("Add a line (optional)", validators=[
        no_hidden_characters, max_length(280, "The line")])



class SearchForm(BaseForm):
    """Search box over the writer's own entries (posted: the app-wide CSRF check covers it)."""

    class Meta:
        csrf = False

    q = StringField("Search your entries", validators=[Optional(), Length(max=200)])
