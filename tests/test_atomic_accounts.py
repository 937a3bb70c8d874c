"""Two requests at once on one account or code: invite codes, usernames, ending sessions,
approvals, and sign-in throttling.

Whatever the timing, one invite code makes one account and one username one account (the other
sign-up is told why, not shown an error page); ending sessions always ends the ones begun before
it; a cancelled request is never approved; and parallel guesses get no more tries than the limit.
"""

from datetime import timedelta

import pytest

from journal.extensions import db
from journal.models import Role, User
from journal.services import accounts
from journal.services.errors import AccountError
from journal.services.sign_in import SignInLimits
from tests import factories
from tests.concurrency import ROUNDS, at_once, statuses
from tests.conftest import login

NEW_PASSWORD = "a new long password"


@pytest.fixture
def app_config():
    return {"OPEN_SIGNUP": "0"}


def sign_up(client, username: str, code: str):
    data = {"username": username, "password": "long enough pw", "confirm": "long enough pw",
            "invite_code": code}
    return lambda: client.post("/signup", data=data)


def accounts_named(*names: str) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(User)
                             .where(User.username.in_(names)))


def test_one_invite_code_used_twice_at_once_makes_one_account(app, admin):
    for round_ in range(ROUNDS):
        code = accounts.create_invite(admin)
        names = (f"first{round_}", f"second{round_}")
        responses = at_once(app, *(sign_up(app.test_client(), name, code) for name in names))
        assert statuses(responses) == [302, 422]
        assert accounts_named(*names) == 1


def test_one_username_taken_twice_at_once_makes_one_account(app, admin):
    for round_ in range(ROUNDS):
        name = f"nightowl{round_}"
        codes = [accounts.create_invite(admin) for _ in range(2)]
        responses = at_once(app, *(sign_up(app.test_client(), name, code) for code in codes))
        assert statuses(responses) == [302, 422]
        refused = next(r for r in responses if r.status_code == 422)
        assert "That username is taken" in refused.get_data(as_text=True)
        assert accounts_named(name) == 1


def test_a_password_change_ends_a_session_begun_while_it_was_under_way(app, writer):
    """The change reads the account, a sign-out everywhere and a new sign-in happen (in other
    requests, on another thread), then the change writes: bumping the version it read would
    leave the new session alive."""
    computer, tablet = app.test_client(), app.test_client()
    login(computer, writer)
    with app.app_context():  # the password-change request, holding the account it read
        changing = db.session.get(User, writer.id)
        at_once(app, lambda: computer.post("/logout"))
        at_once(app, lambda: login(tablet, writer))
        accounts.change_password(changing, factories.PASSWORD, NEW_PASSWORD,
                                 SignInLimits(5, 100, timedelta(minutes=15)))
    assert tablet.get("/journal/").status_code == 302  # sent to sign in


def test_an_account_request_cancelled_as_it_is_approved_stays_cancelled(app, admin):
    """A second admin approves from the page they loaded; meanwhile the first cancels."""
    second_admin = factories.make_user("admin", username="secondadmin")
    requested = accounts.create_account(admin, "newresearcher", Role.RESEARCHER,
                                        "long enough pw")
    with app.app_context():  # the approving request, holding the account it read
        approving = db.session.get(User, requested.id)
        assert approving.awaiting_approval
        canceller = app.test_client()
        at_once(app, lambda: login(canceller, admin))
        at_once(app, lambda: canceller.post(f"/admin/users/{requested.id}/deactivate"))
        with pytest.raises(AccountError, match="not waiting for approval"):
            accounts.approve(db.session.get(User, second_admin.id), approving)
    db.session.refresh(requested)
    assert not requested.active and not requested.awaiting_approval


def test_guesses_sent_all_at_once_get_no_more_tries_than_the_limit(app, writer):
    """Each guess is counted before the password is checked, so a burst of parallel guesses
    from many addresses cannot all slip under the per-account limit (5)."""
    guesses = [lambda n=n: app.test_client().post(
        "/login", data={"username": "writer", "password": f"guess {n}"},
        environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}) for n in range(12)]
    pages = [r.get_data(as_text=True) for r in at_once(app, *guesses)]
    tried = [page for page in pages if "The username or password is not right" in page]
    assert len(tried) <= app.config["LOGIN_MAX_FAILURES"]
    assert all("Too many failed sign-in attempts" in page for page in pages if page not in tried)
