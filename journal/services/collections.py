"""Collections: researchers curate shared words for leaders; leaders read and respond.

Items point at shares and excerpts and never copy their text, so a withdrawal empties the item
everywhere at once ("withdrawn by its author").
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select, update

from journal import locks, versions
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
from journal.services.errors import DomainError, StaleEdit
from journal.upsert import upsert

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
         theme_id: int | None = None, version: int | None = None) -> Collection:
    """Create a collection or change its title, summary and audience, from the details'
    ``version`` the form was drawn from (None: unchecked); StaleEdit if saved since."""
    title = " ".join(title.split())
    if not title:
        raise CollectionError("Enter a title for the collection", "title")
    if theme_id is not None and db.session.get(Theme, theme_id) is None:
        raise CollectionError("Choose a theme from the list", "theme_id")
    if collection is None:
        collection = Collection(version=1)
        _apply(collection, title, summary, audience, theme_id)
        db.session.add(collection)
        db.session.commit()
        return collection
    with _claimed(collection) as collection:
        if not versions.compare_and_set(Collection.details_version, version,
                                        [Collection.id == collection.id], {}):
            raise StaleEdit("Someone changed the title, summary or audience after you opened "
                            "this page, so nothing has been saved yet. Both are shown: check "
                            "yours and save again.")
        _apply(collection, title, summary, audience, theme_id)
    return collection


def _apply(collection: Collection, title: str, summary: str, audience: Audience,
           theme_id: int | None) -> None:
    if collection.items and audience != collection.audience:
        refused = [i for i in collection.items if not i.withdrawn
                   and not audience.allows(i.share.scope)]
        if refused:
            raise CollectionError(f"{len(refused)} item(s) were not shared for that audience: "
                                  "remove them first", "audience")
    collection.theme_id = theme_id
    collection.title, collection.summary, collection.audience = title, summary.strip(), audience


def add_item(collection: Collection, share: Share, tag: Tag | None = None) -> CollectionItem:
    """Add a whole share, or one of its excerpts, at the end of the collection."""
    share_id, tag_id = share.id, tag.id if tag else None
    # The share first (as narrowing and withdrawing do), so its scope and status cannot change
    # between the checks below and the commit.
    if not locks.lock(Share, Share.id == share_id):
        raise CollectionError("The writer has just withdrawn or changed this entry, so it is no "
                              "longer here.")
    share = db.session.get(Share, share_id)
    tag = db.session.get(Tag, tag_id) if tag_id is not None else None
    with _claimed(collection) as collection:
        _check_item(collection, share, tag)
        item = CollectionItem(collection=collection, share_id=share_id, tag_id=tag_id,
                              is_excerpt=tag_id is not None,
                              position=max((i.position for i in collection.items), default=0) + 1)
        db.session.add(item)
    return item


def _check_item(collection: Collection, share: Share, tag: Tag | None) -> None:
    """Raise CollectionError unless ``share`` (or its excerpt ``tag``) may go in ``collection``
    and is not there yet."""
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


class _Unchanged(Exception):
    """Raised inside ``_claimed`` when there is nothing to change after all."""


@contextmanager
def _claimed(collection: Collection, version: int | None = None) -> Iterator[Collection]:
    """Change the collection as committed now, from ``version`` (the one the page showed) if
    given: commit on success, roll back (version included) on a refusal or ``_Unchanged``.

    Its version is bumped first, in the database: that update is the check (of two changes made
    from one version exactly one matches it), and it keeps the row locked until commit, so what
    the caller then reads of the collection and its items nothing else can alter first.
    """
    where = [Collection.id == collection.id]
    if version is not None:
        where.append(Collection.version == version)
    collection_id = collection.id
    claimed = db.session.execute(update(Collection.__table__).where(*where)
                                 .values(version=Collection.version + 1)).rowcount
    db.session.expire_all()
    try:
        if not claimed:
            raise CollectionError("Someone changed this collection while you were looking at "
                                  "it. Here it is as it is now: check the order and try again.")
        yield db.session.get(Collection, collection_id)
    except (DomainError, _Unchanged) as error:
        db.session.rollback()
        if isinstance(error, DomainError):
            raise
        return
    db.session.commit()


def move(collection: Collection, item_id: int, step: int, version: int) -> None:
    """Move an item up (-1) or down (+1), refusing if the page was stale."""
    with _claimed(collection, version) as collection:
        items = list(collection.items)
        index = _index_of(items, item_id)
        other = index + step
        if not 0 <= other < len(items):
            raise _Unchanged  # already first (or last): nothing changes, nor the version
        items[index].position, items[other].position = (items[other].position,
                                                         items[index].position)


def _index_of(items: list[CollectionItem], item_id: int) -> int:
    index = next((n for n, item in enumerate(items) if item.id == item_id), None)
    if index is None:
        raise CollectionError("That item is no longer in the collection")
    return index


def reorder(collection: Collection, item_ids: list[int], version: int) -> None:
    """Put the items in the given order; it must name every item exactly once."""
    with _claimed(collection, version) as collection:
        current = {item.id: item for item in collection.items}
        if sorted(item_ids) != sorted(current):
            raise CollectionError("That order does not match the collection's items. Reload "
                                  "and try again.")
        for position, item_id in enumerate(item_ids, start=1):
            current[item_id].position = position


def remove_item(collection: Collection, item_id: int, version: int) -> None:
    """Take an item out of the collection."""
    with _claimed(collection, version) as collection:
        items = list(collection.items)
        collection.items.remove(items[_index_of(items, item_id)])


def set_commentary(collection: Collection, item_id: int, text: str,
                   version: int | None = None) -> None:
    """Researchers' commentary shown before an item, from the item's ``version`` the form was
    drawn from (None: unchecked); StaleEdit if it was saved since."""
    with _claimed(collection) as collection:
        _index_of(list(collection.items), item_id)
        if not versions.compare_and_set(CollectionItem.version, version,
                                        [CollectionItem.id == item_id],
                                        {"commentary": text.strip()}):
            raise StaleEdit("Someone changed this commentary after you opened the page, so "
                            "nothing has been saved yet. Both are shown: check yours and save "
                            "again.")


def publish(collection: Collection) -> None:
    """Publish for its audience; refused while nothing in it can be read."""
    with _claimed(collection) as collection:
        if not live_items(collection):
            raise CollectionError("Add at least one item before publishing: an empty "
                                  "collection tells leaders nothing")
        collection.published_at = utcnow()


def unpublish(collection: Collection) -> None:
    """Back to draft: readers no longer see it."""
    with _claimed(collection) as collection:
        collection.published_at = None


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
    if exists is None:  # two first openings at once: the second insert does nothing
        upsert(CollectionOpen, {"collection_id": collection.id, "leader_id": user.id},
               keys=("collection_id", "leader_id"))
        db.session.commit()


def responses(collection: Collection) -> list[Response]:
    """Leaders' responses, oldest first."""
    return db.session.scalars(select(Response).where(Response.collection_id == collection.id)
                              .order_by(Response.created_at, Response.id)).all()


def response_of(leader: User, collection: Collection) -> Response | None:
    """This leader's response, if they wrote one."""
    return db.session.scalar(select(Response).where(Response.collection_id == collection.id,
                                                     Response.leader_id == leader.id))


def respond(leader: User, collection: Collection, text: str,
            version: int | None = None) -> Response:
    """Write or change a leader's response, from the ``version`` the form was drawn from
    (versions.NONE_YET for a first response; None: unchecked); StaleEdit if saved since."""
    text = text.strip()
    if not text:
        raise CollectionError("Write your response before saving it", "text")
    if len(text) > RESPONSE_MAX:
        raise CollectionError(f"Your response must be {RESPONSE_MAX:,} characters or fewer "
                              f"(it is {len(text):,})", "text")
    leader_id, collection_id, now = leader.id, collection.id, utcnow()
    # One statement: a second first response at once (another tab) never fails on the key.
    if not versions.create_or_set(Response.version, version,
                                  {"collection_id": collection_id, "leader_id": leader_id},
                                  {"text": text, "updated_at": now}, first={"created_at": now}):
        db.session.rollback()
        raise StaleEdit("Your response was changed on another device after you opened this "
                        "page, so nothing has been saved yet. Both are shown: check yours and "
                        "save again.")
    db.session.commit()
    return db.session.scalar(select(Response).where(Response.collection_id == collection_id,
                                                    Response.leader_id == leader_id))


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
