"""An autosave refused for a stale form token fetches fresh tokens once and saves.

The token changes when the writer signs in again (after an idle timeout, in another tab, say);
the editor left open must not stop saving for good while it still looks fine.
"""

import pytest
from playwright.sync_api import expect

from journal.extensions import db
from journal.models import Draft
from tests import factories
from tests.browser.conftest import sign_in
from tests.browser.test_offline_journey import ready_offline

pytestmark = pytest.mark.browser

FIRST = "Bay four was wild tonight."
MORE = " Then the power went out and I held her hand in the dark."


@pytest.fixture
def expected_statuses():
    """400: the autosave token refused on purpose, before the script renews it."""
    return (422, 409, 400)


def draft_on_server() -> str:
    db.session.expire_all()
    return " ".join(draft.fields for draft in db.session.scalars(db.select(Draft)))


def start_writing(phone, username: str) -> None:
    """Sign in, open a new entry and write until it is saved on the server."""
    factories.make_user("writer", username=username)
    sign_in(phone, username, factories.PASSWORD)
    phone.goto("/journal/new")
    ready_offline(phone)
    phone.get_by_label("Your entry").fill(FIRST)
    expect(phone.locator("[data-autosave-status]")).to_have_text("Saved", timeout=10_000)


def type_more(phone) -> None:
    body = phone.get_by_label("Your entry")
    body.press("End")
    body.type(MORE)


def test_an_autosave_refused_for_a_renewed_token_fetches_fresh_ones_and_saves(app, phone):
    start_writing(phone, "nightwriter")
    phone.context.clear_cookies()  # the session ends (an idle timeout)...
    other_tab = phone.context.new_page()
    sign_in(other_tab, "nightwriter", factories.PASSWORD)  # ...and she signs in again elsewhere
    expect(other_tab.get_by_role("heading", name="Sign in")).to_be_hidden()
    other_tab.close()
    type_more(phone)  # the first tab's token is no longer the session's
    expect(phone.locator("[data-autosave-status]")).to_have_text("Saved", timeout=10_000)
    assert FIRST + MORE in draft_on_server()
    type_more(phone)  # and it keeps saving with the fresh tokens
    expect(phone.locator("[data-autosave-status]")).to_have_text("Saved", timeout=10_000)
    assert FIRST + MORE + MORE in draft_on_server()
