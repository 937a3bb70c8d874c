"""Database models, one module per area."""

from journal.models.accounts import AuditEvent, InviteCode, LoginFailure, Role, User
from journal.models.journal import Entry
from journal.models.sharing import ContextSharer, Scope, Share, ShareStatus, WriterProfile

__all__ = ["AuditEvent", "ContextSharer", "Entry", "InviteCode", "LoginFailure", "Role", "Scope",
           "Share", "ShareStatus", "User", "WriterProfile"]
