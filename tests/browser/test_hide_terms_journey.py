"""A hidden term typed into the live preview is hidden before anything is shared, in Chromium."""

import pytest
from playwright.sync_api import expect

from journal.extensions import db
from journal.models import Share
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_typing_a_hidden_term_into_the_live_preview_cannot_share_it(app, phone):
    writer = factories.make_user("writer", username="hider")
    entry = factories.make_entry(writer, title="Nights", body="A quiet night on the ward.")
    sign_in(phone, "hider", factories.PASSWORD)
    phone.goto("/journal/sharing-settings")
    phone.get_by_label("Always hide these words").fill("Jenkins")
    phone.get_by_role("button", name="Save settings").click()
    expect(phone.get_by_text("Sharing settings saved.")).to_be_visible()

    phone.goto(f"/journal/{entry.id}/share")
    phone.get_by_label("The words that will be shared").fill("Sister Mary Jenkins stayed late.")
    expect(phone.locator("#preview")).to_contain_text("Jenkins")  # the browser draws as typed
    phone.get_by_role("button", name="Share anonymously").click()

    # The server shows what would really be shared first: the term is hidden.
    expect(phone.get_by_text("You changed something after this preview was drawn")).to_be_visible()
    expect(phone.locator("#preview")).not_to_contain_text("Jenkins")
    assert db.session.scalars(db.select(Share)).all() == []
    phone.get_by_role("button", name="Share anonymously").click()
    expect(phone.get_by_text("Waiting for review")).to_be_visible()
    assert "jenkins" not in db.session.scalars(db.select(Share)).one().text.lower()
