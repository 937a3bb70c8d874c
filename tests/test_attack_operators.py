"""Attacks by operators and from shared networks: timing, self-granted research access, sign-in.

A hospital behind one NAT address must not be locked out by its own typos, and what someone types
as a username must not be kept when it is no account's name.
"""

import re

import pytest

from journal.extensions import db
from journal.models import AuditEvent, LoginFailure
from tests import factories
from tests.conftest import login

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
