"""Database models, one module per area."""

from journal.models.accounts import AuditEvent, InviteCode, LoginFailure, Role, User
from journal.models.collections import (
                                        Audience,
                                        Collection,
                                        CollectionItem,
                                        CollectionOpen,
                                        Response,
)
from journal.models.journal import CheckIn, Draft, Entry, PendingDraft
from journal.models.research import IndexOutbox, Memo, Tag, Theme
from journal.models.sharing import (
    ContextSharer,
    Scope,
    Share,
    ShareStatus,
    TallyVersion,
    WriterProfile,
)

__all__ = [
    "Audience", "AuditEvent", "CheckIn", "Collection", "CollectionItem", "CollectionOpen", "Draft",
    "ContextSharer", "Entry", "IndexOutbox", "InviteCode", "LoginFailure", "Memo", "PendingDraft",
    "Response", "Role", "Scope", "Share", "ShareStatus", "Tag", "TallyVersion", "Theme", "User",
    "WriterProfile",
]
