"""Writing on the phone about an entry just deleted on the computer: the script says so plainly
(not "sign in again") and carries the words over to a new entry, where they are offered back."""

import pytest
from playwright.sync_api import expect

from journal.extensions import db
from journal.models import Draft, Entry
from journal.services import journal as journal_service
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

WORDS = " And then the ward went quiet."


@pytest.fixture
def expected_statuses():
    """410: the autosave to the deleted entry, answered on purpose before the script moves on."""
    return (422, 409, 410)


def test_autosave_after_a_delete_elsewhere_moves_the_words_to_a_new_entry(app, phone):
    writer = factories.make_user("writer", username="bayfour")
    entry_id = factories.make_entry(writer, title="Night", body="Bay four tonight.").id
    sign_in(phone, "bayfour", factories.PASSWORD)
    phone.goto(f"/journal/{entry_id}/edit")
    # The computer deletes it (as its delete page does: the browser here is the phone).
    journal_service.delete_entry(writer, db.session.get(Entry, entry_id))
    body = phone.get_by_label("Your entry")
    body.press("End")
    body.type(WORDS)
    status = phone.locator("[data-autosave-status]")
    expect(status).to_contain_text("deleted on another device", timeout=10_000)
    expect(status).not_to_contain_text("sign in again")
    expect(status).to_contain_text("kept as a new entry", timeout=10_000)
    db.session.expire_all()
    (draft,) = db.session.scalars(db.select(Draft)).all()  # and on the server, for a new entry
    assert draft.slot == "new" and WORDS.strip() in draft.fields
    phone.get_by_role("link", name="Open a new entry").click()
    expect(phone.get_by_role("heading", name="New entry")).to_be_visible()
    phone.get_by_role("button", name="Restore it").click()
    expect(phone.get_by_label("Your entry")).to_have_value("Bay four tonight." + WORDS)
