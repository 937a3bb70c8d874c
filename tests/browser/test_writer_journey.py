"""A writer on a phone: sign up, write an entry, find it, edit it, delete it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def fits_the_screen(page) -> None:
    """Nothing overflows sideways at 360 px: no horizontal scrolling on a phone."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width}px wide"


def test_writer_journey_on_a_phone(phone, tmp_path):
    page = phone
    page.goto("/")
    fits_the_screen(page)
    page.get_by_role("button", name="Start your journal").click()

    page.get_by_label("Choose a username").fill("nightshift")
    page.get_by_label("Choose a password").fill("tea at four am")
    page.get_by_label("Type the password again").fill("tea at four am")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="My journal")).to_be_visible()
    fits_the_screen(page)

    page.get_by_role("link", name="Write a new entry").click()
    page.get_by_label("Title (optional)").fill("Bay four")
    # First try with no text: the error is shown and the title is kept.
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("Write something in your entry before saving").first).to_be_visible()
    expect(page.get_by_label("Title (optional)")).to_have_value("Bay four")
    page.get_by_label("Your entry").fill("My preceptor took my bay for *ten minutes*. "
                                         "It changed the whole night.")
    page.get_by_label("4", exact=True).check()
    fits_the_screen(page)
    page.screenshot(path=str(tmp_path / "new-entry.png"), full_page=True)
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_role("heading", name="Bay four")).to_be_visible()
    expect(page.locator(".entry-body em")).to_have_text("ten minutes")

    page.get_by_role("link", name="Back to my journal").click()
    page.get_by_label("Search your entries").fill("preceptor")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 entry matching")).to_be_visible()
    page.get_by_role("link", name="Bay four").click()

    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Your entry").fill("My preceptor took my bay. I drank water at last.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("I drank water at last.")).to_be_visible()

    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("This cannot be undone")).to_be_visible()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_text("Entry deleted.")).to_be_visible()
    expect(page.get_by_text("You have not written anything yet")).to_be_visible()
    assert re.search(r"/journal/$", page.url)
