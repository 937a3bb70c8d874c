"""Attacks on consent scope, audiences and leaders' responses (issue 10: findings 2, 8, 11),
and on withdrawn words kept in what the research team wrote (second audit: finding 2, and the
low finding on caching public pages).

Each test plays the attacker through HTTP: the anonymous reader with a public link, a writer
given a leaders-only link, a writer who narrows consent by changing the shared version, a
reader who keeps a page that quoted words since withdrawn.
"""

import re

import pytest
from sqlalchemy import String, select

from journal.extensions import db
from journal.models import Audience, CollectionItem, Scope, Share
from journal.services import collections, sharing
from tests import factories
from tests.conftest import login

MINE = "Sister Lane stayed late to show me the pumps."
THEIRS = "Nobody asked how I was after the arrest call."
RESPONSE = "I heard you: we will protect debriefs after every arrest call."


@pytest.fixture
def public_share(writer):
    """The writer's words, accepted and consented for public collections."""
    entry = factories.make_entry(writer, title="Pumps", body=MINE)
    return factories.make_share(writer, entry, scope=Scope.PUBLIC, accepted=True)


@pytest.fixture
def leaders_share(other_writer):
    """Another writer's words, consented for senior leaders only."""
    entry = factories.make_entry(other_writer, body=THEIRS)
    return factories.make_share(other_writer, entry, scope=Scope.LEADERS, accepted=True)


def _entry_of(writer, share: Share):
    return next(e for e, s in sharing.my_shares(writer) if s.id == share.id)


def _reshare(client, entry, share: Share, wording: str, scope: Scope):
    """Change the shared version as the writer does, from the share preview."""
    return client.post(f"/journal/{entry.id}/share", data={
        "wording": wording, "scope": scope.value, "replaces": share.id, "previewed": "live",
        "confirm": "1"})


def _accept_current(app, researcher, writer, entry) -> None:
    """The next batch reaches the queue and a researcher accepts the entry's current share
    (a changed version is a new share with a new id)."""
    factories.release_held()
    share_id = sharing.share_of(writer, entry).id
    reviewer = app.test_client()
    login(reviewer, researcher)
    assert reviewer.post(f"/research/shares/{share_id}/accept").status_code == 302


def _page(client, url: str) -> str:
    return client.get(url).get_data(as_text=True)


# --- finding 2: narrowing consent through "change the shared version" -------------------------

def test_resharing_as_research_only_takes_the_words_out_of_a_public_collection(
        app, client, writer, researcher, public_share):
    public = factories.make_collection("Open letter", [public_share], audience=Audience.PUBLIC,
                                       publish=True)
    login(client, writer)
    entry = _entry_of(writer, public_share)
    response = _reshare(client, entry, public_share, MINE, Scope.RESEARCH)
    assert response.status_code == 302
    _accept_current(app, researcher, writer, entry)
    assert MINE not in _page(app.test_client(), f"/collections/{public.id}")
    item = db.session.scalars(db.select(CollectionItem)).one()
    assert item.share_id is None  # cleared as "narrow" clears it, not merely hidden


def test_resharing_for_leaders_leaves_every_collection_until_a_researcher_adds_it_again(
        app, client, writer, researcher, leader, public_share):
    # A changed version is a new share (second audit, finding 7): no collection quotes it
    # until a researcher has read it and added it, whatever its scope.
    public = factories.make_collection("Open letter", [public_share], audience=Audience.PUBLIC,
                                       publish=True)
    leaders = factories.make_collection("For the board", [public_share], publish=True)
    login(client, writer)
    entry = _entry_of(writer, public_share)
    _reshare(client, entry, public_share, MINE, Scope.LEADERS)
    _accept_current(app, researcher, writer, entry)
    assert MINE not in _page(app.test_client(), f"/collections/{public.id}")
    reader = app.test_client()
    login(reader, leader)
    page = _page(reader, f"/collections/{leaders.id}")
    assert MINE not in page and "Withdrawn by its author." in page


def test_a_collection_never_shows_an_item_its_share_no_longer_allows(
        app, client, researcher, leader, public_share):
    public = factories.make_collection("Open letter", [public_share], audience=Audience.PUBLIC,
                                       publish=True)
    signed_in = factories.make_collection("For everyone", [public_share],
                                          audience=Audience.SIGNED_IN, publish=True)
    leaders = factories.make_collection("For the board", [public_share], publish=True)
    # However the scope came to change (an old row, a path added later), the page checks it.
    public_share.scope = Scope.RESEARCH
    db.session.commit()
    assert MINE not in _page(app.test_client(), f"/collections/{public.id}")
    reader = app.test_client()
    login(reader, leader)
    for collection in (signed_in, leaders):
        assert MINE not in _page(reader, f"/collections/{collection.id}")
    assert "0 pieces" in _page(reader, "/collections/")
    login(client, researcher)
    for collection in (public, signed_in, leaders):
        assert MINE not in _page(client, f"/research/collections/{collection.id}/preview")
        manage = _page(client, f"/research/collections/{collection.id}")
        assert MINE not in manage and "Not shown to readers" in manage


def test_changed_wording_leaves_no_stale_excerpt_in_a_collection(
        app, client, writer, researcher, leader, public_share):
    theme = factories.make_theme("Being taught")
    tag = factories.make_tag(researcher, public_share, theme, excerpt="stayed late")
    collection = factories.make_collection("Taught")
    collections.add_item(collection, public_share, tag)
    collections.publish(collection)
    login(client, writer)
    entry = _entry_of(writer, public_share)
    _reshare(client, entry, public_share, "A colleague showed me the pumps.", Scope.PUBLIC)
    _accept_current(app, researcher, writer, entry)
    reader = app.test_client()
    login(reader, leader)
    page = _page(reader, f"/collections/{collection.id}")
    assert "stayed late" not in page and "Withdrawn by its author." in page


def test_an_excerpt_item_shows_only_while_its_passage_is_in_the_wording(
        app, researcher, leader, public_share):
    theme = factories.make_theme("Being taught")
    tag = factories.make_tag(researcher, public_share, theme, excerpt="stayed late")
    collection = factories.make_collection("Taught")
    collections.add_item(collection, public_share, tag)
    collections.publish(collection)
    # Checked where it is shown, not only trusted to every path that changes the wording.
    public_share.text = "A colleague showed me the pumps."
    db.session.commit()
    reader = app.test_client()
    login(reader, leader)
    assert "stayed late" not in _page(reader, f"/collections/{collection.id}")


def test_returned_or_flagged_shares_show_nowhere_in_a_collection(
        app, client, writer, researcher, leader, public_share):
    collection = factories.make_collection("Open letter", [public_share],
                                           audience=Audience.PUBLIC, publish=True)
    # Commentary introduces the words (and often echoes them): it goes when they go.
    collections.set_commentary(collection, collection.items[0].id, "She stayed late for us.")
    login(client, researcher)
    client.post(f"/research/shares/{public_share.id}/safeguarding", data={"needs_review": "1"})
    page = _page(app.test_client(), f"/collections/{collection.id}")
    assert MINE not in page and "She stayed late for us." not in page
    client.post(f"/research/shares/{public_share.id}/safeguarding", data={"needs_review": "0"})
    client.post(f"/research/shares/{public_share.id}/return", data={"reason": "Names a ward."})
    assert MINE not in _page(app.test_client(), f"/collections/{collection.id}")
    assert MINE not in _page(client, f"/research/collections/{collection.id}/preview")
    login(client, writer)
    assert f"/collections/{collection.id}" not in _page(client, "/journal/shared")


# --- finding 8: writers and leaders-only collections ------------------------------------------

def test_writer_with_words_in_a_leaders_only_collection_cannot_read_the_other_words(
        app, client, writer, leader, leaders_share):
    entry = factories.make_entry(writer, body=MINE)
    mine = factories.make_share(writer, entry, scope=Scope.LEADERS, accepted=True)
    collection = factories.make_collection("For the board", [mine, leaders_share],
                                           publish=True)
    collections.set_commentary(collection, collection.items[1].id, "Quoting: arrest call.")
    collection.summary = "Debriefs after an arrest call came up again and again."
    db.session.commit()
    collections.respond(leader, collection, RESPONSE)
    login(client, writer)
    assert f"/collections/{collection.id}" in _page(client, "/journal/shared")
    listed = _page(client, "/collections/")
    assert "For the board" in listed and "came up again" not in listed
    response = client.get(f"/collections/{collection.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "For the board" in page and RESPONSE in page
    assert THEIRS not in page and "arrest call" not in page.replace(RESPONSE, "")
    assert "for senior leaders only" in page


def test_writer_given_a_leaders_only_link_gets_404(app, client, other_writer, leaders_share):
    collection = factories.make_collection("For the board", [leaders_share], publish=True)
    outsider = factories.make_user("writer", username="outsider")
    login(client, outsider)
    assert client.get(f"/collections/{collection.id}").status_code == 404
    assert "For the board" not in _page(client, "/collections/")


def test_everyone_with_an_account_takes_only_words_consented_for_public_collections(
        client, researcher, leaders_share):
    collection = factories.make_collection("For everyone", audience=Audience.SIGNED_IN)
    login(client, researcher)
    page = client.post("/research/collections/add", data={
        "collection_id": collection.id, "share_id": leaders_share.id},
        follow_redirects=True).get_data(as_text=True)
    assert "The writer did not agree to this" in page
    assert collections.get(collection.id).items == []


# --- finding 11 (part): who reads leaders' responses ------------------------------------------

def test_anonymous_reader_does_not_see_leaders_responses_on_a_public_collection(
        app, leader, public_share):
    collection = factories.make_collection("Open letter", [public_share],
                                           audience=Audience.PUBLIC, publish=True)
    collections.respond(leader, collection, RESPONSE)
    page = _page(app.test_client(), f"/collections/{collection.id}")
    assert MINE in page and RESPONSE not in page


def test_responses_are_read_only_by_the_research_team_and_the_writers_whose_words_are_here(
        app, client, writer, other_writer, researcher, leader, public_share):
    collection = factories.make_collection("Open letter", [public_share],
                                           audience=Audience.PUBLIC, publish=True)
    login(client, leader)
    form = _page(client, f"/collections/{collection.id}")
    assert "Only the research team and the writers whose words are here" in form
    client.post(f"/collections/{collection.id}", data={"text": RESPONSE})
    assert RESPONSE in _page(client, f"/collections/{collection.id}")  # their own, to edit
    other_leader = app.test_client()
    login(other_leader, factories.make_user("leader", username="otherleader"))
    bystander = app.test_client()
    login(bystander, other_writer)
    for reader in (other_leader, bystander):
        assert RESPONSE not in _page(reader, f"/collections/{collection.id}")
    for reader, user in ((app.test_client(), writer), (app.test_client(), researcher)):
        login(reader, user)
        assert RESPONSE in _page(reader, f"/collections/{collection.id}")


# --- second audit, finding 2: withdrawn words left in what the research team wrote ------------

QUOTED = "stayed late to show me the pumps"  # seven words of MINE
# The research team's copy differs in case, punctuation and spacing: still the writer's words.
ECHO = 'One midwife told us: "Sister Lane STAYED late \u2014  to show me the pumps!"'
MARKER = "[words withdrawn by their author]"


def _plain(text: str) -> str:
    """Words only, lower case: what "the same words" means, whatever the punctuation."""
    return " ".join(re.findall(r"\w+", text.lower()))


def _quotes_mine(text: str) -> bool:
    return _plain(QUOTED) in _plain(text)


def _cells_quoting_mine(skip: set[tuple[str, str]] = frozenset()) -> list[tuple[str, str]]:
    """Every string column of every table that still holds the quoted run."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String)
                   and (table.name, c.name) not in skip]
        for row in db.session.execute(select(*columns)) if columns else ():
            found += [(table.name, c.name) for c, value in zip(columns, row, strict=True)
                      if value is not None and _quotes_mine(str(value))]
    return found


@pytest.fixture
def quoted(app, client, researcher, leader, other_writer, public_share):
    """The research team quotes the writer's words everywhere they write, through the app."""
    theirs = factories.make_share(other_writer, factories.make_entry(other_writer, body=THEIRS),
                                  scope=Scope.PUBLIC, accepted=True)
    returned = factories.make_share(other_writer, factories.make_entry(other_writer),
                                    scope=Scope.PUBLIC)
    theme = factories.make_theme("Being taught")
    factories.make_tag(researcher, theirs, theme)
    public = factories.make_collection("Open letter", [public_share, theirs],
                                       audience=Audience.PUBLIC, publish=True)
    leaders = factories.make_collection("For the board", [theirs], publish=True)
    login(client, researcher)
    client.post(f"/research/themes/{theme.id}/edit", data={
        "name": "Stayed late to show me the pumps", "description": ECHO, "parent_id": ""})
    client.post(f"/research/themes/{theme.id}/memos", data={"text": ECHO})
    client.post(f"/research/shares/{theirs.id}/memos", data={"text": ECHO})
    client.post(f"/research/shares/{returned.id}/return", data={"reason": ECHO})
    for collection, audience in ((public, "public"), (leaders, "leaders")):
        client.post(f"/research/collections/{collection.id}/edit", data={
            "title": f"{collection.title}: stayed late to show me the pumps",
            "summary": ECHO, "audience": audience, "theme_id": ""})
        for item in collection.items:
            client.post(f"/research/collections/{collection.id}/items/{item.id}/commentary",
                        data={"commentary": ECHO})
    reader = app.test_client()
    login(reader, leader)
    reader.post(f"/collections/{public.id}", data={"text": ECHO})
    assert len(_cells_quoting_mine()) == 15  # the attack is set: the words are everywhere
    return {"public": public, "leaders": leaders, "theirs": theirs, "theme": theme}


def test_withdrawal_takes_quoted_words_out_of_everything_the_research_team_wrote(
        app, client, writer, other_writer, researcher, leader, public_share, quoted):
    public, leaders = quoted["public"], quoted["leaders"]
    login(client, writer)
    client.post(f"/journal/{_entry_of(writer, public_share).id}/share/withdraw")
    anonymous = _page(app.test_client(), f"/collections/{public.id}")
    assert not _quotes_mine(anonymous) and MARKER in anonymous
    assert "One midwife told us" in anonymous and THEIRS in anonymous  # the rest is kept
    pages = [anonymous]
    for user, urls in (
            (leader, ["/collections/", f"/collections/{public.id}",
                      f"/collections/{leaders.id}"]),
            (researcher, ["/research/collections/", f"/research/collections/{public.id}",
                          f"/research/collections/{public.id}/preview",
                          f"/research/collections/{leaders.id}", "/research/themes/",
                          f"/research/themes/{quoted['theme'].id}",
                          f"/research/shares/{quoted['theirs'].id}", "/research/shares",
                          "/research/search?q=pumps", "/research/export/shares.csv",
                          "/research/export/excerpts.csv"]),
            (other_writer, ["/journal/shared", f"/collections/{public.id}"])):
        reader = app.test_client()
        login(reader, user)
        for url in urls:
            response = reader.get(url)
            assert response.status_code == 200, url
            pages.append(response.get_data(as_text=True))
            assert not _quotes_mine(pages[-1]), url
    assert MARKER in pages[-2]  # the returned share's reason, as its writer reads it
    # The writer's own private entry keeps their words: it is theirs alone.
    assert _cells_quoting_mine() == [("entries", "body")]


def test_deleting_a_shared_entry_leaves_no_quoted_run_in_any_table(
        client, writer, public_share, quoted):
    share_id, entry = public_share.id, _entry_of(writer, public_share)
    login(client, writer)
    client.post(f"/journal/{entry.id}/delete", data={"confirm": "1"})
    assert db.session.get(Share, share_id) is None
    assert _cells_quoting_mine() == []


def test_narrowing_consent_takes_quoted_words_out_of_collections_for_a_wider_audience(
        app, client, writer, researcher, leader, public_share, quoted):
    public, leaders = quoted["public"], quoted["leaders"]
    login(client, writer)
    client.post(f"/journal/{_entry_of(writer, public_share).id}/share/scope",
                data={"scope": "leaders"})
    anonymous = _page(app.test_client(), f"/collections/{public.id}")
    assert not _quotes_mine(anonymous) and MARKER in anonymous
    # Leaders may still read the words, and the research team keeps its notes on them.
    reader = app.test_client()
    login(reader, leader)
    assert _quotes_mine(_page(reader, f"/collections/{leaders.id}"))
    login(reader, researcher)
    assert _quotes_mine(_page(reader, f"/research/shares/{quoted['theirs'].id}"))
    assert _quotes_mine(_page(reader, f"/research/themes/{quoted['theme'].id}"))


def test_changing_the_shared_version_takes_dropped_words_out_of_research_notes(
        app, client, writer, researcher, public_share, quoted):
    login(client, writer)
    kept = "Sister Lane was kind to me on my first night."
    _reshare(client, _entry_of(writer, public_share), public_share, kept, Scope.PUBLIC)
    reader = app.test_client()
    login(reader, researcher)
    page = _page(reader, f"/research/shares/{quoted['theirs'].id}")
    assert not _quotes_mine(page) and MARKER in page
    assert _cells_quoting_mine(skip={("entries", "body")}) == []


@pytest.mark.parametrize("change", ["withdraw", "narrow", "hold", "return", "reshare"])
def test_commentary_on_an_item_is_not_shown_once_its_item_is_not(
        app, client, writer, researcher, public_share, change):
    collection = factories.make_collection("Open letter", [public_share],
                                           audience=Audience.PUBLIC, publish=True)
    # Commentary in the researchers' own words (no quote to find): it still goes with the item.
    collections.set_commentary(collection, collection.items[0].id, "A night nurse, on mentors.")
    entry = _entry_of(writer, public_share)
    login(client, researcher if change in ("hold", "return") else writer)
    if change == "withdraw":
        client.post(f"/journal/{entry.id}/share/withdraw")
    elif change == "narrow":
        client.post(f"/journal/{entry.id}/share/scope", data={"scope": "leaders"})
    elif change == "hold":
        client.post(f"/research/shares/{public_share.id}/safeguarding",
                    data={"needs_review": "1"})
    elif change == "return":
        client.post(f"/research/shares/{public_share.id}/return", data={"reason": "A name."})
    else:
        _reshare(client, entry, public_share, MINE, Scope.PUBLIC)  # back in review
    page = _page(app.test_client(), f"/collections/{collection.id}")
    assert MINE not in page and "A night nurse, on mentors." not in page


def test_public_collection_pages_cannot_be_kept_by_a_cache(app, public_share):
    collection = factories.make_collection("Open letter", [public_share],
                                           audience=Audience.PUBLIC, publish=True)
    response = app.test_client().get(f"/collections/{collection.id}")
    assert response.status_code == 200 and MINE in response.get_data(as_text=True)
    assert "no-store" in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("change", ["hold", "return"])
def test_quotes_of_words_not_shown_now_are_not_shown_elsewhere_in_the_collection(
        app, client, researcher, leader, other_writer, public_share, change):
    theirs = factories.make_share(other_writer, factories.make_entry(other_writer, body=THEIRS),
                                  scope=Scope.PUBLIC, accepted=True)
    collection = factories.make_collection("Open letter", [public_share, theirs],
                                           audience=Audience.PUBLIC, publish=True)
    collection.title, collection.summary = "Open letter: stayed late to show me the pumps", ECHO
    collections.set_commentary(collection, collection.items[1].id, ECHO)
    collections.respond(leader, collection, ECHO)
    login(client, researcher)
    if change == "hold":
        client.post(f"/research/shares/{public_share.id}/safeguarding", data={"needs_review": "1"})
    else:
        client.post(f"/research/shares/{public_share.id}/return", data={"reason": "A name."})
    reader = app.test_client()
    login(reader, factories.make_user("leader", username="otherleader"))
    for page in (_page(app.test_client(), f"/collections/{collection.id}"),
                 _page(reader, "/collections/"), _page(reader, f"/collections/{collection.id}"),
                 _page(client, f"/collections/{collection.id}"),
                 _page(client, f"/research/collections/{collection.id}/preview")):
        assert not _quotes_mine(page) and "One midwife told us" in page
    assert "[words not shown for now]" in page
    if change == "hold":  # held, not withdrawn: the words come back when the hold is cleared
        client.post(f"/research/shares/{public_share.id}/safeguarding", data={"needs_review": "0"})
        assert _quotes_mine(_page(app.test_client(), f"/collections/{collection.id}"))


def test_a_new_share_cannot_blank_out_collection_text_it_copies(
        app, client, other_writer, public_share):
    collection = factories.make_collection("Open letter", [public_share],
                                           audience=Audience.PUBLIC, publish=True)
    summary = "Mentors who stay late teach more than any study day ever could."
    collections.save(collection, collection.title, summary, Audience.PUBLIC)
    login(client, other_writer)
    entry = factories.make_entry(other_writer, body=summary)
    client.post(f"/journal/{entry.id}/share", data={
        "wording": summary, "scope": "research", "replaces": "", "previewed": "live",
        "confirm": "1"})
    assert sharing.share_of(other_writer, entry) is not None
    assert summary in _page(app.test_client(), f"/collections/{collection.id}")
