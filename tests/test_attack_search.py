"""Attacks on search: it must only ever see what researchers may see.

Finding 1 (issue 10): a researcher who reads every page and tries every filter, facet, count and
export must learn no more about a share's context than its own page shows after small-number
suppression. Finding 9: words (and context) a share no longer has must leave the index files.
"""

import re
from pathlib import Path

import pytest
from whoosh import index
from whoosh.fields import ID, KEYWORD, TEXT, Schema

from journal import context as ctx
from journal import search
from journal.context import Context
from journal.extensions import db
from journal.models import User
from journal.services import sharing
from tests import factories
from tests.conftest import login

LONDON_NURSE = Context(role="nurse", field="adult", region="england/london",
                       registered="under-1", international="yes")
WELSH_MIDWIFE = Context(role="midwife", field="midwifery", region="wales", registered="over-3",
                        international="no")

#: Every value a researcher could type into each filter, including nations and "uk".
TYPED_FILTERS = [(name, value) for name in ("role", "field", "registered", "international")
                 for value in ctx.CHOICES[name]] + [
    ("region", value) for value in [*ctx.REGIONS, *ctx.NATIONS]]


@pytest.fixture
def research_client(app, researcher):
    """A client signed in as the researcher (the writers use ``client``)."""
    client = app.test_client()
    login(client, researcher)
    return client


def lone_share(username: str, body: str, context: Context, accepted: bool = True):
    """An established writer whose context nobody else shares, so its page shows it
    generalised (accepted shares of established writers are what count)."""
    writer = factories.make_user("writer", username=username, days_old=30)
    entry = factories.make_entry(writer, body=body)
    return writer, entry, factories.make_share(writer, entry, context=context, accepted=accepted)


def facets_html(page: str) -> str:
    """The "Counts in these results" part of the search page."""
    match = re.search(r'<details class="nhsuk-details facets">.*?</details>', page, re.S)
    return match.group(0) if match else ""


def total(page: str) -> int:
    """The number of matching shares the search page reports."""
    return int(re.search(r'id="result-count">(\d+) matching', page).group(1))


def index_bytes(app) -> bytes:
    """Every byte of every file under INDEX_DIR."""
    return b"".join(p.read_bytes() for p in Path(app.config["INDEX_DIR"]).rglob("*")
                    if p.is_file())


# --- finding 1: small-number suppression holds in search -----------------------------------------

def test_researcher_cannot_filter_search_by_a_suppressed_region(research_client):
    _, _, share = lone_share("lonewriter", "The charge nurse brought me tea.", LONDON_NURSE)
    page = research_client.get(f"/research/shares/{share.id}").get_data(as_text=True)
    assert "UK" in page and "London" not in page  # what the share's own page shows
    for region in ("england/london", "england"):
        found = research_client.get("/research/search", query_string={"region": region})
        body = found.get_data(as_text=True)
        assert found.status_code == 200 and share.id not in body and total(body) == 0


@pytest.mark.parametrize(("name", "value"), [("role", "nurse"), ("field", "adult"),
                                             ("registered", "under-1"),
                                             ("international", "yes")])
def test_researcher_cannot_filter_search_by_a_suppressed_context_item(research_client, name,
                                                                      value):
    _, _, share = lone_share("lonewriter", "The charge nurse brought me tea.", LONDON_NURSE)
    body = research_client.get("/research/search",
                               query_string={name: value}).get_data(as_text=True)
    assert share.id not in body and total(body) == 0


def test_facet_counts_never_show_a_suppressed_context(research_client):
    lone_share("lonewriter", "The charge nurse brought me tea.", LONDON_NURSE)
    facets = facets_html(research_client.get("/research/search").get_data(as_text=True))
    for exact in ("England", "Nurse", "Adult nursing", "Under 1 year", "Internationally"):
        assert exact not in facets
    assert "UK" in facets  # the nation its page shows


def test_two_searches_differing_by_one_share_reveal_nothing_beyond_the_shown_context(
        research_client):
    _, _, london = lone_share("londoner", "Nobody asked how I was after the arrest.",
                              LONDON_NURSE)
    _, _, wales = lone_share("welsh", "My mentor stayed late to debrief with me.",
                             WELSH_MIDWIFE)
    for share in (london, wales):  # both pages show the same, fully generalised, context
        page = research_client.get(f"/research/shares/{share.id}").get_data(as_text=True)
        assert "Nurse" not in page and "Midwife" not in page and "Wales" not in page
    for name, value in TYPED_FILTERS:
        response = research_client.get("/research/search", query_string={name: value,
                                                                         "order": "newest"})
        body = response.get_data(as_text=True)
        assert (london.id in body) == (wales.id in body), (name, value)
        if response.status_code == 400:  # "uk" is in no list: refused, and nothing shown
            assert london.id not in body and 'id="result-count"' not in body
            continue
        assert total(body) in (0, 2), (name, value)


def test_search_stops_matching_a_context_once_fewer_than_five_share_it(client,
                                                                      research_client):
    midwife = Context(role="midwife")
    crowd = [lone_share(f"midwife{n}", f"Shift {n} was calm and kind.", midwife)
             for n in range(5)]
    found = research_client.get("/research/search", query_string={"role": "midwife"})
    assert total(found.get_data(as_text=True)) == 5  # five sharers: shown, and searchable
    assert "Midwife: 5" in facets_html(found.get_data(as_text=True))
    leaving, entry, _ = crowd[0]
    login(client, leaving)
    client.post(f"/journal/{entry.id}/share/withdraw")
    remaining = crowd[1][2]
    page = research_client.get(f"/research/shares/{remaining.id}").get_data(as_text=True)
    assert "Midwife" not in page  # four left: the role is no longer shown
    body = research_client.get("/research/search",
                               query_string={"role": "midwife"}).get_data(as_text=True)
    assert total(body) == 0 and remaining.id not in body
    assert "Midwife" not in facets_html(research_client.get("/research/search")
                                        .get_data(as_text=True))


def test_csv_export_shows_only_the_generalised_context(research_client):
    lone_share("lonewriter", "The charge nurse brought me tea.", LONDON_NURSE)
    csv = research_client.get("/research/export/shares.csv").get_data(as_text=True)
    assert "charge nurse" in csv and "UK" in csv
    for exact in ("London", "England", "Nurse", "Adult nursing", "Under 1 year"):
        assert exact not in csv


OLD_SCHEMA = Schema(  # the schema before finding 1 was fixed: exact context in the index
    id=ID(stored=True, unique=True), text=TEXT(analyzer=search.ANALYZER, phrase=True),
    text_hash=ID(stored=True),
    themes=KEYWORD(stored=True), role=ID(stored=True), field=ID(stored=True),
    region=ID(stored=True), nation=ID(stored=True), registered=ID(stored=True),
    international=ID(stored=True), month=ID(stored=True, sortable=True), tagged=ID(stored=True))


def test_an_index_left_by_the_old_schema_is_rebuilt_without_exact_context(app, runner,
                                                                         research_client):
    _, _, share = lone_share("lonewriter", "The charge nurse brought me tea.", LONDON_NURSE)
    old = index.create_in(app.config["INDEX_DIR"], OLD_SCHEMA)
    with old.writer() as writer:
        writer.add_document(id=share.id, text=share.text, text_hash="x", themes="",
                            role="nurse", field="adult", region="england/london",
                            nation="england", registered="under-1", international="yes",
                            month=share.month, tagged="no")
    assert b"england/london" in index_bytes(app)
    body = research_client.get("/research/search", query_string={"q": "charge"}
                               ).get_data(as_text=True)
    assert share.id in body and total(body) == 1
    assert total(research_client.get("/research/search", query_string={"region": "england"}
                                     ).get_data(as_text=True)) == 0
    assert b"england/london" not in index_bytes(app)
    assert runner.invoke(args=["search", "check"]).exit_code == 0


# --- finding 9: words a share no longer has leave the index files --------------------------------

def reshare(client, entry, share, wording: str, context: Context) -> str:
    """The writer changes the shared version of ``entry`` (its preview kept live by script);
    returns the new version's id once the next batch has reached the review queue."""
    data = {"wording": wording, "scope": "leaders", "replaces": share.id, "previewed": "live",
            "confirm": "1", **{name: getattr(context, name) for name in ctx.CHOICES}}
    response = client.post(f"/journal/{entry.id}/share", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    factories.release_held()
    return sharing.share_of(db.session.get(User, entry.author_id), entry).id


@pytest.fixture
def unique_share(client, research_client):
    """An accepted share with a word and a context nobody else has, already searched once."""
    writer, entry, share = lone_share(
        "uniquewriter", "Plonkwizzle is a word nobody else writes.",
        Context(field="learning-disability", region="northern-ireland"))
    lone_share("ordinary", "Ordinary words stay.", Context())
    assert share.id in research_client.get("/research/search?q=plonkwizzle").get_data(
        as_text=True)  # a researcher's search holds the index open
    login(client, writer)
    return entry, share


def assert_gone_from_the_index(app, research_client, *old: bytes) -> None:
    files = index_bytes(app)
    for value in old:
        assert value not in files, value
    assert total(research_client.get("/research/search?q=ordinary").get_data(as_text=True)) == 1
    assert search.check() == []


def test_reshared_wording_leaves_the_index_files(app, client, research_client, unique_share):
    entry, share = unique_share
    new_id = reshare(client, entry, share, "Fresh wording about a calm shift.", Context())
    research_client.post(f"/research/shares/{new_id}/accept")
    body = research_client.get("/research/search?q=calm").get_data(as_text=True)
    assert new_id in body
    assert_gone_from_the_index(app, research_client, b"plonkwizzl", b"northern-ireland",
                               b"learning-disability")


def test_returned_wording_leaves_the_index_files(app, research_client, unique_share):
    _, share = unique_share
    research_client.post(f"/research/shares/{share.id}/return",
                         data={"reason": "Please take out the made-up word."})
    assert_gone_from_the_index(app, research_client, b"plonkwizzl", b"northern-ireland")


def test_a_changed_context_leaves_the_index_files(app, client, research_client, unique_share):
    entry, share = unique_share
    old_key = search.context_key(share.context).encode()  # the opaque form the index holds
    new_id = reshare(client, entry, share, share.text, Context(region="wales"))
    research_client.post(f"/research/shares/{new_id}/accept")
    assert new_id in research_client.get("/research/search?q=plonkwizzle").get_data(
        as_text=True)
    assert_gone_from_the_index(app, research_client, old_key, b"northern-ireland",
                               b"learning-disability")


# --- second audit: a page number, and values no form offers -------------------------------------

@pytest.mark.parametrize("page", ["2", "-3", "two", str(10**30)])
def test_research_search_with_a_page_parameter_shows_a_page(research_client, page):
    for n in range(21):
        factories.make_share(writer := factories.make_user("writer"),
                             factories.make_entry(writer, body=f"Calm shift number {n}."),
                             accepted=True)
    response = research_client.get("/research/search", query_string={"q": "calm",
                                                                      "page": page})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and total(body) == 21
    assert ("Previous" in body) == (page in ("2", str(10**30)))
    assert body.count("shift number") == {"2": 1, str(10**30): 0}.get(page, 20)


@pytest.mark.parametrize(("name", "value", "question"), [
    ("role", "surgeon", "Your role"), ("region", "england/atlantis", "Where you work"),
    ("tagged", "maybe", "Tagged"), ("order", "oldest", "Order")])
def test_a_filter_value_no_list_offers_is_refused_with_a_clear_message(research_client, name,
                                                                        value, question):
    lone_share("lonewriter", "The charge nurse brought me tea.", LONDON_NURSE)
    response = research_client.get("/research/search", query_string={name: value})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"{question}: choose one of the options in the list" in body
    assert 'id="result-count"' not in body
