"""Sending the same new-entry form again makes no second entry (README: "When two devices save
at once"): a double tap without JavaScript, the browser's resend, or "Try again" after an answer
that never arrived all land on the entry already saved. Nothing typed is dropped by it."""

import uuid
from datetime import date

from sqlalchemy import func, select

from journal.extensions import db
from journal.models import Draft, Entry
from tests import factories
from tests.concurrency import at_once
from tests.conftest import login
from tests.live import hidden_fields


def editor(client) -> dict:
    """The hidden fields of a freshly opened new-entry page."""
    response = client.get("/journal/new")
    assert response.status_code == 200
    return hidden_fields(response.get_data(as_text=True))


def entry_form(fields: dict, body: str, **extra) -> dict:
    return {**fields, "title": "Night shift", "body": body,
            "entry_date": date.today().isoformat(), "support": "2", **extra}


def stored(token: str) -> list[int]:
    return db.session.scalars(select(Entry.id).where(Entry.body.contains(token))).all()


def test_the_same_form_sent_twice_saves_one_entry_and_both_answers_land_on_it(client, writer):
    login(client, writer)
    form = entry_form(editor(client), f"Sent twice {uuid.uuid4().hex}")
    first = client.post("/journal/new", data=form)
    second = client.post("/journal/new", data=form)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert stored(form["body"]) == [int(first.location.rstrip("/").rsplit("/", 1)[1])]
    page = client.get(second.location).get_data(as_text=True)
    assert page.count("Entry saved") == 1


def test_four_identical_posts_at_once_save_one_entry(app, writer):
    """The auditor's four identical posts at once made four entries."""
    clients = [app.test_client() for _ in range(4)]
    for client in clients:
        login(client, writer)
    form = entry_form(editor(clients[0]), f"Four taps {uuid.uuid4().hex}")
    answers = at_once(app, *(lambda c=c: c.post("/journal/new", data=form) for c in clients))
    assert [a.status_code for a in answers] == [302] * 4
    assert len({a.location for a in answers}) == 1
    assert len(stored(form["body"])) == 1


def test_each_opening_of_the_editor_is_a_new_entry_even_with_the_same_words(client, writer):
    login(client, writer)
    body = f"Same words, two entries {uuid.uuid4().hex}"
    first, second = editor(client), editor(client)
    assert first["submission_key"] != second["submission_key"]
    for fields in (first, second):
        assert client.post("/journal/new", data=entry_form(fields, body)).status_code == 302
    assert len(stored(body)) == 2


def test_a_form_reopened_with_back_and_changed_is_saved_not_dropped(client, writer):
    """Back to a used form (same key) with new words: the new words are a new entry."""
    login(client, writer)
    fields, token = editor(client), uuid.uuid4().hex
    client.post("/journal/new", data=entry_form(fields, f"First {token}"))
    changed = client.post("/journal/new", data=entry_form(fields, f"Changed {token}"))
    assert changed.status_code == 302
    assert len(stored(f"First {token}")) == 1 and len(stored(f"Changed {token}")) == 1


def test_an_old_page_without_a_key_still_saves(client, writer):
    login(client, writer)
    fields = editor(client)
    for key in ("", "not-ours!", "x" * 65):  # none, or nothing our pages make
        body = f"Old page {uuid.uuid4().hex}"
        response = client.post("/journal/new", data=entry_form(fields, body, submission_key=key))
        assert response.status_code == 302 and len(stored(body)) == 1


def test_the_same_key_from_another_writer_saves_their_own_entry(client, writer, other_writer):
    """A key names a form of one writer: it never lands anyone on someone else's entry."""
    login(client, writer)
    fields = editor(client)
    mine = client.post("/journal/new", data=entry_form(fields, "Mine"))
    login(client, other_writer)
    theirs = client.post("/journal/new", data=entry_form(
        {**editor(client), "submission_key": fields["submission_key"]}, "Theirs"))
    assert theirs.status_code == 302 and theirs.location != mine.location
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 2


def test_a_resend_leaves_the_next_entrys_autosave_alone(client, writer):
    login(client, writer)
    form = entry_form(editor(client), f"Saved once {uuid.uuid4().hex}")
    client.post("/journal/new", data=form)
    note = factories.author_note(writer)
    client.post("/journal/drafts/new", json={"body": "the next entry, half written",
                                             "author": note})
    client.post("/journal/new", data=form)  # the earlier form, sent again
    assert "the next entry, half written" in db.session.scalars(select(Draft.fields)).one()


def test_restored_and_offline_editors_carry_a_key_of_their_own(client, writer):
    """The restored editor gets a fresh key; the offline shell, the same for everyone, has an
    empty one (its script makes a key on the device)."""
    login(client, writer)
    note = factories.author_note(writer)
    client.post("/journal/drafts/new", json={"body": "autosaved", "author": note})
    restored = hidden_fields(client.get("/journal/new?restore=1").get_data(as_text=True))
    assert len(restored["submission_key"]) >= 16
    assert restored["submission_key"] != editor(client)["submission_key"]
    shell = hidden_fields(client.get("/writing-shell").get_data(as_text=True))
    assert shell["submission_key"] == ""
