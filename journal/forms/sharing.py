"""Forms for sharing an entry anonymously and for reviewing shares."""

from wtforms import HiddenField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from journal import context
from journal.forms.common import BaseForm, max_length, no_hidden_characters
from journal.models import Scope
from journal.models.journal import BODY_MAX


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


class ShareForm(ContextFieldsMixin, BaseForm):
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


class SharingSettingsForm(ContextFieldsMixin, BaseForm):
    """A writer's defaults for sharing: context, and terms always hidden."""

    hide_terms = TextAreaField("Always hide these words", validators=[
        no_hidden_characters, max_length(2000, "The list of words to hide"),
    ])
    #: The settings' version when the page was drawn (0: none saved yet).
    version = HiddenField()

    def validate_hide_terms(self, field) -> None:
        """Refuse a line with no letter or number: it could not be hidden."""
        for line in (field.data or "").splitlines():
            if line.strip() and not any(ch.isalnum() for ch in line):
                raise ValidationError(f"“{line.strip()}” has no letters or numbers to hide: "
                                      "remove that line")


class NarrowScopeForm(BaseForm):
    """Narrow the scope of an existing share."""

    scope = RadioField("Who may read your words", choices=[
        SelectChoice(scope.value, scope.plain_words) for scope in Scope
    ], validators=[InputRequired("Choose who may read your words")])


class ReturnForm(BaseForm):
    """A researcher returns a share to its author with a reason."""

    reason = TextAreaField("Why are you returning it?", validators=[
        no_hidden_characters, DataRequired("Say why you are returning it, so the writer can fix "
                                           "it"),
        max_length(500, "The reason"),
    ])
