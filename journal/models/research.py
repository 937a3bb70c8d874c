"""The research workspace: a codebook of themes, tags on shares and excerpts, memos, and the
outbox that keeps the search index in step with the database."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from journal.extensions import db
from journal.models.sharing import Share
from journal.models.types import UTCDateTime, utcnow


class Theme(db.Model):
    """A code in the codebook, optionally under a parent theme."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    #: Bumped on every save, so a save from a form drawn before another device's is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    parent: Mapped["Theme | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Theme"]] = relationship(back_populates="parent",
                                                   order_by="Theme.name")


class Tag(db.Model):
    """A theme applied to a whole accepted share, or to an excerpt of it."""

    __tablename__ = "tags"
    __table_args__ = (
        CheckConstraint('(start IS NULL AND "end" IS NULL AND quote IS NULL) OR '
                        '(start IS NOT NULL AND "end" IS NOT NULL AND quote IS NOT NULL '
                        'AND start < "end")', name="excerpt_complete"),
        Index("ix_tags_share_theme", "share_id", "theme_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[str] = mapped_column(ForeignKey("shares.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"),
                                          index=True)
    #: The researcher who made the tag.
    researcher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    #: Character offsets of an excerpt in the share's text; None for the whole entry.
    start: Mapped[int | None]
    end: Mapped[int | None]
    #: The excerpt as quoted (deleted with the share when it is withdrawn).
    quote: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    share: Mapped[Share] = relationship()
    theme: Mapped[Theme] = relationship()

    @property
    def is_excerpt(self) -> bool:
        """Whether the tag is on a passage rather than the whole entry."""
        return self.start is not None


class Memo(db.Model):
    """A researcher's note on a share or on a theme; researchers only."""

    __tablename__ = "memos"
    __table_args__ = (CheckConstraint("(share_id IS NULL) <> (theme_id IS NULL)",
                                      name="one_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[str | None] = mapped_column(ForeignKey("shares.id", ondelete="CASCADE"),
                                                 index=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"),
                                                 index=True)
    researcher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IndexOutbox(db.Model):
    """A share whose search document must be rebuilt (or removed) once the change commits.

    Written in the same transaction as the change; applied by whichever process holds the index
    lock. No foreign key: the share may be gone (withdrawn) by the time it is applied.
    """

    __tablename__ = "index_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[str] = mapped_column(String(32))
    #: Set when the share was withdrawn: the index must also be merged to purge its words.
    purge: Mapped[bool] = mapped_column(default=False)
