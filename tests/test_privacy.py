"""Promise 1: a private entry is seen by its author and nobody else.

Every GET page of the app is fetched as every other role (with the URL pointing at the writer's
entry where a page takes one) and the whole body is searched for the entry's words.
"""

import pytest

from journal.models import AuditEvent
from tests import factories
from tests.conftest import login
from tests.test_access_matrix import EXPECTED, url_for_rule

SECRET_TITLE = "Quillfeather handover"
SECRET_BODY = "Zanzibarine moment with the charge nurse on ward seven"


@pytest.fixture
def secret_entry(app):
    author = factories.make_user("writer", username="author")
    entry = factories.make_entry(author, title=SECRET_TITLE, body=SECRET_BODY)
    return author, entry


@pytest.mark.parametrize("role", ["writer", "researcher", "leader", "admin", "anonymous"])
def test_entry_text_is_in_no_page_for_anyone_else(app, client, secret_entry, role):
    author, entry = secret_entry
    if role != "anonymous":
        login(client, factories.make_user(role, username=f"someone-{role}"))
    args = {"entry_id": entry.id, "user_id": author.id, "share_id": "no-such-share",
            "theme_id": 1, "tag_id": 1,
            "collection_id": "none", "item_id": 1, "slot": "new"}
    pages = [endpoint for endpoint, method in EXPECTED if method == "GET"]
    for endpoint in pages:
        url = url_for_rule(app, endpoint, args)
        body = client.get(url, follow_redirects=True).get_data(as_text=True)
        for secret in ("Quillfeather", "Zanzibarine"):
            assert secret not in body, f"{role} saw entry text at {url}"


def test_author_sees_their_own_entry(client, secret_entry):
    author, entry = secret_entry
    login(client, author)
    body = client.get(f"/journal/{entry.id}").get_data(as_text=True)
    assert SECRET_TITLE in body and "Zanzibarine" in body


def test_audit_log_never_holds_entry_text(app, client, secret_entry):
    author, entry = secret_entry
    entry_id = entry.id
    login(client, author)
    client.post(f"/journal/{entry_id}/edit", data={
        "title": SECRET_TITLE, "body": SECRET_BODY + " again", "entry_date": "2026-01-02"})
    client.post(f"/journal/{entry_id}/delete")
    stranger = factories.make_user("writer", username="stranger")
    login(client, stranger)
    client.get(f"/journal/{entry_id}")
    for event in AuditEvent.query.all():
        assert "Quillfeather" not in event.detail and "Zanzibarine" not in event.detail
        assert factories.PASSWORD not in event.detail
