"""Keeping what a writer typed when their session ended mid-entry, until they sign in again.

The editor carries a signed note of who is writing. If a save arrives after the session ended,
the typed fields are kept (server-side, for a day) under a random token in the browser's
session; after signing in as that same writer, the editor opens with the text restored. Nobody
else signing in on the device gets it: the kept text is bound to its writer.
"""

import json
import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select

from journal.extensions import db
from journal.models import Draft, PendingDraft, User
from journal.models.types import utcnow

FIELDS = ("title", "body", "entry_date", "support", "prompt_key", "version")
KEEP_FOR = timedelta(days=1)


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="draft-author")


def author_token(user: User) -> str:
    """A signed note of who is writing, put in the editor form."""
    return _signer().dumps(user.id)


def keep(form: dict, token: str) -> str | None:
    """Keep the entry fields of ``form`` for the writer named by ``token``; None if unsigned."""
    try:
        user_id = _signer().loads(token, max_age=int(timedelta(days=30).total_seconds()))
    except BadSignature:
        return None
    db.session.execute(delete(PendingDraft).where(PendingDraft.created_at < utcnow() - KEEP_FOR))
    key = secrets.token_urlsafe(32)
    fields = {name: form.get(name, "") for name in FIELDS}
    db.session.add(PendingDraft(key=key, user_id=user_id, fields=json.dumps(fields)))
    db.session.commit()
    return key


def take(key: str, user: User) -> dict | None:
    """The kept fields for ``user`` (deleted as they are handed back); None if not theirs."""
    draft = db.session.scalar(select(PendingDraft).where(PendingDraft.key == key))
    if draft is None:
        return None
    db.session.delete(draft)
    db.session.commit()
    if draft.user_id != user.id or draft.created_at < utcnow() - KEEP_FOR:
        return None
    return json.loads(draft.fields)


# --- autosave -----------------------------------------------------------------------------------

def autosave(user: User, slot: str, fields: dict) -> Draft:
    """Store the latest autosaved fields for ``slot`` ("new" or an own entry's id)."""
    clean = {name: str(fields.get(name, ""))[:25_000] for name in FIELDS}
    draft = db.session.scalar(select(Draft).where(Draft.user_id == user.id, Draft.slot == slot))
    draft = draft or Draft(user_id=user.id, slot=slot)
    draft.fields = json.dumps(clean)
    draft.updated_at = utcnow()
    db.session.add(draft)
    db.session.commit()
    return draft


def autosaved(user: User, slot: str) -> Draft | None:
    """The autosaved draft for ``slot``, if any."""
    return db.session.scalar(select(Draft).where(Draft.user_id == user.id, Draft.slot == slot))


def clear(user: User, slot: str) -> None:
    """Forget the draft once the entry itself is saved (the caller commits)."""
    db.session.execute(delete(Draft).where(Draft.user_id == user.id, Draft.slot == slot))


def clear_for_entry(entry) -> None:
    """Forget the draft of an entry that has just been saved (the caller commits)."""
    db.session.execute(delete(Draft).where(Draft.user_id == entry.author_id,
                                           Draft.slot == str(entry.id)))
