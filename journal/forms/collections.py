"""Forms for curating collections and responding to them."""

from wtforms import HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from journal.forms.common import BaseForm, max_length, no_hidden_characters
from journal.models import Audience
from journal.services.collections import RESPONSE_MAX


class CollectionForm(BaseForm):
    """Title, summary and audience of a collection."""

    title = StringField("Title", validators=[no_hidden_characters, DataRequired(
        "Enter a title for the collection"), max_length(200, "The title")])
    summary = TextAreaField("Summary (optional)", validators=[
        no_hidden_characters, max_length(10_000, "The summary")])
    theme_id = SelectField("Theme (optional)", validators=[Optional()], validate_choice=False)
    audience = RadioField("Who may read it once published", choices=[
        SelectChoice(a.value, a.label) for a in Audience], default=Audience.LEADERS.value,
        validators=[InputRequired("Choose who may read it")])
    #: The details' version when the page was drawn (a stale save is refused).
    version = HiddenField()


class CommentaryForm(BaseForm):
    """Researchers' commentary before an item."""

    commentary = TextAreaField("Commentary before this item (optional)", validators=[
        no_hidden_characters, max_length(5000, "The commentary")])
    #: The item's version when the page was drawn (a stale save is refused).
    version = HiddenField()


class ResponseForm(BaseForm):
    """A leader's response: what I heard, what I will do."""

    text = TextAreaField("Your response: what you heard, and what you will do", validators=[
        no_hidden_characters, DataRequired("Write your response before saving it"),
        max_length(RESPONSE_MAX, "Your response")])
    #: The response's version when the page was drawn (0: none yet).
    version = HiddenField()
