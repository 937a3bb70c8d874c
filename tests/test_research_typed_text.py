"""What a researcher typed survives a refusal: a theme memo, an item's commentary, and a memo or
reason sent to a share its writer withdrew a moment earlier (promise 4: nothing typed is lost)."""

import re

import pytest

from journal.extensions import db
from journal.models import Memo
from journal.models.sharing import new_share_id
from tests import factories
from tests.conftest import login

#: Longer than the 5,000 characters a memo or commentary may hold.
LONG = "The ward manager stayed to talk us through the night. " * 100
#: An escape character and a broken symbol, as a paste from a terminal or a bad encoding gives.
GARBLED = ("Quotes from the night shift\x1b[0m about handover", "Handover felt \ufffd rushed")


@pytest.fixture
def signed_in(client, researcher):
    login(client, researcher)
    return researcher


def test_a_theme_memo_too_long_comes_back_with_its_text_and_the_limit(client, signed_in):
    theme = factories.make_theme("Being heard")
    response = client.post(f"/research/themes/{theme.id}/memos", data={"text": LONG})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert LONG.strip() in page  # the words are in the memo box again
    assert "5,000 characters or fewer" in page
    assert "Write the memo before saving it" not in page  # it was not empty
    assert db.session.scalars(db.select(Memo)).all() == []


@pytest.mark.parametrize("typed", GARBLED)
def test_a_theme_memo_with_hidden_characters_comes_back_cleaned(client, signed_in, typed):
    theme = factories.make_theme("Being heard")
    response = client.post(f"/research/themes/{theme.id}/memos", data={"text": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "hidden or unreadable characters" in page
    assert "Write the memo before saving it" not in page
    cleaned = typed.replace("\x1b", "").replace("\ufffd", "")
    assert cleaned in page  # shown back without them, ready to save with one more press
    saved = client.post(f"/research/themes/{theme.id}/memos", data={"text": cleaned})
    assert saved.status_code == 302
    assert [m.text for m in db.session.scalars(db.select(Memo))] == [cleaned]


@pytest.fixture
def item(app, writer):
    share = factories.make_share(writer, factories.make_entry(writer), accepted=True)
    return factories.make_collection("What helps", [share]).items[0]


def commentary_box(page: str, item_id: int) -> str:
    """The text in the commentary box of item ``item_id`` on the manage page."""
    found = re.search(rf'id="commentary-{item_id}"[^>]*>(.*?)</textarea>', page, re.S)
    return found.group(1) if found else ""


@pytest.mark.parametrize(("typed", "message"), [
    (LONG, "5,000 characters or fewer"), *((text, "hidden or unreadable") for text in GARBLED)])
def test_refused_commentary_comes_back_in_its_box_with_the_reason(client, signed_in, item,
                                                                  typed, message):
    url = f"/research/collections/{item.collection_id}/items/{item.id}/commentary"
    response = client.post(url, data={"commentary": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    shown = commentary_box(page, item.id)
    assert shown.strip() == typed.replace("\x1b", "").replace("\ufffd", "").strip()
    db.session.refresh(item)
    assert not item.commentary


# --- a share withdrawn as the researcher works on it -------------------------------------------

ACTIONS = {"memos": {"text": "Memo: the third night shift this month."},
           "return": {"reason": "It names the ward: please take out the name of the ward."},
           "tags": {"excerpt": "handover"}, "accept": {}, "safeguarding": {"needs_review": "1"}}


@pytest.fixture
def withdrawn_share(app, client, writer, researcher):
    """A share the researcher had open, withdrawn by its writer (on the writer's own device)."""
    entry = factories.make_entry(writer, body="A handover note, and a kind word.")
    share_id = factories.make_share(writer, entry).id
    device = app.test_client()
    login(device, writer)
    assert device.post(f"/journal/{entry.id}/share/withdraw").status_code == 302
    login(client, researcher)
    return share_id


@pytest.mark.parametrize("action", ACTIONS)
def test_acting_on_a_just_withdrawn_share_says_so_and_shows_the_typed_words(
        client, withdrawn_share, action):
    data = ACTIONS[action]
    response = client.post(f"/research/shares/{withdrawn_share}/{action}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "no longer available" in page and "withdrawn by its writer" in page
    for typed in data.values():
        if typed != "1":
            assert typed in page  # to copy, since it cannot be saved against that share
    assert "Page not found" not in page


@pytest.mark.parametrize("action", ACTIONS)
def test_the_withdrawn_answer_is_the_same_for_a_share_that_never_existed(
        client, withdrawn_share, action):
    def answer(share_id: str):
        response = client.post(f"/research/shares/{share_id}/{action}", data=ACTIONS[action])
        # Tokens differ per page; everything else must be identical.
        return response.status_code, re.sub(r'value="[^"]{30,}"', "", response.get_data(
            as_text=True)).replace(share_id, "ID")

    assert answer(withdrawn_share) == answer(new_share_id())
