"""Collections: researchers curate shared words for leaders; leaders read and respond.

Items point at shares and excerpts and never copy their text, so a withdrawal empties the item
everywhere at once ("withdrawn by its author").
"""

from sqlalchemy import func, select

from journal.extensions import db
from journal.models import (
    Audience,
    Collection,
    CollectionItem,
    CollectionOpen,
    Response,
    Role,
    Share,
    ShareStatus,
    Tag,
    Theme,
    User,
)
from journal.models.types import utcnow
from journal.privacy import quotes
from journal.services import sharing
from journal.services.errors import DomainError

RESPONSE_MAX = 5000


class CollectionError(DomainError):
    """A collection change was refused; the message says why."""


# --- curating -----------------------------------------------------------------------------------

def all_collections() -> list[Collection]:
    """Every collection, drafts included, newest first (researchers)."""
    return db.session.scalars(select(Collection).order_by(Collection.created_at.desc())).all()


def get(collection_id: str) -> Collection | None:
    """One collection by its id."""
    return db.session.get(Collection, collection_id)


def save(collection: Collection | None, title: str, summary: str, audience: Audience,
         theme_id: int | None = None) -> Collection:
    """Create a collection or change its title, summary and audience."""
    title = " ".join(title.split())
    if not title:
        raise CollectionError("Enter a title for the collection", "title")
    if theme_id is not None and db.session.get(Theme, theme_id) is None:
        raise CollectionError("Choose a theme from the list", "theme_id")
    collection = collection or Collection()
    collection.theme_id = theme_id
    if collection.items and audience != collection.audience:
        refused = [i for i in collection.items if not i.withdrawn
                   and not audience.allows(i.share.scope)]
        if refused:
            raise CollectionError(f"{len(refused)} item(s) were not shared for that audience: "
                                  "remove them first", "audience")
    collection.title, collection.summary, collection.audience = title, summary.strip(), audience
    collection.version = (collection.version or 0) + 1
    db.session.add(collection)
    db.session.commit()
    return collection


def add_item(collection: Collection, share: Share, tag: Tag | None = None) -> CollectionItem:
    """Add a whole share, or one of its excerpts, at the end of the collection."""
    if share.status is not ShareStatus.ACCEPTED:
        raise CollectionError("Only accepted shares can go in a collection")
    if share.needs_safeguarding_review:
        raise CollectionError("This share is marked for a safeguarding review, so it is kept "
                              "out of every collection")
    if not collection.audience.allows(share.scope):
        raise CollectionError(f"The writer did not agree to this: the share may not be quoted "
                              f"to “{collection.audience.label.lower()}”")
    if tag is not None and (tag.share_id != share.id or not tag.is_excerpt):
        raise CollectionError("That excerpt is not part of this share")
    for item in collection.items:
        if item.share_id == share.id and item.tag_id == (tag.id if tag else None):
            raise CollectionError("That is already in the collection")
    item = CollectionItem(collection=collection, share_id=share.id,
                          tag_id=tag.id if tag else None, is_excerpt=tag is not None,
                          position=max((i.position for i in collection.items), default=0) + 1)
    db.session.add(item)
    _changed(collection)
    return item


def _changed(collection: Collection) -> None:
    collection.version += 1
    db.session.commit()


def _check_version(collection: Collection, version: int) -> None:
    if version != collection.version:
        raise CollectionError("Someone changed this collection while you were looking at it. "
                              "Here it is as it is now: check the order and try again.")


def move(collection: Collection, item_id: int, step: int, version: int) -> None:
    """Move an item up (-1) or down (+1), refusing if the page was stale."""
    _check_version(collection, version)
    items = list(collection.items)
    index = next((n for n, item in enumerate(items) if item.id == item_id), None)
    if index is None:
        raise CollectionError("That item is no longer in the collection")
    other = index + step
    if 0 <= other < len(items):
        items[index].position, items[other].position = items[other].position, items[index].position
        _changed(collection)


def reorder(collection: Collection, item_ids: list[int], version: int) -> None:
    """Put the items in the given order; it must name every item exactly once."""
    _check_version(collection, version)
    current = {item.id: item for item in collection.items}
    if sorted(item_ids) != sorted(current):
        raise CollectionError("That order does not match the collection's items. Reload and "
                              "try again.")
    for position, item_id in enumerate(item_ids, start=1):
        current[item_id].position = position
    _changed(collection)


def remove_item(collection: Collection, item_id: int, version: int) -> None:
    """Take an item out of the collection."""
    _check_version(collection, version)
    item = next((i for i in collection.items if i.id == item_id), None)
    if item is None:
        raise CollectionError("That item is no longer in the collection")
    collection.items.remove(item)
    _changed(collection)


def set_commentary(collection: Collection, item_id: int, text: str) -> None:
    """Researchers' commentary shown before an item."""
    item = next((i for i in collection.items if i.id == item_id), None)
    if item is None:
        raise CollectionError("That item is no longer in the collection")
    item.commentary = text.strip()
    _changed(collection)


def publish(collection: Collection) -> None:
    """Publish for its audience; refused while nothing in it can be read."""
    if not live_items(collection):
        raise CollectionError("Add at least one item before publishing: an empty collection "
                              "tells leaders nothing")
    collection.published_at = utcnow()
    _changed(collection)


def unpublish(collection: Collection) -> None:
    """Back to draft: readers no longer see it."""
    collection.published_at = None
    _changed(collection)


def live_items(collection: Collection) -> list[CollectionItem]:
    """Items whose words readers may see now (see ``CollectionItem.hidden_because``)."""
    return [i for i in collection.items if i.is_live]


def withheld(collection: Collection) -> quotes.Runs:
    """The words of shares in it that readers may not see now (held, in review, returned):
    quotes of them in its title, summary, commentary and responses are not shown either."""
    live = {item.share_id for item in live_items(collection)}
    hidden = {item.share for item in collection.items if item.share and item.share_id not in live}
    return frozenset().union(*(quotes.runs(share.text) for share in hidden))


def withheld_from(user: User | None, shown: list[Collection]) -> dict[str, quotes.Runs]:
    """Per collection, the words this reader may not see quoted in its title, summary,
    commentary and responses: those ``withheld`` from everyone, and, where the reader may not
    read the collection's words (a writer in a leaders-only collection), every other share's."""
    mine = _share_ids_of(user)
    return {c.id: withheld(c) if can_read_words(user, c) else withheld(c).union(
        *(quotes.runs(i.share.text) for i in c.items if i.share and i.share_id not in mine))
        for c in shown}


def open_counts() -> dict[str, int]:
    """Per collection, how many distinct leaders have opened it."""
    return dict(db.session.execute(select(CollectionOpen.collection_id, func.count())
                                   .group_by(CollectionOpen.collection_id)).all())


# --- reading ------------------------------------------------------------------------------------

def can_read(user: User | None, collection: Collection) -> bool:
    """Whether the reader may open it: to read its words, or as a writer whose words are in it."""
    return can_read_words(user, collection) or _holds_words_of(user, collection)


def can_read_words(user: User | None, collection: Collection) -> bool:
    """Published, and its audience (as the writers' consent words it) includes the reader.

    A leaders-only collection is "for senior leaders" (and the research team who curate it):
    a writer whose words are in it may open it, but not read the other writers' words.
    """
    if not collection.is_published:
        return False
    if collection.audience is Audience.PUBLIC:
        return True
    if user is None:
        return False
    if collection.audience is Audience.SIGNED_IN:
        return True
    return user.role in (Role.LEADER, Role.RESEARCHER)


def can_read_responses(user: User | None, collection: Collection) -> bool:
    """The research team and the writers whose words are in it: what the response form says."""
    if user is None or not collection.is_published:
        return False
    return user.role is Role.RESEARCHER or _holds_words_of(user, collection)


def _holds_words_of(user: User | None, collection: Collection) -> bool:
    return _holds_any(_share_ids_of(user), collection)


def _holds_any(share_ids: set[str], collection: Collection) -> bool:
    """Whether a published collection shows any of these (one writer's) shares now."""
    return (bool(share_ids) and collection.is_published
            and any(item.share_id in share_ids for item in live_items(collection)))


def _share_ids_of(user: User | None) -> set[str]:
    """The ids of a writer's own shares (none for anyone else)."""
    if user is None or user.role is not Role.WRITER:
        return set()
    return {share.id for _, share in sharing.my_shares(user)}


def published_for(user: User | None) -> list[Collection]:
    """Published collections this reader may open, newest first."""
    published = db.session.scalars(select(Collection).where(Collection.published_at.is_not(None))
                                   .order_by(Collection.published_at.desc())).all()
    mine = _share_ids_of(user)  # once, not per collection: it recomputes every author link
    return [c for c in published if can_read_words(user, c) or _holds_any(mine, c)]


def record_open(user: User, collection: Collection) -> None:
    """Count a leader's first opening of a collection."""
    if user.role is not Role.LEADER:
        return
    exists = db.session.scalar(select(CollectionOpen.id).where(
        CollectionOpen.collection_id == collection.id, CollectionOpen.leader_id == user.id))
    if exists is None:
        db.session.add(CollectionOpen(collection_id=collection.id, leader_id=user.id))
        db.session.commit()


def responses(collection: Collection) -> list[Response]:
    """Leaders' responses, oldest first."""
    return db.session.scalars(select(Response).where(Response.collection_id == collection.id)
                              .order_by(Response.created_at, Response.id)).all()


def response_of(leader: User, collection: Collection) -> Response | None:
    """This leader's response, if they wrote one."""
    return db.session.scalar(select(Response).where(Response.collection_id == collection.id,
                                                     Response.leader_id == leader.id))


def respond(leader: User, collection: Collection, text: str) -> Response:
    """Write or change a leader's response."""
    text = text.strip()
    if not text:
        raise CollectionError("Write your response before saving it", "text")
    if len(text) > RESPONSE_MAX:
        raise CollectionError(f"Your response must be {RESPONSE_MAX:,} characters or fewer "
                              f"(it is {len(text):,})", "text")
    response = response_of(leader, collection) or Response(collection_id=collection.id,
                                                           leader_id=leader.id)
    response.text = text
    db.session.add(response)
    db.session.commit()
    return response


# --- closing the loop ---------------------------------------------------------------------------

def where_my_words_went(shares: list[Share]) -> dict[str, dict]:
    """For each of these (one writer's) shares: the themes tagged and the published collections
    where readers can see it now."""
    ids = [s.id for s in shares]
    result = {share_id: {"themes": [], "collections": []} for share_id in ids}
    if not ids:
        return result
    for share_id, name in db.session.execute(
            select(Tag.share_id, Theme.name).join(Theme).where(Tag.share_id.in_(ids))
            .distinct().order_by(Theme.name)):
        result[share_id]["themes"].append(name)
    for item in db.session.scalars(
            select(CollectionItem).join(Collection)
            .where(CollectionItem.share_id.in_(ids), Collection.published_at.is_not(None))
            .order_by(Collection.published_at.desc())):
        if item.is_live and item.collection not in result[item.share_id]["collections"]:
            result[item.share_id]["collections"].append(item.collection)
    return result
