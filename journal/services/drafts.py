"""Keeping what a writer typed when the editor could not save it, until they sign in again.

The editor carries a signed note of who is writing. If a save arrives after the session ended,
or from a page another account opened on the same device, the typed fields are kept
(server-side, for a day) for the writer the note names, bound to the entry they came from.
After signing in as that writer, that entry's editor opens with the text restored. Nobody else
gets it, and nobody else's actions delete it.
"""

import json
import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select

from journal.extensions import db
from journal.models import Draft, Entry, PendingDraft, User
from journal.models.types import utcnow

FIELDS = ("title", "body", "entry_date", "support", "prompt_key", "version")
KEEP_FOR = timedelta(days=1)


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="draft-author")


def author_token(user: User) -> str:
    """A signed note of who is writing, put in the editor form."""
    return _signer().dumps(user.id)


def author_of(token: str) -> int | None:
    """The user id a signed author note names, or None if it is not ours."""
    try:
        user_id = _signer().loads(token, max_age=int(timedelta(days=30).total_seconds()))
    except BadSignature:
        return None
    return user_id if isinstance(user_id, int) else None


def keep(user_id: int, entry_id: int | None, form: dict) -> None:
    """Keep the entry fields of ``form`` for ``user_id``, for the editor of ``entry_id``."""
    db.session.execute(delete(PendingDraft).where(PendingDraft.created_at < utcnow() - KEEP_FOR))
    if entry_id is not None and db.session.scalar(
            select(Entry.author_id).where(Entry.id == entry_id)) != user_id:
        entry_id = None  # never bind the text to an entry its writer does not own
    fields = {name: str(form.get(name, "")) for name in FIELDS}
    db.session.add(PendingDraft(key=secrets.token_urlsafe(32), user_id=user_id,
                                entry_id=entry_id, fields=json.dumps(fields)))
    db.session.commit()


def take(user: User, entry_id: int | None) -> dict | None:
    """The oldest kept fields of ``user`` for ``entry_id``'s editor, deleted as handed back."""
    bound = (PendingDraft.entry_id.is_(None) if entry_id is None
             else PendingDraft.entry_id == entry_id)
    draft = db.session.scalar(
        select(PendingDraft)
        .where(PendingDraft.user_id == user.id, bound,
               PendingDraft.created_at >= utcnow() - KEEP_FOR)
        .order_by(PendingDraft.created_at, PendingDraft.id).limit(1))
    if draft is None:
        return None
    db.session.delete(draft)
    db.session.commit()
    return json.loads(draft.fields)


# --- autosave -----------------------------------------------------------------------------------

def _entry_of(slot: str) -> int | None:
    return None if slot == "new" else int(slot)


def _slot_is(slot: str):
    """Rows of ``slot``: "new", or that entry's id, matched on the entry itself too."""
    entry_id = _entry_of(slot)
    return Draft.slot == slot, (Draft.entry_id.is_(None) if entry_id is None
                                else Draft.entry_id == entry_id)


def autosave(user: User, slot: str, fields: dict) -> Draft:
    """Store the latest autosaved fields for ``slot`` ("new" or an own entry's id)."""
    clean = {name: str(fields.get(name, ""))[:25_000] for name in FIELDS}
    draft = db.session.scalar(select(Draft).where(Draft.user_id == user.id, Draft.slot == slot))
    draft = draft or Draft(user_id=user.id, slot=slot)
    draft.entry_id = _entry_of(slot)
    draft.fields = json.dumps(clean)
    draft.updated_at = utcnow()
    db.session.add(draft)
    db.session.commit()
    return draft


def autosaved(user: User, slot: str) -> Draft | None:
    """The autosaved draft for ``slot``, if any."""
    return db.session.scalar(select(Draft).where(Draft.user_id == user.id, *_slot_is(slot)))


def clear(user: User, slot: str) -> None:
    """Forget the draft once the entry itself is saved (the caller commits)."""
    db.session.execute(delete(Draft).where(Draft.user_id == user.id, Draft.slot == slot))


def clear_for_entry(entry) -> None:
    """Forget every draft of an entry that has been saved or deleted (the caller commits)."""
    db.session.execute(delete(Draft).where(Draft.user_id == entry.author_id,
                                           Draft.slot == str(entry.id)))
    db.session.execute(delete(Draft).where(Draft.entry_id == entry.id))
