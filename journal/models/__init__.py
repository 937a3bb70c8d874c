"""Database models, one module per area."""

from journal.models.accounts import AuditEvent, InviteCode, LoginFailure, Role, User
from journal.models.journal import Entry
from journal.models.research import IndexOutbox, Memo, Tag, Theme
from journal.models.sharing import ContextSharer, Scope, Share, ShareStatus, WriterProfile

__all__ = ["AuditEvent", "ContextSharer", "Entry", "IndexOutbox", "InviteCode", "LoginFailure",
           "Memo", "Role", "Scope", "Share", "ShareStatus", "Tag", "Theme", "User",
           "WriterProfile"]
