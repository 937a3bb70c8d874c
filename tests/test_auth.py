"""Accounts: sign-up, sign-in, sessions that really end, throttling, password changes."""

from datetime import timedelta

import pytest

from journal.extensions import db
from journal.models import AuditEvent, User
from journal.models.types import utcnow
from tests import factories
from tests.conftest import login

NEW_PASSWORD = "a brand new passphrase"


def actions() -> list[str]:
    return [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]


def test_sign_up_needs_only_username_and_password(client):
    response = client.post("/signup", data={"username": "Night-Owl", "password": "long enough pw",
                                            "confirm": "long enough pw"})
    assert response.status_code == 302 and response.location.endswith("/journal/")
    user = db.session.scalars(db.select(User)).one()
    assert (user.username, user.role.value) == ("night-owl", "writer")
    assert client.get("/journal/").status_code == 200  # signed in straight away
    assert "signed_up" in actions()


def test_passwords_are_hashed_with_argon2id_at_owasp_minimum_or_more(app, writer):
    assert writer.password_hash.startswith("$argon2id$")
    fields = dict(p.split("=") for p in writer.password_hash.split("$")[3].split(","))
    assert int(fields["m"]) >= 19 * 1024 and int(fields["t"]) >= 2 and int(fields["p"]) >= 1
    assert factories.PASSWORD not in writer.password_hash


def test_sign_in_and_out(client, writer):
    response = login(client, writer)
    assert response.location == "/"
    assert client.get("/journal/").status_code == 200
    client.post("/logout")
    assert client.get("/journal/").status_code == 302
    assert actions()[-2:] == ["sign_in", "sign_out"]


def test_sign_in_follows_only_local_next(client, writer):
    response = client.post("/login?next=/journal/new", data={
        "username": "writer", "password": factories.PASSWORD})
    assert response.location == "/journal/new"
    client.post("/logout")
    response = client.post("/login?next=//evil.example/x", data={
        "username": "writer", "password": factories.PASSWORD})
    assert response.location == "/"


def test_wrong_password_gives_one_message_for_all_cases(client, writer):
    wrong = client.post("/login", data={"username": "writer", "password": "not it at all"})
    unknown = client.post("/login", data={"username": "nobody", "password": "not it at all"})
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "The username or password is not right" in response.get_data(as_text=True)
    assert 'value="writer"' in wrong.get_data(as_text=True)  # username kept
    assert actions().count("sign_in_failed") == 2


def test_sign_out_ends_a_copied_session_cookie(app, writer):
    phone, thief = app.test_client(), app.test_client()
    login(phone, writer)
    thief.set_cookie("journal_session", phone.get_cookie("journal_session").value)
    assert thief.get("/journal/").status_code == 200
    phone.post("/logout")
    assert thief.get("/journal/").status_code == 302


def test_remember_me_cookie_is_ended_by_sign_out(app, writer):
    phone, other = app.test_client(), app.test_client()
    phone.post("/login", data={"username": "writer", "password": factories.PASSWORD,
                               "remember": "y"})
    remember = phone.get_cookie("journal_remember")
    assert remember is not None and remember.http_only
    assert remember.expires - utcnow() <= timedelta(days=14, minutes=1)
    other.set_cookie("journal_remember", remember.value)
    assert other.get("/journal/").status_code == 200  # restored from the remember cookie
    phone.post("/logout")
    copied = app.test_client()
    copied.set_cookie("journal_remember", remember.value)
    assert copied.get("/journal/").status_code == 302


def test_password_change_ends_other_sessions(app, writer):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, writer)
    login(laptop, writer)
    response = phone.post("/account/password", data={
        "current_password": factories.PASSWORD, "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert phone.get("/journal/").status_code == 200  # this device stays signed in
    assert laptop.get("/journal/").status_code == 302
    assert login(app.test_client(), writer, NEW_PASSWORD).status_code == 302
    assert "password_changed" in actions()


def test_password_change_checks_the_current_password(client, writer):
    login(client, writer)
    response = client.post("/account/password", data={
        "current_password": "wrong wrong wrong", "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD})
    assert response.status_code == 422
    assert "Your current password is not right" in response.get_data(as_text=True)


def test_session_cookie_flags(client, writer):
    login(client, writer)
    cookie = client.get_cookie("journal_session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure


def test_cookies_are_secure_over_https(app, writer):
    client = app.test_client()
    response = client.post("/login", base_url="https://localhost", data={
        "username": "writer", "password": factories.PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("; Secure" in c for c in cookies)
    assert "Strict-Transport-Security" in response.headers


def test_idle_timeout_is_set(app, client, writer):
    login(client, writer)
    cookie = client.get_cookie("journal_session")
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=60)
    assert cookie.expires - utcnow() <= timedelta(minutes=61)


def test_failed_sign_ins_are_throttled_per_username(app, writer):
    for attempt in range(5):
        client = app.test_client()  # a fresh client each time: cookies do not help an attacker
        client.post("/login", data={"username": "writer", "password": f"guess {attempt}"},
                    environ_base={"REMOTE_ADDR": f"10.0.0.{attempt}"})
    response = app.test_client().post(
        "/login", data={"username": "writer", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.1.1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Too many failed sign-in attempts" in page and "wait 15 minutes" in page
    assert "sign_in_throttled" in actions()


@pytest.mark.parametrize("app_config", [{"LOGIN_ADDRESS_MAX_FAILURES": 8}])
def test_failed_sign_ins_are_throttled_per_address(app, writer, other_writer):
    """The address limit is its own, higher one (default 100): a hospital shares one address."""
    for attempt in range(8):
        app.test_client().post("/login", data={"username": f"user{attempt}", "password": "x"},
                               environ_base={"REMOTE_ADDR": "192.0.2.7"})
    blocked = app.test_client().post(
        "/login", data={"username": "otherwriter", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert "Too many failed sign-in attempts" in blocked.get_data(as_text=True)
    elsewhere = app.test_client().post(
        "/login", data={"username": "otherwriter", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.8"})
    assert elsewhere.status_code == 302


def test_throttle_lifts_after_the_window(app, writer):
    from journal.models import LoginFailure

    for _ in range(5):
        app.test_client().post("/login", data={"username": "writer", "password": "nope nope"})
    for failure in db.session.scalars(db.select(LoginFailure)):
        failure.at = utcnow() - timedelta(minutes=16)
    db.session.commit()
    assert login(app.test_client(), writer).status_code == 302


def test_throttle_holds_across_app_instances(app, writer):
    """Two server processes share the count because it lives in the database."""
    from journal import create_app

    other_process = create_app({**app.config, "TESTING": True})
    for _ in range(3):
        app.test_client().post("/login", data={"username": "writer", "password": "nope nope"})
    with other_process.app_context():
        for _ in range(2):
            other_process.test_client().post(
                "/login", data={"username": "writer", "password": "nope nope"})
        db.engine.dispose()
    response = app.test_client().post(
        "/login", data={"username": "writer", "password": factories.PASSWORD})
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)
