"""Sharing: a private entry becomes an anonymous share the writer controls.

The writer previews exactly what is shared, shares, and can narrow or withdraw it at any time.
Researchers review shares without ever learning who wrote them. The author is found only by
recomputing ``author_link`` from the author's own entries, which needs the server's share key.
"""

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from journal import locks, privacy, safeguarding, search, suppression, versions
from journal.context import Context
from journal.extensions import db
from journal.models import (
    CollectionItem,
    ContextSharer,
    Entry,
    Role,
    Scope,
    Share,
    ShareStatus,
    Tag,
    User,
    WriterProfile,
)
from journal.models.journal import BODY_MAX
from journal.models.types import utcnow
from journal.services import review_queue, withdrawn
from journal.services.errors import DomainError, StaleEdit


class SharingError(DomainError):
    """A share, review or withdrawal was refused; the message says why."""


class EntryGone(SharingError):
    """The entry was deleted (on another device) while this request was under way."""


@dataclass(frozen=True)
class Draft:
    """What the share preview shows: the wording and what was found in it."""

    wording: str
    identifiers: list[privacy.Identifier]
    #: How many of the writer's "always hide" terms were replaced.
    hidden_terms: int
    concerns: list[str]


# --- the writer's side --------------------------------------------------------------------------

def _key() -> str:
    return current_app.config["SHARE_KEY"]


def _link(author: User, entry_id: int) -> str:
    return privacy.author_link(_key(), author.id, entry_id)


def share_of(author: User, entry: Entry) -> Share | None:
    """The share of ``entry``, found through the author link (None if it is not shared)."""
    return db.session.scalar(select(Share).where(Share.author_link == _link(author, entry.id)))


def lock_share_of(author: User, entry: Entry) -> Share | None:
    """Lock the writer's sharing until commit and return the share of ``entry`` as committed
    now; SharingError if the entry has just been deleted.

    Every change to a writer's shares (share, re-share, narrow, withdraw, deleting an entry)
    takes this one lock first, so of two at once the second waits and then sees what the first
    did: an entry never has two live shares, nor a share that outlives it, and no two changes
    lock rows in different orders (which would deadlock).
    """
    author_id, entry_id = author.id, entry.id
    _lock_writer(author_id)
    # The entry too (after the writer: always in that order): a delete under way is waited
    # for, so a first share cannot be made for an entry that is going.
    if not locks.lock(Entry, Entry.id == entry_id, Entry.author_id == author_id):
        raise EntryGone("This entry has just been deleted (on another device, perhaps), so "
                        "there is nothing to share.")
    return share_of(author, entry)


def _lock_writer(author_id: int) -> None:
    """Lock the writer's account row until commit (the lock every sharing change takes first)."""
    locks.lock(User, User.id == author_id)


def profile_of(author: User) -> WriterProfile:
    """The writer's sharing settings (empty ones if never saved)."""
    return db.session.get(WriterProfile, author.id) or WriterProfile(
        user_id=author.id, role="", field="", region="", registered="", international="",
        hide_terms="", version=versions.NONE_YET)


def save_profile(author: User, context: Context, hide_terms: str,
                 version: int | None = None) -> None:
    """Save the writer's default context and "always hide" terms, from the ``version`` the form
    was drawn from (versions.NONE_YET before the first save; None: unchecked).

    StaleEdit if they were saved elsewhere since: nothing is overwritten, so a hide term added on
    one device is never dropped by a save from another that never showed it.
    """
    values = {"role": context.role, "field": context.field, "region": context.region,
              "registered": context.registered, "international": context.international,
              "hide_terms": "\n".join(line.strip() for line in hide_terms.splitlines()
                                      if line.strip())}
    # One statement: the first save from two devices at once must not fail on the key.
    if not versions.create_or_set(WriterProfile.version, version, {"user_id": author.id},
                                  values):
        db.session.rollback()
        raise StaleEdit("Your sharing settings were changed on another device after you "
                        "opened this page, so nothing has been saved yet. Check the words to "
                        "hide below (both lists are in it) and save again.")
    db.session.commit()


def merged_terms(saved: str, typed: str) -> str:
    """The saved hide terms followed by the typed ones not already there (one a line): losing a
    hide term is the dangerous direction, so a conflict offers every term from both."""
    terms: list[str] = []
    for line in [*saved.splitlines(), *typed.splitlines()]:
        if line.strip() and line.strip().casefold() not in {t.casefold() for t in terms}:
            terms.append(line.strip())
    return "\n".join(terms)


def draft(author: User, entry: Entry, wording: str | None = None) -> Draft:
    """Build the preview: the wording (from the entry or the current share unless given), with
    the writer's "always hide" terms replaced, and the details that could still identify."""
    if wording is None:
        existing = share_of(author, entry)
        wording = existing.text if existing else entry.body
    terms = profile_of(author).terms()
    wording, hidden = privacy.hide_terms(wording, terms)
    return Draft(wording=wording, identifiers=privacy.find_identifiers(wording),
                 hidden_terms=hidden, concerns=safeguarding.concerns(wording))


def preview_digest(wording: str, context: Context, scope: str) -> str:
    """A fingerprint of what a preview showed, so a share can only be exactly what was seen."""
    canonical = json.dumps([wording.strip(), asdict(context), scope], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def replace_one(wording: str, start: int, end: int, kind: str) -> str:
    """Replace the identifier found at ``start:end`` by its marker (no-op if it is not there)."""
    target = [i for i in privacy.find_identifiers(wording)
              if (i.start, i.end, i.kind) == (start, end, kind)]
    return privacy.replace_identifiers(wording, target)


def replace_all(wording: str) -> str:
    """Replace every identifier found by its marker."""
    return privacy.replace_identifiers(wording, privacy.find_identifiers(wording))


def share_entry(author: User, entry: Entry, wording: str, context: Context, scope: Scope,
                replaces: str | None) -> Share:
    """Share (or re-share) ``entry`` with the exact ``wording``; it is held, then waits for review.

    ``replaces`` is the id of the share the preview was editing ("" for a first share), so a
    stale or repeated form cannot share an entry twice or revive a withdrawn share. A re-share
    is a new share with a new id: the old version goes at once, as on withdrawal, so nobody can
    link old and new wording by id or see the new one arrive outside a batch.
    """
    wording, _ = privacy.hide_terms(wording.strip(), profile_of(author).terms())
    if not wording:
        raise SharingError("The shared wording is empty: write what you want to share",
                           "wording")
    if len(wording) > BODY_MAX:
        raise SharingError(f"The shared wording must be {BODY_MAX:,} characters or fewer "
                           f"(it is {len(wording):,})", "wording")
    old = lock_share_of(author, entry)
    if old is None and replaces:
        raise SharingError("The shared version you were editing has been withdrawn. "
                           "Check the wording below and share it again if you want to.")
    if old is not None and replaces != old.id:
        raise SharingError("This entry is already shared. You can change the shared version "
                           "from the entry, or withdraw it.")
    follow = _tags_that_follow(old, wording) if old is not None else []
    if old is not None:
        if scope.rank < old.scope.rank:
            withdrawn.remove_beyond(wording, scope)  # kept words may no longer go as far
        _remove(old, keep=wording)  # only the words dropped count as withdrawn
    share = Share(author_link=_link(author, entry.id), text=wording, scope=scope,
                  month=utcnow().strftime("%Y-%m"), status=ShareStatus.PENDING)
    share.set_context(context)
    _hold(share)
    db.session.add(share)
    db.session.flush()
    for tag in follow:
        tag.share_id = share.id
    db.session.add_all(follow)
    _refresh_tally(author)
    db.session.commit()
    search.apply_pending()
    return share


def _hold(share: Share) -> None:
    """Keep a new or re-worded share from the queue until a batch is released, so its arrival
    cannot be paired with anyone's sign-in; only the day is stored, and only until release."""
    share.held_on = review_queue.today()


def _tags_that_follow(old: Share, new_text: str) -> list[Tag]:
    """New copies of the old version's tags that still apply: whole-entry tags, and excerpt tags
    whose passage is still in the new wording (found again wherever it now is).

    Memos and collection places do not follow: a memo may quote words the writer has just
    taken out, and a collection should quote the new wording only after someone has read it.
    """
    follow = []
    for tag in db.session.scalars(select(Tag).where(Tag.share_id == old.id)):
        start = new_text.find(tag.quote) if tag.is_excerpt else None
        if start == -1:
            continue
        follow.append(Tag(theme_id=tag.theme_id, researcher_id=tag.researcher_id,
                          created_at=tag.created_at, start=start, quote=tag.quote,
                          end=None if start is None else start + len(tag.quote)))
    return follow


def withdraw(author: User, entry: Entry) -> bool:
    """Delete the share of ``entry`` for good; False if it was not shared (or already withdrawn)."""
    try:
        share = lock_share_of(author, entry)
    except EntryGone:  # deleted, and its share with it
        return False
    if share is None:
        return False
    withdraw_share(author, share)
    db.session.commit()
    search.apply_pending()
    return True


def withdraw_share(author: User, share: Share) -> None:
    """Delete ``share`` (its tags and memos go with it), and every quote of its words in what
    the research team and leaders wrote, within the caller's transaction.

    ``share`` may have been read before the lock: the entry's share as committed now (the
    same, a re-shared version, or none) is the one deleted. The index is told to drop it and
    merge its segments so the words leave the index files; the caller applies that after
    committing.
    """
    link, author_id = share.author_link, author.id
    _lock_writer(author_id)
    live = db.session.scalar(select(Share).where(Share.author_link == link))
    if live is not None:
        _remove(live)
    _refresh_tally(db.session.get(User, author_id))


def _remove(share: Share, keep: str = "") -> None:
    """Delete ``share`` (tags and memos go with it; collection items read "withdrawn") and have
    the index purge its words once the caller commits. Quotes of its words in research writing
    go too, except runs still in ``keep`` (the new wording of a re-share)."""
    search.enqueue({share.id}, purge=True)
    withdrawn.remove_everywhere(share.text, keep=keep)
    db.session.execute(delete(Share).where(Share.id == share.id))
    db.session.expunge(share)


def narrow_scope(author: User, entry: Entry, scope: Scope) -> Share:
    """Narrow how far a share may go; widening needs a new share and a new review."""
    share = lock_share_of(author, entry)
    if share is None:
        raise SharingError("This entry is not shared (it may have been withdrawn)")
    if scope.rank >= share.scope.rank:
        raise SharingError("You can only narrow who may see a share. To widen it, withdraw it "
                           "and share it again.", "scope")
    was, share.scope = share.scope, scope
    _release_items_beyond_scope(share, was)
    db.session.commit()
    return share


def _release_items_beyond_scope(share: Share, was: Scope | None) -> None:
    """Collections whose audience the share's scope no longer covers lose the item, and any
    quote of it, as on withdrawal: every path that changes a scope (narrow, change the shared
    version) calls this. ``was`` is the scope before (None for a new share)."""
    if was is not None and share.scope.rank < was.rank:
        # Only words that could have reached those collections: a new share cannot be used
        # to blank out collection text it merely copies.
        withdrawn.remove_beyond(share.text, share.scope)
    for item in db.session.scalars(select(CollectionItem).where(
            CollectionItem.share_id == share.id)):
        if not item.collection.audience.allows(share.scope):
            item.share_id, item.tag_id = None, None
            item.collection.version += 1


def my_shares(author: User) -> list[tuple[Entry, Share]]:
    """The author's shared entries, newest entry first, each with its share."""
    entries = db.session.scalars(select(Entry).where(Entry.author_id == author.id)
                                 .order_by(Entry.entry_date.desc(), Entry.id.desc())).all()
    by_link = {_link(author, entry.id): entry for entry in entries}
    shares: dict[str, Share] = {}
    links = list(by_link)
    for start in range(0, len(links), 500):
        chunk = links[start:start + 500]
        shares |= {s.author_link: s for s in db.session.scalars(
            select(Share).where(Share.author_link.in_(chunk)))}
    return [(by_link[link], shares[link]) for link in by_link if link in shares]


def shares_holding_terms(author: User) -> list[tuple[Entry, Share, list[str]]]:
    """The author's shares whose text still holds one of their "always hide" terms, with the
    terms it holds: shared before the term was listed, they are never changed silently."""
    terms = profile_of(author).terms()
    found = [(entry, share, privacy.terms_in(share.text, terms))
             for entry, share in (my_shares(author) if terms else [])]
    return [row for row in found if row[2]]


def _refresh_tally(author: User) -> None:
    """Record each of this writer's shares' context under their pseudonym, and whether it
    counts yet (accepted, from an account old enough)."""
    # The writer's row, then their shares, are locked before the tally is rewritten: two of the
    # writer's changes at once cannot both rewrite it, and a share accepted or returned meanwhile
    # is either waited for or waits (see _count_in_tally), so its row is never stale.
    author_id = author.id
    _lock_writer(author_id)
    author = db.session.get(User, author_id)
    locks.lock(Share, Share.id.in_([share.id for _, share in my_shares(author)]))
    sharer = privacy.sharer_pseudonym(_key(), author.id)
    established = author.created_at <= utcnow() - timedelta(days=suppression.ESTABLISHED_DAYS)
    db.session.execute(delete(ContextSharer).where(ContextSharer.sharer == sharer))
    for _, share in my_shares(author):
        context = share.context
        db.session.add(ContextSharer(
            sharer=sharer, share_ref=privacy.share_ref(_key(), share.id),
            accepted=share.status is ShareStatus.ACCEPTED, established=established,
            role=context.role, field=context.field, region=context.region,
            registered=context.registered, international=context.international))
    suppression.bump()


def retally() -> int:
    """Rebuild every writer's rows of the sharer tally (after an upgrade); returns writers."""
    writers = db.session.scalars(select(User).where(User.role == Role.WRITER)).all()
    for writer in writers:
        _refresh_tally(writer)
    db.session.commit()
    return len(writers)


def _count_in_tally(share: Share, accepted: bool) -> None:
    """The research team accepted (or returned) ``share``: its tally row counts (or not)."""
    db.session.execute(update(ContextSharer).where(
        ContextSharer.share_ref == privacy.share_ref(_key(), share.id)).values(accepted=accepted))
    suppression.bump()


# --- the research team's side -------------------------------------------------------------------

def pending_shares() -> list[Share]:
    """Released shares waiting for review, oldest month first (no finer order is kept)."""
    return db.session.scalars(select(Share).where(Share.status == ShareStatus.PENDING,
                                                  Share.held_on.is_(None))
                              .order_by(Share.month, Share.id)).all()


def accepted_shares(page: int, per_page: int = 20):
    """Accepted shares, newest month first, paginated."""
    query = (select(Share).where(Share.status == ShareStatus.ACCEPTED)
             .order_by(Share.month.desc(), Share.id))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def shares_in_order(share_ids: list[str]) -> list[Share]:
    """Shares for ``share_ids``, in that order (ids no longer found are skipped)."""
    found = {s.id: s for s in db.session.scalars(select(Share).where(Share.id.in_(share_ids)))}
    return [found[share_id] for share_id in share_ids if share_id in found]


def get_share(share_id: str) -> Share | None:
    """One share by its opaque id, as the research team may see it (None while it is held)."""
    share = db.session.get(Share, share_id)
    return share if share is not None and share.held_on is None else None


def accept(share: Share) -> None:
    """Accept a share for analysis (and, within its scope, for collections)."""
    _lock(share)
    if share.status is ShareStatus.ACCEPTED:
        raise SharingError("This share was accepted already")
    share.status, share.return_reason, share.held_on = ShareStatus.ACCEPTED, None, None
    _count_in_tally(share, accepted=True)
    search.enqueue({share.id})
    db.session.commit()
    search.apply_pending()


def return_share(share: Share, reason: str) -> None:
    """Send a share back to its author with a reason they will see."""
    reason = reason.strip()
    if not reason:
        raise SharingError("Say why you are returning it, so the writer can fix it", "reason")
    _lock(share)
    share.status, share.return_reason = ShareStatus.RETURNED, reason
    _count_in_tally(share, accepted=False)
    search.enqueue({share.id})
    db.session.commit()
    search.apply_pending()


def _lock(share: Share) -> None:
    """Lock ``share`` and reload it as committed now; SharingError if its writer has just
    withdrawn it (or replaced it with a new version)."""
    if not locks.lock(Share, Share.id == share.id):
        raise SharingError("The writer has just withdrawn or changed this entry, so it is no "
                           "longer here.")


def set_safeguarding(share: Share, needs_review: bool) -> None:
    """Mark (or clear) that a share needs a safeguarding review before any further use."""
    _lock(share)
    share.needs_safeguarding_review = needs_review
    db.session.commit()


def shown_contexts(shares: list[Share]) -> dict[str, Context]:
    """Each share's context as the research team may see it, generalised where fewer than K
    established writers' accepted shares hold it."""
    shown = suppression.shown_by_context()
    return {share.id: shown.get(share.context, suppression.FALLBACK) for share in shares}


def reader_contexts(shares: list[Share]) -> dict[str, Context]:
    """Each share's context for readers outside the research team: what the research team may
    see of it, coarsened to the role and the nation at most."""
    return {share_id: suppression.for_readers(shown)
            for share_id, shown in shown_contexts(shares).items()}
