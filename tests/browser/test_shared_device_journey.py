"""A shared phone: the writing page kept for offline use offers nobody the last writer's words."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from journal.extensions import db
from journal.models import Draft, PendingDraft
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


def test_after_an_idle_timeout_the_offline_page_offers_nobody_the_last_writers_words(app, phone):
    factories.make_user("writer", username="firstnurse")
    sign_in(phone, "firstnurse", factories.PASSWORD)
    phone.goto("/journal/new")
    ready_offline(phone)
    phone.context.set_offline(True)  # typed with no signal: the words are only on this phone
    phone.get_by_label("Your entry").fill(WORDS)
    expect(phone.locator("[data-autosave-status]")).to_contain_text("will sync")
    # Two hours pass with nobody signed in (longer than the idle timeout); the next person
    # picks up the phone and opens the writing page, still offline.
    phone.evaluate("""() => {
        const writer = JSON.parse(localStorage.getItem('journal-writer'));
        writer.seen = Date.now() - 2 * 60 * 60 * 1000;
        localStorage.setItem('journal-writer', JSON.stringify(writer));
    }""")
    phone.context.clear_cookies()
    phone.goto("/journal/new")  # offline: the service worker's kept writing page
    expect(phone.get_by_role("heading", name="New entry")).to_be_visible()
    expect(phone.locator("[data-autosave-offer]")).to_be_hidden()
    expect(phone.get_by_label("Your entry")).to_have_value("")
    assert WORDS not in phone.content()
    assert any(WORDS in draft for draft in drafts_on_device(phone))  # kept for her, not lost
    phone.context.set_offline(False)


def drafts_on_device(page) -> list[str]:
    return page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('journal-draft:'))"
        ".map(k => localStorage.getItem(k))")


# When her session ends decides where her words go, so each order is a case of its own. Clearing
# the cookies while the sync set off by the connection's return is in flight would be no ending:
# that request carries her cookie, and its answer puts her refreshed session back on the phone.
@pytest.mark.parametrize("ending", ["while offline", "after syncing"])
def test_the_next_writer_never_sees_the_last_writers_unsynced_words(app, phone, ending):
    first = factories.make_user("writer", username="firstnurse")
    factories.make_user("writer", username="secondnurse")
    sign_in(phone, "firstnurse", factories.PASSWORD)
    phone.goto("/journal/new")
    phone.wait_for_load_state("networkidle")  # the icon too: browsers fetch it past the worker
    phone.context.set_offline(True)  # typed with no connection: these words are only here
    phone.get_by_label("Your entry").fill(WORDS)
    expect(phone.locator("[data-autosave-status]")).to_contain_text("will sync")
    if ending == "while offline":  # a long spell without signal: the idle timeout passes
        phone.context.clear_cookies()  # the session ends without anyone signing out
    phone.context.set_offline(False)
    if ending == "after syncing":  # back online while still signed in: her draft is saved
        expect(phone.locator("[data-autosave-status]")).to_have_text("Saved", timeout=10_000)
        phone.context.clear_cookies()  # then the session ends without anyone signing out
    sign_in(phone, "secondnurse", factories.PASSWORD)
    phone.goto("/journal/new")
    expect(phone.locator(".nhsuk-header__account")).to_contain_text("secondnurse")
    expect(phone.locator("[data-autosave-offer]")).to_be_hidden()
    expect(phone.get_by_label("Your entry")).to_have_value("")
    assert WORDS not in phone.content()
    # Never lost: still on the phone, or on the server for her alone: kept there (when the page
    # synced after her session had ended) or in her autosaved draft (when it synced before).
    db.session.expire_all()
    kept = db.session.scalars(select(PendingDraft.fields).where(
        PendingDraft.user_id == first.id)).all()
    autosaved = db.session.scalars(select(Draft.fields).where(Draft.user_id == first.id)).all()
    assert any(WORDS in draft for draft in drafts_on_device(phone) + kept + autosaved)


def test_words_safe_on_the_server_leave_the_device_when_the_session_has_ended(app, phone):
    factories.make_user("writer", username="firstnurse")
    sign_in(phone, "firstnurse", factories.PASSWORD)
    phone.goto("/journal/new")
    phone.get_by_label("Your entry").fill(WORDS)
    expect(phone.locator("[data-autosave-status]")).to_have_text("Saved", timeout=15_000)
    phone.context.clear_cookies()  # an idle timeout: the browser drops the session
    phone.goto("/journal/new")  # the server sends it to sign in
    expect(phone.get_by_role("button", name="Sign in")).to_be_visible()
    assert drafts_on_device(phone) == []
