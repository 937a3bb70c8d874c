"""Factories for test data, built through the services the app itself uses."""

import itertools
from datetime import date

from journal.models import Entry, Role, User
from journal.services import accounts
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
