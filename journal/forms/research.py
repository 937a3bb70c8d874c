"""Forms of the research workspace: codebook, tagging, memos and search."""

from wtforms import (
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional

from journal import context
from journal.forms.common import BaseForm, max_length, no_hidden_characters
from journal.search import MAX_QUERY


def theme_choices(tree, empty: str | None = None) -> list[SelectChoice]:
    """Select options from ``research.theme_tree()``, indented by depth."""
    options = [SelectChoice("", empty)] if empty is not None else []
    return options + [SelectChoice(str(theme.id), "— " * depth + theme.name)
                      for theme, depth in tree]


class ThemeForm(BaseForm):
    """Create, rename, describe or move a theme."""

    name = StringField("Name", validators=[no_hidden_characters, DataRequired(
        "Enter a name for the theme"), max_length(80, "The name")])
    description = TextAreaField("Description (optional)", validators=[
        no_hidden_characters, max_length(2000, "The description")])
    parent_id = SelectField("Sits under (optional)", validators=[Optional()],
                            validate_choice=False)
    #: The theme's version when the page was drawn (a stale save is refused).
    version = HiddenField()


class MergeForm(BaseForm):
    """Merge one theme into another."""

    target_id = SelectField("Merge into", validators=[DataRequired("Choose a theme to merge "
                                                                   "into")],
                            validate_choice=False)


class TagForm(BaseForm):
    """Tag a whole share, or a passage of it, with one or more themes."""

    theme_ids = SelectMultipleField("Themes", validators=[DataRequired(
        "Choose at least one theme")], validate_choice=False)
    excerpt = TextAreaField("Passage (leave empty to tag the whole entry)", validators=[
        no_hidden_characters, max_length(20_000, "The passage")])


class ChangeTagForm(BaseForm):
    """Move a tag to another theme."""

    theme_id = SelectField("Theme", validators=[DataRequired("Choose a theme")],
                           validate_choice=False)


class MemoForm(BaseForm):
    """A researcher's note."""

    text = TextAreaField("Memo", validators=[no_hidden_characters, DataRequired(
        "Write the memo before saving it"), max_length(5000, "The memo")])


def _choices(name: str) -> list[SelectChoice]:
    return [SelectChoice("", "Any"),
            *(SelectChoice(key, label) for key, label in context.CHOICES[name].items())]


class ResearchSearchForm(BaseForm):
    """Search accepted shares (GET: bookmarkable, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField("Search shared entries", validators=[Optional()])
    theme = SelectField("Theme", validators=[Optional()], validate_choice=False)
    role = SelectField(context.QUESTIONS["role"], choices=_choices("role"),
                       validators=[Optional()])
    field = SelectField(context.QUESTIONS["field"], choices=_choices("field"),
                        validators=[Optional()])
    region = SelectField(context.QUESTIONS["region"],
                         choices=[SelectChoice("", "Any"),
                                  *(SelectChoice(k, v) for k, v in context.NATIONS.items()
                                    if k != "uk"),
                                  *(SelectChoice(k, v) for k, v in context.REGIONS.items()
                                    if "/" in k)],
                         validators=[Optional()])
    registered = SelectField(context.QUESTIONS["registered"], choices=_choices("registered"),
                             validators=[Optional()])
    international = SelectField(context.QUESTIONS["international"],
                                choices=_choices("international"), validators=[Optional()])
    month = StringField("Month shared (YYYY-MM)", validators=[Optional()])
    tagged = SelectField("Tagged", choices=[SelectChoice("", "Any"),
                                            SelectChoice("yes", "Tagged"),
                                            SelectChoice("no", "Not tagged yet")],
                         validators=[Optional()])
    order = SelectField("Order", choices=[SelectChoice("relevance", "Most relevant"),
                                          SelectChoice("newest", "Newest month first")],
                        validators=[Optional()])

    def query_too_long(self) -> bool:
        """Whether the query is longer than the index will take."""
        return len(self.q.data or "") > MAX_QUERY
