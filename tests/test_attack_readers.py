"""Attacks on what readers of collections see (third audit: findings 1 and 3).

Finding 1: readers always got a caption of role, nation and year, even for a combination only
one sharer holds, so an anonymous visitor read what small-number suppression hid from the
research team. Finding 3: a writer whose words are in a leaders-only collection opened it and
read other writers' leaders-only words quoted in the leaders' responses and in the title.
Each test plays the reader through HTTP.
"""

import re

import pytest

from journal.context import Context
from journal.models import Audience, Scope
from journal.services import collections
from tests import factories
from tests.conftest import login

#: A combination no other sharer holds: suppression hides every item of it.
RARE = Context(role="midwife", field="midwifery", region="northern-ireland",
               registered="under-1", international="yes")
ASHA = "My preceptor noticed I had not eaten all shift."


@pytest.fixture
def rare_share(app):
    """An established writer's accepted public share whose context no one else holds."""
    asha = factories.make_user("writer", username="asha", days_old=60)
    entry = factories.make_entry(asha, body=ASHA)
    return factories.make_share(asha, entry, context=RARE, scope=Scope.PUBLIC, accepted=True)


def _page(client, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def _caption(page: str) -> str:
    """The caption under the quoted share, in one line."""
    return " ".join(re.search(r"<figcaption>(.*?)</figcaption>", page, re.S).group(1).split())


def _captions_by_reader(app, share, researcher, leader, writer) -> dict[str, str]:
    """The share's caption as every kind of reader of a collection sees it."""
    public = factories.make_collection("Being noticed", [share], Audience.PUBLIC, publish=True)
    leaders = factories.make_collection("For leaders", [share], Audience.LEADERS, publish=True)
    research, board, other = app.test_client(), app.test_client(), app.test_client()
    login(research, researcher)
    login(board, leader)
    login(other, writer)
    return {
        "anonymous": _caption(_page(app.test_client(), f"/collections/{public.id}")),
        "signed-in writer": _caption(_page(other, f"/collections/{public.id}")),
        "leader": _caption(_page(board, f"/collections/{leaders.id}")),
        "researchers' preview": _caption(_page(research,
                                               f"/research/collections/{public.id}/preview")),
    }


# --- finding 1: captions show only what suppression lets through ---------------------------------

def test_anonymous_reader_sees_no_context_that_suppression_hides_for_a_rare_share(
        app, researcher, rare_share):
    public = factories.make_collection("Being noticed", [rare_share], Audience.PUBLIC,
                                       publish=True)
    research = app.test_client()
    login(research, researcher)
    share_page = _page(research, f"/research/shares/{rare_share.id}")
    assert "Northern Ireland" not in share_page and "Midwifery" not in share_page
    page = _page(app.test_client(), f"/collections/{public.id}")
    assert ASHA in page
    assert "Northern Ireland" not in page and "Midwife" not in page
    assert _caption(page) == rare_share.month[:4]


def test_no_reader_caption_shows_a_context_value_suppression_hides(
        app, researcher, leader, writer, rare_share):
    for reader, caption in _captions_by_reader(app, rare_share, researcher, leader,
                                               writer).items():
        assert caption == rare_share.month[:4], reader


def test_reader_caption_shows_no_nation_where_researchers_see_only_uk(
        app, researcher, leader, writer, rare_share):
    # Four established midwives elsewhere: together with asha, five share "a midwife in the
    # UK", so the role may be shown, but not her nation.
    factories.make_sharers([Context(role="midwife", field="adult", region="wales",
                                    registered="1-2", international="no")], count=4)
    research = app.test_client()
    login(research, researcher)
    share_page = _page(research, f"/research/shares/{rare_share.id}")
    assert "Midwife" in share_page and "Northern Ireland" not in share_page
    year = rare_share.month[:4]
    for reader, caption in _captions_by_reader(app, rare_share, researcher, leader,
                                               writer).items():
        assert caption == f"Midwife · {year}", reader


def test_reader_caption_never_goes_below_the_nation_or_shows_more_than_the_role(
        app, researcher, leader, writer, rare_share):
    factories.make_sharers([RARE], count=4)  # researchers may now see all of it
    research = app.test_client()
    login(research, researcher)
    assert "Internationally educated" in _page(research, f"/research/shares/{rare_share.id}")
    year = rare_share.month[:4]
    for reader, caption in _captions_by_reader(app, rare_share, researcher, leader,
                                               writer).items():
        assert caption == f"Midwife · Northern Ireland · {year}", reader


def test_share_preview_tells_the_writer_what_readers_of_collections_see(client, writer):
    entry = factories.make_entry(writer, body="A long night, and a kind charge nurse.")
    login(client, writer)
    page = " ".join(_page(client, f"/journal/{entry.id}/share").split())
    assert ("Readers of collections see your words with your role, nation and year at most, "
            "and less where few people share the same details.") in page


# --- finding 3: other writers' leaders-only words quoted where a writer reads -------------------

THEIRS = "Nobody asked how I was after the arrest call, not even once that week."
MINE = "Sister Lane stayed late to show me the pumps before her own train home."
QUOTE = "nobody asked how I was after the arrest call"
QUOTING = f"The line '{QUOTE}' will stay with me. We will protect debriefs."


@pytest.fixture
def board(writer, other_writer):
    """A published leaders-only collection holding the writer's words and another writer's."""
    mine = factories.make_share(writer, factories.make_entry(writer, body=MINE),
                                scope=Scope.LEADERS, accepted=True)
    theirs = factories.make_share(other_writer, factories.make_entry(other_writer, body=THEIRS),
                                  scope=Scope.LEADERS, accepted=True)
    return factories.make_collection("For the board", [mine, theirs], publish=True)


def _quotes_theirs(page: str) -> bool:
    return "asked how I was after the arrest" in page


def test_writer_does_not_read_another_writers_leaders_only_words_in_a_leaders_response(
        app, client, writer, leader, board):
    collections.respond(leader, board, QUOTING)
    login(client, writer)
    page = _page(client, f"/collections/{board.id}")
    assert "will stay with me" in page and "[words not shown for now]" in page
    assert not _quotes_theirs(page)
    reader = app.test_client()
    login(reader, leader)  # leaders may read the words, so their quotes stay
    assert _quotes_theirs(_page(reader, f"/collections/{board.id}"))


def test_writer_does_not_read_another_writers_leaders_only_words_in_the_title(
        app, client, writer, researcher, board):
    curator = app.test_client()
    login(curator, researcher)
    response = curator.post(f"/research/collections/{board.id}/edit", data={
        "title": f"'{QUOTE}'", "summary": "What new nurses told us.", "audience": "leaders"},
        follow_redirects=True)
    assert response.status_code == 200 and _quotes_theirs(response.get_data(as_text=True))
    login(client, writer)
    page = _page(client, f"/collections/{board.id}")
    assert "for senior leaders only" in page and not _quotes_theirs(page)
    for url in ("/collections/", "/journal/shared"):  # where the collection is listed
        page = _page(client, url)
        assert f"/collections/{board.id}" in page and not _quotes_theirs(page), url


def test_writer_still_reads_their_own_words_quoted_in_a_response(client, writer, leader, board):
    collections.respond(leader, board, "Sister Lane stayed late to show me the pumps: thank her.")
    login(client, writer)
    assert "Sister Lane stayed late to show me the pumps" in _page(client,
                                                                   f"/collections/{board.id}")
