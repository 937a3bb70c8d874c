"""Signing out clears the phone, but never silently loses words only the phone holds.

Drafts the server does not have yet (no signal, or a failed autosave) are sent first; if they
cannot be, the writer is asked, on the page, whether to stay signed in or lose them.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.test_autosave_token_journey import (
    FIRST,
    MORE,
    draft_on_server,
    start_writing,
    type_more,
)
from tests.browser.test_shared_device_journey import drafts_on_device

pytestmark = pytest.mark.browser

WARNING = "Some writing on this phone has not reached your journal yet"


@pytest.fixture
def expected_statuses():
    """500: the journal's server made to fail on purpose (a 503 would be retried by itself)."""
    return (422, 409, 500)


def test_signing_out_first_sends_writing_a_failed_autosave_left_on_the_phone(app, phone):
    start_writing(phone, "nightwriter")
    phone.route("**/journal/drafts/**", lambda route: route.fulfill(status=500, body=""))
    type_more(phone)
    expect(phone.locator("[data-autosave-status]")).to_contain_text("Not saved")
    assert MORE not in draft_on_server()
    phone.unroute("**/journal/drafts/**")  # the server is back
    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    assert FIRST + MORE in draft_on_server()  # sent before the phone was cleared
    assert drafts_on_device(phone) == []
    assert phone.evaluate("caches.has('journal-pages')") is False


def test_signing_out_with_no_signal_asks_before_losing_anything(app, phone):
    start_writing(phone, "nightwriter")
    phone.context.set_offline(True)
    type_more(phone)
    expect(phone.locator("[data-autosave-status]")).to_contain_text("Saved on this phone")
    phone.get_by_role("button", name="Sign out").click()
    warning = phone.locator(".nhsuk-card--warning", has_text=WARNING)
    expect(warning).to_be_visible()
    assert any(MORE in draft for draft in drafts_on_device(phone))  # nothing deleted yet
    warning.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    assert any(MORE in draft for draft in drafts_on_device(phone))
    phone.context.set_offline(False)  # signal again: the words reach the journal
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.locator("[data-autosave-status]")).to_have_text("Saved", timeout=10_000)
    assert FIRST + MORE in draft_on_server()
    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    assert drafts_on_device(phone) == []


def test_signing_out_and_choosing_to_lose_unsent_writing_clears_the_phone(app, phone):
    start_writing(phone, "nightwriter")
    # No signal for the journal's data, though the sign-out itself still gets through.
    phone.route("**/journal/drafts/**", lambda route: route.fulfill(status=500, body=""))
    phone.route("**/journal/editor-tokens", lambda route: route.fulfill(status=500, body=""))
    type_more(phone)
    expect(phone.locator("[data-autosave-status]")).to_contain_text("Not saved")
    phone.get_by_role("button", name="Sign out").click()
    warning = phone.locator(".nhsuk-card--warning", has_text=WARNING)
    warning.get_by_role("button", name="Sign out and lose it").click()
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    assert drafts_on_device(phone) == []
    assert MORE not in draft_on_server()


