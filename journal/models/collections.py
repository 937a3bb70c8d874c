"""Themed collections of shared words for senior leaders, and leaders' responses.

Items point at shares and excerpt tags; they never copy a share's text. When a share is
withdrawn (or its scope narrowed below the collection's audience) the item's pointers are
cleared and it reads "withdrawn by its author". Whatever path changed the share, an item's
words are shown only while ``CollectionItem.hidden_because`` is None, checked on every render.
"""

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from journal.extensions import db
from journal.models.research import Tag
from journal.models.sharing import Scope, Share, ShareStatus
from journal.models.types import UTCDateTime, str_enum, utcnow


class Audience(StrEnum):
    """Who may read a published collection."""

    LEADERS = "leaders"
    SIGNED_IN = "signed_in"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        """In plain words."""
        return {Audience.LEADERS: "Senior leaders only",
                Audience.SIGNED_IN: "Everyone with an account",
                Audience.PUBLIC: "Anyone, without signing in"}[self]

    def allows(self, scope: Scope) -> bool:
        """Whether a share with consent ``scope`` may be quoted to this audience."""
        if self is Audience.LEADERS:
            return scope in (Scope.LEADERS, Scope.PUBLIC)
        return scope is Scope.PUBLIC  # every signed-in user, or the public: public consent


def new_collection_id() -> str:
    """A random id: the stable address of a public collection, not guessable."""
    return secrets.token_urlsafe(9)


class Collection(db.Model):
    """A themed collection curated by researchers."""

    __tablename__ = "collections"

    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_collection_id)
    title: Mapped[str] = mapped_column(String(200))
    #: Markdown, rendered through journal.text.
    summary: Mapped[str] = mapped_column(Text, default="")
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    audience: Mapped[Audience] = mapped_column(str_enum(Audience, "audience"),
                                               default=Audience.LEADERS)
    #: None while it is a draft.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Bumped on every change to the items, so a stale reorder is refused, not applied.
    version: Mapped[int] = mapped_column(default=1)
    #: Bumped on every save of the title, summary, theme and audience (the details form's own
    #: version, so adding or moving an item does not make an open details form stale).
    details_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    theme = relationship("Theme")
    items: Mapped[list["CollectionItem"]] = relationship(
        back_populates="collection", order_by="CollectionItem.position",
        cascade="all, delete-orphan")

    @property
    def is_published(self) -> bool:
        """Whether readers can see it."""
        return self.published_at is not None


class CollectionItem(db.Model):
    """One place in a collection: a whole share or an excerpt, with optional commentary."""

    __tablename__ = "collection_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[str] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"),
                                               index=True)
    position: Mapped[int]
    #: Cleared when the share is withdrawn or its consent no longer covers the audience.
    share_id: Mapped[str | None] = mapped_column(ForeignKey("shares.id", ondelete="SET NULL"),
                                                 index=True)
    #: Set for an excerpt item; cleared with the share.
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id", ondelete="SET NULL"))
    #: Whether this was an excerpt (kept so a withdrawn excerpt still reads as one).
    is_excerpt: Mapped[bool] = mapped_column(default=False)
    #: Researchers' words shown before the item, distinct from the writers' words.
    commentary: Mapped[str] = mapped_column(Text, default="")
    #: Bumped on every save of the commentary, so a stale commentary form is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    collection: Mapped[Collection] = relationship(back_populates="items")
    # Every page that shows an item shows its words: load them with the items, not one by one.
    share: Mapped[Share | None] = relationship(lazy="selectin")
    tag: Mapped[Tag | None] = relationship(lazy="selectin")

    @property
    def withdrawn(self) -> bool:
        """The writer's words are gone: withdrawn, or no longer consented for this audience."""
        return self.share_id is None or (self.is_excerpt and self.tag_id is None)

    @property
    def hidden_because(self) -> str | None:
        """Why readers may not see the words now, in plain words; None when they may."""
        share = self.share
        if self.withdrawn or share is None:
            return "withdrawn by its author"
        if share.status is not ShareStatus.ACCEPTED:
            return "back with its writer or waiting for review"
        if share.needs_safeguarding_review:
            return "held for safeguarding review"
        if not self.collection.audience.allows(share.scope):
            return "its writer has not agreed to it being quoted to this audience"
        tag = self.tag
        if self.is_excerpt and (tag is None or tag.start is None
                                or share.text[tag.start:tag.end] != tag.quote):
            return "the passage is no longer in the words shared"
        return None

    @property
    def is_live(self) -> bool:
        """Whether readers of this collection may see the words now."""
        return self.hidden_because is None


class Response(db.Model):
    """A leader's response to a published collection: what I heard, what I will do."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("collection_id", "leader_id",
                                       name="uq_responses_collection_leader"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[str] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"),
                                               index=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    #: Bumped on every save, so a save from a form drawn before another device's is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    leader = relationship("User")


class CollectionOpen(db.Model):
    """That a leader has opened a published collection (researchers see how many have)."""

    __tablename__ = "collection_opens"
    __table_args__ = (UniqueConstraint("collection_id", "leader_id",
                                       name="uq_collection_opens_collection_leader"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[str] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"))
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
