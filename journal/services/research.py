"""The research workspace: codebook, tags on accepted shares and excerpts, memos.

Every change that affects search enqueues the shares it touched in the same transaction and
applies the outbox after the commit (see journal.search).
"""

import re
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from journal import locks, search, versions
from journal.extensions import db
from journal.models import Memo, Share, ShareStatus, Tag, Theme, User
from journal.services.errors import DomainError, StaleEdit


class ResearchError(DomainError):
    """A codebook, tagging or memo change was refused; the message says why."""


def _commit_and_index(share_ids: set[str]) -> None:
    if share_ids:
        search.enqueue(share_ids)
    _commit()
    if share_ids:
        search.apply_pending()


def _commit() -> None:
    """Commit; a share withdrawn meanwhile by its writer (in another request) is a clear refusal."""
    try:
        db.session.commit()
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        raise ResearchError("That changed while you were working: the writer may have just "
                            "withdrawn the entry, or another researcher got there first. "
                            "Reload the page and try again.") from None


# --- the codebook -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ThemeCounts:
    """How many whole entries and excerpts carry a theme."""

    entries: int
    excerpts: int


def themes() -> list[Theme]:
    """Every theme, by name."""
    return db.session.scalars(select(Theme).order_by(func.lower(Theme.name))).all()


def theme_tree() -> list[tuple[Theme, int]]:
    """Themes in tree order with their depth, for display and for select boxes."""
    everything = themes()
    by_parent: dict[int | None, list[Theme]] = {}
    for theme in everything:
        by_parent.setdefault(theme.parent_id, []).append(theme)
    ordered: list[tuple[Theme, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for theme in by_parent.get(parent_id, []):
            ordered.append((theme, depth))
            walk(theme.id, depth + 1)

    walk(None, 0)
    return ordered


def theme_counts() -> dict[int, ThemeCounts]:
    """Per theme: distinct shares tagged as a whole, and excerpts tagged."""
    rows = db.session.execute(
        select(Tag.theme_id, Tag.start.is_(None), func.count(func.distinct(Tag.share_id)),
               func.count(Tag.id)).group_by(Tag.theme_id, Tag.start.is_(None)))
    counts: dict[int, list[int]] = {}
    for theme_id, whole, shares, tags in rows:
        pair = counts.setdefault(theme_id, [0, 0])
        if whole:
            pair[0] += shares
        else:
            pair[1] += tags
    return {theme_id: ThemeCounts(*pair) for theme_id, pair in counts.items()}


def descendants(theme: Theme) -> list[int]:
    """The theme's id and every child's, grandchild's, ... (for "including child themes")."""
    ids, frontier = [theme.id], [theme.id]
    while frontier:
        frontier = db.session.scalars(select(Theme.id).where(Theme.parent_id.in_(frontier))).all()
        ids += frontier
    return ids


def get_theme(theme_id: int) -> Theme | None:
    """One theme by id."""
    return db.session.get(Theme, theme_id)


def save_theme(theme: Theme | None, name: str, description: str,
               parent_id: int | None, version: int | None = None) -> Theme:
    """Create a theme (``theme`` None) or rename, describe and move one, from the ``version``
    the form was drawn from (None: unchecked); StaleEdit if it was saved since."""
    name = " ".join(name.split())
    if not name:
        raise ResearchError("Enter a name for the theme", "name")
    clash = db.session.scalar(select(Theme).where(func.lower(Theme.name) == name.lower()))
    if clash is not None and clash is not theme:
        raise ResearchError(f"There is already a theme called “{clash.name}”", "name")
    if theme is not None and parent_id is not None and parent_id in descendants(theme):
        raise ResearchError("A theme cannot sit under itself or one of its own children",
                            "parent_id")
    if parent_id is not None and db.session.get(Theme, parent_id) is None:
        raise ResearchError("Choose a parent theme from the list", "parent_id")
    values = {"name": name, "description": description.strip(), "parent_id": parent_id}
    try:
        if theme is None:
            theme = Theme(**values)
            db.session.add(theme)
        elif not versions.compare_and_set(Theme.version, version, [Theme.id == theme.id],
                                          values):
            db.session.rollback()
            raise StaleEdit("Someone changed this theme after you opened the page, so nothing "
                            "has been saved yet. Both are shown: check yours and save again.")
        db.session.commit()
    except IntegrityError:  # the same name, saved by someone else a moment ago
        db.session.rollback()
        raise ResearchError(f"There is already a theme called “{name}”", "name") from None
    return theme


def merge_themes(source: Theme, target: Theme) -> int:
    """Move every tag and child of ``source`` to ``target`` and delete ``source``."""
    if source.id == target.id:
        raise ResearchError("Choose a different theme to merge into", "target_id")
    source, target = _lock_themes(source.id, target.id)
    if target.id in descendants(source):
        raise ResearchError("You cannot merge a theme into one of its own children",
                            "target_id")
    touched = set(db.session.scalars(select(Tag.share_id).where(Tag.theme_id == source.id)))
    moved = db.session.execute(update(Tag).where(Tag.theme_id == source.id)
                               .values(theme_id=target.id)).rowcount
    db.session.execute(update(Theme).where(Theme.parent_id == source.id)
                       .values(parent_id=target.id))
    db.session.execute(update(Memo).where(Memo.theme_id == source.id)
                       .values(theme_id=target.id))
    db.session.delete(source)
    _commit_and_index(touched)
    return moved


def delete_theme(theme: Theme) -> int:
    """Delete a theme and its tags (its children move up a level); returns tags removed."""
    (theme,) = _lock_themes(theme.id)
    touched = set(db.session.scalars(select(Tag.share_id).where(Tag.theme_id == theme.id)))
    removed = db.session.scalar(select(func.count()).select_from(Tag)
                                .where(Tag.theme_id == theme.id))
    db.session.execute(update(Theme).where(Theme.parent_id == theme.id)
                       .values(parent_id=theme.parent_id))
    db.session.execute(Tag.__table__.delete().where(Tag.theme_id == theme.id))
    db.session.delete(theme)
    _commit_and_index(touched)
    return removed


def _lock_themes(*theme_ids: int) -> list[Theme]:
    """Lock these themes until commit and return them as committed now, so two merges or
    deletes at once cannot each move tags onto a theme the other is deleting (whose tags would
    then go with it); ResearchError if one has just been merged or deleted."""
    if locks.lock(Theme, Theme.id.in_(theme_ids)) < len(set(theme_ids)):
        db.session.rollback()
        raise ResearchError("That theme has just been merged or deleted by someone else. "
                            "Reload the codebook and try again.")
    return [db.session.get(Theme, theme_id) for theme_id in theme_ids]


def tags_for_theme(theme_ids: list[int]) -> list[Tag]:
    """Tags on these themes, excerpts first, newest share month first."""
    return db.session.scalars(
        select(Tag).join(Share).where(Tag.theme_id.in_(theme_ids),
                                      Share.status == ShareStatus.ACCEPTED)
        .order_by(Tag.start.is_(None), Share.month.desc(), Tag.id)).all()


# --- tagging ------------------------------------------------------------------------------------

def tags_on(share: Share) -> list[Tag]:
    """Tags on one share, whole-entry tags first then excerpts in text order."""
    return db.session.scalars(select(Tag).where(Tag.share_id == share.id)
                              .order_by(Tag.start.is_not(None), Tag.start, Tag.id)).all()


def tag_share(researcher: User, share: Share, theme_ids: list[int],
              excerpt: str = "") -> list[Tag]:
    """Tag the whole share, or (with ``excerpt``) the passage it matches, with the themes."""
    share = _lock_share(share)
    if share.status is not ShareStatus.ACCEPTED:
        raise ResearchError("Only accepted shares can be tagged: accept it first")
    chosen = db.session.scalars(select(Theme).where(Theme.id.in_(theme_ids))).all()
    if not chosen:
        raise ResearchError("Choose at least one theme", "theme_ids")
    start = end = quote = None
    if excerpt.strip():
        start, end = locate_excerpt(share.text, excerpt)
        quote = share.text[start:end]
    existing = {(t.theme_id, t.start, t.end) for t in tags_on(share)}
    made = []
    for theme in chosen:
        if (theme.id, start, end) in existing:
            continue
        tag = Tag(share_id=share.id, theme_id=theme.id, researcher_id=researcher.id,
                  start=start, end=end, quote=quote)
        db.session.add(tag)
        made.append(tag)
    _commit_and_index({share.id})
    return made


def _lock_share(share: Share) -> Share:
    """Lock ``share`` until commit and return it as committed now: two researchers tagging it
    at once cannot both add the same tag, nor tag it as its writer withdraws it."""
    share_id = share.id
    if not locks.lock(Share, Share.id == share_id):
        raise ResearchError("The writer has just withdrawn or changed this entry, so it is no "
                            "longer here.")
    return db.session.get(Share, share_id)


def locate_excerpt(text: str, excerpt: str) -> tuple[int, int]:
    """Offsets of ``excerpt`` in ``text``: exactly, or allowing different spacing and breaks."""
    excerpt = excerpt.strip()
    position = text.find(excerpt)
    if position >= 0:
        return position, position + len(excerpt)
    words = [re.escape(word) for word in excerpt.split()]
    match = re.search(r"\s+".join(words), text) if words else None
    if match is None:
        raise ResearchError("That passage is not in the shared text: copy it exactly from the "
                            "entry (or select it, with JavaScript on)", "excerpt")
    return match.start(), match.end()


def get_tag(tag_id: int) -> Tag | None:
    """One tag by id."""
    return db.session.get(Tag, tag_id)


def remove_tag(tag: Tag) -> None:
    """Remove a tag."""
    share_id, tag_id = tag.share_id, tag.id
    # By id, not through the session: removed twice at once (two tabs) is still just removed.
    db.session.execute(delete(Tag).where(Tag.id == tag_id))
    db.session.expunge(tag)
    _commit_and_index({share_id})


def change_tag(tag: Tag, theme_id: int) -> None:
    """Put a tag on a different theme (same passage)."""
    if db.session.get(Theme, theme_id) is None:
        raise ResearchError("Choose a theme from the list")
    tag.theme_id = theme_id
    _commit_and_index({tag.share_id})


# --- memos --------------------------------------------------------------------------------------

def memos_for(share: Share | None = None, theme: Theme | None = None) -> list[Memo]:
    """Memos on a share or a theme, oldest first."""
    column, value = (Memo.share_id, share.id) if share else (Memo.theme_id, theme.id)
    return db.session.scalars(select(Memo).where(column == value)
                              .order_by(Memo.created_at, Memo.id)).all()


def add_memo(researcher: User, text: str, share: Share | None = None,
             theme: Theme | None = None) -> Memo:
    """Add a researcher's note to a share or a theme."""
    text = text.strip()
    if not text:
        raise ResearchError("Write the memo before saving it", "text")
    # Its subject is locked first: a memo must not be kept on a share its writer is withdrawing
    # (the memo may quote it), nor on a theme being merged away.
    share = _lock_share(share) if share else None
    (theme,) = _lock_themes(theme.id) if theme else (None,)
    memo = Memo(researcher_id=researcher.id, text=text, share_id=share.id if share else None,
                theme_id=theme.id if theme else None)
    db.session.add(memo)
    _commit()
    return memo
