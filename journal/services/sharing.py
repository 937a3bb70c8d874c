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

from journal import privacy, safeguarding, search, suppression
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
from journal.services.errors import DomainError


class SharingError(DomainError):
    """A share, review or withdrawal was refused; the message says why."""


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


def profile_of(author: User) -> WriterProfile:
    """The writer's sharing settings (empty ones if never saved)."""
    return db.session.get(WriterProfile, author.id) or WriterProfile(
        user_id=author.id, role="", field="", region="", registered="", international="",
        hide_terms="")


def save_profile(author: User, context: Context, hide_terms: str) -> None:
    """Save the writer's default context and "always hide" terms."""
    profile = db.session.get(WriterProfile, author.id) or WriterProfile(user_id=author.id)
    profile.role, profile.field, profile.region = context.role, context.field, context.region
    profile.registered, profile.international = context.registered, context.international
    profile.hide_terms = "\n".join(line.strip() for line in hide_terms.splitlines()
                                   if line.strip())
    db.session.add(profile)
    db.session.commit()


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
    """Share (or re-share) ``entry`` with the exact ``wording``; it waits for review.

    ``replaces`` is the id of the share the preview was editing ("" for a first share), so a
    stale or repeated form cannot share an entry twice or revive a withdrawn share.
    """
    wording, _ = privacy.hide_terms(wording.strip(), profile_of(author).terms())
    if not wording:
        raise SharingError("The shared wording is empty: write what you want to share",
                           "wording")
    if len(wording) > BODY_MAX:
        raise SharingError(f"The shared wording must be {BODY_MAX:,} characters or fewer "
                           f"(it is {len(wording):,})", "wording")
    share = share_of(author, entry)
    if share is None and replaces:
        raise SharingError("The shared version you were editing has been withdrawn. "
                           "Check the wording below and share it again if you want to.")
    if share is not None and replaces != share.id:
        raise SharingError("This entry is already shared. You can change the shared version "
                           "from the entry, or withdraw it.")
    if share is None:
        share = Share(author_link=_link(author, entry.id))
        db.session.add(share)
    elif share.text != wording:
        _drop_stale_excerpts(share, wording)
    share.text, share.scope = wording, scope
    share.set_context(context)
    share.month = utcnow().strftime("%Y-%m")
    share.status, share.return_reason = ShareStatus.PENDING, None
    db.session.flush()
    _refresh_tally(author)
    search.enqueue({share.id})  # back in review: out of search until accepted again
    db.session.commit()
    search.apply_pending()
    return share


def _drop_stale_excerpts(share: Share, new_text: str) -> None:
    """Excerpt tags whose passage is no longer in the new wording are removed."""
    for tag in db.session.scalars(select(Tag).where(Tag.share_id == share.id,
                                                    Tag.start.is_not(None))):
        if new_text[tag.start:tag.end] != tag.quote:
            db.session.delete(tag)


def withdraw(author: User, entry: Entry) -> bool:
    """Delete the share of ``entry`` for good; False if it was not shared (or already withdrawn)."""
    share = share_of(author, entry)
    if share is None:
        return False
    withdraw_share(author, share)
    db.session.commit()
    search.apply_pending()
    return True


def withdraw_share(author: User, share: Share) -> None:
    """Delete ``share`` (its tags and memos go with it) within the caller's transaction.

    The index is told to drop it and merge its segments so the words leave the index files;
    the caller applies that after committing.
    """
    search.enqueue({share.id}, purge=True)
    db.session.delete(share)
    db.session.flush()
    _refresh_tally(author)


def narrow_scope(author: User, entry: Entry, scope: Scope) -> Share:
    """Narrow how far a share may go; widening needs a new share and a new review."""
    share = share_of(author, entry)
    if share is None:
        raise SharingError("This entry is not shared (it may have been withdrawn)")
    if scope.rank >= share.scope.rank:
        raise SharingError("You can only narrow who may see a share. To widen it, withdraw it "
                           "and share it again.", "scope")
    share.scope = scope
    # Collections whose audience the new scope does not cover lose the item, as on withdrawal.
    for item in db.session.scalars(select(CollectionItem).where(
            CollectionItem.share_id == share.id)):
        if not item.collection.audience.allows(scope):
            item.share_id, item.tag_id = None, None
            item.collection.version += 1
    db.session.commit()
    return share


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


def _refresh_tally(author: User) -> None:
    """Record each of this writer's shares' context under their pseudonym, and whether it
    counts yet (accepted, from an account old enough)."""
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
    """Shares waiting for review, oldest month first (no finer order is kept)."""
    return db.session.scalars(select(Share).where(Share.status == ShareStatus.PENDING)
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
    """One share by its opaque id."""
    return db.session.get(Share, share_id)


def accept(share: Share) -> None:
    """Accept a share for analysis (and, within its scope, for collections)."""
    if share.status is ShareStatus.ACCEPTED:
        raise SharingError("This share was accepted already")
    share.status, share.return_reason = ShareStatus.ACCEPTED, None
    _count_in_tally(share, accepted=True)
    search.enqueue({share.id})
    db.session.commit()
    search.apply_pending()


def return_share(share: Share, reason: str) -> None:
    """Send a share back to its author with a reason they will see."""
    reason = reason.strip()
    if not reason:
        raise SharingError("Say why you are returning it, so the writer can fix it", "reason")
    share.status, share.return_reason = ShareStatus.RETURNED, reason
    _count_in_tally(share, accepted=False)
    search.enqueue({share.id})
    db.session.commit()
    search.apply_pending()


def set_safeguarding(share: Share, needs_review: bool) -> None:
    """Mark (or clear) that a share needs a safeguarding review before any further use."""
    share.needs_safeguarding_review = needs_review
    db.session.commit()


def shown_contexts(shares: list[Share]) -> dict[str, Context]:
    """Each share's context as the research team may see it, generalised where fewer than K
    established writers' accepted shares hold it."""
    shown = suppression.shown_by_context()
    return {share.id: shown.get(share.context, suppression.FALLBACK) for share in shares}


def reader_contexts(shares: list[Share]) -> dict[str, Context]:
    """Each share's fixed coarse context for readers outside the research team."""
    return {share.id: suppression.for_readers(share.context) for share in shares}
