"""Shared entries: their own tables, with no user id, no entry id and no foreign key to either.

The only tie to an author is ``Share.author_link``, an HMAC over user and entry that only the
server (holding the share key) can compute; two shares of one author carry unrelated links.
"""

import secrets
from datetime import date
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from journal.context import Context
from journal.extensions import db
from journal.models.types import str_enum


class Scope(StrEnum):
    """How far a writer lets their words go. Ordered from narrowest to widest."""

    RESEARCH = "research"
    LEADERS = "leaders"
    PUBLIC = "public"

    @property
    def rank(self) -> int:
        """0 for the narrowest scope; narrowing means moving to a lower rank."""
        return list(Scope).index(self)

    @property
    def plain_words(self) -> str:
        """The scope as the writer chose it."""
        return {
            Scope.RESEARCH: "For the research team's analysis only",
            Scope.LEADERS: "May be quoted in collections for senior leaders",
            Scope.PUBLIC: "May be quoted in public collections",
        }[self]

    def narrower(self) -> list["Scope"]:
        """Scopes this one can be narrowed to."""
        return [scope for scope in Scope if scope.rank < self.rank]


class ShareStatus(StrEnum):
    """Where a share is in review."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    RETURNED = "returned"


def new_share_id() -> str:
    """A random opaque id: says nothing about who, when or in what order."""
    return secrets.token_urlsafe(16)


class Share(db.Model):
    """Words a writer chose to share, as they will be seen. No author, no exact time."""

    __tablename__ = "shares"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_share_id)
    #: HMAC-SHA256 (share key) over user id and entry id; lets only the author find it.
    author_link: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    #: Month of sharing, "YYYY-MM": no day, no time.
    month: Mapped[str] = mapped_column(String(7))
    scope: Mapped[Scope] = mapped_column(str_enum(Scope, "share_scope"))
    status: Mapped[ShareStatus] = mapped_column(str_enum(ShareStatus, "share_status"),
                                                default=ShareStatus.PENDING)
    #: Why a researcher returned it (shown to the author only on their own entry).
    return_reason: Mapped[str | None] = mapped_column(String(500))
    #: Day it was (re-)shared while it waits to be released to the review queue in a batch;
    #: None once released. Researchers see nothing of a held share.
    held_on: Mapped[date | None] = mapped_column(default=None)
    #: Set by a researcher; keeps the share out of every collection until cleared.
    needs_safeguarding_review: Mapped[bool] = mapped_column(default=False)
    # Context the writer chose to include; "" means not given (see journal.context).
    ctx_role: Mapped[str] = mapped_column(String(30), default="")
    ctx_field: Mapped[str] = mapped_column(String(30), default="")
    ctx_region: Mapped[str] = mapped_column(String(40), default="")
    ctx_registered: Mapped[str] = mapped_column(String(20), default="")
    ctx_international: Mapped[str] = mapped_column(String(10), default="")

    @property
    def context(self) -> Context:
        """The context the writer chose to include."""
        return Context(self.ctx_role, self.ctx_field, self.ctx_region, self.ctx_registered,
                       self.ctx_international)

    def set_context(self, context: Context) -> None:
        """Store ``context`` (already cleaned) on the share."""
        self.ctx_role, self.ctx_field, self.ctx_region = (context.role, context.field,
                                                          context.region)
        self.ctx_registered, self.ctx_international = context.registered, context.international


class ContextSharer(db.Model):
    """One share's context under its (pseudonymous) sharer, for small-number suppression.

    ``sharer`` is an HMAC of the user id, and ``share_ref`` an HMAC of the share id, each under
    the share key: without the key the table cannot tie a sharer to a share, and it holds no
    text. Only rows that are both ``accepted`` and ``established`` count towards the threshold.
    """

    __tablename__ = "context_sharers"

    id: Mapped[int] = mapped_column(primary_key=True)
    sharer: Mapped[str] = mapped_column(String(64), index=True)
    #: Keyed hash of the share id, so accepting or returning a share can update its row.
    share_ref: Mapped[str] = mapped_column(String(64), unique=True)
    #: The research team accepted the share (fake filler left in the queue counts for nothing).
    accepted: Mapped[bool] = mapped_column(default=False)
    #: The account was at least ESTABLISHED_DAYS old when its shares were last tallied.
    established: Mapped[bool] = mapped_column(default=False)
    role: Mapped[str] = mapped_column(String(30))
    field: Mapped[str] = mapped_column(String(30))
    region: Mapped[str] = mapped_column(String(40))
    registered: Mapped[str] = mapped_column(String(20))
    international: Mapped[str] = mapped_column(String(10))

    @property
    def context(self) -> Context:
        """The combination this row counts."""
        return Context(self.role, self.field, self.region, self.registered, self.international)


class TallyVersion(db.Model):
    """One row: a random token replaced in the same transaction as any change to the tally,
    so the suppression mapping can be cached until it changes."""

    __tablename__ = "tally_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


class WriterProfile(db.Model):
    """A writer's private sharing settings: default context and "always hide" terms."""

    __tablename__ = "writer_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    role: Mapped[str] = mapped_column(String(30), default="")
    field: Mapped[str] = mapped_column(String(30), default="")
    region: Mapped[str] = mapped_column(String(40), default="")
    registered: Mapped[str] = mapped_column(String(20), default="")
    international: Mapped[str] = mapped_column(String(10), default="")
    #: One term a line: colleagues' names, the ward, the trust. Always replaced when sharing.
    hide_terms: Mapped[str] = mapped_column(Text, default="")
    #: Bumped on every save, so a save from a form drawn before another device's is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @property
    def context(self) -> Context:
        """The writer's default context for new shares."""
        return Context(self.role, self.field, self.region, self.registered, self.international)

    def terms(self) -> list[str]:
        """The "always hide" terms, one per non-empty line."""
        return [line.strip() for line in self.hide_terms.splitlines() if line.strip()]
