"""Which fields of a posted form are words someone typed, and what each form calls them.

Worked out from the form classes themselves, so a new text field is covered without a list to
keep up to date: a text box or text area is typed words; hidden fields (ids, versions, tokens),
passwords, choices and dates are not.
"""

from functools import cache

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, PasswordField, StringField
from wtforms.fields.core import UnboundField

#: Text boxes whose contents are secrets all the same.
NEVER_SHOWN = frozenset({"invite_code"})


def typed_words(posted: MultiDict) -> list[tuple[str, str]]:
    """(label, text) for each non-empty text field in ``posted``, in the order it was sent."""
    labels = _text_field_labels()
    return [(labels[name], value) for name, value in posted.items(multi=True)
            if name in labels and isinstance(value, str) and value.strip()]


@cache
def _text_field_labels() -> dict[str, str]:
    """Field name -> its label, for every text field of every form (a shared name whose forms
    label it differently gets a plain name, so no form's words are called another form's)."""
    found: dict[str, set[str]] = {}
    for form in _all_forms(FlaskForm):
        for name in dir(form):
            field = getattr(form, name, None)
            if isinstance(field, UnboundField) and _is_text(field.field_class):
                found.setdefault(name, set()).add(_label(name, field))
    return {name: labels.pop() if len(labels) == 1 else _plain(name)
            for name, labels in found.items() if name not in NEVER_SHOWN}


def _all_forms(base: type) -> list[type]:
    return [sub for cls in base.__subclasses__() for sub in (cls, *_all_forms(cls))]


def _is_text(field_class: type) -> bool:
    return (issubclass(field_class, StringField)
            and not issubclass(field_class, HiddenField | PasswordField))


def _label(name: str, field: UnboundField) -> str:
    label = field.args[0] if field.args else field.kwargs.get("label")
    return str(label) if label else _plain(name)


def _plain(name: str) -> str:
    return name.replace("_", " ").capitalize()
