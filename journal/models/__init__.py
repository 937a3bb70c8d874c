"""Database models, one module per area."""

from journal.models.accounts import AuditEvent, InviteCode, LoginFailure, Role, User
from journal.models.journal import Entry

__all__ = ["AuditEvent", "Entry", "InviteCode", "LoginFailure", "Role", "User"]
