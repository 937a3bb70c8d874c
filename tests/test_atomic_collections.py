"""Two requests at once on one collection: item order, adding, publishing, leaders' opens and
responses, and a writer narrowing a share as it is added.

Whatever the timing, of two changes made from the same page exactly one applies and the other is
told to reload; positions stay distinct; a leader has one open and one response; and no item
stays where its writer's scope does not allow it.
"""

import pytest

from journal.extensions import db
from journal.models import Audience, Collection, CollectionOpen, Response, Scope
from tests import factories
from tests.concurrency import ROUNDS, at_once, statuses
from tests.conftest import login

STALE = "Someone changed this collection"


@pytest.fixture
def curators(app, researcher):
    """Two researchers (or one in two tabs), signed in."""
    first, second = app.test_client(), app.test_client()
    login(first, researcher)
    login(second, researcher)
    return first, second


def accepted_shares(writer, count: int, scope: Scope = Scope.LEADERS) -> list:
    return [factories.make_share(writer, factories.make_entry(writer, body=f"Shared words {n}."),
                                 scope=scope, accepted=True) for n in range(count)]


def post(client, url: str, data: dict | None = None):
    return lambda: client.post(url, data=data or {})


def told_to_reload(client, collection_id: str) -> bool:
    """Whether the manage page this client is sent back to says the page was stale."""
    return STALE in client.get(f"/research/collections/{collection_id}").get_data(as_text=True)


def order_of(collection_id: str) -> list[int]:
    collection = db.session.get(Collection, collection_id)
    db.session.refresh(collection)
    return [item.id for item in collection.items]


def test_two_reorders_from_one_page_apply_exactly_one(app, writer, curators):
    shares = accepted_shares(writer, 3)
    for _ in range(ROUNDS):
        collection = factories.make_collection("Order", shares)
        ids, version = [item.id for item in collection.items], collection.version
        orders = [list(reversed(ids)), [ids[1], ids[0], ids[2]]]
        url = f"/research/collections/{collection.id}/order"
        responses = at_once(app, *(post(c, url, {"order": ",".join(map(str, order)),
                                                 "version": str(version)})
                                   for c, order in zip(curators, orders, strict=True)))
        assert statuses(responses) == [302, 302]
        reloaded = [told_to_reload(c, collection.id) for c in curators]
        assert sorted(reloaded) == [False, True]
        assert order_of(collection.id) == orders[reloaded.index(False)]


def test_a_move_and_a_removal_from_one_page_apply_exactly_one(app, writer, curators):
    shares = accepted_shares(writer, 2)
    for _ in range(ROUNDS):
        collection = factories.make_collection("Order", shares)
        (first, second), version = [i.id for i in collection.items], str(collection.version)
        base = f"/research/collections/{collection.id}/items/{first}"
        responses = at_once(app, post(curators[0], f"{base}/move",
                                      {"direction": "down", "version": version}),
                            post(curators[1], f"{base}/remove", {"version": version}))
        assert statuses(responses) == [302, 302]
        assert sorted(told_to_reload(c, collection.id) for c in curators) == [False, True]
        assert order_of(collection.id) in ([second, first], [second])


def test_two_shares_added_at_once_get_their_own_places(app, writer, curators):
    for _ in range(ROUNDS):
        collection = factories.make_collection("Growing", accepted_shares(writer, 1))
        new = accepted_shares(writer, 2)
        responses = at_once(app, *(post(c, "/research/collections/add",
                                        {"collection_id": collection.id, "share_id": s.id})
                                   for c, s in zip(curators, new, strict=True)))
        assert statuses(responses) == [302, 302]
        db.session.refresh(collection)
        assert sorted(i.position for i in collection.items) == [1, 2, 3]


def test_a_share_narrowed_as_it_is_added_is_not_left_in_the_collection(app, writer,
                                                                         researcher):
    """The writer narrows to "research only" as a researcher adds the share for leaders: the
    item must not stay where the writer has just said their words may not go."""
    writer_client, curator = app.test_client(), app.test_client()
    login(writer_client, writer)
    login(curator, researcher)
    for _ in range(ROUNDS):
        entry = factories.make_entry(writer, body="Words for leaders, then not.")
        share_id = factories.make_share(writer, entry, accepted=True).id
        collection = factories.make_collection("For leaders", audience=Audience.LEADERS)
        responses = at_once(app, post(curator, "/research/collections/add",
                                      {"collection_id": collection.id, "share_id": share_id}),
                            post(writer_client, f"/journal/{entry.id}/share/scope",
                                 {"scope": "research"}))
        assert statuses(responses) == [302, 302]
        db.session.refresh(collection)
        assert [item for item in collection.items if item.share_id == share_id] == []


def test_a_leader_opening_and_responding_in_two_tabs_at_once(app, writer, leader):
    tabs = app.test_client(), app.test_client()
    for tab in tabs:
        login(tab, leader)
    for n in range(ROUNDS):
        collection = factories.make_collection("Heard", accepted_shares(writer, 1), publish=True)
        url = f"/collections/{collection.id}"
        assert statuses(at_once(app, *(lambda t=t, u=url: t.get(u) for t in tabs))) == [200, 200]
        texts = [f"I heard you ({n}, tab {t})." for t in range(2)]
        responses = at_once(app, *(post(t, url, {"text": text})
                                   for t, text in zip(tabs, texts, strict=True)))
        assert statuses(responses) == [302, 302]
        (response,) = db.session.scalars(db.select(Response).where(
            Response.collection_id == collection.id)).all()
        assert response.text in texts
        assert db.session.scalar(db.select(db.func.count()).select_from(CollectionOpen).where(
            CollectionOpen.collection_id == collection.id)) == 1
