"""Keeping what a writer typed when the editor could not save it, until they sign in again.

The editor carries a signed note of who is writing. If a save arrives after the session ended,
or from a page another account opened on the same device, the typed fields are kept
(server-side, for a day) for the writer the note names, bound to the entry they came from.
After signing in as that writer, that entry's editor shows the kept text for them to check and
use or discard. Nobody else gets it, and nobody else's actions delete it.

The note is short-lived: it is renewed while the editor autosaves and is void once the session
could have ended plus a short rescue time, or after a password change, so a copy of it is not a
key for planting text in a writer's editor.
"""

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select

from journal.extensions import db
from journal.models import Draft, Entry, PendingDraft, User
from journal.models.journal import BODY_MAX, TITLE_MAX
from journal.models.types import utcnow
from journal.upsert import upsert_row

FIELDS = ("title", "body", "entry_date", "support", "prompt_key", "version")
KEEP_FOR = timedelta(days=1)
#: Kept saves waiting per writer: enough for a few open editors, too few to flood.
KEEP_MAX = 5
#: The longest each kept field may be: the entry's own limits, and short for the rest.
_LIMITS = {"title": TITLE_MAX, "body": BODY_MAX}
_SHORT = 40


@dataclass(frozen=True)
class Author:
    """Whom an editor's author note names, and whether it may still have text kept for them."""

    user_id: int
    fresh: bool


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="draft-author")


def _password_mark(user: User) -> str:
    # Changes with the password, so a note issued before a password change is void.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def author_token(user: User) -> str:
    """A signed note of who is writing, put in the editor form and renewed by autosave."""
    return _signer().dumps([user.id, _password_mark(user)])


def author_of(token: str) -> Author | None:
    """Whom a signed author note names (fresh or not), or None if it is not one of ours."""
    lifetime = (current_app.config["PERMANENT_SESSION_LIFETIME"]
                + timedelta(minutes=int(current_app.config["DRAFT_RESCUE_MINUTES"])))
    try:
        payload, fresh = _signer().loads(token, max_age=int(lifetime.total_seconds())), True
    except SignatureExpired as expired:
        payload, fresh = _signer().load_payload(expired.payload), False
    except BadSignature:
        return None
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        return None
    user = db.session.get(User, payload[0])
    if user is None:
        return None
    fresh = fresh and hmac.compare_digest(_password_mark(user), str(payload[1]))
    return Author(user.id, fresh)


def keepable(form: dict) -> bool:
    """Whether ``form`` fits what an entry may hold (so nobody can store more through it)."""
    return all(len(str(form.get(name, ""))) <= _LIMITS.get(name, _SHORT) for name in FIELDS)


def keep(user_id: int, entry_id: int | None, form: dict, why: str = "session") -> bool:
    """Keep the entry fields of ``form`` for ``user_id``, for the editor of ``entry_id``.

    Returns False, keeping nothing, when the writer already has KEEP_MAX kept saves waiting:
    nothing kept is ever pushed out by newer saves. ``why`` says to the editor why it was kept
    ("session": the session had ended; "conflict": the save lost to another device's).
    """
    kept = _add_kept(user_id, entry_id, form, why)
    db.session.commit()
    return kept


def _lock_writer(user_id: int) -> None:
    # Count-then-insert holds only if two keeps for one writer cannot interleave: take the
    # writer's row lock first (PostgreSQL; on SQLite a writing request already holds the
    # database's write lock, and FOR UPDATE is left out).
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def _add_kept(user_id: int, entry_id: int | None, form: dict, why: str) -> bool:
    _lock_writer(user_id)
    db.session.execute(delete(PendingDraft).where(PendingDraft.created_at < utcnow() - KEEP_FOR))
    waiting = db.session.scalar(select(func.count()).select_from(PendingDraft)
                                .where(PendingDraft.user_id == user_id))
    if waiting >= KEEP_MAX or not keepable(form):
        return False
    if entry_id is not None and db.session.scalar(
            select(Entry.author_id).where(Entry.id == entry_id)) != user_id:
        entry_id = None  # never bind the text to an entry its writer does not own
    fields = {name: str(form.get(name, "")) for name in FIELDS}
    db.session.add(PendingDraft(key=secrets.token_urlsafe(32), user_id=user_id,
                                entry_id=entry_id, fields=json.dumps({**fields, "why": why})))
    return True


def keep_losing_save(user_id: int, entry_id: int, form: dict) -> None:
    """Keep the text of a save that lost an edit conflict where the winning device's autosave
    cannot overwrite it: a kept save listed in the entry's editor, or the entry's draft when
    KEEP_MAX are already waiting. Raises EntryGone if the entry was deleted meanwhile (the
    caller commits)."""
    _lock_writer(user_id)  # the writer's row, then the entry's: the order a delete takes them
    if db.session.scalar(
            select(Entry.id).where(Entry.id == entry_id).with_for_update()) is None:
        raise EntryGone(entry_id)
    if not _add_kept(user_id, entry_id, form, "conflict"):
        store(user_id, str(entry_id), form)


def _kept(user: User, entry_id: int | None):
    bound = (PendingDraft.entry_id.is_(None) if entry_id is None
             else PendingDraft.entry_id == entry_id)
    return (select(PendingDraft)
            .where(PendingDraft.user_id == user.id, bound,
                   PendingDraft.created_at >= utcnow() - KEEP_FOR)
            .order_by(PendingDraft.created_at, PendingDraft.id))


def kept_for(user: User, entry_id: int | None) -> list[dict]:
    """``user``'s kept saves for ``entry_id``'s editor, oldest first, to show for checking."""
    return [{"key": row.key, "created_at": row.created_at, **json.loads(row.fields)}
            for row in db.session.scalars(_kept(user, entry_id))]


def take(user: User, entry_id: int | None, key: str) -> dict | None:
    """The kept fields ``key`` of ``user`` for ``entry_id``'s editor, deleted as handed back."""
    draft = db.session.scalar(_kept(user, entry_id).where(PendingDraft.key == key))
    if draft is None:
        return None
    db.session.delete(draft)
    db.session.commit()
    return json.loads(draft.fields)


def discard(user: User, key: str) -> int | None:
    """Delete ``user``'s kept save ``key``; returns the entry it was for (None: a new one)."""
    draft = db.session.scalar(select(PendingDraft).where(PendingDraft.user_id == user.id,
                                                         PendingDraft.key == key))
    if draft is None:
        return None
    entry_id = draft.entry_id
    db.session.delete(draft)
    db.session.commit()
    return entry_id


# --- autosave -----------------------------------------------------------------------------------

def _entry_of(slot: str) -> int | None:
    return None if slot == "new" else int(slot)


def _slot_is(slot: str):
    """Rows of ``slot``: "new", or that entry's id, matched on the entry itself too."""
    entry_id = _entry_of(slot)
    return Draft.slot == slot, (Draft.entry_id.is_(None) if entry_id is None
                                else Draft.entry_id == entry_id)


class EntryGone(LookupError):
    """The entry whose draft this was has just been deleted (on another device)."""


def autosave(user: User, slot: str, fields: dict) -> datetime:
    """Store the latest autosaved fields for ``slot`` ("new" or an own entry's id); returns
    when. Raises EntryGone if that entry was deleted meanwhile."""
    saved_at = store(user.id, slot, fields).updated_at
    db.session.commit()  # after this the row may already be gone (a save or delete elsewhere)
    return saved_at


def store(user_id: int, slot: str, fields: dict) -> Draft:
    """Make ``fields`` the draft of ``slot`` in one upsert (the caller commits): two first
    autosaves at once leave one row, and one racing a save that clears the draft never fails."""
    entry_id = _entry_of(slot)
    # Lock the entry so a delete on another device waits for this draft (and deletes it), or
    # has happened and is seen: never a draft pointing at a deleted entry.
    if entry_id is not None and db.session.scalar(
            select(Entry.id).where(Entry.id == entry_id).with_for_update()) is None:
        raise EntryGone(entry_id)
    clean = {name: str(fields.get(name, ""))[:25_000] for name in FIELDS}
    return upsert_row(Draft, {"user_id": user_id, "slot": slot},
                         {"entry_id": entry_id, "fields": json.dumps(clean),
                          "updated_at": utcnow()})


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
