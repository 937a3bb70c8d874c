"""The private journal: a writer's own entries and nobody else's."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, or_, select, update

from journal import search
from journal.extensions import db
from journal.models import CheckIn, Entry, PendingDraft, User
from journal.models.types import utcnow
from journal.services import drafts, sharing
from journal.upsert import insert_once, upsert_row


@dataclass(frozen=True)
class EntryFields:
    """What a writer can set on an entry (named fields only: no mass assignment)."""

    title: str
    body: str
    entry_date: date
    support: int | None
    prompt_key: str | None


def create_entry(author: User, fields: EntryFields,
                 submission_key: str | None = None) -> int | None:
    """Save a new private entry for ``author``; return its id.

    ``submission_key`` is the random key of the form that sent it. The same form sent again with
    the same words (a double tap, a resend after an answer that never arrived) makes no second
    entry: the id of the one already saved is returned (None if it was deleted in the moment
    between), and the autosaved draft, which may hold the next entry by now, is left alone.
    Once that entry is deleted its key is free, so a resend then saves the words again. Other
    words under a used key (the form reopened with Back and changed) are a new entry: never
    dropped. The id is known before the commit, so nothing after it needs the database.
    """
    values = {"author_id": author.id, **_values(fields)}
    keys = ("author_id", "submission_key")
    entry_id = insert_once(Entry, {**values, "submission_key": submission_key}, keys)
    if entry_id is None:
        saved_id, same = _saved_under(submission_key, values)
        if saved_id is None or same:
            db.session.commit()
            return saved_id
        entry_id = insert_once(Entry, {**values, "submission_key": None}, keys)
    drafts.clear(author, "new")
    db.session.commit()
    return entry_id


def _saved_under(key: str, values: dict) -> tuple[int | None, bool]:
    """The id of the entry its author saved under ``key``, and whether it holds ``values``."""
    columns = [Entry.__table__.c[name] for name in values]
    row = db.session.execute(select(Entry.id, *columns).where(
        Entry.author_id == values["author_id"], Entry.submission_key == key)).first()
    if row is None:
        return None, False
    return row.id, all(row._mapping[name] == value for name, value in values.items())


class EditConflict(Exception):
    """The entry was saved elsewhere (another device) after this editor was opened."""


def update_entry(entry: Entry, fields: EntryFields, base_version: int) -> Entry:
    """Change an entry the caller has already loaded as its author's.

    ``base_version`` is the version the editor started from. The save is one compare-and-set in
    the database, so of two saves from one version exactly one is applied. For the other (or any
    save from an older version) EditConflict is raised, nothing is overwritten, and its text is
    kept apart for the entry's editor (drafts.keep_losing_save), where the other device's
    autosave cannot overwrite it, so it survives the writer leaving the conflict page.
    """
    entry_id, author_id = entry.id, entry.author_id
    saved = db.session.execute(
        update(Entry)
        .where(Entry.id == entry_id, Entry.author_id == author_id,
               Entry.version == base_version)
        .values(**_values(fields), version=Entry.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if saved.rowcount != 1:
        db.session.rollback()  # the caller sees the entry as the other device saved it
        # Raises drafts.EntryGone instead if the other device deleted the entry.
        drafts.keep_losing_save(author_id, entry_id, _draft_fields(fields, base_version))
        db.session.commit()
        raise EditConflict()
    drafts.clear_for_entry(entry)
    db.session.commit()
    return entry


def _values(fields: EntryFields) -> dict:
    return {"title": fields.title.strip(), "body": fields.body,
            "entry_date": fields.entry_date, "support": fields.support,
            "prompt_key": fields.prompt_key or None}


def _draft_fields(fields: EntryFields, base_version: int) -> dict:
    """The fields as the editor form sends them, keeping the version the text started from."""
    return {"title": fields.title, "body": fields.body,
            "entry_date": fields.entry_date.isoformat(),
            "support": "" if fields.support is None else str(fields.support),
            "prompt_key": fields.prompt_key or "", "version": str(base_version)}


def check_in(author: User, day: date, support: int, note: str) -> CheckIn:
    """Record today's answer (a second tap the same day replaces the first)."""
    # One upsert: two taps at once on two devices leave one row (the later), never a 500.
    item = upsert_row(CheckIn, {"user_id": author.id, "day": day},
                         {"support": support, "note": note.strip()})
    db.session.commit()
    return item


def check_ins(author: User, days: int = 30) -> list[CheckIn]:
    """The author's check-ins of the last ``days`` days, oldest first."""
    since = date.today() - timedelta(days=days - 1)
    return db.session.scalars(select(CheckIn).where(CheckIn.user_id == author.id,
                                                    CheckIn.day >= since)
                              .order_by(CheckIn.day)).all()


def delete_entry(author: User, entry: Entry) -> None:
    """Delete an entry for good, withdrawing its share first so no orphan share outlives it.

    Sharing's lock comes first (the writer's row, then the entry's: the order every sharing
    change and every save takes them), so a share being made at this moment is waited for and
    withdrawn with the entry, and a save or autosave racing the delete waits instead of
    deadlocking. An entry already deleted on another device is left as it is.
    """
    try:
        share = sharing.lock_share_of(author, entry)
    except sharing.EntryGone:
        db.session.rollback()
        return
    if share is not None:
        sharing.withdraw_share(author, share)
    drafts.clear_for_entry(entry)  # its autosave must not pass to a later entry with its id
    # Text kept for this entry's editor (a save that lost to another device, or came after the
    # session ended) was never seen in the entry: it moves to the new-entry editor, not away.
    db.session.execute(update(PendingDraft).where(PendingDraft.entry_id == entry.id)
                       .values(entry_id=None))
    db.session.execute(delete(Entry).where(Entry.id == entry.id))
    db.session.commit()
    if share is not None:
        search.apply_pending()


def own_entries(author: User, query: str, page: int, per_page: int):
    """The author's entries, newest first, optionally matching ``query`` in title or body."""
    stmt = select(Entry).where(Entry.author_id == author.id)
    words = query.split()
    for word in words[:10]:
        pattern = "%" + _escape_like(word) + "%"
        stmt = stmt.where(or_(Entry.title.ilike(pattern, escape="\\"),
                              Entry.body.ilike(pattern, escape="\\")))
    stmt = stmt.order_by(Entry.entry_date.desc(), Entry.created_at.desc(), Entry.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_own_entry(author: User, entry_id: int) -> Entry | None:
    """The entry if ``author`` wrote it, else None (callers answer 404, never 403)."""
    return db.session.scalar(
        select(Entry).where(Entry.id == entry_id, Entry.author_id == author.id)
    )
