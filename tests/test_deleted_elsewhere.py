"""Writing on a phone about an entry deleted meanwhile on the computer: the words are not lost,
they are offered as a new entry; and the answer says nothing about entries that are not yours."""

import re
from datetime import date

import pytest

from journal.extensions import db
from journal.models import Draft, Entry
from tests import factories
from tests.conftest import login

GONE = "This entry was deleted on another device"


@pytest.fixture
def deleted(app, writer):
    """An entry open in the phone's editor, then deleted on the computer."""
    phone, computer = app.test_client(), app.test_client()
    login(phone, writer)
    login(computer, writer)
    entry = factories.make_entry(writer, title="Night shift", body="What I wrote first.")
    entry_id = entry.id
    assert phone.get(f"/journal/{entry_id}/edit").status_code == 200
    assert computer.post(f"/journal/{entry_id}/delete").status_code == 302
    return phone, entry_id


def phone_save(phone, writer, entry_id: int, body: str):
    return phone.post(f"/journal/{entry_id}/edit", data={
        "title": "Night shift", "body": body, "entry_date": date.today().isoformat(),
        "version": "1", "author": factories.author_note(writer)})


def test_saving_an_entry_deleted_elsewhere_offers_the_words_as_a_new_entry(deleted, writer):
    phone, entry_id = deleted
    response = phone_save(phone, writer, entry_id, "Then the ward went quiet.")
    page = response.get_data(as_text=True)
    assert response.status_code == 410
    assert GONE in page and "save your writing as a new entry" in page
    assert "Then the ward went quiet." in page and 'value="Night shift"' in page
    assert 'action="/journal/new"' in page  # the form saves a new entry, not the deleted one
    assert 'data-autosave-slot="new"' in page  # and autosaves there as the writer goes on
    saved = phone.post("/journal/new", data=dict(
        re.findall(r'name="(csrf_token|author)" (?:type="hidden" )?value="([^"]*)"', page),
        title="Night shift", body="Then the ward went quiet.",
        entry_date=date.today().isoformat()))
    assert saved.status_code == 302
    (entry,) = db.session.scalars(db.select(Entry)).all()
    assert entry.body == "Then the ward went quiet."


def test_autosave_to_an_entry_deleted_elsewhere_says_so_in_json(deleted, writer):
    phone, entry_id = deleted
    response = phone.post(f"/journal/drafts/{entry_id}", json={
        "body": "Still typing on the bus.", "author": factories.author_note(writer)})
    assert response.status_code == 410 and response.is_json
    assert response.get_json()["gone"] is True
    assert GONE in response.get_json()["error"]
    assert db.session.scalars(db.select(Draft)).all() == []  # nothing tied to a deleted entry


def test_someone_elses_entry_gets_the_same_answer_as_a_deleted_one(deleted, app, writer,
                                                                   other_writer):
    phone, entry_id = deleted
    theirs = factories.make_entry(other_writer, title="Theirs", body="Their private words.")

    def answers(target: int):
        saved = phone_save(phone, writer, target, "My words.")
        autosaved = phone.post(f"/journal/drafts/{target}", json={
            "body": "My words.", "author": factories.author_note(writer)})
        page = re.sub(r'value="[^"]{30,}"', "", saved.get_data(as_text=True))
        return saved.status_code, page.replace(str(target), "N"), autosaved.status_code, \
            autosaved.get_json()

    mine, other = answers(entry_id), answers(theirs.id)
    assert mine == other
    assert "Their private words." not in other[1] and "Theirs" not in other[1]
    assert db.session.get(Entry, theirs.id).body == "Their private words."
