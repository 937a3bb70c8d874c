"""A connection lost after the save (a database restart at the wrong moment) must not turn a
saved entry's answer into an error or a false "nothing was saved", and the 503 page says only
what is known: a save whose connection was lost may have been stored, so it says so, and a new
entry sent again with its form's key is still saved once."""

import sqlite3
import uuid
from datetime import date

import psycopg.errors
import pytest
from sqlalchemy import event, func, select

from journal.extensions import db
from journal.models import Entry
from tests import factories
from tests.conftest import login
from tests.database_faults import KINDS, LOST_RACES, ON_POSTGRESQL, Faults
from tests.live import hidden_fields

#: What the driver raises on a statement sent over a connection the database has dropped.
LOST = ((lambda: psycopg.errors.AdminShutdown(
    "terminating connection due to administrator command")) if ON_POSTGRESQL
        else (lambda: sqlite3.ProgrammingError("Cannot operate on a closed database.")))
OURS = {"Sec-Fetch-Site": "same-origin"}


class LostAfterCommit:
    """Once armed, every statement after the next commit fails as on a dropped connection."""

    def __init__(self) -> None:
        self.armed = self.committed = False
        self.failed = 0
        event.listen(db.session, "after_commit", self._committed)
        event.listen(db.engine, "before_cursor_execute", self._before)

    def _committed(self, session) -> None:
        self.committed = self.committed or self.armed

    def _before(self, *args) -> None:
        if self.committed:
            self.failed += 1
            raise LOST()

    def disarm(self) -> None:
        self.armed = self.committed = False

    def remove(self) -> None:
        event.remove(db.session, "after_commit", self._committed)
        event.remove(db.engine, "before_cursor_execute", self._before)


@pytest.fixture
def lost_after_commit(app):
    lost = LostAfterCommit()
    yield lost
    lost.remove()


@pytest.fixture
def signed_in(client, writer):
    login(client, writer)
    return writer


def entry_form(client, body: str, **extra) -> dict:
    fields = hidden_fields(client.get("/journal/new").get_data(as_text=True))
    return {**fields, "title": "Late", "body": body, "entry_date": date.today().isoformat(),
            **extra}


def stored(token: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Entry)
                             .where(Entry.body.contains(token)))


def test_a_new_entry_saved_just_before_the_connection_was_lost_is_saved_not_503(
        client, signed_in, lost_after_commit):
    form = entry_form(client, f"Saved then lost {uuid.uuid4().hex}")
    lost_after_commit.armed = True
    response = client.post("/journal/new", data=form)
    lost_after_commit.disarm()
    assert response.status_code == 302, response.get_data(as_text=True)
    assert stored(form["body"]) == 1


def test_an_edit_saved_just_before_the_connection_was_lost_is_saved_not_500(
        client, signed_in, lost_after_commit):
    entry = factories.make_entry(signed_in, body="Before")
    lost_after_commit.armed = True
    response = client.post(f"/journal/{entry.id}/edit", data={
        "author": factories.author_note(signed_in), "version": "1", "body": "After",
        "entry_date": date.today().isoformat()})
    lost_after_commit.disarm()
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "no-store"  # still known to be signed in
    db.session.refresh(entry)
    assert entry.body == "After"


def test_an_autosave_stored_just_before_the_connection_was_lost_answers_200(
        client, signed_in, lost_after_commit):
    note = factories.author_note(signed_in)
    lost_after_commit.armed = True
    response = client.post("/journal/drafts/new", json={"body": "kept", "author": note})
    lost_after_commit.disarm()
    assert response.status_code == 200 and response.json["author"]


def test_a_save_whose_connection_was_lost_says_it_may_be_saved_and_a_resend_saves_once(
        app, client, signed_in):
    faults = Faults(db.engine)
    form = entry_form(client, f"Unclear {uuid.uuid4().hex}")
    faults.arm(r"INSERT INTO entries", 1, LOST)
    unclear = client.post("/journal/new", headers=OURS, data=form)
    faults.remove()
    page = unclear.get_data(as_text=True)
    assert unclear.status_code == 503 and "We could not confirm this was saved" in page
    assert "does not save it twice" in page and "Nothing was saved" not in page
    assert form["body"] in page and "Submission key" not in page
    again = client.post("/journal/new", headers=OURS, data=hidden_fields(page))
    assert again.status_code == 302 and stored(form["body"]) == 1
    assert client.post("/journal/new", headers=OURS, data=hidden_fields(page)).location == (
        again.location)  # "Try again" once more: the same entry, still one
    assert stored(form["body"]) == 1


def test_an_edit_whose_connection_was_lost_asks_to_check_before_sending_again(
        client, signed_in):
    entry = factories.make_entry(signed_in, body="Before")
    faults = Faults(db.engine)
    faults.arm(r"UPDATE entries", 1, LOST)
    response = client.post(f"/journal/{entry.id}/edit", headers=OURS, data={
        "author": factories.author_note(signed_in), "version": "1", "body": "Unclear edit",
        "entry_date": date.today().isoformat()})
    faults.remove()
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "Unclear edit" in page
    assert "Check your journal before sending it again" in page
    assert "Nothing was saved" not in page


@pytest.mark.parametrize("kind", KINDS)
def test_a_lost_race_while_checking_who_is_signed_in_is_a_503_page_not_a_500(
        client, signed_in, kind):
    """The gate (a before_request hook) loads the user: the 503 page must not load it again."""
    faults = Faults(db.engine)
    faults.arm(r"SELECT .*FROM users", 3, LOST_RACES[kind])
    response = client.post("/journal/check-in", headers=OURS,
                           data={"support": "3", "note": "Held up"})
    faults.remove()
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "Held up" in page
    assert "Nothing was saved" in page  # a refused read: nothing can have been stored
    assert response.headers["Cache-Control"] == "no-store"
