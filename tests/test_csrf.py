"""Every form is CSRF-protected; a missing or stale token loses nothing the user typed."""

import re

import pytest

from journal.extensions import db
from journal.models import Entry
from tests import factories
from tests.live import hidden_fields


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


#: What a browser sends with a form posted from one of our own pages.
FROM_OUR_PAGE = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}


def token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def page_owner(client, path: str = "/journal/") -> str:
    """The signed page-owner note that every form on ``path`` carries beside its token."""
    return hidden_fields(client.get(path).get_data(as_text=True))["opened_by"]


def signin(client, user):
    return client.post("/login", data={"username": user.username,
                                       "password": factories.PASSWORD,
                                       "csrf_token": token(client, "/login")})


def test_post_without_token_is_refused_and_shows_the_text(client, writer):
    assert signin(client, writer).status_code == 302
    response = client.post("/journal/new", headers=FROM_OUR_PAGE, data={
        "title": "Expired", "body": "Words I must not lose", "entry_date": "2026-11-20",
        "author": factories.author_note(writer), "opened_by": page_owner(client)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "nothing was saved" in page and "Words I must not lose" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Entry)) == 0
    # The page offers to send it again with a fresh token: that works.
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    again = client.post("/journal/new", data={
        **hidden_fields(page), "csrf_token": fresh, "title": "Expired",
        "body": "Words I must not lose", "entry_date": "2026-11-20",
        "author": factories.author_note(writer)})
    assert again.status_code == 302
    assert db.session.scalars(db.select(Entry)).one().body == "Words I must not lose"


def test_forged_token_is_refused(client, writer):
    signin(client, writer)
    response = client.post("/journal/new", data={"csrf_token": "forged", "body": "x",
                                                  "entry_date": "2026-11-20"})
    assert response.status_code == 400


def test_passwords_are_never_echoed_on_the_expired_page(client):
    response = client.post("/login", data={"username": "someone",
                                           "password": "my secret password"})
    assert response.status_code == 400
    assert "my secret password" not in response.get_data(as_text=True)


def test_logout_and_delete_need_a_token(client, writer):
    signin(client, writer)
    entry = factories.make_entry(writer)
    assert client.post(f"/journal/{entry.id}/delete").status_code == 400
    assert client.post("/logout").status_code == 400
    assert client.get("/journal/").status_code == 200  # still signed in


def test_every_form_on_the_pages_carries_a_token(client, writer, admin):
    entry = factories.make_entry(writer)
    pages = ["/login", "/signup"]
    for user, urls in ((writer, ["/journal/new", f"/journal/{entry.id}/edit",
                                 f"/journal/{entry.id}/delete", "/account/password"]),
                       (admin, ["/admin/users", "/admin/users/new", "/admin/invites"])):
        for url in pages:
            assert_forms_have_tokens(client.get(url).get_data(as_text=True), url)
        signin(client, user)
        for url in urls:
            assert_forms_have_tokens(client.get(url).get_data(as_text=True), url)
        client.post("/logout", data={"csrf_token": token(client, urls[0])})


def assert_forms_have_tokens(page: str, url: str) -> None:
    for form in re.findall(r"<form[^>]*>.*?</form>", page, flags=re.S):
        if 'method="post"' in form:
            assert 'name="csrf_token"' in form, f"a form on {url} has no CSRF token"


def test_share_without_a_token_shares_nothing_and_keeps_the_wording(client, writer):
    from journal.models import Share

    signin(client, writer)
    entry = factories.make_entry(writer, body="Words to share")
    response = client.post(f"/journal/{entry.id}/share", headers=FROM_OUR_PAGE, data={
        "wording": "My careful wording", "scope": "research", "confirm": "1",
        "previewed": "live", "opened_by": page_owner(client)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "My careful wording" in page
    assert db.session.scalars(db.select(Share)).all() == []


def test_autosave_needs_the_csrf_token_in_a_header(client, writer):
    signin(client, writer)
    page = client.get("/journal/new").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    note = factories.author_note(writer)
    assert client.post("/journal/drafts/new", json={"body": "x", "author": note}).status_code == 400
    saved = client.post("/journal/drafts/new", json={"body": "x", "author": note},
                        headers={"X-CSRFToken": csrf})
    assert saved.status_code == 200 and "saved_at" in saved.get_json()


def test_an_autosave_with_a_stale_token_gets_an_answer_its_script_can_act_on(client, writer):
    """The editor's script renews its tokens on this answer, so autosave does not stop for good."""
    signin(client, writer)
    response = client.post("/journal/drafts/new", headers={"X-CSRFToken": "from an old session"},
                           json={"body": "x", "author": factories.author_note(writer)})
    assert response.status_code == 400 and response.get_json()["csrf_expired"] is True
