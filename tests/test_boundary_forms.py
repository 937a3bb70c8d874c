"""A form posted with a NUL byte is shown again, cleaned, with a message: 400, nothing saved.

The boundary (journal/boundary.py) cleans the form before any view runs and the form base class
fails it, so a view that saves after ``validate_on_submit()`` cannot save from it.
"""

import re

import pytest

from journal.extensions import db
from journal.models import CheckIn, Entry, Memo, Response, Share, Theme, User
from tests import factories
from tests.conftest import login

MESSAGE = "Your text contained a character we cannot store"


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def assert_reshown(response, *typed: str) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[:300]
    assert MESSAGE in page
    for text in typed:
        assert text in page, text
    assert "\x00" not in page
    return page


def test_entry_editor_new(client, writer):
    login(client, writer)
    response = client.post("/journal/new", data={
        "title": "A ti\x00tle", "body": "My long\x00 shift", "entry_date": "2026-11-20",
        "author": factories.author_note(writer)})
    assert_reshown(response, 'value="A title"', "My long shift")
    assert count(Entry) == 0


def test_entry_editor_edit(client, writer):
    entry = factories.make_entry(writer, body="Before")
    login(client, writer)
    response = client.post(f"/journal/{entry.id}/edit", data={
        "body": "After\x00wards", "entry_date": "2026-11-20", "version": str(entry.version),
        "author": factories.author_note(writer)})
    assert_reshown(response, "Afterwards")
    db.session.refresh(entry)
    assert entry.body == "Before"


def test_check_in(client, writer):
    login(client, writer)
    response = client.post("/journal/check-in", data={"support": "3", "note": "ok\x00ish"})
    assert_reshown(response, 'value="okish"')
    assert count(CheckIn) == 0


def test_share_form(client, writer):
    entry = factories.make_entry(writer)
    login(client, writer)
    response = client.post(f"/journal/{entry.id}/share", data={
        "wording": "Kind words\x00 at handover", "scope": "research", "confirm": "1"})
    assert_reshown(response, "Kind words at handover")
    assert count(Share) == 0


def test_research_memo(client, researcher, writer):
    share = factories.make_share(writer, factories.make_entry(writer), accepted=True)
    login(client, researcher)
    response = client.post(f"/research/shares/{share.id}/memos", data={"text": "Me\x00mo"})
    assert_reshown(response, "Memo")
    assert count(Memo) == 0


def test_codebook_theme(client, researcher):
    login(client, researcher)
    response = client.post("/research/themes/", data={"name": "Being\x00 heard"})
    assert_reshown(response, 'value="Being heard"')
    assert count(Theme) == 0


def test_leader_response(client, leader, writer):
    share = factories.make_share(writer, factories.make_entry(writer), accepted=True)
    collection = factories.make_collection("What helps", [share], publish=True)
    login(client, leader)
    response = client.post(f"/collections/{collection.id}", data={"text": "Thank\x00 you"})
    assert_reshown(response, "Thank you")
    assert count(Response) == 0


def test_sign_in_does_not_sign_in(client, writer):
    response = client.post("/login", data={"username": "writer\x00",
                                           "password": factories.PASSWORD})
    assert_reshown(response, 'value="writer"')
    assert client.get("/journal/").status_code == 302  # still signed out


def test_sign_up_creates_nobody(client):
    response = client.post("/signup", data={"username": "new\x00comer",
                                            "password": "long enough pw",
                                            "confirm": "long enough pw"})
    assert_reshown(response, 'value="newcomer"')
    assert count(User) == 0


def test_admin_new_account(client, admin):
    login(client, admin)
    response = client.post("/admin/users/new", data={
        "username": "re\x00searcher", "role": "researcher", "password": "long enough pw",
        "confirm": "long enough pw"})
    assert_reshown(response, 'value="researcher"')
    assert count(User) == 1


def test_an_expired_session_shows_the_cleaned_text_and_keeps_nothing(client, writer):
    response = client.post("/journal/new", data={
        "body": "Words\x00 to keep", "entry_date": "2026-11-20",
        "author": factories.author_note(writer)})
    assert response.status_code == 400
    assert "Words to keep" in response.get_data(as_text=True)
    assert count(Entry) == 0


class TestWithCsrf:
    """The same re-show with CSRF on: the token is checked, and the page carries a fresh one."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_entry_editor_reshown_with_a_working_token(self, client, writer):
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        client.post("/login", data={"username": writer.username, "csrf_token": token,
                                    "password": factories.PASSWORD})
        page = client.get("/journal/new").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        headers = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
        fields = {"body": "Night\x00 shift", "entry_date": "2026-11-20", "csrf_token": token,
                  "author": factories.author_note(writer)}
        page = assert_reshown(client.post("/journal/new", data=fields, headers=headers),
                              "Night shift")
        assert count(Entry) == 0
        fields["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        fields["body"] = "Night shift"  # sent again as shown: now it saves
        assert client.post("/journal/new", data=fields, headers=headers).status_code == 302
        assert count(Entry) == 1
