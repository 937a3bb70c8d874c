"""A session that ends while a writer is typing loses nothing: the text survives signing in."""

import re

import pytest

from journal.extensions import db
from journal.models import Entry, PendingDraft
from tests import factories

WORDS = "I was halfway through writing about the night when the session ended."


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" (?:type="hidden" )?value="([^"]*)"', page).group(1)


def kept_link(page: str) -> str:
    """The "Put it in the editor" link of text kept for the writer."""
    return re.search(r'href="([^"]*kept=[^"]+)"', page).group(1).replace("&amp;", "&")


def sign_in(client, user):
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data={
        "username": user.username, "password": factories.PASSWORD,
        "csrf_token": hidden(page, "csrf_token")})


def open_editor(client, user, url="/journal/new") -> str:
    sign_in(client, user)
    return client.get(url).get_data(as_text=True)


def test_text_survives_a_session_ended_elsewhere(app, writer):
    phone = app.test_client()
    page = open_editor(phone, writer)
    other = app.test_client()
    sign_in(other, writer)
    other.post("/logout", data={"csrf_token": hidden(other.get("/journal/").get_data(
        as_text=True), "csrf_token")})  # signing out ends every session of the account
    response = phone.post("/journal/new", data={
        "csrf_token": hidden(page, "csrf_token"), "author": hidden(page, "author"),
        "title": "Half done", "body": WORDS, "entry_date": "2026-11-20"})
    assert response.status_code == 302 and "/login?next=/journal/new" in response.location
    assert db.session.scalars(db.select(Entry)).all() == []
    login_page = phone.get(response.location).get_data(as_text=True)
    assert "we kept what you wrote" in login_page
    signed = phone.post(response.location, data={
        "username": "writer", "password": factories.PASSWORD,
        "csrf_token": hidden(login_page, "csrf_token")})
    assert signed.location == "/journal/new"
    shown = phone.get("/journal/new").get_data(as_text=True)
    assert WORDS in shown and "Writing we kept for you" in shown  # shown apart, to check first
    editor = phone.get(kept_link(shown)).get_data(as_text=True)
    assert WORDS in editor and 'value="Half done"' in editor
    assert "The kept text is in the editor" in editor
    assert db.session.scalars(db.select(PendingDraft)).all() == []  # handed back, not kept


def test_text_survives_an_expired_session_cookie(app, writer):
    phone = app.test_client()
    page = open_editor(phone, writer)
    expired = app.test_client()  # the browser dropped the expired cookie: no session at all
    response = expired.post("/journal/new", data={
        "csrf_token": hidden(page, "csrf_token"), "author": hidden(page, "author"),
        "title": "", "body": WORDS, "entry_date": "2026-11-20"})
    assert response.status_code == 302 and "/login" in response.location
    sign_in(expired, writer)
    assert WORDS in expired.get("/journal/new").get_data(as_text=True)


def test_kept_text_goes_only_to_its_writer(app, writer, other_writer):
    device = app.test_client()
    page = open_editor(device, writer)
    fresh = app.test_client()
    fresh.post("/journal/new", data={"author": hidden(page, "author"), "body": WORDS,
                                     "entry_date": "2026-11-20"})
    sign_in(fresh, other_writer)  # someone else signs in on that device
    assert WORDS not in fresh.get("/journal/new").get_data(as_text=True)


def test_a_forged_author_note_keeps_nothing(app, writer):
    client = app.test_client()
    owner = hidden(client.get("/login").get_data(as_text=True), "opened_by")
    response = client.post("/journal/new", data={"author": "forged", "body": WORDS,
                                                  "opened_by": owner},
                           headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 401  # the session-ended page, with the text shown back
    assert WORDS in response.get_data(as_text=True)
    assert "nothing was sent" in response.get_data(as_text=True)
    assert db.session.scalars(db.select(PendingDraft)).all() == []


def test_edit_restores_with_its_version_so_conflicts_are_still_caught(app, writer):
    entry = factories.make_entry(writer, body="Saved words")
    phone = app.test_client()
    page = open_editor(phone, writer, f"/journal/{entry.id}/edit")
    fresh = app.test_client()
    fresh.post(f"/journal/{entry.id}/edit", data={
        "author": hidden(page, "author"), "version": hidden(page, "version"),
        "body": "Edited words", "entry_date": "2026-11-20"})
    sign_in(fresh, writer)
    shown = fresh.get(f"/journal/{entry.id}/edit").get_data(as_text=True)
    editor = fresh.get(kept_link(shown)).get_data(as_text=True)
    assert "Edited words" in editor and hidden(editor, "version") == "1"
