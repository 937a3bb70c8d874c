"""Admin pages: accounts, invite codes, deactivation and the audit log; never any entry."""

import re

import pytest

from journal.extensions import db
from journal.models import AuditEvent, User
from tests import factories
from tests.conftest import login


@pytest.fixture
def signed_in_admin(client, admin):
    login(client, admin)
    return admin


def test_users_page_lists_username_role_and_status(client, signed_in_admin, writer, researcher):
    factories.make_entry(writer, title="Private title here")
    page = client.get("/admin/users").get_data(as_text=True)
    for text in ("writer", "researcher", "Researcher", "Active"):
        assert text in page
    assert "Private title here" not in page


def test_admin_creates_researcher_leader_and_admin_accounts(client, signed_in_admin):
    """Researcher and admin accounts also need a second admin (see test_attack_operators)."""
    second = factories.make_user("admin", username="secondadmin")
    for name, role in (("res1", "researcher"), ("lead1", "leader"), ("adm1", "admin")):
        response = client.post("/admin/users/new", data={
            "username": name, "role": role, "password": "temporary pass 1",
            "confirm": "temporary pass 1"})
        assert response.status_code == 302
        user = db.session.scalar(db.select(User).where(User.username == name))
        assert user.role.value == role
        if role != "leader":
            approver = client.application.test_client()
            login(approver, second)
            assert approver.post(f"/admin/users/{user.id}/approve").status_code == 302
        assert login(client.application.test_client(), user, "temporary pass 1")
    details = [(e.action, e.detail) for e in db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action.startswith("account_"),
                                    AuditEvent.user_id == signed_in_admin.id)
        .order_by(AuditEvent.id))]
    assert details == [("account_requested", "res1 as researcher"),
                       ("account_created", "lead1 as leader"),
                       ("account_requested", "adm1 as admin")]


def test_create_account_keeps_input_on_error(client, signed_in_admin, writer):
    response = client.post("/admin/users/new", data={
        "username": "writer", "role": "leader", "password": "temporary pass 1",
        "confirm": "temporary pass 1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "That username is taken" in page
    assert 'value="writer"' in page and 'value="leader" checked' in page


def test_deactivation_ends_sessions_and_blocks_sign_in(app, client, signed_in_admin, writer):
    phone = app.test_client()
    login(phone, writer)
    response = client.post(f"/admin/users/{writer.id}/deactivate")
    assert response.status_code == 302
    assert phone.get("/journal/").status_code == 302
    # A deactivated writer signs in only to a page that lists and withdraws their shares.
    limited = app.test_client()
    response = limited.post("/login", data={"username": "writer", "password": factories.PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/withdraw/")
    assert limited.get("/journal/").status_code == 302
    assert "Deactivated" in client.get("/admin/users").get_data(as_text=True)


def test_admin_cannot_deactivate_themselves(client, signed_in_admin):
    response = client.post(f"/admin/users/{signed_in_admin.id}/deactivate",
                           follow_redirects=True)
    assert "You cannot deactivate your own account" in response.get_data(as_text=True)
    assert db.session.get(User, signed_in_admin.id).active


def test_deactivating_an_unknown_account_is_404(client, signed_in_admin):
    assert client.post("/admin/users/99999/deactivate").status_code == 404


def test_audit_log_page_shows_events(client, signed_in_admin):
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "sign in" in page and "admin" in page


@pytest.fixture
def app_config():
    return {"OPEN_SIGNUP": "0"}


def test_closed_sign_up_needs_a_valid_invite_code(app, client, signed_in_admin):
    page = client.post("/admin/invites", follow_redirects=True).get_data(as_text=True)
    code = re.search(r"New invite code: ([0-9A-F-]{19})", page).group(1)
    assert "Not used" in page
    visitor = app.test_client()
    form = visitor.get("/signup").get_data(as_text=True)
    assert "Invite code" in form
    data = {"username": "newbie", "password": "long enough pw", "confirm": "long enough pw"}
    refused = visitor.post("/signup", data={**data, "invite_code": "0000-0000-0000-0000"})
    assert refused.status_code == 422 and "Enter a valid invite code" in refused.get_data(
        as_text=True)
    assert visitor.post("/signup", data={**data, "invite_code": code.lower()}).status_code == 302
    again = app.test_client().post("/signup", data={**data, "username": "second",
                                                    "invite_code": code})
    assert again.status_code == 422  # single use
    assert "Used" in client.get("/admin/invites").get_data(as_text=True)
