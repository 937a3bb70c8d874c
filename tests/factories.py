"""Factories for test data, built through the services the app itself uses."""

import itertools
from datetime import date

from journal.context import Context
from journal.models import Entry, Role, Scope, Share, Tag, Theme, User
from journal.services import accounts, research, sharing
from journal.services import journal as journal_service
from journal.services.journal import EntryFields

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_user(role: str = "writer", username: str | None = None,
              password: str = PASSWORD) -> User:
    """Create an account of ``role``."""
    name = username or f"user{next(_counter)}"
    return accounts.create_account(None, name, Role(role), password)


def make_entry(author: User, body: str = "A quiet shift, and a kind word at handover.",
               title: str = "", entry_date: date | None = None, support: int | None = None,
               prompt_key: str | None = None) -> Entry:
    """Create a private entry for ``author``."""
    return journal_service.create_entry(author, EntryFields(
        title=title, body=body, entry_date=entry_date or date.today(), support=support,
        prompt_key=prompt_key,
    ))


def make_share(author: User, entry: Entry, text: str | None = None,
               context: Context | None = None, scope: Scope = Scope.LEADERS,
               accepted: bool = False) -> Share:
    """Share ``entry`` as its author would (pending review unless ``accepted``)."""
    share = sharing.share_entry(author, entry, text or entry.body, context or Context(), scope,
                                replaces="")
    if accepted:
        sharing.accept(share)
    return share


def make_theme(name: str, description: str = "", parent: Theme | None = None) -> Theme:
    """Add a theme to the codebook."""
    return research.save_theme(None, name, description, parent.id if parent else None)


def make_tag(researcher: User, share: Share, theme: Theme, excerpt: str = "") -> Tag:
    """Tag an accepted share (or the passage ``excerpt`` of it) with ``theme``."""
    return research.tag_share(researcher, share, [theme.id], excerpt)[0]
