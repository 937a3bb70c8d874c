"""Attacks on shared devices, sessions and drafts: the next person on a ward computer gets nothing.

Writer A opens an editor and leaves the tab; A signs out (or the session ends); writer B signs in
in the same browser; A's old page then posts. Nothing of A's may reach B, and A keeps the text.
"""

import re
from datetime import timedelta
from types import SimpleNamespace

import itsdangerous.timed
import pytest

from journal.extensions import db
from journal.models import CheckIn, Draft, Entry, PendingDraft
from journal.models.types import utcnow
from journal.services import accounts
from tests import factories
from tests.test_session_expiry import hidden, open_editor, sign_in

WORDS = "Bed nine asked me to stay a minute and I could not, and it stayed with me."


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def sign_out(client) -> None:
    page = client.get("/account/password").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": hidden(page, "csrf_token")})


def stale_save(client, page: str, url: str = "/journal/new", **fields):
    """Post the entry form of an old page, with the token and author note it carried."""
    return client.post(url, data={"csrf_token": hidden(page, "csrf_token"),
                                  "author": hidden(page, "author"), "title": "Night shift",
                                  "body": WORDS, "entry_date": "2026-11-20", **fields})


def entries_of(user) -> list[Entry]:
    return db.session.scalars(db.select(Entry).where(Entry.author_id == user.id)).all()


def drafts_of(user) -> list[Draft]:
    return db.session.scalars(db.select(Draft).where(Draft.user_id == user.id)).all()


# --- 4: a stale editor tab --------------------------------------------------------------------

def test_a_stale_editor_tab_cannot_save_into_the_next_writers_journal(app, writer, other_writer):
    ward = app.test_client()
    page = open_editor(ward, writer)
    sign_out(ward)
    sign_in(ward, other_writer)
    response = stale_save(ward, page)
    assert response.status_code in (302, 409)
    assert entries_of(other_writer) == [] and entries_of(writer) == []
    shown = ward.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert "another account" in shown and WORDS not in shown
    for url in ("/journal/", "/journal/new"):
        assert WORDS not in ward.get(url).get_data(as_text=True)
    sign_out(ward)
    sign_in(ward, writer)  # the text is kept for its real author
    assert WORDS in ward.get("/journal/new").get_data(as_text=True)


def test_a_stale_autosave_cannot_land_in_the_next_writers_drafts(app, writer, other_writer):
    ward = app.test_client()
    page = open_editor(ward, writer)
    sign_out(ward)
    sign_in(ward, other_writer)
    response = ward.post("/journal/drafts/new",
                         json={"author": hidden(page, "author"), "body": WORDS},
                         headers={"X-CSRFToken": hidden(page, "csrf_token")})
    assert response.status_code in (400, 409)
    assert WORDS not in response.get_data(as_text=True)
    assert drafts_of(other_writer) == []
    assert WORDS not in ward.get("/journal/new?restore=1").get_data(as_text=True)


def test_a_stale_tab_cannot_save_into_the_next_writers_entry(app, writer, other_writer):
    theirs = factories.make_entry(other_writer, body="B's own words")
    ward = app.test_client()
    page = open_editor(ward, writer)
    sign_out(ward)
    sign_in(ward, other_writer)
    stale_save(ward, page, url=f"/journal/{theirs.id}/edit", version="1")
    assert db.session.get(Entry, theirs.id).body == "B's own words"


def test_signing_in_starts_a_fresh_session_so_old_tokens_stop_working(app, writer):
    ward = app.test_client()
    before = ward.get("/login").get_data(as_text=True)
    sign_in(ward, writer)
    response = ward.post("/journal/check-in", data={"csrf_token": hidden(before, "csrf_token"),
                                                    "support": "3"})
    assert response.status_code == 400  # the token from before signing in is void


@pytest.mark.parametrize("path", ["/sw.js", "/offline", "/writing-shell"])
def test_a_request_from_nobody_sets_no_session_cookie(app, path):
    # Its answer may arrive after a sign-in page's: a cookie on it would replace that page's
    # session, and the sign-in would fail its form token check.
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert not any(cookie.startswith("journal_session=")
                   for cookie in response.headers.getlist("Set-Cookie"))


def test_a_late_answer_to_nobody_leaves_the_sign_in_page_working(app, writer):
    ward = app.test_client()
    page = ward.get("/login").get_data(as_text=True)
    late = app.test_client().get("/sw.js")  # sent before the sign-in page set its cookie
    for cookie in late.headers.getlist("Set-Cookie"):
        ward.set_cookie(*cookie.split(";")[0].split("=", 1))
    response = ward.post("/login", data={"username": writer.username,
                                          "password": factories.PASSWORD,
                                          "csrf_token": hidden(page, "csrf_token")})
    assert response.status_code == 302


# --- 7: kept drafts go only to their author, into the entry they came from ------------------

def use_kept(client, editor: str) -> str:
    """Press "Put it in the editor" on kept text shown in ``editor``; return the new page."""
    link = re.search(r'href="([^"]*kept=[^"]+)"', editor).group(1).replace("&amp;", "&")
    return client.get(link).get_data(as_text=True)


def keep_after_session_ends(app, writer, url="/journal/new", **fields):
    """A's page posts after A's session ended; the text is kept. Returns the device."""
    page = open_editor(app.test_client(), writer, url)
    device = app.test_client()  # the browser dropped the ended session
    response = stale_save(device, page, url=url, **fields)
    assert response.status_code == 302 and "/login" in response.location
    return device


def test_another_account_opening_the_editor_does_not_delete_a_kept_draft(app, writer,
                                                                          other_writer):
    device = keep_after_session_ends(app, writer)
    sign_in(device, other_writer)
    assert WORDS not in device.get("/journal/new").get_data(as_text=True)
    assert len(db.session.scalars(db.select(PendingDraft)).all()) == 1
    sign_out(device)
    sign_in(device, writer)
    assert WORDS in device.get("/journal/new").get_data(as_text=True)


def test_a_kept_draft_of_a_new_entry_does_not_restore_into_another_entry(app, writer):
    entry = factories.make_entry(writer, body="Saved words")
    device = keep_after_session_ends(app, writer)
    sign_in(device, writer)
    editor = device.get(f"/journal/{entry.id}/edit").get_data(as_text=True)
    assert WORDS not in editor and "Saved words" in editor
    assert WORDS in device.get("/journal/new").get_data(as_text=True)  # where it came from


def test_a_restored_edit_still_goes_through_the_conflict_check(app, writer):
    entry = factories.make_entry(writer, body="Saved words")
    other = app.test_client()
    editor = open_editor(other, writer, f"/journal/{entry.id}/edit")
    device = keep_after_session_ends(app, writer, f"/journal/{entry.id}/edit", version="1")
    stale_save(other, editor, url=f"/journal/{entry.id}/edit", version="1",
               body="Saved on the other phone")
    sign_in(device, writer)
    restored = use_kept(device, device.get(f"/journal/{entry.id}/edit").get_data(as_text=True))
    assert WORDS in restored
    response = stale_save(device, restored, url=f"/journal/{entry.id}/edit",
                          version=hidden(restored, "version"))
    assert response.status_code == 409
    assert db.session.get(Entry, entry.id).body == "Saved on the other phone"


# --- 6: the service worker caches only a page that never holds user text ----------------------

def cached_pages(worker: str) -> list[str]:
    """The pages (not assets) a service worker script stores: its precache and page lists."""
    lists = "".join(re.findall(r"const (?:PRECACHE|OFFLINE_PAGES) = \[(.*?)\];", worker, re.S))
    paths = re.findall(r"'(/[^']*)'", lists) + re.findall(r"const SHELL = '([^']+)'", worker)
    return [path for path in paths if not path.startswith("/static/")]


def test_the_pages_the_service_worker_caches_hold_no_user_text(app):
    nurse = factories.make_user("writer", username="wardnurse7")
    device = keep_after_session_ends(app, nurse)  # a kept draft waiting for /journal/new
    sign_in(device, nurse)
    device.post("/journal/drafts/new", json={"body": "Autosaved " + WORDS},
                headers={"X-CSRFToken": hidden(device.get("/journal/").get_data(as_text=True),
                                               "csrf_token")})
    pages = cached_pages(device.get("/sw.js").get_data(as_text=True))
    assert pages
    for path in pages:
        body = device.get(path).get_data(as_text=True)
        assert "wardnurse7" not in body and WORDS not in body, path
        assert not re.search(r'name="(csrf_token|author)" value="[^"]', body), path
    assert any('name="body"' in device.get(path).get_data(as_text=True) for path in pages)
    assert WORDS in device.get("/journal/new").get_data(as_text=True)  # still kept for her


# --- 11: drafts die with their entry; remember-me cookies expire on the server -----------------

def test_a_deleted_entrys_autosaved_draft_is_not_inherited_by_a_new_entry(app, writer):
    client = app.test_client()
    sign_in(client, writer)
    token = hidden(client.get("/journal/").get_data(as_text=True), "csrf_token")
    old = factories.make_entry(writer, body="First").id
    client.post(f"/journal/drafts/{old}", json={"body": WORDS, "version": "1"},
                headers={"X-CSRFToken": token})
    client.post(f"/journal/{old}/delete", data={"csrf_token": token})
    assert db.session.get(Entry, old) is None
    assert drafts_of(writer) == []
    new = factories.make_entry(writer, body="Second")
    assert WORDS not in client.get(f"/journal/{new.id}/edit?restore=1").get_data(
        as_text=True)


def test_a_remember_me_cookie_older_than_remember_days_is_refused(app, writer, monkeypatch):
    phone = app.test_client()
    page = phone.get("/login").get_data(as_text=True)
    phone.post("/login", data={"username": writer.username, "password": factories.PASSWORD,
                               "remember": "y", "csrf_token": hidden(page, "csrf_token")})
    remembered = phone.get_cookie("journal_remember").value
    replay = app.test_client()
    replay.set_cookie("journal_remember", remembered)
    assert replay.get("/journal/").status_code == 200  # within REMEMBER_DAYS it works
    later = utcnow() + timedelta(days=app.config["REMEMBER_DAYS"], hours=1)
    monkeypatch.setattr(accounts, "utcnow", lambda: later)
    old = app.test_client()
    old.set_cookie("journal_remember", remembered)
    response = old.get("/journal/")
    assert response.status_code == 302 and "/login" in response.location


# --- audit 6: the kept-draft author note is no long-lived key ---------------------------------

PLANTED = "Planted words that the writer never typed."


def later(monkeypatch, minutes: int) -> None:
    """Move the clock of signed notes (and session cookies) on by ``minutes``."""
    now = itsdangerous.timed.time.time()
    monkeypatch.setattr(itsdangerous.timed, "time",
                        SimpleNamespace(time=lambda: now + minutes * 60))


def plant(client, note: str, body: str = PLANTED, headers=None, url="/journal/new"):
    """Someone with a copy of a writer's author note posts words under it, with no session."""
    return client.post(url, data={"author": note, "title": "Mine", "body": body,
                                  "entry_date": "2026-11-20"}, headers=headers or {})


def kept_rows() -> list[PendingDraft]:
    return db.session.scalars(db.select(PendingDraft)).all()


def test_an_author_note_from_a_session_long_ended_plants_nothing(app, writer, monkeypatch):
    ward = app.test_client()
    note = hidden(open_editor(ward, writer), "author")
    sign_out(ward)
    idle = app.config["IDLE_TIMEOUT_MINUTES"] + app.config["DRAFT_RESCUE_MINUTES"]
    later(monkeypatch, idle + 5)
    plant(ward, note)
    assert kept_rows() == []
    sign_in(ward, writer)
    assert PLANTED not in ward.get("/journal/new").get_data(as_text=True)


def test_an_author_note_is_void_after_a_password_change(app, writer):
    ward = app.test_client()
    note = hidden(open_editor(ward, writer), "author")
    page = ward.get("/account/password").get_data(as_text=True)
    ward.post("/account/password", data={
        "csrf_token": hidden(page, "csrf_token"), "current_password": factories.PASSWORD,
        "new_password": "a new long passphrase", "confirm": "a new long passphrase"})
    plant(app.test_client(), note)
    assert kept_rows() == []


@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"},
                                     {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}])
def test_a_kept_save_is_taken_only_from_our_own_pages(app, writer, headers):
    note = hidden(open_editor(app.test_client(), writer), "author")
    plant(app.test_client(), note, headers=headers)
    assert kept_rows() == []


def test_anonymous_posts_cannot_store_oversized_text_under_a_writers_note(app, writer):
    note = hidden(open_editor(app.test_client(), writer), "author")
    response = plant(app.test_client(), note, body="x" * 300_000)
    assert kept_rows() == []
    assert "/login" not in (response.location or "")  # nothing says it was kept


def test_kept_saves_per_writer_are_capped(app, writer):
    note = hidden(open_editor(app.test_client(), writer), "author")
    for n in range(12):
        plant(app.test_client(), note, body=f"{PLANTED} {n}")
    assert 1 <= len(kept_rows()) <= 5


def test_kept_text_is_shown_for_checking_never_put_in_the_editor_unasked(app, writer):
    ward = app.test_client()
    note = hidden(open_editor(ward, writer), "author")
    sign_out(ward)
    plant(ward, note)  # someone at the device, within the rescue time
    sign_in(ward, writer)
    editor = ward.get("/journal/new").get_data(as_text=True)
    form = editor[editor.index('class="entry-form"'):]
    assert PLANTED in editor and PLANTED not in form and 'value="Mine"' not in form
    assert "Check it is yours" in editor
    assert PLANTED in use_kept(ward, editor).split('class="entry-form"')[1]
    assert kept_rows() == []


def test_a_writer_can_discard_kept_text_that_is_not_theirs(app, writer):
    ward = app.test_client()
    note = hidden(open_editor(ward, writer), "author")
    sign_out(ward)
    plant(ward, note)
    sign_in(ward, writer)
    editor = ward.get("/journal/new").get_data(as_text=True)
    ward.post("/journal/kept/discard", data={"csrf_token": hidden(editor, "csrf_token"),
                                             "key": hidden(editor, "key")})
    assert kept_rows() == []
    assert PLANTED not in ward.get("/journal/new").get_data(as_text=True)


def test_a_save_with_no_author_note_is_not_taken_as_the_signed_in_writers(app, writer):
    client = app.test_client()
    page = open_editor(client, writer)
    response = client.post("/journal/new", data={"csrf_token": hidden(page, "csrf_token"),
                                                 "body": WORDS, "entry_date": "2026-11-20"})
    assert response.status_code == 422 and entries_of(writer) == []
    assert WORDS in response.get_data(as_text=True)  # shown back, to save with one more press
    autosave = client.post("/journal/drafts/new", json={"body": WORDS},
                           headers={"X-CSRFToken": hidden(page, "csrf_token")})
    assert autosave.status_code == 400 and drafts_of(writer) == []


def test_an_edit_saved_without_a_version_shows_both_and_overwrites_nothing(app, writer):
    entry = factories.make_entry(writer, body="Saved words")
    client = app.test_client()
    page = open_editor(client, writer, f"/journal/{entry.id}/edit")
    response = client.post(f"/journal/{entry.id}/edit", data={
        "csrf_token": hidden(page, "csrf_token"), "author": hidden(page, "author"),
        "body": WORDS, "entry_date": "2026-11-20"})
    assert response.status_code == 409
    assert WORDS in response.get_data(as_text=True)
    assert db.session.get(Entry, entry.id).body == "Saved words"


# --- audit 8 (check-in): a note is never lost to a redirect ------------------------------------

def check_in(client, **data):
    token = hidden(client.get("/journal/").get_data(as_text=True), "csrf_token")
    return client.post("/journal/check-in", data={"csrf_token": token, **data})


def test_a_check_in_with_an_overlong_note_shows_the_form_again_with_the_note_kept(app, writer):
    client = app.test_client()
    sign_in(client, writer)
    note = "Sister Okafor sent me home early " + "and it mattered " * 19
    response = check_in(client, support="3", note=note)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and len(note) > 280
    assert note in page and "280 characters or fewer" in page and "There is a problem" in page
    assert db.session.scalars(db.select(CheckIn)).all() == []


def test_a_check_in_note_without_a_rating_is_kept_with_a_clear_error(app, writer):
    client = app.test_client()
    sign_in(client, writer)
    response = check_in(client, note="Nobody asked how I was")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Nobody asked how I was"' in page and "Choose how supported you felt" in page


# --- audit 11: private words stay out of URLs and browsers' form memory ----------------------

SEARCHED = "bullying by Dr Okafor"


def test_the_private_search_keeps_the_writers_words_out_of_the_url(app, writer):
    factories.make_entry(writer, title="Handover", body="More bullying by Dr Okafor today.")
    factories.make_entry(writer, title="Quiet", body="A calm night on the ward.")
    client = app.test_client()
    sign_in(client, writer)
    home = client.get("/journal/").get_data(as_text=True)
    search_form = re.search(r'<form[^>]*role="search"[^>]*>', home).group(0)
    assert 'method="post"' in search_form
    response = client.post(re.search(r'action="([^"]+)"', search_form).group(1),
                           data={"csrf_token": hidden(home, "csrf_token"), "q": SEARCHED})
    assert response.status_code == 302
    assert "Okafor" not in response.location and "bullying" not in response.location
    results = client.get(response.location).get_data(as_text=True)
    assert "Handover" in results and "Quiet" not in results  # works without JavaScript
    assert SEARCHED in results  # the box still shows what was searched
    unfiltered = client.get("/journal/?q=Okafor").get_data(as_text=True)
    assert "Quiet" in unfiltered  # words are never read from a URL


def autocomplete_of(page: str, name: str) -> str | None:
    tag = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page).group(0)
    found = re.search(r'autocomplete="([^"]*)"', tag)
    return found.group(1) if found else None


def test_fields_that_hold_writing_are_not_remembered_by_the_browser(app, writer):
    client = app.test_client()
    sign_in(client, writer)
    editor = client.get("/journal/new").get_data(as_text=True)
    home = client.get("/journal/").get_data(as_text=True)
    for page, name in ((editor, "title"), (editor, "body"), (home, "q"), (home, "note")):
        assert autocomplete_of(page, name) == "off", name
