"""Database trouble is never a 500 and never loses a word: a dropped connection does not fail
the next request, a lost race is run again once, and a second loss shows the text back (503)."""

import re
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from journal.extensions import db
from journal.models import CheckIn, Draft, Entry
from tests import factories
from tests.conftest import login
from tests.database_faults import DISK_FULL, KINDS, LOST_RACES, ON_POSTGRESQL, Connections, Faults


@pytest.fixture
def app_config() -> dict:
    """A name of this run's own for the app's connections, so only they are ever dropped."""
    return {"DATABASE_APPLICATION_NAME": f"journal-test-{uuid.uuid4().hex[:8]}"}


@pytest.fixture
def faults(app):
    """Lost races on demand, on the app's own engine."""
    injected = Faults(db.engine)
    yield injected
    injected.remove()


@pytest.fixture
def signed_in(client, writer):
    login(client, writer)
    return writer


def entry_form(writer, body: str, **extra) -> dict:
    return {"title": "Handover", "body": body, "entry_date": date.today().isoformat(),
            "author": factories.author_note(writer), **extra}


def rows_with(token: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Entry)
                             .where(Entry.body.contains(token)))


# --- a dropped connection -----------------------------------------------------------------------

def test_a_save_after_the_database_dropped_the_apps_connections_succeeds(app, client, writer):
    connections = Connections(db.engine)
    login(client, writer)
    assert client.get("/journal/new").status_code == 200
    token = uuid.uuid4().hex
    form = entry_form(writer, f"After the restart {token}")
    assert connections.drop(app) > 0  # the app's connections really were cut
    response = client.post("/journal/new", data=form)
    assert response.status_code == 302 and "/journal/" in response.location
    assert rows_with(token) == 1


@pytest.mark.parametrize("app_config", [
    {"DATABASE_APPLICATION_NAME": f"journal-noping-{uuid.uuid4().hex[:8]}",
     "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False}}])
def test_without_the_ping_a_drop_is_felt_but_the_writer_gets_their_text_not_a_500(
        app, client, writer):
    """Shows the drop above is real: without pre_ping the next request meets a dead connection."""
    connections = Connections(db.engine)
    login(client, writer)
    token = uuid.uuid4().hex
    form = entry_form(writer, f"Dropped {token}")
    assert connections.drop(app) > 0
    response = client.post("/journal/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and token in page and "Traceback" not in page
    assert rows_with(token) == 0


def test_the_app_names_its_postgresql_connections_and_pings_them(app):
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True
    if ON_POSTGRESQL:
        assert options["connect_args"]["application_name"]
    else:  # SQLite: a writing request waits for another process's write instead of failing
        assert options["connect_args"]["timeout"] == app.config["SQLITE_BUSY_SECONDS"]


# --- a lost race, once and twice ----------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_a_new_entry_that_lost_one_race_is_saved_exactly_once(client, signed_in, faults, kind):
    faults.arm(r"INSERT INTO entries", 1, LOST_RACES[kind])
    token = uuid.uuid4().hex
    response = client.post("/journal/new", data=entry_form(signed_in, f"Retried {token}"))
    assert faults.raised == 1
    assert response.status_code == 302 and "/journal/" in response.location
    assert rows_with(token) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_new_entry_that_lost_twice_is_shown_back_with_503_and_nothing_half_saved(
        client, signed_in, faults, kind):
    note = factories.author_note(signed_in)
    client.post("/journal/drafts/new", json={"body": "autosaved earlier", "author": note})
    faults.arm(r"INSERT INTO entries", 2, LOST_RACES[kind])
    token = uuid.uuid4().hex
    response = client.post("/journal/new", data=entry_form(signed_in, f"Only copy {token}"))
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and faults.raised == 2
    assert "We could not save this just now" in page and token in page and "Handover" in page
    assert "Traceback" not in page and note not in page
    assert rows_with(token) == 0
    assert db.session.scalars(select(Draft)).one().slot == "new"  # its draft was not cleared


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_try_again_sends_the_kept_text_with_a_fresh_token_and_saves_it_once(
        client, writer, faults):
    login_page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": writer.username, "password": factories.PASSWORD,
                                "csrf_token": hidden(login_page)["csrf_token"]})
    editor = hidden(client.get("/journal/new").get_data(as_text=True))
    faults.arm(r"INSERT INTO entries", 2, LOST_RACES[KINDS[0]])
    token = uuid.uuid4().hex
    ours = {"Sec-Fetch-Site": "same-origin"}
    first = client.post("/journal/new", headers=ours, data={
        "csrf_token": editor["csrf_token"], "author": editor["author"],
        "body": f"Send me again {token}", "entry_date": date.today().isoformat()})
    assert first.status_code == 503
    again = hidden(first.get_data(as_text=True))
    assert again["csrf_token"] and again["body"] == f"Send me again {token}"
    second = client.post("/journal/new", headers=ours, data=again)
    assert second.status_code == 302 and rows_with(token) == 1


def test_a_post_not_from_our_page_gets_its_text_but_no_button_to_send_it(
        client, signed_in, faults):
    faults.arm(r"INSERT INTO entries", 2, LOST_RACES[KINDS[0]])
    token = uuid.uuid4().hex
    response = client.post("/journal/new", headers={"Sec-Fetch-Site": "cross-site"},
                           data=entry_form(signed_in, f"Forged {token}"))
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and token in page
    assert "Try again" not in page and 'name="body"' not in page


@pytest.mark.parametrize("kind", KINDS)
def test_an_edit_that_lost_one_race_is_one_new_version(client, signed_in, faults, kind):
    entry = factories.make_entry(signed_in, body="First words")
    faults.arm(r"UPDATE entries", 1, LOST_RACES[kind])
    response = client.post(f"/journal/{entry.id}/edit",
                           data=entry_form(signed_in, "Second words", version="1"))
    assert response.status_code == 302 and faults.raised == 1
    db.session.refresh(entry)
    assert (entry.body, entry.version) == ("Second words", 2)


@pytest.mark.parametrize("kind", KINDS)
def test_an_edit_that_lost_twice_leaves_the_entry_as_it_was(client, signed_in, faults, kind):
    entry = factories.make_entry(signed_in, body="First words")
    faults.arm(r"UPDATE entries", 2, LOST_RACES[kind])
    response = client.post(f"/journal/{entry.id}/edit",
                           data=entry_form(signed_in, "Second words", version="1"))
    assert response.status_code == 503 and "Second words" in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert (entry.body, entry.version) == ("First words", 1)


@pytest.mark.parametrize("kind", KINDS)
def test_autosave_retries_once_then_answers_503_json_so_the_phone_keeps_its_copy(
        client, signed_in, faults, kind):
    note = factories.author_note(signed_in)
    faults.arm(r"INSERT INTO drafts", 1, LOST_RACES[kind])
    assert client.post("/journal/drafts/new", json={"body": "one", "author": note}
                       ).status_code == 200
    faults.arm(r"INSERT INTO drafts", 2, LOST_RACES[kind])  # the upsert of the second
    refused = client.post("/journal/drafts/new", json={"body": "two", "author": note})
    assert refused.status_code == 503 and refused.is_json and refused.json["error"]
    assert '"one"' in db.session.scalars(select(Draft)).one().fields


@pytest.mark.parametrize("kind", KINDS)
def test_a_check_in_that_lost_twice_shows_the_note_back(client, signed_in, faults, kind):
    faults.arm(r"INSERT INTO check_ins", 2, LOST_RACES[kind])
    response = client.post("/journal/check-in", data={"support": "3", "note": "Long night"})
    assert response.status_code == 503 and "Long night" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0
    faults.arm(r"INSERT INTO check_ins", 1, LOST_RACES[kind])
    assert client.post("/journal/check-in", data={"support": "3"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1


def test_a_password_is_never_shown_back(client, signed_in, faults):
    faults.arm(r"UPDATE users", 2, LOST_RACES[KINDS[0]])
    response = client.post("/account/password", headers={"Sec-Fetch-Site": "same-origin"},
                           data={"current_password": factories.PASSWORD,
                                 "new_password": "Another long passphrase 42",
                                 "confirm": "Another long passphrase 42"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and faults.raised == 2
    assert factories.PASSWORD not in page and "Another long passphrase" not in page


def test_other_database_errors_are_not_retried(client, signed_in, faults):
    """Only a lost race is worth running again: anything else is a bug, shown when testing."""
    faults.arm(r"INSERT INTO entries", 2, DISK_FULL)
    with pytest.raises(Exception, match="disk full|disk is full"):
        client.post("/journal/new", data=entry_form(signed_in, "Not retried"))
    assert faults.raised == 1


def hidden(page: str) -> dict:
    """The hidden inputs of a page's forms, by name."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


@pytest.mark.parametrize("kind", KINDS)
def test_a_page_that_lost_twice_asks_for_a_reload_not_a_500(client, signed_in, faults, kind):
    factories.make_entry(signed_in, body="Listed")
    faults.arm(r"SELECT .*FROM entries", 2, LOST_RACES[kind])
    response = client.get("/journal/")
    assert response.status_code == 503 and faults.raised == 2
    assert "We could not open this page just now" in response.get_data(as_text=True)
    faults.arm(r"SELECT .*FROM entries", 1, LOST_RACES[kind])
    assert client.get("/journal/").status_code == 200
