"""From theme to leader and back: build, order, preview, publish, read at 360x740, respond,
and the writer sees where their words went. Printing gives a clean document."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from journal.models import Scope
from tests import factories
from tests.browser.conftest import LAPTOP, sign_in

pytestmark = pytest.mark.browser


def test_theme_to_leader_to_writer(app, new_phone, browser, live_server, tmp_path):
    curator = factories.make_user("researcher", username="curator")
    factories.make_user("leader", username="director")
    theme = factories.make_theme("Time to care")
    writers = []
    for number, text in enumerate(["Nobody had time to sit with the dying man but me.",
                                   "We skipped breaks again so the bay was covered."]):
        writer = factories.make_user("writer", username=f"nightnurse{number}")
        share = factories.make_share(writer, factories.make_entry(writer, body=text),
                                     scope=Scope.LEADERS, accepted=True)
        factories.make_tag(curator, share, theme)
        writers.append(writer)

    researcher = new_phone(LAPTOP)
    sign_in(researcher, "curator", factories.PASSWORD)
    researcher.goto("/research/collections/")
    researcher.get_by_label("Title").fill("No time to care")
    researcher.get_by_label("Summary (optional)").fill("What new nurses told us about time.")
    researcher.get_by_role("button", name="Start collection").click()
    expect(researcher.get_by_role("heading", name="No time to care")).to_be_visible()

    # From the theme page, add both entries.
    researcher.goto(f"/research/themes/{theme.id}")
    for _ in range(2):
        researcher.locator("form.add-to-collection button").first.click()
        expect(researcher.get_by_text("Added to “No time to care”")).to_be_visible()
        researcher.locator("form.add-to-collection").first.evaluate("f => f.remove()")
    researcher.goto("/research/collections/")
    researcher.get_by_role("link", name="No time to care").click()
    items = researcher.locator(".collection-item blockquote")
    first_text = items.nth(0).inner_text()
    researcher.get_by_role("button", name="Move down item 1").click()
    expect(researcher.locator(".collection-item blockquote").nth(1)).to_have_text(first_text)
    researcher.get_by_label("Research team's commentary before this item (optional)").first \
        .fill("Many wrote about breaks.")
    researcher.get_by_role("button", name="Save commentary").first.click()
    researcher.get_by_role("link", name="Preview as a reader").click()
    expect(researcher.get_by_text("This is exactly what readers will see")).to_be_visible()
    expect(researcher.locator("aside.commentary")).to_contain_text("Many wrote about breaks.")
    researcher.get_by_role("link", name="Back to editing").click()
    researcher.get_by_role("button", name="Publish").click()
    expect(researcher.get_by_text("Published for senior leaders only")).to_be_visible()

    # The leader reads it on a phone and responds.
    leader = new_phone()
    sign_in(leader, "director", factories.PASSWORD)
    expect(leader.get_by_role("heading", name="Reading room")).to_be_visible()
    leader.get_by_role("link", name="No time to care").click()
    expect(leader.locator("blockquote.writer-words")).to_have_count(2)
    assert leader.evaluate("document.documentElement.scrollWidth") <= 360
    leader.get_by_label("Your response: what you heard, and what you will do").fill(
        "I heard that breaks are skipped. I will ask every ward to protect them.")
    leader.get_by_role("button", name="Send my response").click()
    expect(leader.get_by_text("Your response is saved")).to_be_visible()

    # Printing gives the title, the summary, every item and the date, and no navigation.
    pdf = PdfReader(io.BytesIO(leader.pdf(format="A4")))
    text = " ".join(page.extract_text() for page in pdf.pages)
    for expected in ("No time to care", "What new nurses told us about time.",
                     "Nobody had time to sit with the dying man", "We skipped breaks again",
                     "Published"):
        assert expected in " ".join(text.split()), expected
    for absent in ("Sign out", "Reading room", "Send my response", "Change my response"):
        assert absent not in text, absent

    # The writer of an included share sees the collection and the response.
    writer = new_phone()
    sign_in(writer, "nightnurse0", factories.PASSWORD)
    writer.goto("/journal/shared")
    expect(writer.get_by_text("Themes the research team found in it: Time to care.")) \
        .to_be_visible()
    writer.get_by_role("link", name="No time to care").click()
    expect(writer.get_by_text("I will ask every ward to protect them.")).to_be_visible()
