"""Private journal entries and check-ins: seen by their author and nobody else."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.types import UTCDateTime, utcnow

BODY_MAX = 20_000
TITLE_MAX = 200


class Entry(db.Model):
    """One private journal entry."""

    __tablename__ = "entries"
    __table_args__ = (
        CheckConstraint("support IS NULL OR (support BETWEEN 1 AND 5)", name="support_range"),
        Index("ix_entries_author_date", "author_id", "entry_date"),
        UniqueConstraint("author_id", "submission_key", name="uq_entries_author_submission_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    #: Light Markdown as typed; rendered through journal.text only.
    body: Mapped[str] = mapped_column(Text)
    entry_date: Mapped[date]
    #: Answer to "How supported did you feel today?", 1 (not at all) to 5 (very).
    support: Mapped[int | None]
    #: Key of the reflective prompt in journal.prompts, if one was chosen.
    prompt_key: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Bumped on every save, so an edit made from an older copy is caught, not applied.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    #: Random key of the new-entry form that made it: the same form sent again (a double tap,
    #: a resend after an unclear answer) lands on this entry instead of making a second one.
    submission_key: Mapped[str | None] = mapped_column(String(64))


class CheckIn(db.Model):
    """A one-tap answer to "How supported did you feel today?", one per writer per day."""

    __tablename__ = "check_ins"
    __table_args__ = (
        CheckConstraint("support BETWEEN 1 AND 5", name="support_range"),
        UniqueConstraint("user_id", "day", name="uq_check_ins_user_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date]
    support: Mapped[int]
    #: An optional line of text.
    note: Mapped[str] = mapped_column(String(280), default="")


class PendingDraft(db.Model):
    """What a writer typed when their session had ended, kept for a day until they sign in."""

    __tablename__ = "pending_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random and opaque: names the kept text without saying whose it is.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: The entry whose editor it came from (None: a new entry); it restores only there.
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    #: JSON of the entry form's fields.
    fields: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Draft(db.Model):
    """The latest autosaved text of an entry being written ("new") or edited (its id)."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("user_id", "slot", name="uq_drafts_user_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: "new", or the id of the entry being edited.
    slot: Mapped[str] = mapped_column(String(20))
    #: The entry being edited, so its draft is deleted with it and never passes to an entry
    #: that later gets the same id (SQLite reuses ids).
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    #: JSON of the entry form's fields.
    fields: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
