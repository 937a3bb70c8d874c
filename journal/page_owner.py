"""Whose page a form came from: a signed note in every form, next to its CSRF token.

On a shared ward computer one person's tabs can outlive their session: they sign out, a
colleague signs in, and an old tab posts. That post fails its CSRF check, and the pages that
answer such a post (the "form expired" page, the "session ended" page) show back what was typed
and may offer to send it again. The note says who the page was opened by, so those pages show
words only to the account that typed them and never send them into someone else's account.

The note is signed with the app's secret, so it cannot be made up: a missing or forged note
names nobody, and words are shown back for no one.
"""

from collections.abc import Mapping

from flask import current_app
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

#: The form field holding the note (rendered by ``csrf_field()`` in templates/_macros.html).
FIELD = "opened_by"
#: Who a page opened while nobody was signed in is "opened by".
ANONYMOUS = "anonymous"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="page-owner")


def _signed_in_now() -> int | str:
    return current_user.id if current_user and current_user.is_authenticated else ANONYMOUS


def note() -> str:
    """The signed note for a form on this page: the signed-in user's id, or "anonymous"."""
    return _signer().dumps(_signed_in_now())


def opened_by(form: Mapping) -> int | str | None:
    """Whom the note in ``form`` names (an id or "anonymous"), or None if it is not ours."""
    try:
        named = _signer().loads(str(form.get(FIELD, "")))
    except BadSignature:
        return None
    valid = named == ANONYMOUS or (isinstance(named, int) and not isinstance(named, bool))
    return named if valid else None


def someone_else(form: Mapping) -> bool:
    """Whether ``form`` may hold another account's words: its note names someone other than
    whoever is signed in now, or it carries no genuine note at all."""
    named = opened_by(form)
    return named is None or named != _signed_in_now()
