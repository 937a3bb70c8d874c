"""Factories for test data, built through the services the app itself uses."""

import itertools
import secrets
from datetime import date, timedelta

from sqlalchemy import select

from journal import suppression
from journal.context import Context
from journal.extensions import db
from journal.models import (
    Audience,
    Collection,
    ContextSharer,
    Entry,
    Role,
    Scope,
    Share,
    Tag,
    Theme,
    User,
)
from journal.models.types import utcnow
from journal.passwords import hash_password
from journal.services import accounts, collections, research, review_queue, sharing
from journal.services import journal as journal_service
from journal.services.journal import EntryFields

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


_HASHES: dict[str, str] = {}


def make_user(role: str = "writer", username: str | None = None,
              password: str = PASSWORD, days_old: int = 0) -> User:
    """Create an account of ``role``.

    The Argon2id hash of each test password is made once and reused: hashing at full cost for
    every user of every test would dominate the suite. Signing in still verifies for real, and
    the sign-up and account tests go through the real hashing code.
    """
    name = username or f"user{next(_counter)}"
    if password not in _HASHES:
        _HASHES[password] = hash_password(password)
    user = User(username=accounts.check_username(name), password_hash=_HASHES[password],
                role=Role(role))
    if days_old:
        user.created_at = utcnow() - timedelta(days=days_old)
    db.session.add(user)
    db.session.commit()
    return user


def make_entry(author: User, body: str = "A quiet shift, and a kind word at handover.",
               title: str = "", entry_date: date | None = None, support: int | None = None,
               prompt_key: str | None = None) -> Entry:
    """Create a private entry for ``author``."""
    entry_id = journal_service.create_entry(author, EntryFields(
        title=title, body=body, entry_date=entry_date or date.today(), support=support,
        prompt_key=prompt_key,
    ))
    return db.session.get(Entry, entry_id)


def make_share(author: User, entry: Entry, text: str | None = None,
               context: Context | None = None, scope: Scope = Scope.LEADERS,
               accepted: bool = False, held: bool = False) -> Share:
    """Share ``entry`` as its author would (pending review unless ``accepted``), released to
    the review queue unless ``held``."""
    share = sharing.share_entry(author, entry, text or entry.body, context or Context(), scope,
                                replaces="")
    if not held:
        review_queue.release_now([share])
    if accepted:
        sharing.accept(share)
    return share


def release_held() -> None:
    """Release every held share to the review queue, as the next day's batch would."""
    review_queue.release_now(list(db.session.scalars(
        select(Share).where(Share.held_on.is_not(None)))))


def make_theme(name: str, description: str = "", parent: Theme | None = None) -> Theme:
    """Add a theme to the codebook."""
    return research.save_theme(None, name, description, parent.id if parent else None)


def make_tag(researcher: User, share: Share, theme: Theme, excerpt: str = "") -> Tag:
    """Tag an accepted share (or the passage ``excerpt`` of it) with ``theme``."""
    return research.tag_share(researcher, share, [theme.id], excerpt)[0]


def make_collection(title: str, shares: list[Share] = (), audience: Audience = Audience.LEADERS,
                    publish: bool = False) -> Collection:
    """A collection holding ``shares`` (whole entries), published if asked."""
    collection = collections.save(None, title, "A *summary*.", audience)
    for share in shares:
        collections.add_item(collection, share)
    if publish:
        collections.publish(collection)
    return collection


def author_note(user: User) -> str:
    """The signed "who is writing" note an editor page carries for ``user``."""
    from journal.services import drafts  # only the editor tests need it

    return drafts.author_token(user)


def make_sharers(contexts: list[Context], count: int = 5) -> None:
    """``count`` established writers whose accepted shares hold each context, so those
    combinations are shown, and searched, as they are.

    Only their rows in the sharer tally are made (as ``sharing.accept`` leaves them), so the
    shares themselves do not join the results of the test that asked for them.
    """
    for _ in range(count):
        sharer = secrets.token_hex(32)
        for context in contexts:
            db.session.add(ContextSharer(
                sharer=sharer, share_ref=secrets.token_hex(32), accepted=True,
                established=True, role=context.role, field=context.field,
                region=context.region, registered=context.registered,
                international=context.international))
    suppression.bump()
    db.session.commit()
