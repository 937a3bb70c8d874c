"""Flask-WTF forms. Each keeps what the user typed when it fails, and says clearly why."""

import re
from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from journal import context
from journal.models import Role, Scope
from journal.models.journal import BODY_MAX, TITLE_MAX
from journal.passwords import MAX_LENGTH, MIN_LENGTH
from journal.prompts import prompt_choices
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
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a real date, for example 2026-11-21") from None


class EntryForm(FlaskForm):
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



class SearchForm(FlaskForm):
    """Search box over the writer's own entries (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField("Search your entries", validators=[Optional(), Length(max=200)])


class LoginForm(FlaskForm):
    """Sign in."""

    username = StringField("Username", validators=[
        no_hidden_characters, DataRequired("Enter your username"), max_length(50, "Username"),
    ])
    password = PasswordField("Password", validators=[
        DataRequired("Enter your password"), max_length(MAX_LENGTH, "Password"),
    ])
    remember = BooleanField("Keep me signed in on this device for 14 days")


class SignupForm(FlaskForm):
    """Writer sign-up: a username and a password, nothing else."""

    username = StringField("Choose a username", validators=[
        no_hidden_characters, DataRequired("Choose a username"),
    ])
    password = PasswordField("Choose a password", validators=[
        DataRequired("Choose a password"),
    ])
    confirm = PasswordField("Type the password again", validators=[
        DataRequired("Type the password again"), EqualTo("password", "The passwords do not match"),
    ])
    invite_code = StringField("Invite code", validators=[no_hidden_characters,
                                                         max_length(40, "Invite code")])


class ChangePasswordForm(FlaskForm):
    """Change one's own password."""

    current_password = PasswordField("Current password",
                                     validators=[DataRequired("Enter your current password")])
    new_password = PasswordField(f"New password (at least {MIN_LENGTH} characters)",
                                 validators=[DataRequired("Enter a new password")])
    confirm = PasswordField("Type the new password again", validators=[
        DataRequired("Type the new password again"),
        EqualTo("new_password", "The new passwords do not match"),
    ])


class CreateAccountForm(FlaskForm):
    """An admin creates a researcher, leader, admin (or writer) account."""

    username = StringField("Username", validators=[no_hidden_characters,
                                                   DataRequired("Enter a username")])
    role = RadioField("Role", choices=[SelectChoice(r.value, r.label) for r in Role],
                      validators=[InputRequired("Choose a role")])
    password = PasswordField(f"Password (at least {MIN_LENGTH} characters)",
                             validators=[DataRequired("Enter a password")])
    confirm = PasswordField("Type the password again", validators=[
        DataRequired("Type the password again"), EqualTo("password", "The passwords do not match"),
    ])


class ConfirmForm(FlaskForm):
    """An empty form: a CSRF-protected button for actions such as delete or sign out."""


# --- sharing ------------------------------------------------------------------------------------

def _context_choices(name: str, empty: str) -> list[SelectChoice]:
    return [SelectChoice("", empty),
            *(SelectChoice(key, label) for key, label in context.CHOICES[name].items())]


class ContextFieldsMixin:
    """The five optional context questions, as selects whose first option leaves it out."""

    role = SelectField(context.QUESTIONS["role"], choices=_context_choices("role", "Not given"),
                       validators=[Optional()])
    field = SelectField(context.QUESTIONS["field"],
                        choices=_context_choices("field", "Not given"), validators=[Optional()])
    region = SelectField(context.QUESTIONS["region"],
                         choices=_context_choices("region", "Not given"),
                         validators=[Optional()])
    registered = SelectField(context.QUESTIONS["registered"],
                             choices=_context_choices("registered", "Not given"),
                             validators=[Optional()])
    international = SelectField(context.QUESTIONS["international"],
                                choices=_context_choices("international", "Not given"),
                                validators=[Optional()])

    def context_value(self) -> context.Context:
        """The chosen context (unknown values dropped)."""
        return context.Context.clean(**{name: getattr(self, name).data
                                        for name in context.CHOICES})

    def fill_context(self, value: context.Context) -> None:
        """Pre-fill the selects from a saved context."""
        for name in context.CHOICES:
            getattr(self, name).data = getattr(value, name)


class ShareForm(ContextFieldsMixin, FlaskForm):
    """The share preview: the exact wording, optional context and the consent scope."""

    wording = TextAreaField("The words that will be shared", validators=[
        no_hidden_characters, DataRequired("The shared wording is empty: write what you want "
                                           "to share"),
        max_length(BODY_MAX, "The shared wording"),
    ])
    scope = RadioField("Who may read your words", choices=[
        SelectChoice(scope.value, scope.plain_words) for scope in Scope
    ], default=Scope.RESEARCH.value, validators=[InputRequired("Choose who may read your words")])
    #: Id of the share being edited, "" for a first share (guards against stale forms).
    replaces = HiddenField()
    #: Fingerprint of what the preview showed ("live" when the script kept it up to date).
    previewed = HiddenField()


class SharingSettingsForm(ContextFieldsMixin, FlaskForm):
    """A writer's defaults for sharing: context, and terms always hidden."""

    hide_terms = TextAreaField("Always hide these words", validators=[
        no_hidden_characters, max_length(2000, "The list of words to hide"),
    ])


class NarrowScopeForm(FlaskForm):
    """Narrow the scope of an existing share."""

    scope = RadioField("Who may read your words", choices=[
        SelectChoice(scope.value, scope.plain_words) for scope in Scope
    ], validators=[InputRequired("Choose who may read your words")])


class ReturnForm(FlaskForm):
    """A researcher returns a share to its author with a reason."""

    reason = TextAreaField("Why are you returning it?", validators=[
        no_hidden_characters, DataRequired("Say why you are returning it, so the writer can fix "
                                           "it"),
        max_length(500, "The reason"),
    ])
