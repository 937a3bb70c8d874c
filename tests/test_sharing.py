"""A writer shares an entry: preview exactly, share, re-share after return, narrow, withdraw."""

import re

import pytest

from journal.context import Context
from journal.extensions import db
from journal.models import ContextSharer, Entry, Scope, Share, ShareStatus
from journal.services import sharing
from tests import factories
from tests.conftest import login

BODY = "Sister Jones on Rowan Ward told me to take my break. I finally drank some water."


@pytest.fixture
def entry(client, writer):
    login(client, writer)
    return factories.make_entry(writer, title="Night shift", body=BODY)


def shares() -> list[Share]:
    return db.session.scalars(db.select(Share)).all()


def confirm(client, entry, **fields):
    """Preview ``fields`` (as the "Check my changes" button does), then share what was shown."""
    data = {"wording": BODY, "scope": "leaders", "replaces": "", **fields}
    shown = client.post(f"/journal/{entry.id}/share", data={**data, "check": "1"})
    match = re.search(r'name="previewed" type="hidden" value="([0-9a-f]*)"',
                      shown.get_data(as_text=True))
    previewed = match.group(1) if match else ""
    return client.post(f"/journal/{entry.id}/share",
                       data={**data, "previewed": previewed, "confirm": "1"})


def test_preview_shows_the_words_with_identifiers_highlighted(client, entry):
    page = client.get(f"/journal/{entry.id}/share").get_data(as_text=True)
    assert '<mark class="identifier" data-kind="name">Jones</mark>' in page
    assert '<mark class="identifier" data-kind="place">Rowan Ward</mark>' in page
    assert 'value="7:12:name"' in page and "Replace with [name]" in page
    assert "Replace all 2" in page
    assert shares() == []  # nothing is shared by looking


def test_one_tap_replaces_one_detail_and_shares_nothing(client, entry):
    response = client.post(f"/journal/{entry.id}/share", data={
        "wording": BODY, "scope": "research", "replaces": "", "replace": "7:12:name"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sister [name] on " in page and "Rowan Ward</mark>" in page
    assert shares() == []
    db.session.refresh(entry)
    assert entry.body == BODY  # the private entry does not change


def test_replace_all(client, entry):
    page = client.post(f"/journal/{entry.id}/share", data={
        "wording": BODY, "scope": "research", "replaces": "", "replace_all": "1"}).get_data(
        as_text=True)
    assert "Sister [name] on [place] told me" in page and "<mark" not in page


def test_confirm_shares_exactly_the_wording_with_month_context_and_scope(client, writer, entry):
    wording = "Sister [name] on [place] told me to take my break."
    response = confirm(client, entry, wording=wording, role="nurse", region="england/london",
                       scope="research")
    assert response.status_code == 302 and response.location.endswith(f"/journal/{entry.id}")
    (share,) = shares()
    assert share.text == wording and share.status is ShareStatus.PENDING
    assert share.scope is Scope.RESEARCH and len(share.month) == 7
    assert share.context == Context(role="nurse", region="england/london")
    page = client.get(f"/journal/{entry.id}").get_data(as_text=True)
    assert "Waiting for review" in page and "For the research team&#39;s analysis only" in page


def test_sharing_twice_is_refused(client, entry):
    confirm(client, entry)
    again = confirm(client, entry)
    assert again.status_code == 422
    assert "This entry is already shared" in again.get_data(as_text=True)
    assert len(shares()) == 1


def test_a_stale_form_cannot_revive_a_withdrawn_share(client, entry):
    confirm(client, entry)
    share_id = shares()[0].id
    client.post(f"/journal/{entry.id}/share/withdraw")
    response = confirm(client, entry, replaces=share_id)
    assert response.status_code == 422
    assert "has been withdrawn" in response.get_data(as_text=True) and shares() == []


@pytest.mark.parametrize(("wording", "message"), [
    ("   ", "The shared wording is empty"),
    ("x" * 20_001, "must be 20,000 characters or fewer (it is 20,001)"),
])
def test_empty_or_over_long_wording_is_refused_and_kept(client, entry, wording, message):
    response = confirm(client, entry, wording=wording)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and shares() == []
    if wording.strip():
        assert wording in page


def test_always_hide_terms_are_replaced_and_cannot_be_shared(client, writer, entry):
    client.post("/journal/sharing-settings", data={"hide_terms": "finally\nRowan Ward",
                                                   "role": "nurse"})
    page = client.get(f"/journal/{entry.id}/share").get_data(as_text=True)
    assert "We replaced 2 of your" in page and "finally" not in page.split("</h1>")[1]
    assert 'value="nurse" selected' in page  # context pre-filled from the settings
    confirm(client, entry, wording="I finally drank water on rowan ward.")
    assert shares()[0].text == "I [name] drank water on [place]."


def test_safeguarding_help_is_shown_before_deciding(client, writer):
    login(client, writer)
    entry = factories.make_entry(writer, body="Some nights I think about ending my life.")
    page = client.get(f"/journal/{entry.id}/share").get_data(as_text=True)
    assert "Help is there if you need it" in page and "116 123" in page
    unsafe = factories.make_entry(writer, body="The wrong dose was given because we were unsafe.")
    page = client.get(f"/journal/{unsafe.id}/share").get_data(as_text=True)
    assert "Freedom to Speak Up Guardian" in page and "Help is there" not in page


def test_withdraw_deletes_the_share_and_twice_is_harmless(client, entry):
    confirm(client, entry)
    response = client.post(f"/journal/{entry.id}/share/withdraw", follow_redirects=True)
    assert "Withdrawn. The shared text has been deleted" in response.get_data(as_text=True)
    assert shares() == [] and db.session.scalars(db.select(ContextSharer)).all() == []
    again = client.post(f"/journal/{entry.id}/share/withdraw", follow_redirects=True)
    assert again.status_code == 200
    assert "there was nothing to withdraw" in again.get_data(as_text=True)


def test_returned_share_shows_the_reason_and_can_be_shared_again(client, writer, entry):
    confirm(client, entry)
    sharing.return_share(shares()[0], "It still names a colleague.")
    page = client.get(f"/journal/{entry.id}").get_data(as_text=True)
    assert "It still names a colleague." in page and "Edit and share again" in page
    mine = client.get("/journal/shared").get_data(as_text=True)
    assert "It still names a colleague." in mine
    form = client.get(f"/journal/{entry.id}/share").get_data(as_text=True)
    share_id = shares()[0].id
    assert f'value="{share_id}"' in form and "The research team returned this share" in form
    response = confirm(client, entry, wording="Sister [name] told me to rest.", replaces=share_id)
    assert response.status_code == 302
    (share,) = shares()  # the new version replaces the old, under a new id (audit finding 7)
    assert share.id != share_id and share.status is ShareStatus.PENDING
    assert share.return_reason is None and share.text == "Sister [name] told me to rest."


def test_scope_can_be_narrowed_not_widened(client, entry):
    confirm(client, entry, scope="public")
    client.post(f"/journal/{entry.id}/share/scope", data={"scope": "leaders"})
    assert shares()[0].scope is Scope.LEADERS
    response = client.post(f"/journal/{entry.id}/share/scope", data={"scope": "public"},
                           follow_redirects=True)
    assert "You can only narrow" in response.get_data(as_text=True)
    assert shares()[0].scope is Scope.LEADERS


def test_my_shared_entries_lists_only_my_shares(client, writer, other_writer, entry):
    confirm(client, entry)
    theirs = factories.make_entry(other_writer, title="Their entry", body="Theirs")
    factories.make_share(other_writer, theirs)
    page = client.get("/journal/shared").get_data(as_text=True)
    assert "Night shift" in page and "Waiting for review" in page
    assert "Their entry" not in page and "Theirs" not in page


def test_deleting_an_entry_withdraws_its_share(client, entry):
    confirm(client, entry)
    confirm_page = client.get(f"/journal/{entry.id}/delete").get_data(as_text=True)
    assert "Its shared version will be withdrawn too" in confirm_page
    client.post(f"/journal/{entry.id}/delete")
    assert shares() == [] and db.session.scalars(db.select(Entry)).all() == []


def test_sharing_settings_keep_typed_input_on_error(client, entry):
    response = client.post("/journal/sharing-settings", data={"hide_terms": "x" * 2001,
                                                              "role": "midwife"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "2,000 characters or fewer" in page
    assert 'value="midwife" selected' in page


def test_nothing_changed_since_the_preview_can_slip_through(client, entry):
    shown = client.get(f"/journal/{entry.id}/share").get_data(as_text=True)
    previewed = re.search(r'name="previewed" type="hidden" value="([0-9a-f]+)"', shown).group(1)
    changed = client.post(f"/journal/{entry.id}/share", data={
        "wording": BODY + " Added after the preview.", "scope": "research", "replaces": "",
        "previewed": previewed, "confirm": "1"})
    page = changed.get_data(as_text=True)
    assert changed.status_code == 200 and shares() == []
    assert "You changed something after this preview was drawn" in page
    assert "Added after the preview." in page.split('data-preview-text>')[1].split("</div>")[0]
    fresh = re.search(r'name="previewed" type="hidden" value="([0-9a-f]+)"', page).group(1)
    client.post(f"/journal/{entry.id}/share", data={
        "wording": BODY + " Added after the preview.", "scope": "research", "replaces": "",
        "previewed": fresh, "confirm": "1"})
    assert shares()[0].text.endswith("Added after the preview.")


def test_a_preview_kept_live_by_the_script_is_accepted(client, entry):
    response = client.post(f"/journal/{entry.id}/share", data={
        "wording": "Typed and seen live.", "scope": "research", "replaces": "",
        "previewed": "live", "confirm": "1"})
    assert response.status_code == 302 and shares()[0].text == "Typed and seen live."


def test_sharing_someone_elses_entry_is_404(client, other_writer, entry):
    client.post("/logout")
    login(client, other_writer)
    assert client.get(f"/journal/{entry.id}/share").status_code == 404
    response = client.post(f"/journal/{entry.id}/share", data={
        "wording": "hijack", "scope": "public", "previewed": "live", "confirm": "1"})
    assert response.status_code == 404 and shares() == []
    assert client.post(f"/journal/{entry.id}/share/withdraw").status_code == 404
