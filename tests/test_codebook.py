"""The codebook, tagging of entries and excerpts, memos and exports."""

import csv
import io

import pytest

from journal.extensions import db
from journal.models import Entry, Memo, Tag, Theme
from journal.services import research
from tests import factories
from tests.conftest import login

TEXT = "Handover was rushed. The nurse in charge answered while walking away.\n\nI felt unheard."


@pytest.fixture
def share(app, writer):
    entry = factories.make_entry(writer, body=TEXT)
    return factories.make_share(writer, entry, accepted=True)


@pytest.fixture
def signed_in(client, researcher):
    login(client, researcher)
    return researcher


def themes() -> dict[str, Theme]:
    return {t.name: t for t in db.session.scalars(db.select(Theme))}


def test_create_describe_and_nest_themes(client, signed_in):
    client.post("/research/themes/", data={"name": "Being heard", "description": "Voice"})
    parent = themes()["Being heard"]
    client.post("/research/themes/", data={"name": "Known by name",
                                           "parent_id": str(parent.id)})
    assert themes()["Known by name"].parent_id == parent.id
    page = client.get("/research/themes/").get_data(as_text=True)
    assert "Being heard" in page and "Voice" in page and "Known by name" in page


def test_theme_names_are_unique_and_required(client, signed_in):
    factories.make_theme("Burnout")
    response = client.post("/research/themes/", data={"name": "burnout"})
    assert response.status_code == 422
    assert "There is already a theme called" in response.get_data(as_text=True)
    assert client.post("/research/themes/", data={"name": " "}).status_code == 422


def test_a_theme_cannot_sit_under_its_own_child(client, signed_in):
    parent = factories.make_theme("Leadership")
    child = factories.make_theme("Visible leaders", parent=parent)
    response = client.post(f"/research/themes/{parent.id}/edit",
                           data={"name": "Leadership", "parent_id": str(child.id)})
    assert response.status_code == 422
    assert "cannot sit under itself" in response.get_data(as_text=True)


def test_tag_whole_entry_and_excerpt_with_several_themes(client, signed_in, share):
    heard, time = factories.make_theme("Being heard"), factories.make_theme("Time to care")
    client.post(f"/research/shares/{share.id}/tags",
                data={"theme_ids": [str(heard.id)]})
    client.post(f"/research/shares/{share.id}/tags", data={
        "theme_ids": [str(heard.id), str(time.id)],
        "excerpt": "answered   while\nwalking away"})  # spacing differs: still found
    tags = research.tags_on(share)
    assert [(t.theme.name, t.quote) for t in tags] == [
        ("Being heard", None), ("Being heard", "answered while walking away"),
        ("Time to care", "answered while walking away")]
    excerpt = tags[1]
    assert TEXT[excerpt.start:excerpt.end] == excerpt.quote
    assert excerpt.researcher_id == signed_in.id
    page = client.get(f"/research/themes/{heard.id}").get_data(as_text=True)
    assert "answered while walking away" in page and "Whole entry" in page


def test_an_excerpt_must_be_in_the_text(client, signed_in, share):
    theme = factories.make_theme("Being heard")
    response = client.post(f"/research/shares/{share.id}/tags", data={
        "theme_ids": [str(theme.id)], "excerpt": "words that are not there"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "That passage is not in the shared text" in page
    assert "words that are not there" in page and research.tags_on(share) == []


def test_tagging_needs_a_theme_and_an_accepted_share(client, signed_in, writer):
    response = client.post("/research/shares/nope/tags", data={})
    assert response.status_code == 404
    pending = factories.make_share(writer, factories.make_entry(writer, body="Pending words"))
    theme = factories.make_theme("Burnout")
    response = client.post(f"/research/shares/{pending.id}/tags",
                           data={"theme_ids": [str(theme.id)]})
    assert response.status_code == 422 and "Only accepted shares" in response.get_data(
        as_text=True)


def test_remove_and_change_tags(client, signed_in, share):
    heard, time = factories.make_theme("Being heard"), factories.make_theme("Time to care")
    tag = factories.make_tag(signed_in, share, heard)
    client.post(f"/research/tags/{tag.id}/theme", data={"theme_id": str(time.id)})
    assert db.session.get(Tag, tag.id).theme_id == time.id
    client.post(f"/research/tags/{tag.id}/delete")
    assert research.tags_on(share) == []


def test_merge_moves_tags_children_and_memos(client, signed_in, share):
    source, target = factories.make_theme("Unheard"), factories.make_theme("Being heard")
    child = factories.make_theme("Walking away", parent=source)
    source_id, target_id, child_id = source.id, target.id, child.id
    factories.make_tag(signed_in, share, source)
    research.add_memo(signed_in, "A note", theme=source)
    response = client.post(f"/research/themes/{source_id}/merge",
                           data={"target_id": str(target_id)}, follow_redirects=True)
    assert "merged into “Being heard”: 1 tag(s) moved" in response.get_data(as_text=True)
    assert db.session.get(Theme, source_id) is None
    assert [t.theme_id for t in research.tags_on(share)] == [target_id]
    assert db.session.get(Theme, child_id).parent_id == target_id
    assert db.session.scalars(db.select(Memo)).one().theme_id == target_id


def test_delete_asks_and_says_how_many_tags_go(client, signed_in, share):
    theme_id = factories.make_theme("Burnout").id
    factories.make_tag(signed_in, share, db.session.get(Theme, theme_id))
    page = client.get(f"/research/themes/{theme_id}/delete").get_data(as_text=True)
    assert "This removes 1 tag" in page and db.session.get(Theme, theme_id) is not None
    client.post(f"/research/themes/{theme_id}/delete")
    assert db.session.get(Theme, theme_id) is None and research.tags_on(share) == []


def test_memos_on_shares_and_themes(client, signed_in, share):
    theme = factories.make_theme("Burnout")
    client.post(f"/research/shares/{share.id}/memos", data={"text": "Compare with June"})
    client.post(f"/research/themes/{theme.id}/memos", data={"text": "Define tiredness"})
    assert "Compare with June" in client.get(f"/research/shares/{share.id}").get_data(
        as_text=True)
    assert "Define tiredness" in client.get(f"/research/themes/{theme.id}").get_data(
        as_text=True)
    assert client.post(f"/research/shares/{share.id}/memos",
                       data={"text": " "}).status_code == 422


def test_codebook_counts_entries_and_excerpts(client, signed_in, share):
    theme = factories.make_theme("Being heard")
    factories.make_tag(signed_in, share, theme)
    factories.make_tag(signed_in, share, theme, excerpt="I felt unheard.")
    counts = research.theme_counts()[theme.id]
    assert (counts.entries, counts.excerpts) == (1, 1)


def test_exports_hold_themes_context_and_excerpts(client, signed_in, share):
    theme = factories.make_theme("Being heard")
    factories.make_tag(signed_in, share, theme, excerpt="I felt unheard.")
    shares = list(csv.DictReader(io.StringIO(
        client.get("/research/export/shares.csv").get_data(as_text=True))))
    assert shares[0]["text"] == TEXT and shares[0]["themes"] == "Being heard"
    excerpts = list(csv.DictReader(io.StringIO(
        client.get("/research/export/excerpts.csv").get_data(as_text=True))))
    assert excerpts[0]["excerpt"] == "I felt unheard." and excerpts[0]["theme"] == "Being heard"


def test_exports_defuse_spreadsheet_formulas(client, signed_in, writer):
    entry = factories.make_entry(writer, body="=HYPERLINK(\"http://x\")")
    factories.make_share(writer, entry, accepted=True)
    body = client.get("/research/export/shares.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body


def test_withdrawal_removes_tags_memos_and_export_rows(client, writer, researcher, share):
    theme = factories.make_theme("Being heard")
    factories.make_tag(researcher, share, theme, excerpt="I felt unheard.")
    research.add_memo(researcher, "Memo quoting: I felt unheard.", share=share)
    entry_id = db.session.scalars(db.select(Entry)).one().id
    login(client, writer)
    client.post(f"/journal/{entry_id}/share/withdraw")
    assert db.session.scalars(db.select(Tag)).all() == []
    assert db.session.scalars(db.select(Memo)).all() == []
    login(client, researcher)
    for url in ("/research/export/shares.csv", "/research/export/excerpts.csv",
                f"/research/themes/{theme.id}"):
        assert "unheard" not in client.get(url).get_data(as_text=True)
