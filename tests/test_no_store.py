"""Pages that show typed text back are never kept by the browser's cache, signed in or not.

On a shared computer the next person can open a cached page with the back button or from the
history; a refused or expired form shows what was typed, so none of those pages may be stored.
"""

import pytest

from journal.extensions import db
from journal.services import accounts
from tests import factories
from tests.conftest import login
from tests.live import hidden_fields

FROM_OUR_PAGE = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
WORDS = "The night the baby on bay 3 stopped breathing and I was the only one there"
CSRF_ON = pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])


def assert_not_stored(response, status: int = 400) -> None:
    assert response.status_code == status
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url", ["/logout", "/journal/1/share/withdraw"])
def test_signed_out_nothing_was_saved_page_is_not_stored(client, url):
    response = client.post(url, data={"note": WORDS + "\x00"})
    assert WORDS in response.get_data(as_text=True)
    assert_not_stored(response)


@CSRF_ON
@pytest.mark.parametrize("url, typed", [
    ("/login", {"username": "ann.ward7", "password": "x"}),
    ("/signup", {"username": "ann.ward7", "password": "x", "invite_code": "x"}),
    ("/login", {"a_field_we_do_not_know": WORDS}),
])
def test_signed_out_form_expired_page_is_not_stored(app, url, typed):
    browser = app.test_client()
    tab = hidden_fields(browser.get(url).get_data(as_text=True))
    with browser.session_transaction() as session:
        session.clear()  # the session, and the form token it held, expired
    response = browser.post(url, data={**tab, **typed}, headers=FROM_OUR_PAGE)
    assert typed.get("username", WORDS) in response.get_data(as_text=True)
    assert_not_stored(response)


@pytest.fixture
def withdrawing(app, client, writer, admin):
    """A deactivated writer's browser, in its withdraw-only session, and their shared entry."""
    entry = factories.make_entry(writer, body=WORDS)
    factories.make_share(writer, entry, accepted=True)
    accounts.deactivate(db.session.merge(admin), db.session.merge(writer))
    db.session.commit()
    phone = app.test_client()
    login(phone, writer)
    return phone, entry


def test_withdraw_only_nothing_was_saved_page_is_not_stored(withdrawing):
    phone, entry = withdrawing
    response = phone.post(f"/withdraw/{entry.id}", data={"note": WORDS + "\x00"})
    assert WORDS in response.get_data(as_text=True)
    assert_not_stored(response)


def test_every_error_page_is_not_stored(client, writer):
    login(client, writer)
    client.post("/logout")
    assert_not_stored(client.get("/no-such-page"), 404)
    assert_not_stored(client.post("/"), 405)


def test_a_page_answering_a_form_is_not_stored_even_signed_out(client):
    response = client.post("/login", data={"username": "ann.ward7", "password": "wrong"})
    assert response.mimetype == "text/html" and "ann.ward7" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
