"""A shared phone: the writing page kept for offline use offers nobody the last writer's words."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import sign_in
from tests.browser.test_offline_journey import ready_offline

pytestmark = pytest.mark.browser

WORDS = "Words the first nurse never meant anyone else to read."


def test_the_offline_writing_page_holds_nothing_of_the_last_writer(app, phone):
    factories.make_user("writer", username="firstnurse")
    factories.make_user("writer", username="secondnurse")
    sign_in(phone, "firstnurse", factories.PASSWORD)
    phone.goto("/journal/new")
    ready_offline(phone)
    phone.get_by_label("Your entry").fill(WORDS)
    phone.wait_for_function("Object.keys(localStorage).some(k => k.startsWith('journal-draft:'))")
    phone.context.clear_cookies()  # the session ends without anyone signing out
    sign_in(phone, "secondnurse", factories.PASSWORD)
    phone.context.set_offline(True)
    phone.goto("/journal/new")  # offline: the service worker's kept writing page
    expect(phone.get_by_role("heading", name="New entry")).to_be_visible()
    expect(phone.locator("[data-autosave-offer]")).to_be_hidden()
    page = phone.content()
    assert "firstnurse" not in page and "secondnurse" not in page and WORDS not in page
    phone.context.set_offline(False)
