"""Writing on a phone with a bad signal: autosave, offline, sync, install, and sign-out clears."""

import pytest
from playwright.sync_api import expect

from journal.extensions import db
from journal.models import Draft, Entry
from tests import factories
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, sign_in

pytestmark = pytest.mark.browser


def ready_offline(page) -> None:
    """Wait until the service worker controls the page and has cached the writing shell."""
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_function("caches.match('/writing-shell').then(Boolean)")


def test_type_go_offline_type_more_reload_and_sync(app, phone, live_server):
    context = phone.context
    writer = factories.make_user("writer", username="nightwriter")
    sign_in(phone, "nightwriter", factories.PASSWORD)
    phone.goto("/journal/new")
    ready_offline(phone)

    body = phone.get_by_label("Your entry")
    body.fill("Bay four was wild tonight.")
    expect(phone.locator("[data-autosave-status]")).to_have_text("Saved", timeout=10_000)
    assert db.session.scalars(db.select(Draft)).one().slot == "new"

    context.set_offline(True)
    body.press("End")
    body.type(" Then the power went out on the ward.")
    expect(phone.locator("[data-autosave-status]")).to_contain_text("Saved on this phone")
    phone.reload()  # offline: the service worker serves the writing page
    expect(phone.get_by_text("You have writing kept on this device")).to_be_visible()
    phone.get_by_role("button", name="Restore it").click()
    expect(body).to_have_value("Bay four was wild tonight. Then the power went out on the ward.")

    context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.locator("[data-autosave-status]")).to_have_text("Saved", timeout=10_000)
    db.session.expire_all()
    assert "power went out" in db.session.scalars(db.select(Draft)).one().fields

    phone.get_by_role("button", name="Save entry").click()
    expect(phone.get_by_text("Entry saved.")).to_be_visible()
    entry = db.session.scalars(db.select(Entry)).one()
    assert entry.body == "Bay four was wild tonight. Then the power went out on the ward."
    assert entry.author_id == writer.id
    # Saved from the shell the service worker served: its script made the form's key.
    assert entry.submission_key and len(entry.submission_key) >= 16
    assert db.session.scalars(db.select(Draft)).all() == []  # saving cleared the draft
    phone.goto("/journal/new")
    assert phone.evaluate("Object.keys(localStorage).filter(k => k.startsWith("
                          "'journal-draft:')).length") == 0


def test_other_pages_say_plainly_that_they_need_a_connection(app, phone):
    factories.make_user("writer", username="offliner")
    sign_in(phone, "offliner", factories.PASSWORD)
    phone.goto("/journal/new")
    ready_offline(phone)
    phone.context.set_offline(True)
    phone.goto("/journal/check-ins")
    expect(phone.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(phone.locator("body")).not_to_contain_text("offliner")  # no account details cached
    phone.context.set_offline(False)


def test_signing_out_clears_drafts_and_the_cached_page(app, phone):
    factories.make_user("writer", username="sharedphone")
    sign_in(phone, "sharedphone", factories.PASSWORD)
    phone.goto("/journal/new")
    ready_offline(phone)
    phone.get_by_label("Your entry").fill("Private words on a shared phone.")
    phone.wait_for_function("Object.keys(localStorage).some(k => k.startsWith('journal-draft:'))")
    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    assert phone.evaluate("Object.keys(localStorage).filter(k => k.startsWith("
                          "'journal-draft:')).length") == 0
    assert phone.evaluate("caches.has('journal-pages')") is False


def test_installable_by_chromium(app, playwright, live_server, tmp_path):
    # Installability is not judged in incognito contexts, so this uses a real profile.
    factories.make_user("writer", username="installer")
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
        base_url=live_server, viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        sign_in(page, "installer", factories.PASSWORD)
        page.goto("/journal/new")
        ready_offline(page)
        session = context.new_cdp_session(page)
        errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
        manifest = session.send("Page.getAppManifest")
        assert manifest["errors"] == [] and "Compassion Journal" in manifest["data"]
    finally:
        context.close()
