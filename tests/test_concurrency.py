"""Two devices doing the same thing at the same moment, against gunicorn with 4 worker processes.

Each round starts both requests together (a barrier), many rounds over, so the interleavings
that lost words before (a version check in Python, get-or-create of a unique row) are hit.
"""

import itertools
import json
import threading
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from journal.extensions import db
from journal.models import CheckIn, Draft, Entry, PendingDraft, Share, User
from journal.services.drafts import KEEP_MAX

pytestmark = pytest.mark.concurrency

ROUNDS = 20
_names = itertools.count(1)


def at_once(*calls):
    """Run each call in its own thread, released together; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@contextmanager
def database(server):
    """The live server's database, as the test's own app sees it."""
    with server.app.app_context():
        yield db.session
        db.session.remove()


@pytest.fixture
def two_devices(live_server):
    """One writer signed in on two devices (two sessions, each through the sign-in form)."""
    name = f"racer{next(_names)}"
    live_server.make_user(name)
    devices = live_server.sign_in(name), live_server.sign_in(name)
    with database(live_server) as session:
        user_id = session.scalar(select(User.id).where(User.username == name))
    yield user_id, devices
    for device in devices:
        device.close()


def no_server_error(server, *responses):
    assert all(r.status_code < 500 for r in responses), server.log()


def entry_form(fields: dict, body: str) -> dict:
    return {"author": fields["author"], "version": fields.get("version", ""), "title": "Shift",
            "body": body, "entry_date": date.today().isoformat(), "support": "3"}


def new_entry(device, body: str) -> int:
    response = device.post_form("/journal/new", entry_form(device.page_fields("/journal/new"),
                                                           body))
    assert response.status_code == 302, response.text
    return int(response.headers["location"].rstrip("/").rsplit("/", 1)[1])


def test_two_saves_from_one_version_one_wins_and_the_other_is_shown_both(live_server,
                                                                         two_devices):
    user_id, (one, two) = two_devices
    entry_id = new_entry(one, "First words.")
    path = f"/journal/{entry_id}/edit"
    for round_ in range(ROUNDS):
        forms = [device.page_fields(path) for device in (one, two)]
        assert forms[0]["version"] == forms[1]["version"]
        texts = [f"Round {round_} from device {n}." for n in (1, 2)]
        responses = at_once(*(lambda d=d, f=f, t=t: d.post_form(path, entry_form(f, t))
                              for d, f, t in zip((one, two), forms, texts, strict=True)))
        no_server_error(live_server, *responses)
        assert sorted(r.status_code for r in responses) == [302, 409], round_
        won = [r.status_code for r in responses].index(302)
        winner, loser = texts[won], texts[1 - won]
        page = responses[1 - won].text
        assert winner in page and loser in page  # the conflict page shows both texts
        with database(live_server) as session:
            entry = session.get(Entry, entry_id)
            assert (entry.body, entry.version) == (winner, int(forms[0]["version"]) + 1)
            # The loser's text is kept apart, where the winner's next autosave cannot reach it.
            kept = session.scalars(select(PendingDraft).where(
                PendingDraft.user_id == user_id, PendingDraft.entry_id == entry_id)).all()
            assert loser in [json.loads(row.fields)["body"] for row in kept]
            for row in kept:
                session.delete(row)  # the writer discards it, so KEEP_MAX is not reached
            session.commit()


def test_two_first_autosaves_of_a_new_entry_make_one_draft(live_server, two_devices):
    user_id, (one, two) = two_devices
    author = one.page_fields("/journal/new")["author"]
    for round_ in range(ROUNDS):
        texts = [f"Autosave {round_} from device {n}." for n in (1, 2)]
        responses = at_once(*(lambda d=d, t=t: d.post_json("/journal/drafts/new", {
            "author": author, "title": "", "body": t, "entry_date": date.today().isoformat()})
                              for d, t in zip((one, two), texts, strict=True)))
        no_server_error(live_server, *responses)
        assert [r.status_code for r in responses] == [200, 200], round_
        with database(live_server) as session:
            rows = session.scalars(select(Draft).where(Draft.user_id == user_id,
                                                       Draft.slot == "new")).all()
            assert len(rows) == 1 and json.loads(rows[0].fields)["body"] in texts
            session.execute(delete(Draft).where(Draft.user_id == user_id))  # the next first
            session.commit()


def test_two_check_ins_the_same_day_keep_one(live_server, two_devices):
    user_id, (one, two) = two_devices
    for round_ in range(ROUNDS):
        notes = [f"Check-in {round_} from device {n}" for n in (1, 2)]
        responses = at_once(*(lambda d=d, n=n, s=s: d.post_form("/journal/check-in", {
            "support": str(s), "note": n}) for d, n, s in zip((one, two), notes, (2, 4),
                                                               strict=True)))
        no_server_error(live_server, *responses)
        assert [r.status_code for r in responses] == [302, 302], round_
        with database(live_server) as session:
            rows = session.scalars(select(CheckIn).where(CheckIn.user_id == user_id)).all()
            assert len(rows) == 1 and (rows[0].support, rows[0].note) in set(
                zip((2, 4), notes, strict=True))
            session.execute(delete(CheckIn).where(CheckIn.user_id == user_id))  # the next first
            session.commit()


def test_saves_after_the_session_ended_keep_no_more_than_the_cap(live_server, two_devices):
    user_id, (device, _) = two_devices
    fields = device.page_fields("/journal/new")
    device.post_form("/logout", {})  # the session ends; the editor page is still open
    senders = [live_server.client() for _ in range(KEEP_MAX + 3)]
    for sender in senders:
        sender.page_fields("/login")  # a CSRF token of its own
    for round_ in range(ROUNDS // 2):
        responses = at_once(*(lambda s=s, n=n, r=round_: s.post_form("/journal/new", entry_form(
            fields, f"Kept {r}.{n}")) for n, s in enumerate(senders)))
        no_server_error(live_server, *responses)
        kept = [r for r in responses if r.status_code == 302]
        assert len(kept) == KEEP_MAX, (round_, [r.status_code for r in responses])
        with database(live_server) as session:
            count = select(func.count()).where(PendingDraft.user_id == user_id)
            assert session.scalar(count) == KEEP_MAX
            session.execute(delete(PendingDraft).where(PendingDraft.user_id == user_id))
            session.commit()
    for sender in senders:
        sender.close()


def test_edits_racing_the_deletion_of_their_entry_leave_nothing(live_server, two_devices):
    user_id, (one, two) = two_devices
    for round_ in range(ROUNDS // 2):
        entry_id = new_entry(one, f"Soon deleted {round_}.")
        editor = two.page_fields(f"/journal/{entry_id}/edit")
        confirm = one.page_fields(f"/journal/{entry_id}/delete")
        deleted, autosaved, saved = at_once(
            lambda e=entry_id, c=confirm: one.post_form(f"/journal/{e}/delete", c),
            lambda e=entry_id, f=editor: two.post_json(f"/journal/drafts/{e}", {
                "author": f["author"], "body": "Typed as it went.",
                "entry_date": date.today().isoformat()}),
            lambda e=entry_id, f=editor: two.post_form(f"/journal/{e}/edit",
                                                       entry_form(f, "Saved as it went.")))
        no_server_error(live_server, deleted, autosaved, saved)
        assert deleted.status_code == 302, round_
        # Refused (410: the entry went first), each still hands the words back: the autosave
        # for its script to move to a new entry, the save as a new-entry form holding them.
        assert autosaved.status_code in (200, 410) and saved.status_code in (302, 410), round_
        assert autosaved.status_code == 200 or autosaved.json()["gone"] is True
        assert saved.status_code == 302 or "Saved as it went." in saved.text
        with database(live_server) as session:
            assert session.scalar(select(func.count()).where(Draft.user_id == user_id)) == 0


def share_form(fields: dict, wording: str) -> dict:
    return {"wording": wording, "scope": "research", "replaces": fields.get("replaces", ""),
            "previewed": "live", "confirm": "1"}


def test_two_re_shares_at_once_leave_one_live_share(live_server, two_devices):
    _, (one, two) = two_devices
    entry_id = new_entry(one, "A quiet shift, and a kind word at handover.")
    path = f"/journal/{entry_id}/share"
    first = one.post_form(path, share_form(one.page_fields(path), "A kind word at handover."))
    assert first.status_code == 302, first.text
    for round_ in range(ROUNDS):
        forms = [device.page_fields(path) for device in (one, two)]
        assert forms[0]["replaces"] and forms[0]["replaces"] == forms[1]["replaces"]
        wordings = [f"A kind word at handover, told {round_} way {n}." for n in (1, 2)]
        responses = at_once(*(lambda d=d, f=f, w=w: d.post_form(path, share_form(f, w))
                              for d, f, w in zip((one, two), forms, wordings, strict=True)))
        no_server_error(live_server, *responses)
        assert sorted(r.status_code for r in responses)[0] == 302, round_
        assert [r.status_code for r in responses].count(302) == 1, round_
        with database(live_server) as session:
            # Only this test shares, so every share in the database is this entry's.
            assert session.scalar(select(func.count()).select_from(Share)) == 1, round_
            assert session.scalar(select(Share.text)) in wordings
