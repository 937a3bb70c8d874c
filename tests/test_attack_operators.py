"""Attacks by operators and from shared networks: timing, self-granted research access, sign-in.

An admin who could also read the review queue could pair "asha signed in at 10:03:12" with "a
share arrived at 10:04"; a hospital behind one NAT address must not be locked out by its own
typos; and what someone types as a username must not be kept when it is no account's name.
"""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from journal.extensions import db
from journal.models import AuditEvent, LoginFailure, Share, User
from journal.templating import long_date
from tests import factories
from tests.conftest import login

WORDS = "The charge nurse stayed late to help me finish the drug round."


def share_over_http(client, entry, wording: str = WORDS, replaces: str = ""):
    """Share ``entry`` as its writer does: preview, then confirm exactly what was shown."""
    data = {"wording": wording, "scope": "leaders", "replaces": replaces}
    shown = client.post(f"/journal/{entry.id}/share", data={**data, "check": "1"})
    previewed = re.search(r'name="previewed" type="hidden" value="([0-9a-f]*)"',
                          shown.get_data(as_text=True))
    response = client.post(f"/journal/{entry.id}/share", data={
        **data, "previewed": previewed.group(1) if previewed else "", "confirm": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(db.select(Share).where(Share.text == wording)).one()


def writers_share(count: int, client) -> list[Share]:
    """``count`` different writers each share one entry over HTTP."""
    made = []
    for number in range(count):
        author = factories.make_user("writer")
        login(client, author)
        words = f"{WORDS} Shift {author.username}, {number}."
        made.append(share_over_http(client, factories.make_entry(author, body=words), words))
    return made


def researcher_sees(client, researcher, share: Share) -> bool:
    """Whether the share shows anywhere a researcher looks: the queue or its own page."""
    login(client, researcher)
    queue = client.get("/research/queue").get_data(as_text=True)
    page = client.get(f"/research/shares/{share.id}")
    return share.text in queue or page.status_code != 404


def days_pass(days: int = 1) -> None:
    """Move every held share ``days`` further back, as if that many days went by."""
    db.session.expire_all()  # requests ran in their own sessions: read what they committed
    for share in db.session.scalars(db.select(Share).where(Share.held_on.is_not(None))):
        share.held_on -= timedelta(days=days)
    db.session.commit()


# --- 10: timing --------------------------------------------------------------------------------

def test_a_new_share_is_invisible_to_researchers_until_released(client, writer, researcher):
    login(client, writer)
    share = share_over_http(client, factories.make_entry(writer, body=WORDS))
    assert "Waiting for review" in client.get("/journal/shared").get_data(as_text=True)
    login(client, researcher)
    queue = client.get("/research/queue").get_data(as_text=True)
    assert WORDS not in queue and "waiting for review: 0" in queue
    assert client.get(f"/research/shares/{share.id}").status_code == 404
    assert client.post(f"/research/shares/{share.id}/accept").status_code == 404


def test_a_reshare_goes_back_to_review_held_like_a_first_share(client, writer, researcher):
    entry = factories.make_entry(writer, body=WORDS)
    share = factories.make_share(writer, entry, accepted=True)
    login(client, writer)
    new = share_over_http(client, entry, "The charge nurse stayed to help me. New wording.",
                          replaces=share.id)
    assert not researcher_sees(client, researcher, new)


def test_sharing_writes_no_audit_row(client, writer):
    login(client, writer)
    entry = factories.make_entry(writer, body=WORDS)
    before = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    share_over_http(client, entry)
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == before


def test_audit_log_shows_sign_ins_and_outs_by_day_not_time(client, writer, admin):
    login(client, writer)
    client.post("/logout")
    signed_up = client.post("/signup", data={
        "username": "newnurse", "password": "long enough pw", "confirm": "long enough pw"})
    assert signed_up.status_code == 302
    login(client, admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert not re.search(r"\d\d:\d\d", page)
    for event in db.session.scalars(db.select(AuditEvent)):
        assert (event.at.hour, event.at.minute, event.at.second, event.at.microsecond) == (
            0, 0, 0, 0), event.action


# --- 10: an admin cannot make themselves a researcher -------------------------------------------

def request_account(client, username: str, role: str):
    return client.post("/admin/users/new", data={
        "username": username, "role": role, "password": "long enough pw",
        "confirm": "long enough pw"})


@pytest.mark.parametrize("role", ["researcher", "admin"])
def test_admin_alone_cannot_create_an_account_with_research_access(app, client, admin, role):
    login(client, admin)
    response = request_account(client, "sockpuppet", role)
    assert response.status_code == 302
    assert "second admin" in client.get("/admin/users").get_data(as_text=True)
    refused = app.test_client().post("/login", data={"username": "sockpuppet",
                                                     "password": "long enough pw"})
    assert refused.status_code == 422
    assert db.session.scalars(db.select(User).where(User.username == "sockpuppet")).one(
    ).active is False


def test_admin_cannot_approve_their_own_request(app, client, admin):
    login(client, admin)
    request_account(client, "sockpuppet", "researcher")
    puppet = db.session.scalars(db.select(User).where(User.username == "sockpuppet")).one()
    client.post(f"/admin/users/{puppet.id}/approve")
    db.session.refresh(puppet)
    assert puppet.active is False
    assert app.test_client().post("/login", data={
        "username": "sockpuppet", "password": "long enough pw"}).status_code == 422


def test_deactivating_a_request_cancels_it(client, admin):
    second = factories.make_user("admin", username="secondadmin")
    login(client, admin)
    request_account(client, "sockpuppet", "researcher")
    puppet = db.session.scalars(db.select(User).where(User.username == "sockpuppet")).one()
    client.post(f"/admin/users/{puppet.id}/deactivate")
    login(client, second)
    client.post(f"/admin/users/{puppet.id}/approve")
    db.session.refresh(puppet)
    assert puppet.active is False


def test_a_second_admin_approves_and_the_audit_log_records_both(app, client, admin):
    second = factories.make_user("admin", username="secondadmin")
    login(client, admin)
    request_account(client, "newresearcher", "researcher")
    account = db.session.scalars(db.select(User).where(User.username == "newresearcher")).one()
    login(client, second)
    assert "Approve" in client.get("/admin/users").get_data(as_text=True)
    assert client.post(f"/admin/users/{account.id}/approve").status_code == 302
    assert app.test_client().post("/login", data={
        "username": "newresearcher", "password": "long enough pw"}).status_code == 302
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "account requested" in log and "account approved" in log
    events = {e.action: e for e in db.session.scalars(db.select(AuditEvent))}
    assert events["account_requested"].user_id == admin.id
    assert events["account_approved"].user_id == second.id


def test_an_invite_code_only_ever_makes_a_writer(app, client, admin):
    login(client, admin)
    page = client.post("/admin/invites", follow_redirects=True).get_data(as_text=True)
    code = re.search(r"New invite code: ([0-9A-F-]{19})", page).group(1)
    visitor = app.test_client()
    visitor.post("/signup", data={"username": "insider", "password": "long enough pw",
                                  "confirm": "long enough pw", "invite_code": code,
                                  "role": "researcher"})
    made = db.session.scalars(db.select(User).where(User.username == "insider")).one()
    assert made.role.value == "writer"
    assert visitor.get("/research/queue").status_code == 403


# --- 11: throttling and what a failed sign-in keeps ---------------------------------------------

def test_twenty_nurses_behind_one_address_who_each_mistype_once_can_sign_in(app):
    nurses = [factories.make_user("writer", username=f"ward{n}") for n in range(20)]
    for nurse in nurses:
        device = app.test_client()
        nat = {"REMOTE_ADDR": "203.0.113.10"}
        device.post("/login", data={"username": nurse.username, "password": "typo typo"},
                    environ_base=nat)
        signed_in = device.post("/login", data={"username": nurse.username,
                                                "password": factories.PASSWORD},
                                environ_base=nat)
        assert signed_in.status_code == 302, nurse.username


@pytest.mark.parametrize("app_config", [{"LOGIN_ADDRESS_MAX_FAILURES": 12}])
def test_one_address_is_still_throttled_at_its_own_higher_limit(app, writer):
    for attempt in range(12):
        app.test_client().post("/login", data={"username": f"guess{attempt}", "password": "x"},
                               environ_base={"REMOTE_ADDR": "198.51.100.1"})
    blocked = app.test_client().post(
        "/login", data={"username": "writer", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert "Too many failed sign-in attempts" in blocked.get_data(as_text=True)


def test_a_failed_sign_in_keeps_no_trace_of_an_unknown_username(client):
    typed = "Hunter2-My-Password"
    client.post("/login", data={"username": typed, "password": "whatever else"})
    keys = db.session.scalars(db.select(LoginFailure.key)).all()
    details = db.session.scalars(db.select(AuditEvent.detail)).all()
    assert keys and all(typed.lower() not in key.lower() for key in keys)
    assert all(typed.lower() not in detail.lower() for detail in details)


def test_unknown_usernames_are_locked_like_known_ones(app):
    for attempt in range(5):
        app.test_client().post("/login", data={"username": "nosuchnurse", "password": "x"},
                               environ_base={"REMOTE_ADDR": f"10.9.0.{attempt}"})
    response = app.test_client().post("/login", data={"username": "nosuchnurse",
                                                      "password": "y"})
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"OPEN_SIGNUP": False}])
def test_thirty_guessed_invite_codes_from_one_address_are_throttled(app, client, admin):
    login(client, admin)
    page = client.post("/admin/invites", follow_redirects=True).get_data(as_text=True)
    code = re.search(r"New invite code: ([0-9A-F-]{19})", page).group(1)
    data = {"username": "guesser", "password": "long enough pw", "confirm": "long enough pw"}
    answers = [app.test_client().post("/signup", data={**data, "invite_code": f"AAAA-{n:04}"},
                                      environ_base={"REMOTE_ADDR": "192.0.2.50"})
               for n in range(30)]
    assert answers[-1].status_code == 429
    assert "Too many sign-up attempts" in answers[-1].get_data(as_text=True)
    right_code = app.test_client().post("/signup", data={**data, "invite_code": code},
                                        environ_base={"REMOTE_ADDR": "192.0.2.50"})
    assert right_code.status_code == 429
    elsewhere = app.test_client().post("/signup", data={**data, "invite_code": code},
                                       environ_base={"REMOTE_ADDR": "192.0.2.51"})
    assert elsewhere.status_code == 302


def test_demo_data_still_shows_the_researcher_a_queue(app, runner):
    runner.invoke(args=["demo"])
    client = app.test_client()
    client.post("/login", data={"username": "researcher", "password": "compassion-demo"})
    queue = client.get("/research/queue").get_data(as_text=True)
    assert "Review this share" in queue


# --- audit 5: nobody can lock a named writer out ------------------------------------------------

def sign_in_as(client, username: str, password: str, addr: str = "127.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def guess_twenty_times(app, username: str) -> None:
    """A stranger's 20 wrong guesses, each from a fresh anonymous client and its own address."""
    for attempt in range(20):
        sign_in_as(app.test_client(), username, f"guess {attempt}", f"198.51.100.{attempt}")


def test_the_owner_on_a_device_that_signed_in_before_is_not_locked_out_by_a_stranger(
        app, writer):
    phone = app.test_client()
    login(phone, writer)
    phone.post("/logout")
    guess_twenty_times(app, "writer")
    assert sign_in_as(phone, "writer", factories.PASSWORD).status_code == 302
    stranger = sign_in_as(app.test_client(), "writer", factories.PASSWORD, "198.51.100.99")
    assert stranger.status_code == 422
    assert "Too many failed sign-in attempts" in stranger.get_data(as_text=True)


def test_the_device_cookie_is_http_only_and_does_not_name_the_account_in_clear(app, writer):
    response = sign_in_as(app.test_client(), "writer", factories.PASSWORD)
    cookie = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("journal_device="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "writer" not in cookie.split(";")[0].split("=", 1)[1]


def test_a_device_cookie_for_one_account_does_not_help_guess_another(app, writer, other_writer):
    attacker = app.test_client()
    login(attacker, other_writer)
    attacker.post("/logout")
    guess_twenty_times(app, "writer")
    for attempt in range(5):
        sign_in_as(attacker, "writer", f"guess again {attempt}")
    refused = sign_in_as(attacker, "writer", factories.PASSWORD)
    assert "Too many failed sign-in attempts" in refused.get_data(as_text=True)


def test_wrong_passwords_on_a_trusted_device_lock_only_that_device(app, writer):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, writer)
    login(laptop, writer)
    phone.post("/logout")
    laptop.post("/logout")
    for attempt in range(5):
        sign_in_as(phone, "writer", f"wrong {attempt}")
    locked = sign_in_as(phone, "writer", factories.PASSWORD)
    assert "Too many failed sign-in attempts" in locked.get_data(as_text=True)
    assert sign_in_as(laptop, "writer", factories.PASSWORD).status_code == 302


# --- audit 7: a re-share gets a new id and waits for a batch ------------------------------------

def test_a_reshare_cannot_be_seen_arriving_or_linked_to_the_old_version(
        client, writer, researcher):
    entry = factories.make_entry(writer, body=WORDS)
    old = factories.make_share(writer, entry, accepted=True)
    old_id = old.id
    theme = factories.make_theme("Being helped")
    factories.make_tag(researcher, old, theme, excerpt="stayed late to help me")
    login(client, researcher)
    before = client.get("/research/queue").get_data(as_text=True)
    assert "waiting for review: 0" in before
    login(client, writer)
    new_words = "Late on, the charge nurse stayed late to help me finish. A new last line."
    share_over_http(client, entry, new_words, replaces=old_id)
    login(client, researcher)
    queue = client.get("/research/queue").get_data(as_text=True)
    assert new_words not in queue and "waiting for review: 0" in queue
    assert client.get(f"/research/shares/{old_id}").status_code == 404
    # later, released in a batch: a new id, and nothing of the old one
    new = db.session.scalars(db.select(Share).where(Share.text == new_words)).one()
    days_pass(7)  # a lone share goes out once it has waited a week
    queue = client.get("/research/queue").get_data(as_text=True)
    assert new_words in queue
    assert new.id != old_id and old_id not in queue
    assert db.session.get(Share, old_id) is None
    client.post(f"/research/shares/{new.id}/accept")
    page = client.get(f"/research/shares/{new.id}").get_data(as_text=True)
    assert "stayed late to help me" in page and "Being helped" in page  # the tag followed


def test_a_reshare_is_not_put_back_into_collections_when_accepted(client, writer, researcher,
                                                                   leader):
    entry = factories.make_entry(writer, body=WORDS)
    old = factories.make_share(writer, entry, accepted=True)
    collection = factories.make_collection("What helps", [old], publish=True)
    login(client, writer)
    new_words = "The charge nurse stayed late. Reworded."
    share_over_http(client, entry, new_words, replaces=old.id)
    new = db.session.scalars(db.select(Share).where(Share.text == new_words)).one()
    days_pass(7)  # a lone share goes out once it has waited a week
    login(client, researcher)
    client.get("/research/queue")
    client.post(f"/research/shares/{new.id}/accept")
    login(client, leader)
    page = client.get(f"/collections/{collection.id}").get_data(as_text=True)
    assert new_words not in page and WORDS not in page
    assert "Withdrawn by its author" in page


# --- audit 10: the current-password check is throttled and audited ------------------------------

def test_guessing_the_current_password_at_an_unattended_session_is_throttled(app, client, writer):
    login(client, writer)
    for attempt in range(8):
        client.post("/account/password", data={
            "current_password": f"guess number {attempt}", "new_password": "taken over pw",
            "confirm": "taken over pw"})
    last = client.post("/account/password", data={
        "current_password": factories.PASSWORD, "new_password": "taken over pw",
        "confirm": "taken over pw"})
    assert last.status_code in (422, 429)
    assert "Too many" in last.get_data(as_text=True)
    assert sign_in_as(app.test_client(), "writer", factories.PASSWORD).status_code == 302
    failures = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "password_check_failed")).all()
    assert len(failures) >= 5 and all(e.user_id == writer.id for e in failures)
    for event in failures:
        assert (event.at.hour, event.at.minute, event.at.second) == (0, 0, 0)
        assert "guess" not in event.detail


# --- audit 4: a deactivated writer can still withdraw -------------------------------------------

def deactivate(client, admin, user):
    login(client, admin)
    return client.post(f"/admin/users/{user.id}/deactivate")


def test_a_deactivated_writer_can_sign_in_only_to_withdraw(app, client, writer, admin):
    entry = factories.make_entry(writer, title="Night shift", body=WORDS)
    factories.make_share(writer, entry, accepted=True)
    deactivate(client, admin, writer)
    phone = app.test_client()
    signed_in = sign_in_as(phone, "writer", factories.PASSWORD)
    assert signed_in.status_code == 302
    page = phone.get(signed_in.location).get_data(as_text=True)
    assert "Night shift" in page and "Withdraw" in page and "Sign out" in page
    for refused in ("/journal/", f"/journal/{entry.id}", "/journal/shared", "/journal/new",
                    "/account/password", "/research/queue", "/admin/users"):
        response = phone.get(refused)
        assert response.status_code in (302, 403, 404), refused
        assert WORDS not in response.get_data(as_text=True)
    assert phone.post(f"/journal/{entry.id}/share/withdraw").status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(Share)) == 1
    withdrawn = phone.post(f"/withdraw/{entry.id}", follow_redirects=True)
    assert withdrawn.status_code == 200
    assert db.session.scalar(db.select(db.func.count()).select_from(Share)) == 0
    phone.post("/withdraw/sign-out")
    assert phone.get("/withdraw/").status_code == 302


def test_the_withdraw_only_page_shows_nothing_to_anyone_else(app, client, writer, other_writer,
                                                             admin):
    entry = factories.make_entry(writer, title="Night shift", body=WORDS)
    factories.make_share(writer, entry, accepted=True)
    deactivate(client, admin, writer)
    login(client, other_writer)
    assert "Night shift" not in client.get("/withdraw/", follow_redirects=True).get_data(
        as_text=True)
    assert client.post(f"/withdraw/{entry.id}").status_code in (302, 403, 404)
    assert db.session.scalar(db.select(db.func.count()).select_from(Share)) == 1


def test_a_deactivated_researcher_still_cannot_sign_in(app, client, researcher, admin):
    deactivate(client, admin, researcher)
    refused = sign_in_as(app.test_client(), "researcher", factories.PASSWORD)
    assert refused.status_code == 422


def test_the_admin_is_told_what_deactivating_a_writer_does_to_their_shares(client, admin,
                                                                           writer):
    login(client, admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "only to see and withdraw their shared entries" in page
    done = client.post(f"/admin/users/{writer.id}/deactivate", follow_redirects=True)
    assert "only to see and withdraw their shared entries" in done.get_data(as_text=True)


# --- low: an invite code never travels in the session cookie ------------------------------------

def cookie_payload(client) -> str:
    """What anyone holding the (signed, not encrypted) session cookie can read, without the key."""
    import base64
    import zlib

    value = client.get_cookie("journal_session").value
    compressed = value.startswith(".")
    data = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()


def test_a_new_invite_code_is_shown_on_the_page_and_never_put_in_the_session(client, admin):
    login(client, admin)
    response = client.post("/admin/invites")
    page = response.get_data(as_text=True)
    code = re.search(r"New invite code: ([0-9A-F-]{19})", page).group(1)
    assert code not in cookie_payload(client)
    assert code not in client.get("/admin/invites").get_data(as_text=True)


# --- audit 3, finding 2: the order of a day's events and the moment a batch goes out ------------

def audit_rows(client) -> list[tuple[str, ...]]:
    """The audit log's table as the admin reads it: one tuple of cell texts per row."""
    page = client.get("/admin/audit").get_data(as_text=True)
    body = page.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return [tuple(" ".join(re.sub(r"<[^>]+>", " ", cell).split())
                  for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


@pytest.mark.parametrize("order", [("researcher", "writer", "researcher"),
                                   ("researcher", "researcher", "writer"),
                                   ("writer", "researcher", "researcher")])
def test_a_researchers_marker_sign_ins_around_a_writers_cannot_be_told_apart_in_order(
        app, client, writer, researcher, admin, order):
    people = {"writer": writer, "researcher": researcher}
    for name in order:
        login(app.test_client(), people[name])
    login(client, admin)
    sign_ins = [row[1:] for row in audit_rows(client) if row[2] == "sign in"]
    # the same page whatever the order: one counted row per person, by name
    assert sign_ins == [("admin", "sign in", "", "1"), ("researcher", "sign in", "", "2"),
                        ("writer", "sign in", "", "1")]


def test_the_audit_log_shows_each_day_newest_first_in_a_fixed_order_within_it(
        app, client, writer, admin):
    yesterday = datetime.combine(date.today() - timedelta(days=1), time(), UTC)
    db.session.add_all([AuditEvent(at=yesterday, action="sign_in", user_id=writer.id),
                        AuditEvent(at=yesterday, action="denied", user_id=writer.id,
                                   detail="/admin/users")])
    db.session.commit()
    login(app.test_client(), writer)
    client.post("/login", data={"username": "writer", "password": "wrong guess"})
    login(client, admin)
    rows = audit_rows(client)
    today, before = long_date(date.today()), long_date(yesterday.date())
    assert [row[0] for row in rows] == [today] * 3 + [before] * 2
    assert [row[1:3] for row in rows] == [
        ("admin", "sign in"), ("writer", "sign in"), ("writer", "sign in failed"),
        ("writer", "denied"), ("writer", "sign in")]


def test_the_share_that_makes_five_does_not_release_a_batch_that_day(client, researcher):
    earlier = writers_share(4, client)
    days_pass()
    assert not any(researcher_sees(client, researcher, share) for share in earlier)
    fifth = writers_share(1, client)  # the writer whose share makes the count
    assert not any(researcher_sees(client, researcher, share) for share in earlier + fifth)
    days_pass()
    login(client, researcher)
    queue = client.get("/research/queue").get_data(as_text=True)
    assert all(share.text in queue for share in earlier + fifth)


def test_five_shares_made_today_wait_for_a_later_day(client, researcher):
    shares = writers_share(5, client)
    assert not any(researcher_sees(client, researcher, share) for share in shares)
    days_pass()
    login(client, researcher)
    queue = client.get("/research/queue").get_data(as_text=True)
    assert all(share.text in queue for share in shares)


def test_shares_made_today_stay_held_when_an_earlier_batch_goes_out(client, researcher):
    earlier = writers_share(5, client)
    days_pass()
    (today,) = writers_share(1, client)
    login(client, researcher)
    queue = client.get("/research/queue").get_data(as_text=True)
    assert all(share.text in queue for share in earlier)
    assert today.text not in queue and "waiting for review: 5" in queue
    db.session.refresh(today)
    assert today.held_on == date.today()


def test_a_lone_share_waits_for_others_but_not_beyond_a_week(client, writer, researcher):
    login(client, writer)
    share = share_over_http(client, factories.make_entry(writer, body=WORDS))
    days_pass(6)
    assert not researcher_sees(client, researcher, share)
    days_pass(1)
    assert researcher_sees(client, researcher, share)
    db.session.refresh(share)
    assert share.held_on is None  # the day is forgotten once released


# --- audit 3, finding 5: a control character in `next` ------------------------------------------

@pytest.mark.parametrize("target", ["/x%0d%0aSet-Cookie:%20a=b", "/journal/%0aLocation:%20//x",
                                    "/x%09y", "/x%00", "/x%7f", "/x%e2%80%a8y"])
def test_a_control_character_in_next_signs_in_and_goes_home(client, writer, target):
    response = client.post(f"/login?next={target}",
                           data={"username": "writer", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.location == "/"
    assert "a=b" not in response.headers.get("Set-Cookie", "")
    assert client.get("/journal/").status_code == 200  # signed in


def test_a_hand_made_back_field_with_a_control_character_goes_to_collections(
        client, researcher, writer):
    share = factories.make_share(writer, factories.make_entry(writer, body=WORDS), accepted=True)
    collection = factories.make_collection("What helps", [])
    login(client, researcher)
    response = client.post("/research/collections/add", data={
        "collection_id": collection.id, "share_id": share.id,
        "back": "/research/x\r\nSet-Cookie: a=b"})
    assert response.status_code == 302
    assert response.location == "/research/collections/"
    assert "a=b" not in response.headers.get("Set-Cookie", "")
