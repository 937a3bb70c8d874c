"""Any form posted after its session ended shows back what was typed: nothing is lost, nothing kept.

The entry editor keeps its text on the server for its writer (tests/test_session_expiry.py);
every other form (share wording, always-hide list, responses, memos, commentary, collections)
cannot, so the words go back to the screen they came from, ready to copy, with a way to sign in.
"""

import re

import pytest

from journal.extensions import db
from journal.models import CheckIn, Memo, Response, Share
from tests import factories

#: What a browser sends with a form posted from one of our own pages.
FROM_OUR_PAGE = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
WORDS = "I had finally found the right words for what happened on the ward tonight."


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def world(writer, researcher, leader):
    """A shared entry in a published leaders' collection, a theme, and a second entry to share."""
    shared = factories.make_entry(writer, body="Words already shared.")
    share = factories.make_share(writer, shared, accepted=True)
    collection = factories.make_collection("What helps", [share], publish=True)
    return {"writer": writer, "researcher": researcher, "leader": leader, "share": share,
            "entry": factories.make_entry(writer, body="An entry not shared yet."),
            "theme": factories.make_theme("Being heard"), "collection": collection}


def forms(w: dict) -> dict[str, tuple]:
    """Each form that is not the entry editor: (who posts it, where, what is sent)."""
    c, share = w["collection"], w["share"]
    return {
        "share wording": ("writer", f"/journal/{w['entry'].id}/share",
                          {"wording": WORDS, "scope": "research", "previewed": "live",
                           "replaces": str(share.id)}),
        "always-hide list": ("writer", "/journal/sharing-settings",
                             {"hide_terms": WORDS, "role": ""}),
        "check-in note": ("writer", "/journal/check-in", {"support": "3", "note": WORDS}),
        "leader response": ("leader", f"/collections/{c.id}", {"text": WORDS}),
        "memo on a share": ("researcher", f"/research/shares/{share.id}/memos",
                            {"text": WORDS}),
        "memo on a theme": ("researcher", f"/research/themes/{w['theme'].id}/memos",
                            {"text": WORDS}),
        "commentary": ("researcher", f"/research/collections/{c.id}/items/{c.items[0].id}"
                       "/commentary", {"commentary": WORDS}),
        "new collection": ("researcher", "/research/collections/",
                           {"title": "Night shifts", "summary": WORDS, "audience": "leaders"}),
        "collection details": ("researcher", f"/research/collections/{c.id}/edit",
                               {"title": "What helps", "summary": WORDS,
                                "audience": "leaders"}),
    }


FORMS = [
    "share wording", "always-hide list", "check-in note", "leader response", "memo on a share",
    "memo on a theme", "commentary", "new collection", "collection details"]


def csrf_of(client) -> dict:
    """The form token and the signed page-owner note that a page's forms carry."""
    page = client.get("/account/password").get_data(as_text=True)
    return {name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
            for name in ("csrf_token", "opened_by")}


def sign_in(client, user) -> dict:
    """Sign in through the form; return the hidden fields this session's forms carry."""
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": user.username, "password": factories.PASSWORD,
                                "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"',
                                                        page).group(1)})
    return csrf_of(client)


def end_elsewhere(app, user, how: str) -> None:
    """End every session of ``user`` from another device: signing out, or a new password."""
    other = app.test_client()
    token = sign_in(other, user)
    if how == "signed out elsewhere":
        other.post("/logout", data=token)
    else:
        new = "a brand new passphrase for the ward"
        other.post("/account/password", data={**token, "new_password": new,
                                              "confirm": new,
                                              "current_password": factories.PASSWORD})


def nothing_changed(w: dict) -> None:
    assert db.session.scalars(db.select(Memo)).all() == []
    assert db.session.scalars(db.select(Response)).all() == []
    assert db.session.scalars(db.select(CheckIn)).all() == []
    assert db.session.scalar(db.select(db.func.count()).select_from(Share)) == 1
    assert WORDS not in str(w["collection"].items[0].commentary or "")
    assert w["collection"].summary != WORDS


def assert_words_shown_back(response, fields: dict) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "session had ended" in page and "nothing was sent" in page
    assert re.search(r"<textarea [^>]*readonly>" + re.escape(WORDS) + "</textarea>", page)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Send it again" not in page  # a form with a fresh token would post as nobody
    if "replaces" in fields:  # a hidden id: never shown
        assert fields["replaces"] not in page
    return page


@pytest.mark.parametrize("how", ["signed out elsewhere", "password changed"])
@pytest.mark.parametrize("form", FORMS)
def test_a_form_sent_after_the_session_ended_elsewhere_shows_the_words_back(
        app, world, form, how):
    role, url, fields = forms(world)[form]
    device = app.test_client()
    token = sign_in(device, world[role])
    end_elsewhere(app, world[role], how)
    response = device.post(url, data={**fields, **token}, headers=FROM_OUR_PAGE)
    page = assert_words_shown_back(response, fields)
    assert token["csrf_token"] not in page
    nothing_changed(world)


@pytest.mark.parametrize("form", FORMS)
def test_a_form_sent_after_an_idle_timeout_shows_the_words_back(app, world, form):
    role, url, fields = forms(world)[form]
    device = app.test_client()
    token = sign_in(device, world[role])
    idle = app.test_client()  # the browser dropped the expired session cookie
    response = idle.post(url, data={**fields, **token}, headers=FROM_OUR_PAGE)
    page = assert_words_shown_back(response, fields)
    assert token["csrf_token"] not in page
    nothing_changed(world)


def test_the_sign_in_link_comes_back_to_the_form(app, world):
    device = app.test_client()
    token = sign_in(device, world["writer"])
    end_elsewhere(app, world["writer"], "signed out elsewhere")
    response = device.post("/journal/sharing-settings", headers=FROM_OUR_PAGE,
                           data={"hide_terms": WORDS, **token})
    link = re.search(r'href="(/login\?next=[^"]+)"', response.get_data(as_text=True)).group(1)
    assert link.replace("%2F", "/") == "/login?next=/journal/sharing-settings"


def test_a_cross_site_post_after_the_session_ended_echoes_nothing(app, world):
    """Another site cannot use the page to make us show its text as if the user typed it."""
    device = app.test_client()
    token = sign_in(device, world["researcher"])
    end_elsewhere(app, world["researcher"], "signed out elsewhere")
    response = device.post(f"/research/shares/{world['share'].id}/memos",
                           data={"text": WORDS, **token},
                           headers={"Origin": "https://elsewhere.example",
                                    "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 302 and "/login" in response.location
    assert WORDS not in response.get_data(as_text=True)


def test_passwords_are_never_shown_back(app, world):
    device = app.test_client()
    token = sign_in(device, world["writer"])
    idle = app.test_client()
    secret = "my old secret passphrase"
    response = idle.post("/account/password", headers=FROM_OUR_PAGE, data={
        **token, "current_password": secret, "new_password": secret + "!",
        "confirm": secret + "!"})
    assert secret not in response.get_data(as_text=True)
    assert token["csrf_token"] not in response.get_data(as_text=True)


@pytest.mark.parametrize("author", ["note", "none"])
def test_an_editors_hidden_version_is_never_shown_back(app, world, author):
    """The editor's text comes back after the session ended; its hidden fields do not."""
    entry, device = world["entry"], app.test_client()
    sign_in(device, world["writer"])
    page = device.get(f"/journal/{entry.id}/edit").get_data(as_text=True)
    tab = {name: re.search(rf'name="{name}" (?:type="hidden" )?value="([^"]*)"', page).group(1)
           for name in ("csrf_token", "opened_by", "author")}
    if author == "none":
        del tab["author"]
    idle = app.test_client()  # the browser dropped the expired session cookie
    response = idle.post(f"/journal/{entry.id}/edit", headers=FROM_OUR_PAGE, data={
        **tab, "title": "Night", "body": WORDS + "\x00", "entry_date": "2026-11-20",
        "version": "9731"})
    shown = response.get_data(as_text=True)
    assert response.status_code in (400, 401) and WORDS in shown
    assert "9731" not in shown and "Version" not in shown
