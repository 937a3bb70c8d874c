"""A shared ward computer: one account's old tabs never show its words to the next account.

Ann opens a form, signs out and walks away; Bea signs in on the same browser; Ann's tab posts
(a reload, a "Send" pressed late). The form's CSRF token is Ann's, so it is refused. The page
that answers must not show Ann's words to Bea, nor offer Bea a "Send it again" that would file
them under Bea's account (her always-hide list replaced with Ann's, say).
"""

import re

import pytest

from journal.extensions import db
from journal.models import CheckIn, WriterProfile
from tests import factories
from tests.live import hidden_fields

FROM_OUR_PAGE = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
WORDS = "Sister Okafor on ward 7 covered for me when I froze at the drug round."
ANOTHER = "This page was opened by another account, so nothing was sent."


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def sign_in(client, user) -> None:
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={**hidden_fields(page), "username": user.username,
                                "password": factories.PASSWORD})


def sign_out(client) -> None:
    client.post("/logout", data=hidden_fields(client.get("/journal/").get_data(as_text=True)))


def form_on(client, url: str) -> dict:
    """The hidden fields (token, owner note) of the form that page ``url`` shows."""
    return hidden_fields(client.get(url).get_data(as_text=True))


def ann_forms(entry) -> dict[str, tuple[str, str, dict]]:
    """Forms Ann has open: (page they are on, where they post, what she typed)."""
    return {
        "always-hide list": ("/journal/sharing-settings", "/journal/sharing-settings",
                             {"hide_terms": WORDS, "role": ""}),
        "check-in note": ("/journal/", "/journal/check-in", {"support": "3", "note": WORDS}),
        "share wording": (f"/journal/{entry.id}/share", f"/journal/{entry.id}/share",
                          {"wording": WORDS, "scope": "research", "previewed": "live"}),
        "private search": ("/journal/", "/journal/search", {"q": WORDS}),
    }


@pytest.mark.parametrize("form", ["always-hide list", "check-in note", "share wording",
                                  "private search"])
def test_another_accounts_tab_shows_the_next_account_nothing(app, form):
    ann, bea = factories.make_user(username="ann"), factories.make_user(username="bea")
    entry = factories.make_entry(ann, body=WORDS)
    page, url, typed = ann_forms(entry)[form]
    browser = app.test_client()
    sign_in(browser, ann)
    tab = form_on(browser, page)
    sign_out(browser)
    sign_in(browser, bea)
    response = browser.post(url, data={**tab, **typed}, headers=FROM_OUR_PAGE)
    shown = response.get_data(as_text=True)
    assert response.status_code == 400 and ANOTHER in shown
    assert "Sister Okafor" not in shown and "Send it again" not in shown
    assert response.headers["Cache-Control"] == "no-store"
    assert db.session.scalars(db.select(CheckIn)).all() == []
    assert WORDS not in str(db.session.scalars(db.select(WriterProfile.hide_terms)).all())


def test_the_same_account_signed_in_again_gets_its_words_back_to_send(app):
    """Ann signed out and in again: her old tab's words are hers, so the page keeps them."""
    ann = factories.make_user(username="ann")
    browser = app.test_client()
    sign_in(browser, ann)
    tab = form_on(browser, "/journal/sharing-settings")
    sign_out(browser)
    sign_in(browser, ann)
    response = browser.post("/journal/sharing-settings", headers=FROM_OUR_PAGE,
                            data={**tab, "hide_terms": WORDS, "role": ""})
    shown = response.get_data(as_text=True)
    assert response.status_code == 400 and "Sister Okafor" in shown
    resend = hidden_fields(shown)
    assert resend["opened_by"] != tab["opened_by"] or resend["csrf_token"] != tab["csrf_token"]
    again = browser.post("/journal/sharing-settings", data=resend, headers=FROM_OUR_PAGE)
    assert again.status_code == 302
    assert db.session.scalar(db.select(WriterProfile.hide_terms)) == WORDS


def test_a_signed_out_form_is_shown_back_to_whoever_is_signed_out(app):
    """anonymous -> anonymous: a sign-in form whose token went stale keeps its username."""
    browser = app.test_client()
    tab = form_on(browser, "/login")
    with browser.session_transaction() as session:
        session.clear()  # the session (and its form token) expired
    response = browser.post("/login", headers=FROM_OUR_PAGE,
                            data={**tab, "username": "ann.ward7", "password": "x"})
    assert response.status_code == 400 and "ann.ward7" in response.get_data(as_text=True)


@pytest.mark.parametrize("note", ["", "forged", "WyJhbm9ueW1vdXMiXQ.forged-signature"])
def test_a_made_up_owner_note_never_shows_words(app, note):
    """Without a note we signed, a post is another account's as far as we can tell."""
    bea = factories.make_user(username="bea")
    browser = app.test_client()
    sign_in(browser, bea)
    response = browser.post("/journal/sharing-settings", headers=FROM_OUR_PAGE, data={
        "csrf_token": "stale", "opened_by": note, "hide_terms": WORDS, "role": ""})
    assert response.status_code == 400 and ANOTHER in response.get_data(as_text=True)
    assert "Sister Okafor" not in response.get_data(as_text=True)


def test_a_session_ended_page_needs_a_genuine_note_to_show_words(app):
    ann = factories.make_user(username="ann")
    browser = app.test_client()
    sign_in(browser, ann)
    tab = form_on(browser, "/journal/sharing-settings")
    late = app.test_client()  # the browser dropped the expired session cookie
    forged = {**tab, "opened_by": "", "hide_terms": WORDS, "role": ""}
    refused = late.post("/journal/sharing-settings", data=forged, headers=FROM_OUR_PAGE)
    assert refused.status_code == 400 and ANOTHER in refused.get_data(as_text=True)
    assert "Sister Okafor" not in refused.get_data(as_text=True)
    genuine = late.post("/journal/sharing-settings", headers=FROM_OUR_PAGE,
                        data={**tab, "hide_terms": WORDS, "role": ""})
    assert genuine.status_code == 401 and "Sister Okafor" in genuine.get_data(as_text=True)


def test_every_post_form_carries_the_owner_note(app):
    """Each template's POST forms render csrf_field(), the one place the note is added."""
    templates = [name for name in app.jinja_env.list_templates()
                 if name.endswith(".html") and not name.startswith("nhsuk")]
    for name in templates:
        source = app.jinja_env.loader.get_source(app.jinja_env, name)[0]
        for form in re.findall(r'<form\b[^>]*method="post".*?</form>', source, re.S | re.I):
            assert "csrf_field(" in form, f"{name}: a POST form without csrf_field()"
