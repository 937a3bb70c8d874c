"""Two requests at once on one share: re-sharing, narrowing, withdrawing and deleting the entry.

Whatever the timing, an entry ends with exactly one live share (none after a withdrawal),
never two and never an error page; and the sharer tally counts each live share once.
"""

import re

import pytest
from flask import current_app

from journal import privacy
from journal.extensions import db
from journal.models import ContextSharer, Scope, Share, WriterProfile
from tests import factories
from tests.concurrency import ROUNDS, at_once, statuses
from tests.conftest import login

BODY = "A long night, and a kind word from the charge nurse at handover."


@pytest.fixture
def devices(app, writer):
    """The writer signed in on two devices (a phone and a ward computer)."""
    phone, computer = app.test_client(), app.test_client()
    login(phone, writer)
    login(computer, writer)
    return phone, computer


def share_form(client, entry, **fields) -> dict:
    """The share form as the writer confirms it, with the fingerprint of the preview they saw."""
    data = {"wording": BODY, "scope": "leaders", "replaces": "", **fields}
    shown = client.post(f"/journal/{entry.id}/share", data={**data, "check": "1"})
    previewed = re.search(r'name="previewed" type="hidden" value="([0-9a-f]*)"',
                          shown.get_data(as_text=True)).group(1)
    return {**data, "previewed": previewed, "confirm": "1"}


def post(client, url: str, data: dict | None = None):
    """A request to send in a race: ``at_once`` calls it."""
    return lambda: client.post(url, data=data or {})


def live_shares(writer, entry) -> list[Share]:
    """Every share of ``entry`` (there must never be more than one)."""
    link = privacy.author_link(current_app.config["SHARE_KEY"], writer.id, entry.id)
    return db.session.scalars(db.select(Share).where(Share.author_link == link)).all()


def assert_tally_matches_shares() -> None:
    """The sharer tally holds exactly one row for each live share."""
    rows = db.session.scalars(db.select(ContextSharer)).all()
    assert len(rows) == len(db.session.scalars(db.select(Share)).all())


def test_the_same_first_share_from_two_devices_makes_one_share(app, writer, devices):
    for _ in range(ROUNDS):
        entry = factories.make_entry(writer, body=BODY)
        forms = [share_form(device, entry) for device in devices]
        responses = at_once(app, *(post(d, f"/journal/{entry.id}/share", f)
                                   for d, f in zip(devices, forms, strict=True)))
        assert statuses(responses) == [302, 422]
        refused = next(r for r in responses if r.status_code == 422)
        assert "This entry is already shared" in refused.get_data(as_text=True)
        assert len(live_shares(writer, entry)) == 1
    assert_tally_matches_shares()


def test_two_reshares_from_one_version_leave_one_live_share(app, writer, devices):
    for _ in range(ROUNDS):
        entry = factories.make_entry(writer, body=BODY)
        old_id = factories.make_share(writer, entry, accepted=True).id
        forms = [share_form(device, entry, wording=f"{BODY} ({n})", replaces=old_id)
                 for n, device in enumerate(devices)]
        responses = at_once(app, *(post(d, f"/journal/{entry.id}/share", f)
                                   for d, f in zip(devices, forms, strict=True)))
        assert statuses(responses) == [302, 422]
        (live,) = live_shares(writer, entry)
        assert live.id != old_id and live.text in {form["wording"] for form in forms}
    assert_tally_matches_shares()


def test_withdrawing_while_resharing_leaves_nothing_shared(app, writer, devices):
    phone, computer = devices
    for _ in range(ROUNDS):
        entry = factories.make_entry(writer, body=BODY)
        old_id = factories.make_share(writer, entry).id
        form = share_form(phone, entry, wording=f"{BODY} Again.", replaces=old_id)
        responses = at_once(app, post(phone, f"/journal/{entry.id}/share", form),
                            post(computer, f"/journal/{entry.id}/share/withdraw"))
        assert all(r.status_code in (302, 422) for r in responses)
        # Either the withdrawal came first (and the re-share is refused as stale) or it
        # withdrew the new version: the writer asked for their words to go, and they went.
        assert live_shares(writer, entry) == []
    assert_tally_matches_shares()


def test_narrowing_while_withdrawing_leaves_nothing_shared(app, writer, devices):
    phone, computer = devices
    for _ in range(ROUNDS):
        entry = factories.make_entry(writer, body=BODY)
        factories.make_share(writer, entry, scope=Scope.PUBLIC, accepted=True)
        responses = at_once(app, post(phone, f"/journal/{entry.id}/share/scope",
                                      {"scope": "research"}),
                            post(computer, f"/journal/{entry.id}/share/withdraw"))
        assert statuses(responses) == [302, 302]
        assert live_shares(writer, entry) == []
    assert_tally_matches_shares()


def test_two_withdrawals_at_once_both_end_quietly(app, writer, devices):
    for _ in range(ROUNDS):
        entry = factories.make_entry(writer, body=BODY)
        factories.make_share(writer, entry)
        responses = at_once(app, *(post(d, f"/journal/{entry.id}/share/withdraw")
                                   for d in devices))
        assert statuses(responses) == [302, 302]
        assert live_shares(writer, entry) == []
    assert_tally_matches_shares()


def test_deleting_the_entry_while_withdrawing_leaves_nothing_shared(app, writer, devices):
    phone, computer = devices
    for _ in range(ROUNDS):
        entry = factories.make_entry(writer, body=BODY)
        factories.make_share(writer, entry)
        responses = at_once(app, post(phone, f"/journal/{entry.id}/delete", {"confirm": "1"}),
                            post(computer, f"/journal/{entry.id}/share/withdraw"))
        assert all(r.status_code in (302, 404) for r in responses)
        assert live_shares(writer, entry) == []
        db.session.expunge(entry)  # deleted: SQLite may give its id to the next entry
    assert_tally_matches_shares()


def test_deleting_the_entry_while_sharing_it_leaves_no_share_behind(app, writer, devices):
    """A share that outlived its entry could never be withdrawn by its writer."""
    phone, computer = devices
    for _ in range(ROUNDS):
        entry = factories.make_entry(writer, body=BODY)
        form = share_form(phone, entry)
        responses = at_once(app, post(phone, f"/journal/{entry.id}/share", form),
                            post(computer, f"/journal/{entry.id}/delete", {"confirm": "1"}))
        assert all(r.status_code in (302, 404, 422) for r in responses)
        assert live_shares(writer, entry) == []
        db.session.expunge(entry)
    assert_tally_matches_shares()


def test_two_entries_shared_at_once_are_both_in_the_tally(app, writer, devices):
    """Each share rewrites its writer's rows of the tally: two at once must not lose one (or
    count one twice), nor both try to create the tally's version row."""
    for _ in range(ROUNDS):
        entries = [factories.make_entry(writer, body=BODY) for _ in devices]
        forms = [share_form(d, e) for d, e in zip(devices, entries, strict=True)]
        responses = at_once(app, *(post(d, f"/journal/{e.id}/share", f)
                                   for d, e, f in zip(devices, entries, forms, strict=True)))
        assert statuses(responses) == [302, 302]
        assert_tally_matches_shares()


def test_the_first_sharing_settings_saved_from_two_devices_at_once(app):
    terms = ["Rowan Ward", "Sister Jones"]
    for _ in range(ROUNDS):
        writer, devices = factories.make_user("writer"), (app.test_client(), app.test_client())
        for device in devices:
            login(device, writer)
        responses = at_once(app, *(post(d, "/journal/sharing-settings",
                                        {"hide_terms": term, "role": "nurse"})
                                   for d, term in zip(devices, terms, strict=True)))
        assert statuses(responses) == [302, 302]
        profile = db.session.get(WriterProfile, writer.id)
        assert profile.hide_terms in terms and profile.role == "nurse"
