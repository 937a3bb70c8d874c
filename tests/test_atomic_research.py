"""Two requests at once in the research workspace: tagging, memos, review, the codebook.

Whatever the timing, two researchers tagging one share with one theme make one tag; a share its
writer withdraws as it is tagged, annotated, accepted or returned leaves nothing behind and
shows no error page; and two merges of the same themes lose no tag.
"""

import pytest

from journal.extensions import db
from journal.models import Memo, Share, Tag, Theme
from tests import factories
from tests.concurrency import ROUNDS, at_once, statuses
from tests.conftest import login


@pytest.fixture
def researchers(app, researcher):
    """Two researchers (or one in two tabs), signed in."""
    first, second = app.test_client(), app.test_client()
    login(first, researcher)
    login(second, researcher)
    return first, second


@pytest.fixture
def writer_client(app, writer):
    client = app.test_client()
    login(client, writer)
    return client


def post(client, url: str, data: dict | None = None):
    return lambda: client.post(url, data=data or {})


def count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def shared(writer, accepted: bool = True):
    """A new entry of ``writer`` and its share (accepted unless asked)."""
    entry = factories.make_entry(writer, body="Handover ran late and nobody noticed.")
    return entry, factories.make_share(writer, entry, accepted=accepted)


def test_two_researchers_tagging_one_share_with_one_theme_make_one_tag(app, writer,
                                                                        researchers):
    theme = factories.make_theme("Breaks")
    for _ in range(ROUNDS):
        share_id = shared(writer)[1].id
        responses = at_once(app, *(post(r, f"/research/shares/{share_id}/tags",
                                        {"theme_ids": str(theme.id)}) for r in researchers))
        assert statuses(responses) == [302, 302]
        assert count(Tag, Tag.share_id == share_id) == 1


@pytest.mark.parametrize("action", ["tags", "memos", "accept", "return", "safeguarding"])
def test_working_on_a_share_as_its_writer_withdraws_it_leaves_nothing(
        app, writer, writer_client, researchers, action):
    theme = factories.make_theme("Handover")
    data = {"tags": {"theme_ids": str(theme.id)}, "memos": {"text": "Quotes: ran late."},
            "accept": {}, "return": {"reason": "It names the ward."},
            "safeguarding": {"needs_review": "1"}}[action]
    for _ in range(ROUNDS):
        entry, share = shared(writer, accepted=action in ("tags", "memos", "safeguarding"))
        share_id = share.id
        responses = at_once(app, post(researchers[0], f"/research/shares/{share_id}/{action}",
                                      data),
                            post(writer_client, f"/journal/{entry.id}/share/withdraw"))
        # The researcher's request either came first (and its work went with the share) or
        # found the share already withdrawn (not found): never an error page.
        assert responses[0].status_code in (302, 404)
        assert responses[1].status_code == 302
        assert count(Share, Share.id == share_id) == 0
        assert count(Tag, Tag.share_id == share_id) == count(Memo, Memo.share_id == share_id) == 0


def test_merging_two_themes_into_each_other_at_once_loses_no_tag(app, writer, researcher,
                                                                  researchers):
    for round_ in range(ROUNDS):
        first = factories.make_theme(f"Tired {round_}")
        second = factories.make_theme(f"Exhausted {round_}")
        for theme in (first, second):
            factories.make_tag(researcher, shared(writer)[1], theme)
        tags = count(Tag)
        responses = at_once(app, post(researchers[0], f"/research/themes/{first.id}/merge",
                                      {"target_id": str(second.id)}),
                            post(researchers[1], f"/research/themes/{second.id}/merge",
                                 {"target_id": str(first.id)}))
        assert statuses(responses) == [302, 302]
        assert count(Tag) == tags
        assert count(Theme, Theme.id.in_([first.id, second.id])) == 1
        db.session.expunge(first)  # one is gone: SQLite may give its id to the next theme
        db.session.expunge(second)


def test_the_same_new_theme_from_two_tabs_is_made_once(app, researchers):
    for round_ in range(ROUNDS):
        name = f"Feeling heard {round_}"
        responses = at_once(app, *(post(r, "/research/themes/", {"name": name})
                                   for r in researchers))
        assert statuses(responses) == [302, 422]
        refused = next(r for r in responses if r.status_code == 422)
        assert "There is already a theme called" in refused.get_data(as_text=True)
        assert count(Theme, Theme.name == name) == 1
