"""Collections: curating, consent and audience, publishing, reading, responses, closing the loop."""

import re

import pytest

from journal.extensions import db
from journal.models import Audience, CollectionItem, CollectionOpen, Scope
from journal.services import collections, research, sharing
from journal.services.errors import DomainError
from tests import factories
from tests.conftest import login


@pytest.fixture
def shares(app, writer):
    made = {}
    for scope in Scope:
        entry = factories.make_entry(writer, title=f"Entry {scope.value}",
                                     body=f"Words shared for {scope.value} readers.")
        made[scope] = factories.make_share(writer, entry, scope=scope, accepted=True)
    return made


@pytest.fixture
def signed_in(client, researcher):
    login(client, researcher)
    return researcher


def test_consent_scope_limits_the_audience(shares):
    leaders = factories.make_collection("For leaders")
    public = factories.make_collection("For everyone", audience=Audience.PUBLIC)
    with pytest.raises(DomainError, match="did not agree"):
        collections.add_item(leaders, shares[Scope.RESEARCH])
    collections.add_item(leaders, shares[Scope.LEADERS])
    collections.add_item(leaders, shares[Scope.PUBLIC])
    with pytest.raises(DomainError, match="did not agree"):
        collections.add_item(public, shares[Scope.LEADERS])
    collections.add_item(public, shares[Scope.PUBLIC])
    with pytest.raises(DomainError, match="already in the collection"):
        collections.add_item(public, shares[Scope.PUBLIC])


def test_unaccepted_and_safeguarding_shares_are_refused(writer, shares):
    pending = factories.make_share(writer, factories.make_entry(writer, body="Pending"),
                                   scope=Scope.PUBLIC)
    collection = factories.make_collection("Any")
    with pytest.raises(DomainError, match="Only accepted shares"):
        collections.add_item(collection, pending)
    sharing.set_safeguarding(shares[Scope.PUBLIC], True)
    with pytest.raises(DomainError, match="safeguarding review"):
        collections.add_item(collection, shares[Scope.PUBLIC])


def test_add_excerpt_from_the_theme_page_and_order_items(client, signed_in, shares):
    theme = factories.make_theme("Being heard")
    tag = factories.make_tag(signed_in, shares[Scope.LEADERS], theme, excerpt="Words shared")
    collection = factories.make_collection("Heard")
    page = client.get(f"/research/themes/{theme.id}").get_data(as_text=True)
    assert "Add this excerpt to" in page
    client.post("/research/collections/add", data={
        "collection_id": collection.id, "share_id": tag.share_id, "tag_id": str(tag.id),
        "back": f"/research/themes/{theme.id}"})
    client.post("/research/collections/add", data={
        "collection_id": collection.id, "share_id": shares[Scope.PUBLIC].id})
    db.session.refresh(collection)
    first, second = collection.items
    assert first.is_excerpt and first.tag_id == tag.id and not second.is_excerpt
    client.post(f"/research/collections/{collection.id}/items/{second.id}/move",
                data={"direction": "up", "version": str(collection.version)})
    db.session.refresh(collection)
    assert [i.id for i in collection.items] == [second.id, first.id]


def test_stale_reorders_are_refused_and_lose_nothing(client, signed_in, shares):
    collection = factories.make_collection("Order", [shares[Scope.LEADERS],
                                                     shares[Scope.PUBLIC]])
    a, b = (item.id for item in collection.items)
    stale = collection.version
    # Researcher one moves b up; researcher two, on the old page, tries to move a down.
    client.post(f"/research/collections/{collection.id}/items/{b}/move",
                data={"direction": "up", "version": str(stale)})
    response = client.post(f"/research/collections/{collection.id}/items/{a}/move",
                           data={"direction": "down", "version": str(stale)},
                           follow_redirects=True)
    assert "Someone changed this collection" in response.get_data(as_text=True)
    refused = client.post(f"/research/collections/{collection.id}/order",
                          data={"order": f"{a},{a}", "version": str(stale + 1)},
                          follow_redirects=True)
    assert "does not match" in refused.get_data(as_text=True)
    db.session.refresh(collection)
    assert [i.id for i in collection.items] == [b, a]
    assert sorted(i.position for i in collection.items) == [1, 2]


def test_publishing_an_empty_collection_is_refused(client, signed_in):
    collection = factories.make_collection("Empty")
    response = client.post(f"/research/collections/{collection.id}/publish",
                           follow_redirects=True)
    assert "Add at least one item before publishing" in response.get_data(as_text=True)
    assert not collections.get(collection.id).is_published


def test_unpublished_collections_are_invisible_to_leaders_and_writers(app, shares, leader,
                                                                       writer):
    collection = factories.make_collection("Draft", [shares[Scope.PUBLIC]],
                                           audience=Audience.PUBLIC)
    for user in (leader, writer):
        client = app.test_client()
        login(client, user)
        assert client.get(f"/collections/{collection.id}").status_code == 404
        assert "Draft" not in client.get("/collections/").get_data(as_text=True)
    assert app.test_client().get(f"/collections/{collection.id}").status_code == 302


def test_public_collection_is_readable_signed_out_and_leaders_only_is_not(app, shares):
    public = factories.make_collection("Open letter", [shares[Scope.PUBLIC]],
                                       audience=Audience.PUBLIC, publish=True)
    private = factories.make_collection("Leaders only", [shares[Scope.LEADERS]], publish=True)
    visitor = app.test_client()
    page = visitor.get(f"/collections/{public.id}")
    assert page.status_code == 200 and "Words shared for public" in page.get_data(as_text=True)
    response = visitor.get(f"/collections/{private.id}")
    assert response.status_code == 302 and "/login" in response.location


def test_reading_page_sets_writers_words_apart_from_commentary(app, client, signed_in, shares,
                                                              leader):
    collection = factories.make_collection("Heard", [shares[Scope.LEADERS]], publish=True)
    collections.set_commentary(collection, collection.items[0].id, "We heard this often.")
    reader = app.test_client()
    login(reader, leader)
    page = reader.get(f"/collections/{collection.id}").get_data(as_text=True)
    assert '<aside class="commentary"><p class="commentary-label">From the research team' in page
    assert '<blockquote class="writer-words"><p>Words shared for leaders readers.' in page
    assert "<em>summary</em>" in page  # Markdown summary, cleaned
    preview = client.get(f"/research/collections/{collection.id}/preview").get_data(
        as_text=True)
    assert "We heard this often." in preview and "Words shared for leaders" in preview


def test_leader_responds_and_researchers_see_responses_and_readers(app, client, signed_in,
                                                                  shares, leader):
    collection = factories.make_collection("Heard", [shares[Scope.LEADERS]], publish=True)
    reader = app.test_client()
    login(reader, leader)
    reader.get(f"/collections/{collection.id}")
    reader.get(f"/collections/{collection.id}")  # opening twice counts once
    reader.post(f"/collections/{collection.id}", data={"text": "I heard: breaks matter."})
    reader.post(f"/collections/{collection.id}", data={"text": "I will protect breaks."})
    too_long = reader.post(f"/collections/{collection.id}", data={"text": "x" * 5001})
    assert too_long.status_code == 422 and "x" * 5001 in too_long.get_data(as_text=True)
    page = client.get(f"/research/collections/{collection.id}").get_data(as_text=True)
    assert "Opened by 1 leader." in page and "I will protect breaks." in page
    assert "I heard: breaks matter." not in page  # edited, not duplicated
    assert db.session.scalar(db.select(db.func.count()).select_from(CollectionOpen)) == 1


def test_withdrawal_empties_the_item_everywhere(app, client, writer, shares, leader):
    share = shares[Scope.LEADERS]
    theme = factories.make_theme("Heard")
    researcher = factories.make_user("researcher", username="curator")
    tag = factories.make_tag(researcher, share, theme, excerpt="Words shared")
    collection = factories.make_collection("Heard", [share], publish=True)
    collections.add_item(collection, share, tag)
    entry = next(e for e, s in sharing.my_shares(writer) if s.id == share.id)
    login(client, writer)
    client.post(f"/journal/{entry.id}/share/withdraw")
    reader = app.test_client()
    login(reader, leader)
    page = reader.get(f"/collections/{collection.id}").get_data(as_text=True)
    assert "Words shared for leaders" not in page
    assert page.count("Withdrawn by its author.") == 2
    items = db.session.scalars(db.select(CollectionItem)).all()
    assert all(item.share_id is None and item.tag_id is None for item in items)


def test_narrowing_the_scope_removes_the_item_as_withdrawal_does(client, writer, shares):
    share = shares[Scope.PUBLIC]
    public = factories.make_collection("Public", [share], audience=Audience.PUBLIC,
                                       publish=True)
    leaders = factories.make_collection("Leaders", [share], publish=True)
    entry = next(e for e, s in sharing.my_shares(writer) if s.id == share.id)
    login(client, writer)
    client.post(f"/journal/{entry.id}/share/scope", data={"scope": "leaders"})
    db.session.expire_all()
    assert collections.get(public.id).items[0].withdrawn
    assert not collections.get(leaders.id).items[0].withdrawn


def test_safeguarding_mark_hides_an_item_from_readers(app, shares, leader):
    collection = factories.make_collection("Heard", [shares[Scope.LEADERS]], publish=True)
    sharing.set_safeguarding(shares[Scope.LEADERS], True)
    reader = app.test_client()
    login(reader, leader)
    assert "Words shared for leaders" not in reader.get(
        f"/collections/{collection.id}").get_data(as_text=True)


def test_writer_sees_where_their_words_went_without_learning_which_item(app, client, writer,
                                                                       shares, leader):
    share = shares[Scope.LEADERS]
    researcher = factories.make_user("researcher", username="curator")
    research.tag_share(researcher, share, [factories.make_theme("Time to care").id])
    other = factories.make_user("writer", username="someone-else")
    theirs = factories.make_share(other, factories.make_entry(other, body="Their own words."),
                                  scope=Scope.LEADERS, accepted=True)
    collection = factories.make_collection("Time", [share, theirs], publish=True)
    collections.respond(leader, collection, "We will rota protected breaks.")
    login(client, writer)
    mine = client.get("/journal/shared").get_data(as_text=True)
    assert "Time to care" in mine and f"/collections/{collection.id}" in mine
    page = client.get(f"/collections/{collection.id}").get_data(as_text=True)
    assert "We will rota protected breaks." in page
    # Leaders-only: the writer sees that their words are here, but reads no writer's words.
    assert "Their own words." not in page and "Words shared for leaders" not in page
    assert "Your words are in this collection" in page
    assert "writer" not in re.sub(r"<[^>]+>", "", page.split("<main")[1]).lower().replace(
        "writers", "")  # nothing marks an item as this writer's
    outsider = app.test_client()
    login(outsider, factories.make_user("writer", username="outsider"))
    assert outsider.get(f"/collections/{collection.id}").status_code == 404


def test_adding_a_withdrawn_share_is_refused(client, writer, shares, researcher):
    share = shares[Scope.LEADERS]
    share_id = share.id
    collection = factories.make_collection("Late")
    entry = next(e for e, s in sharing.my_shares(writer) if s.id == share_id)
    login(client, writer)
    client.post(f"/journal/{entry.id}/share/withdraw")
    login(client, researcher)
    response = client.post("/research/collections/add", data={
        "collection_id": collection.id, "share_id": share_id})
    assert response.status_code == 404
    assert collections.get(collection.id).items == []


def test_reading_room_lists_newest_first_with_theme_and_size(app, shares, leader):
    theme = factories.make_theme("Time to care")
    older = factories.make_collection("Older", [shares[Scope.LEADERS]], publish=True)
    newer = collections.save(None, "Newer", "", Audience.LEADERS, theme.id)
    collections.add_item(newer, shares[Scope.PUBLIC])
    collections.publish(newer)
    reader = app.test_client()
    login(reader, leader)
    page = reader.get("/collections/").get_data(as_text=True)
    assert page.index("Newer") < page.index("Older")
    assert "Theme: Time to care" in page and "1 piece<" in page
    assert older.is_published
