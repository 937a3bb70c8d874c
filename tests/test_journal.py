"""The private journal: writing, reading, editing, deleting, listing and searching one's entries."""

from datetime import date, timedelta

import pytest

from journal.extensions import db
from journal.models import Entry
from tests import factories
from tests.conftest import login

VALID = {"title": "Night shift", "body": "My preceptor covered my bay so I could drink water.",
         "entry_date": "2026-11-20", "support": "4", "prompt_key": "kindness-seen"}


@pytest.fixture
def signed_in(client, writer):
    login(client, writer)
    return writer


def test_writer_creates_an_entry_and_reads_it(client, signed_in):
    response = client.post("/journal/new",
                           data={**VALID, "author": factories.author_note(signed_in)})
    entry = db.session.scalars(db.select(Entry)).one()
    assert response.status_code == 302 and response.location.endswith(f"/journal/{entry.id}")
    assert (entry.title, entry.support, entry.prompt_key) == ("Night shift", 4, "kindness-seen")
    assert entry.entry_date == date(2026, 11, 20) and entry.author_id == signed_in.id
    page = client.get(response.location).get_data(as_text=True)
    assert "My preceptor covered my bay" in page and "4 out of 5" in page
    assert "Describe a moment of kindness" in page  # the chosen prompt is shown


def test_new_entry_form_defaults_to_today(client, signed_in):
    page = client.get("/journal/new").get_data(as_text=True)
    assert f'value="{date.today().isoformat()}"' in page


def test_title_check_in_and_prompt_are_optional(client, signed_in):
    response = client.post("/journal/new", data={"body": "Just this.",
                                                 "entry_date": "2026-11-01",
                                                 "author": factories.author_note(signed_in)})
    assert response.status_code == 302
    entry = db.session.scalars(db.select(Entry)).one()
    assert (entry.title, entry.support, entry.prompt_key) == ("", None, None)


def test_writer_edits_an_entry(client, signed_in):
    entry = factories.make_entry(signed_in, body="First draft")
    response = client.post(f"/journal/{entry.id}/edit", data={
        **VALID, "body": "Second draft", "version": "1",
        "author": factories.author_note(signed_in)})
    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.body == "Second draft"


def test_edit_form_shows_the_saved_values(client, signed_in):
    entry = factories.make_entry(signed_in, title="Labour ward", body="Long day", support=2)
    page = client.get(f"/journal/{entry.id}/edit").get_data(as_text=True)
    assert 'value="Labour ward"' in page and "Long day</textarea>" in page
    assert 'value="2" checked' in page


def test_delete_asks_first_then_deletes(client, signed_in):
    entry_id = factories.make_entry(signed_in).id
    confirm = client.get(f"/journal/{entry_id}/delete").get_data(as_text=True)
    assert "This cannot be undone" in confirm
    assert db.session.get(Entry, entry_id) is not None  # GET changes nothing
    response = client.post(f"/journal/{entry_id}/delete")
    assert response.status_code == 302
    assert db.session.scalar(db.select(Entry).where(Entry.id == entry_id)) is None
    assert client.get(f"/journal/{entry_id}").status_code == 404


def test_entries_are_listed_newest_first_and_paginated(client, signed_in):
    today = date.today()
    for days in range(12):
        factories.make_entry(signed_in, title=f"Day minus {days}",
                             entry_date=today - timedelta(days=days))
    first = client.get("/journal/").get_data(as_text=True)
    assert first.index("Day minus 0<") < first.index("Day minus 1<") < first.index("Day minus 9<")
    assert "Day minus 10<" not in first and "Older entries" in first
    second = client.get("/journal/?page=2").get_data(as_text=True)
    assert "Day minus 10<" in second and "Day minus 11<" in second
    assert "Day minus 0<" not in second and "Newer entries" in second


def search(client, words: str) -> str:
    """Search one's journal as the page does: the words are posted, never put in a URL."""
    return client.post("/journal/search", data={"q": words},
                       follow_redirects=True).get_data(as_text=True)


def test_search_finds_own_titles_and_bodies_only(client, signed_in, other_writer):
    factories.make_entry(signed_in, title="Handover", body="rushed again")
    factories.make_entry(signed_in, title="Sandwich", body="a senior midwife was kind")
    factories.make_entry(other_writer, title="Handover elsewhere", body="their words")
    page = search(client, "handover")
    assert "rushed again" in page and "senior midwife" not in page
    assert "their words" not in page and "1 entry matching" in page
    page = search(client, "MIDWIFE")
    assert "Sandwich" in page and "Handover" not in page


def test_search_treats_wildcards_as_text(client, signed_in):
    factories.make_entry(signed_in, body="ordinary words")
    page = search(client, "%")
    assert "No entries match" in page


def test_markdown_is_rendered_and_cleaned(client, signed_in):
    body = ("Some *emphasis* and a list:\n\n- one\n- two\n\n[a link](https://example.org) "
            "[bad](javascript:alert(1)) <script>alert('x')</script> ![img](https://e.org/i.png)")
    entry = factories.make_entry(signed_in, title="<script>alert('t')</script>", body=body)
    page = client.get(f"/journal/{entry.id}").get_data(as_text=True)
    assert "<em>emphasis</em>" in page and "<li>one</li>" in page
    assert '<a href="https://example.org" rel="nofollow noopener">a link</a>' in page
    assert "javascript:" not in page
    assert "<script>alert" not in page and "&lt;script&gt;alert('x')&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in page  # title escaped
    assert "<img" not in page and "&lt;img" not in page
    assert '![img](<a href="https://e.org/i.png" rel="nofollow noopener">' in page


def test_list_excerpt_escapes_html(client, signed_in):
    factories.make_entry(signed_in, body="<b onmouseover=alert(1)>bold</b>")
    page = client.get("/journal/").get_data(as_text=True)
    assert "<b onmouseover" not in page and "&lt;b onmouseover" in page
