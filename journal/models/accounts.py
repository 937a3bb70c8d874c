"""Accounts, roles, invite codes, sign-in throttling and the audit log."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from journal.extensions import db
from journal.models.types import UTCDateTime, str_enum, utcnow


class Role(StrEnum):
    """What a user is; each capability is a method so checks read as sentences."""

    WRITER = "writer"
    RESEARCHER = "researcher"
    LEADER = "leader"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """Human name of the role."""
        return self.value.capitalize()

    def can_keep_journal(self) -> bool:
        """Only writers have a private journal."""
        return self is Role.WRITER

    def can_review_shares(self) -> bool:
        """Researchers review, tag and search shared entries (never private ones)."""
        return self is Role.RESEARCHER

    def can_administer(self) -> bool:
        """Admins manage accounts and invite codes (never entries)."""
        return self is Role.ADMIN

    def needs_second_admin(self) -> bool:
        """Research or admin access is given only with a second admin's approval."""
        return self in (Role.RESEARCHER, Role.ADMIN)


class User(UserMixin, db.Model):
    """Someone who signs in. No email or real name is kept on purpose."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-case, unique; the only identifying detail we hold.
    username: Mapped[str] = mapped_column(String(30), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    active: Mapped[bool] = mapped_column(default=True)
    #: Bumped to end every session of this user (log out, password change, deactivation).
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The admin who asked for this account; set (with ``active`` off) until a different admin
    #: approves, so no admin can give themselves research or admin access alone.
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def awaiting_approval(self) -> bool:
        """Whether the account waits for a second admin's approval."""
        return not self.active and self.requested_by_id is not None

    @property
    def may_only_withdraw(self) -> bool:
        """A deactivated writer may still sign in, but only to withdraw their shares."""
        return not self.active and self.role is Role.WRITER and self.requested_by_id is None

    #: When this sign-in began (Unix seconds); not stored, carried in the session identity.
    signed_in_at = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """Session identity: id, session version and sign-in time, so old cookies can be voided."""
        if self.signed_in_at is None:
            self.signed_in_at = int(utcnow().timestamp())
        return f"{self.id}:{self.session_version}:{self.signed_in_at}"


class InviteCode(db.Model):
    """A single-use code an admin makes so a writer can sign up when sign-up is closed."""

    __tablename__ = "invite_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the code; the code itself is shown once, when made.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(db.Model):
    """One failed sign-in, counted per key so throttling holds across server processes."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "user:<keyed hash of the username>" (untrusted clients), "device:<keyed hash>" (one
    #: trusted device and account), "addr:<client address>", "signup:<address>" or
    #: "password:<user id>"; never what was typed as a username, which is sometimes a password.
    key: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEvent(db.Model):
    """Security-relevant events. Never holds entry text, shared text or passwords.

    ``at`` is the day only (midnight UTC), so no event can be paired with a share by time.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: e.g. sign_in, sign_in_failed, denied, account_created.
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User | None] = relationship()
