"""Share, return, re-share and withdraw, end to end in Chromium at 360x740."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from journal.extensions import db
from journal.models import Share
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def a_week_passes() -> None:
    """A lone share waits (held) for a later day with four others, or a week; move it a week."""
    for share in db.session.scalars(db.select(Share).where(Share.held_on.is_not(None))):
        share.held_on = date.today() - timedelta(days=7)
    db.session.commit()


def test_share_return_reshare_and_withdraw(app, new_phone, tmp_path):
    writer = factories.make_user("writer", username="sharer")
    factories.make_user("researcher", username="reviewer")
    entry = factories.make_entry(writer, title="Bay four", body=(
        "Sister Jones on Rowan Ward sent me for a break. I drank water for the first time "
        "in six hours."))
    nurse, researcher = new_phone(), new_phone()

    # The writer previews: the name and the ward are highlighted; one tap replaces the name.
    sign_in(nurse, "sharer", factories.PASSWORD)
    nurse.goto(f"/journal/{entry.id}")
    nurse.get_by_role("link", name="Share anonymously").click()
    preview = nurse.locator("#preview")
    expect(preview.locator("mark")).to_have_count(2)
    nurse.get_by_role("button", name=re.compile(r"Replace with \[name\]\W*Jones")).click()
    expect(preview).to_contain_text("Sister [name] on Rowan Ward")
    nurse.get_by_label("Your role").select_option("nurse")
    nurse.get_by_label("May be quoted in collections for senior leaders").check()
    # The preview follows every choice as it is made: it shows exactly what will be shared.
    expect(preview).to_contain_text("Nurse")
    expect(preview).to_contain_text("May be quoted in collections for senior leaders")
    nurse.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    assert nurse.evaluate("document.documentElement.scrollWidth") <= 360
    nurse.get_by_role("button", name="Share anonymously").click()
    expect(nurse.get_by_text("Waiting for review")).to_be_visible()
    a_week_passes()

    # The researcher sees the words, not the writer, and returns them with a reason.
    sign_in(researcher, "reviewer", factories.PASSWORD)
    expect(researcher.get_by_role("heading", name="Review queue")).to_be_visible()
    expect(researcher.get_by_text("Sister [name] on Rowan Ward")).to_be_visible()
    expect(researcher.locator("body")).not_to_contain_text("sharer")
    researcher.screenshot(path=str(tmp_path / "queue.png"), full_page=True)
    researcher.get_by_role("link", name="Review this share").first.click()
    researcher.get_by_label("Why are you returning it?").fill("It still names the ward.")
    researcher.get_by_role("button", name="Return with this reason").click()
    expect(researcher.get_by_text("Returned to the writer")).to_be_visible()

    # The writer sees the reason, edits the wording and shares again.
    nurse.goto(f"/journal/{entry.id}")
    expect(nurse.get_by_text("It still names the ward.")).to_be_visible()
    nurse.get_by_role("link", name="Edit and share again").click()
    nurse.get_by_role("button", name=re.compile(r"Replace with \[place\]\W*Rowan Ward")).click()
    expect(nurse.locator("#preview")).to_contain_text("Sister [name] on [place]")
    nurse.get_by_role("button", name="Share changes").click()
    expect(nurse.get_by_text("Waiting for review")).to_be_visible()
    a_week_passes()

    # The researcher accepts it.
    researcher.goto("/research/queue")
    researcher.get_by_role("link", name="Review this share").first.click()
    researcher.get_by_role("button", name="Accept").click()
    researcher.goto("/research/shares")
    expect(researcher.get_by_text("Sister [name] on [place] sent me")).to_be_visible()

    # The writer withdraws it from "My shared entries": it is gone for the researcher.
    nurse.get_by_role("link", name="Shared", exact=True).click()
    expect(nurse.get_by_text("Accepted")).to_be_visible()
    nurse.get_by_role("button", name="Withdraw").click()
    expect(nurse.get_by_text("Withdrawn. The shared text has been deleted")).to_be_visible()
    researcher.reload()
    expect(researcher.get_by_text("No shares have been accepted yet.")).to_be_visible()
    assert db.session.scalars(db.select(Share)).all() == []


def test_sharing_works_without_javascript(app, browser, live_server):
    writer = factories.make_user("writer", username="nojs")
    entry = factories.make_entry(writer, body="A calm night for once.")
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server,
                                  java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "nojs", factories.PASSWORD)
    page.goto(f"/journal/{entry.id}/share")
    page.get_by_label("Your role").select_option("midwife")
    page.get_by_role("button", name="Share anonymously").click()
    # The server shows the preview again with the role in it before anything is shared.
    expect(page.get_by_text("You changed something after this preview was drawn")).to_be_visible()
    expect(page.locator("#preview")).to_contain_text("Midwife")
    assert db.session.scalars(db.select(Share)).all() == []
    page.get_by_role("button", name="Share anonymously").click()
    expect(page.get_by_text("Waiting for review")).to_be_visible()
    assert db.session.scalars(db.select(Share)).one().ctx_role == "midwife"
    context.close()
