"""Promise 2 and 3: a share carries nothing that links it to its author, and withdrawal deletes.

These hold against a researcher or leader who reads every page the app shows them, and against
anyone who reads the database without the server's share key.
"""

import pytest
from sqlalchemy import Date, String, Text, inspect

from journal.extensions import db
from journal.models import AuditEvent, ContextSharer, Entry, Share, User
from journal.services import sharing
from tests import factories
from tests.conftest import login
from tests.test_access_matrix import EXPECTED, url_for_rule

AUTHOR = "quietkestrel"
AUTHOR_ID = 987654
UNIQUE = "Thistlewhump"


@pytest.fixture
def shared(app):
    author = factories.make_user("writer", username=AUTHOR)
    author.id = AUTHOR_ID  # a distinctive id, so a leak of it would be findable in a page
    db.session.commit()
    entry = factories.make_entry(author, title="Private title", body=f"{UNIQUE} said hello.")
    share = factories.make_share(author, entry, accepted=True)
    pending = factories.make_share(author, factories.make_entry(author, body="Second share"))
    return author, entry, share, pending


def every_get_page(app, client, args) -> dict[str, str]:
    pages = {}
    for endpoint, method in EXPECTED:
        if method == "GET":
            url = url_for_rule(app, endpoint, args)
            pages[url] = client.get(url, follow_redirects=True).get_data(as_text=True)
    return pages


@pytest.mark.parametrize("role", ["researcher", "leader"])
def test_no_researcher_or_leader_page_names_the_author(app, client, shared, role):
    author, entry, share, pending = shared
    theme = factories.make_theme("Time to care")
    factories.make_tag(factories.make_user("researcher", username="tagger"), share, theme,
                       excerpt="said hello")
    login(client, factories.make_user(role, username=f"a-{role}"))
    for share_id in (share.id, pending.id):
        pages = every_get_page(app, client, {"entry_id": entry.id, "user_id": author.id,
                                             "share_id": share_id, "theme_id": theme.id,
                                             "tag_id": 1, "collection_id": "none",
                                             "item_id": 1, "slot": "new"})
        for url, body in pages.items():
            assert AUTHOR not in body, f"{role} saw the author's username at {url}"
            assert str(AUTHOR_ID) not in body, f"{role} saw the author's id at {url}"
            assert "Private title" not in body
    if role == "researcher":  # and the researcher really did see the shared words
        assert UNIQUE in client.get(f"/research/shares/{share.id}").get_data(as_text=True)


def test_shared_tables_have_no_column_that_names_or_joins_to_a_user_or_entry():
    for model in (Share, ContextSharer):
        table = model.__table__
        assert not table.foreign_keys, f"{table.name} has a foreign key"
        for column in table.columns:
            name = column.name.lower()
            assert not any(word in name for word in ("user", "entry", "author_id", "username",
                                                     "created", "updated", "time", "date")), (
                f"{table.name}.{column.name}")
    assert {c.name for c in Share.__table__.columns} == {
        "id", "author_link", "text", "month", "scope", "status", "return_reason",
        "needs_safeguarding_review", "ctx_role", "ctx_field", "ctx_region", "ctx_registered",
        "ctx_international", "held_on"}
    # The one day kept, only while a share is held back from the queue: a date, never a time.
    assert isinstance(Share.__table__.c.held_on.type, Date)


def test_database_columns_match_the_models_so_nothing_extra_hides_there(app):
    inspector = inspect(db.engine)
    for table in ("shares", "context_sharers"):
        columns = {c["name"] for c in inspector.get_columns(table)}
        assert columns == {c.name for c in db.metadata.tables[table].columns}
        assert inspector.get_foreign_keys(table) == []


def test_author_link_needs_the_server_key_and_differs_per_entry(app, shared):
    author, entry, share, pending = shared
    assert share.author_link != pending.author_link
    assert str(author.id) not in share.author_link and AUTHOR not in share.author_link
    app.config["SHARE_KEY"] = "another key"
    assert sharing.share_of(author, entry) is None  # without the key the link is unknowable


def test_share_ids_are_random_not_sequential(shared):
    _, _, share, pending = shared
    assert len(share.id) >= 20 and not share.id.isdigit() and share.id != pending.id


def test_nothing_in_the_audit_log_says_who_shared(client, shared):
    author, entry, share, pending = shared
    share_id = share.id
    login(client, author)
    client.get(f"/journal/{entry.id}/share")
    client.post(f"/journal/{entry.id}/share/withdraw")
    for event in db.session.scalars(db.select(AuditEvent)):
        assert "share" not in event.action and share_id not in event.detail


def all_text_in_database() -> str:
    chunks = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()):
            for column, value in zip(table.columns, row, strict=True):
                if isinstance(column.type, String | Text) and value:
                    chunks.append(str(value))
    return "\n".join(chunks)


def test_after_withdrawal_the_text_is_in_no_response_and_no_table(app, client, shared):
    author, entry, share, pending = shared
    share_id = share.id
    login(client, author)
    assert UNIQUE in all_text_in_database()
    client.post(f"/journal/{entry.id}/delete")  # keep the private copy out of the scan too
    client.post("/logout")
    db.session.expire_all()
    assert UNIQUE not in all_text_in_database()
    assert db.session.get(Share, share_id) is None
    login(client, factories.make_user("researcher", username="after-researcher"))
    pages = every_get_page(app, client, {"entry_id": 1, "user_id": 1, "share_id": share_id,
                                         "theme_id": 1, "tag_id": 1,
                                         "collection_id": "none", "item_id": 1, "slot": "new"})
    for url, body in pages.items():
        assert UNIQUE not in body, url
    assert client.get(f"/research/shares/{share_id}").status_code == 404


def test_withdrawing_keeps_the_private_entry(client, shared):
    author, entry, share, pending = shared
    share_id = share.id
    login(client, author)
    client.post(f"/journal/{entry.id}/share/withdraw")
    assert db.session.get(Share, share_id) is None
    assert UNIQUE in db.session.get(Entry, entry.id).body
    assert db.session.get(User, AUTHOR_ID) is not None
