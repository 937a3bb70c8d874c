"""A researcher on a laptop: accept, tag an excerpt by selecting it, search, filter, theme page."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import LAPTOP, sign_in

pytestmark = pytest.mark.browser


def test_accept_tag_search_filter_and_theme_page(app, new_phone):
    writer = factories.make_user("writer", username="wardnurse")
    factories.make_user("researcher", username="analyst")
    factories.make_theme("Being heard")
    factories.make_theme("Burnout")
    entry = factories.make_entry(writer, body=(
        "Handover was rushed again.\n\nThe nurse in charge answered while walking away, "
        "and I felt invisible."))
    factories.make_share(writer, entry)
    page = new_phone(LAPTOP)
    sign_in(page, "analyst", factories.PASSWORD)

    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    page.get_by_role("link", name="Review this share").first.click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Accepted.")).to_be_visible()
    page.goto("/research/search")
    page.get_by_role("link", name="open this share").first.click()

    # Select a passage with the mouse: the script copies it into the tag form.
    page.locator("[data-share-text] p").nth(1).evaluate("""node => {
        const range = document.createRange();
        const textNode = node.firstChild;
        const start = textNode.data.indexOf('answered while walking away');
        range.setStart(textNode, start);
        range.setEnd(textNode, start + 'answered while walking away'.length);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        node.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""")
    expect(page.get_by_label("Passage (leave empty to tag the whole entry)")).to_have_value(
        "answered while walking away")
    page.get_by_label("Being heard").check()
    page.get_by_role("button", name="Tag", exact=True).click()
    expect(page.locator(".tag-list")).to_contain_text("answered while walking away")

    # Search for a word in it, then narrow to the theme.
    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("Search shared entries").fill("walk")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#result-count")).to_have_text("1 matching share")
    expect(page.locator("mark.hit").first).to_have_text("walking")
    page.get_by_label("Theme").select_option(label="Being heard")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#result-count")).to_have_text("1 matching share")

    # The theme page lists the excerpt with its context.
    page.get_by_role("link", name="Themes", exact=True).click()
    page.get_by_role("link", name="Being heard").click()
    expect(page.locator("blockquote.excerpt")).to_contain_text("answered while walking away")
