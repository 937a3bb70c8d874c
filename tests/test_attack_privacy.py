"""Attacks from the outside audit on privacy: hidden terms, cross-site resubmission, instance files.

Each test plays the attack through HTTP (or, for the instance files, by starting the app as the
service does) and checks what reached the database, the researcher's page or the disk.
"""

import html
import multiprocessing
import os
import re
import stat
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import create_app
from journal.extensions import db
from journal.models import Entry, Share, User
from journal.privacy import MARKERS
from journal.services import sharing
from tests import factories
from tests.conftest import RequestIsolatingClient, login
from tests.live import hidden_fields

# --- finding 3: "always hide" terms never reach what is shared -----------------------------------

TERMS = "Jenkins\nSt Mary's\nRowan"


def set_terms(client, terms: str) -> None:
    response = client.post("/journal/sharing-settings", data={"hide_terms": terms})
    assert response.status_code == 302


def share_by_hand(client, entry, wording: str):
    """Post the share form as a hand-made request: no preview drawn, "live" claimed."""
    return client.post(f"/journal/{entry.id}/share", data={
        "wording": wording, "scope": "research", "replaces": "", "previewed": "live",
        "confirm": "1"})


def share_as_shown(client, entry, wording: str, replaces: str = "") -> None:
    """Share the way a writer without JavaScript does: check, then share exactly what was shown."""
    shown = client.post(f"/journal/{entry.id}/share", data={
        "wording": wording, "scope": "research", "replaces": replaces, "check": "1"})
    page = shown.get_data(as_text=True)
    previewed = re.search(r'name="previewed"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(f"/journal/{entry.id}/share", data={
        "wording": textarea(page), "scope": "research", "replaces": replaces,
        "previewed": previewed, "confirm": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)


def textarea(page: str) -> str:
    return html.unescape(re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", page, re.S).group(1))


def folded(text: str) -> str:
    """``text`` as a reader takes it: accents dropped, full-width letters narrow, any case."""
    plain = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def full_width(text: str) -> str:
    """``text`` with its ASCII letters and digits typed as full-width forms ("Ｚｏｅ")."""
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isascii() and ch.isalnum() else ch
                   for ch in text)


def outside_markers(text: str) -> str:
    for marker in MARKERS.values():
        text = text.replace(marker, " ")
    return folded(text)


def assert_no_stray_accent(text: str) -> None:
    """No accent is left after a marker, cut off from the letter it belonged to."""
    for marker in MARKERS.values():
        for match in re.finditer(re.escape(marker), text):
            after = text[match.end():match.end() + 1]
            assert not (after and unicodedata.category(after).startswith("M")), text


def assert_no_term(text: str, terms: str) -> None:
    for term in terms.split("\n"):
        assert folded(term) not in outside_markers(text), (term, text)
    assert_no_stray_accent(text)


def researcher_page(client, researcher, share: Share) -> str:
    share_id = share.id
    factories.release_held()  # the next day's batch reaches the queue
    login(client, researcher)
    assert client.post(f"/research/shares/{share_id}/accept").status_code == 302
    return client.get(f"/research/shares/{share_id}").get_data(as_text=True)


@pytest.mark.parametrize("wording", [
    "Sister Mary Jenkins stayed late with me.",
    "I trained at St Mary's Hospital in Leeds.",
    "Write to mary.jenkins@nhs.net or mjenkins@example.org about it.",
    "Her page is https://example.org/staff/jenkins and www.rowanward.example.",
    "It was Jenkins's idea, and JENKINS agreed; jenkins-smith too.",
    "Mrs Jenkinson on Rowan Ward, near St Mary's.",
    "We met at St Mary's Jenkins Unit.",
])
def test_always_hide_terms_never_reach_the_stored_share_or_the_researcher(
        client, writer, researcher, wording):
    login(client, writer)
    set_terms(client, TERMS)
    entry = factories.make_entry(writer, title="A shift", body=wording)
    preview = client.get(f"/journal/{entry.id}/share").get_data(as_text=True)
    assert_no_term(preview.split("</h1>", 1)[1], TERMS)
    share_as_shown(client, entry, wording)
    share = db.session.scalars(db.select(Share)).one()
    assert_no_term(share.text, TERMS)
    assert_no_term(researcher_page(client, researcher, share), TERMS)


def test_a_hand_made_share_form_cannot_put_a_hidden_term_back(client, writer):
    login(client, writer)
    set_terms(client, TERMS)
    entry = factories.make_entry(writer, title="A shift", body="A quiet night.")
    response = share_by_hand(client, entry, "Sister Mary Jenkins at St Mary's Hospital.")
    page = response.get_data(as_text=True)
    # What the writer saw ("live") is not what would be shared: show the new preview first.
    assert response.status_code == 200 and db.session.scalars(db.select(Share)).all() == []
    assert "You changed something" in page
    assert_no_term(page.split("</h1>", 1)[1], TERMS)
    share_as_shown(client, entry, textarea(page))
    share = db.session.scalars(db.select(Share)).one()
    assert_no_term(share.text, TERMS)


def test_one_tap_replacements_cannot_bring_a_hidden_term_back(client, writer):
    login(client, writer)
    set_terms(client, "Jenkins")
    entry = factories.make_entry(writer, title="A shift", body="Sister Mary Jenkins helped.")
    for extra in ({"replace_all": "1"}, {"replace": "0:19:name"}, {"replace": "7:11:name"}):
        response = client.post(f"/journal/{entry.id}/share", data={
            "wording": "Sister Mary Jenkins helped.", "scope": "research", "replaces": "",
            **extra})
        assert_no_term(response.get_data(as_text=True).split("</h1>", 1)[1], "Jenkins")


def test_a_hide_term_with_no_letters_is_refused_and_the_list_shown_again(client, writer):
    login(client, writer)
    response = client.post("/journal/sharing-settings", data={"hide_terms": "Jenkins\n..."})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "has no letters or numbers" in page
    assert "Jenkins\n..." in page


#: Letters as they may be typed: plain, accented (composed, or a letter then its accent), and
#: full-width ("Ｊ").
_LETTER = st.sampled_from([*"abcdeJKLMnsy'", "\u00e9", "e\u0301", "\u00eb", "e\u0308", "\u00c9",
                           "E\u0301", "\u1ecd\u0300", "o\u0323\u0300", "\uff2a", "\uff4e"])
_WORDS = st.lists(_LETTER, min_size=2, max_size=8).map("".join).filter(
    lambda word: any(ch.isalpha() for ch in word))
_FILLER = st.sampled_from([" ", ". ", "'s ", "@", ".", "-", "/", " St ", " Hospital ",
                           " Sister ", "x", "@nhs.net ", "https://a.example/"])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(terms=st.lists(_WORDS, min_size=1, max_size=3),
       pieces=st.lists(st.one_of(_WORDS, _FILLER), min_size=1, max_size=12),
       upper=st.booleans())
def test_no_hidden_term_survives_sharing_whatever_surrounds_it(client, writer, terms, pieces,
                                                                upper):
    login(client, writer)
    before = set(db.session.scalars(db.select(Share.id)))
    set_terms(client, "\n".join(terms))
    wording = " ".join(pieces + terms)
    wording = wording.upper() if upper else wording
    entry = factories.make_entry(writer, title="Shift", body="A quiet night.")
    response = share_by_hand(client, entry, wording)
    if response.status_code == 200:  # shown again with the terms hidden: share what was shown
        page = response.get_data(as_text=True)
        assert_no_term(textarea(page), "\n".join(terms))
        share_by_hand(client, entry, textarea(page))
    for share in db.session.scalars(db.select(Share).where(Share.id.not_in(before))):
        assert_no_term(share.text, "\n".join(terms))


# --- second audit, finding 3: ordinary variations of a term, and terms added after sharing -----

AUDIT_TERMS = "St Mary's\nJenkins\nOkafor\nWard 7B"
#: What may stand between the parts of a term, or for an apostrophe in it, and still be that term.
_SEPARATORS = re.compile("[\\s'\u2019\u2018\u02bc\u02bb`\u00b4\u2032.\\-"
                         "\u2010\u2011\u2012\u2013\u2014\u00ad\u200b\u200c\u200d\u2060]+")


def squashed(text: str) -> str:
    return _SEPARATORS.sub("", folded(text))


def assert_no_variant(text: str, terms: str) -> None:
    """No term is left outside a marker, however its parts are spelt, spaced or joined."""
    rest = text
    for marker in MARKERS.values():
        rest = rest.replace(marker, "|")  # a marker never joins the words either side of it
    for term in terms.split("\n"):
        assert squashed(term) not in squashed(rest), (term, text)
    assert_no_stray_accent(text)


@pytest.mark.parametrize(("wording", "kept", "gone"), [
    ("We trained at St Mary\u2019s, tonight.", "tonight", []),
    ("We trained at St\nMary's, tonight.", "tonight", []),
    ("We trained at St\r\nMary's, tonight.", "tonight", []),
    ("We trained at st. mary's, tonight.", "tonight", []),
    ("We trained at St.Mary's, tonight.", "tonight", []),
    ("We trained at ST MARYS, tonight.", "tonight", []),
    ("We trained at St Mary\u02bcs, tonight.", "tonight", []),
    ("We trained at St\u00a0 Mary\u2018s, tonight.", "tonight", []),
    ("We trained at St - Mary's, tonight.", "tonight", []),
    ("Dr Okafor-Smith was kind tonight.", "tonight", ["smith"]),
    ("We met okafor-smith there tonight.", "tonight", ["smith"]),
    ("The Okafors were kind tonight.", "tonight", []),
    ("Jenkinsy said so tonight.", "tonight", []),
    ("It was Jenkins\u2019 idea tonight.", "tonight", []),
    ("It was Jenkins\u2019s idea tonight.", "tonight", []),
    ("It was Smith-Jenkins\u2019s idea tonight.", "tonight", ["smith"]),
    ("It was smith-jenkins\u2019s idea tonight.", "tonight", ["smith"]),
    ("On Ward 7-B tonight.", "tonight", []),
    ("On ward 7b tonight.", "tonight", []),
    ("On Ward\u00a07B tonight.", "tonight", []),
    ("On Ward 7.B tonight.", "tonight", []),
    ("On WARD-7B tonight.", "tonight", []),
    ("On Ward7B tonight.", "tonight", []),
])
def test_always_hide_terms_are_hidden_in_their_ordinary_variations(
        client, writer, researcher, wording, kept, gone):
    login(client, writer)
    set_terms(client, AUDIT_TERMS)
    entry = factories.make_entry(writer, title="A shift", body=wording)
    preview = client.get(f"/journal/{entry.id}/share").get_data(as_text=True)
    assert_no_variant(textarea(preview), AUDIT_TERMS)
    share_as_shown(client, entry, wording)
    share = db.session.scalars(db.select(Share)).one()
    assert_no_variant(share.text, AUDIT_TERMS)
    assert kept in share.text  # the words around the term are still shared
    assert not [word for word in gone if word in share.text.lower()]  # the whole word is hidden
    page = researcher_page(client, researcher, share).split("</h1>", 1)[1]
    assert_no_variant(page, AUDIT_TERMS)


_TERM_PART = st.text(alphabet="abcdefgABCDEFG0123\u00e9\u00eb\u00e1\u00c9\u1ecd", min_size=1,
                     max_size=5)
#: What a phone, a keyboard or a writer's habit may put where the term has a space or apostrophe.
_JOIN = st.sampled_from(["", " ", "  ", "\n", "\r\n", "\u00a0", "-", " - ", ".", ". ", "'",
                         "\u2019", "\u2018", "\u02bc", "\u2010", "\u2013"])
_APOSTROPHE = st.sampled_from(["", "'", "\u2019", "\u2018", "\u02bc", "\u02bb", "`"])
#: Filler shares no letter with the terms, so any squashed match is a variant of a term.
_FILLER_WORD = st.text(alphabet="uvwxyzUVWXYZ", min_size=1, max_size=6)
_GLUE = st.sampled_from(["", "-", "'s", "s", "\u2019s", "y"])


@st.composite
def term_and_variant(draw) -> tuple[str, str]:
    """A term as a writer lists it ("St Mary's", "Zoë"), and as it may be typed ("ST-Mary’sy",
    "ZOE", "Zoë" as a letter then its accent, "Ｚｏë" in full-width letters)."""
    parts = draw(st.lists(_TERM_PART, min_size=1, max_size=3))
    cut = draw(st.integers(min_value=0, max_value=len(parts[-1])))
    apostrophe = "'" if 0 < cut < len(parts[-1]) else ""
    term = " ".join(parts[:-1] + [parts[-1][:cut] + apostrophe + parts[-1][cut:]])
    term = draw(st.sampled_from([term, nfd(term)]))  # pasted lists may be decomposed too

    def typed(part: str) -> str:
        return "".join(draw(st.sampled_from([
            ch.lower(), ch.upper(), nfd(ch.lower()), nfd(ch.upper()), folded(ch),
            full_width(nfd(ch)), ch + "\u0301" if ch.isascii() and ch.isalpha() else ch,
        ])) for ch in part)

    last = typed(parts[-1][:cut]) + (draw(_APOSTROPHE) if apostrophe else "") + typed(
        parts[-1][cut:])
    variant = "".join(typed(part) + draw(_JOIN) for part in parts[:-1]) + last
    before = draw(st.sampled_from(["", draw(_FILLER_WORD), draw(_FILLER_WORD) + "-"]))
    after = draw(_GLUE) + draw(st.sampled_from(["", draw(_FILLER_WORD)]))
    return term, before + variant + after


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(pairs=st.lists(term_and_variant(), min_size=1, max_size=3),
       filler=st.lists(_FILLER_WORD, min_size=0, max_size=6),
       punctuation=st.sampled_from([", ", ",\n", " (", "; ", "! "]))
def test_no_variant_of_a_hidden_term_survives_sharing(client, writer, pairs, filler,
                                                      punctuation):
    login(client, writer)
    before = set(db.session.scalars(db.select(Share.id)))
    terms = "\n".join(term for term, _ in pairs)
    set_terms(client, terms)
    wording = punctuation.join(filler + [variant for _, variant in pairs] + filler[:2]) + "."
    entry = factories.make_entry(writer, title="Shift", body="A quiet night.")
    response = share_by_hand(client, entry, wording)
    assert response.status_code == 200  # shown again with the terms hidden
    page = response.get_data(as_text=True)
    assert_no_variant(textarea(page), terms)
    share_by_hand(client, entry, textarea(page))
    shares = db.session.scalars(db.select(Share).where(Share.id.not_in(before))).all()
    assert len(shares) == 1
    assert_no_variant(shares[0].text, terms)


RECHECK_WARNING = "still contain"


def test_adding_a_hide_term_names_each_shared_entry_still_holding_it_and_changes_nothing(
        client, writer, other_writer):
    with_term = factories.make_entry(writer, title="Night with Sister", body="Sister Okafor\u2019s "
                                     "kindness got me through the night.")
    without = factories.make_entry(writer, title="Quiet night", body="A quiet night.")
    theirs = factories.make_entry(other_writer, title="Their night", body="Okafor was there.")
    share = factories.make_share(writer, with_term, accepted=True)
    factories.make_share(writer, without)
    factories.make_share(other_writer, theirs)
    login(client, writer)
    saved = client.post("/journal/sharing-settings", data={"hide_terms": "Okafor"},
                        follow_redirects=True)
    fix = f'href="/journal/{with_term.id}/share"'
    mine = client.get("/journal/shared").get_data(as_text=True)
    for page in (saved.get_data(as_text=True), mine):
        assert RECHECK_WARNING in page and fix in page
        warning = page[page.index(RECHECK_WARNING):]
        assert "Night with Sister" in warning and "Okafor" in warning
        assert page.count(f'href="/journal/{without.id}/share"') <= 1  # its usual link only
        assert "Their night" not in page
    assert "Okafor\u2019s" in db.session.get(Share, share.id).text  # never changed silently
    preview = client.get(f"/journal/{with_term.id}/share").get_data(as_text=True)
    assert "Okafor" not in textarea(preview) and "kindness" in textarea(preview)
    old_id = share.id
    share_as_shown(client, with_term, textarea(preview), replaces=old_id)
    assert db.session.get(Share, old_id) is None  # a changed version is a new share
    share = sharing.share_of(writer, with_term)
    assert "Okafor" not in share.text
    for path in ("/journal/sharing-settings", "/journal/shared"):
        assert RECHECK_WARNING not in client.get(path).get_data(as_text=True)


def test_a_term_already_on_the_list_is_reported_in_a_variant_spelling(client, writer):
    entry = factories.make_entry(writer, title="Ward night", body="On ward 7-b again.")
    factories.make_share(writer, entry)
    login(client, writer)
    page = client.post("/journal/sharing-settings", data={"hide_terms": "Ward 7B"},
                       follow_redirects=True).get_data(as_text=True)
    assert RECHECK_WARNING in page and f'href="/journal/{entry.id}/share"' in page


# --- third audit, finding 4: accented names, however they are typed -------------------------------

ACCENTED_TERMS = "Zo\u00eb\nAd\u00e9b\u00e1y\u1ecd\u0300\nRen\u00e9e"


def marks_in(text: str) -> list[str]:
    """The combining accents in ``text`` (none should be left where a name was hidden)."""
    return [ch for ch in text if unicodedata.category(ch).startswith("M")]


@pytest.mark.parametrize("name", [
    pytest.param("Zo\u00eb", id="zoe-composed"),
    pytest.param(nfd("Zo\u00eb"), id="zoe-decomposed"),
    pytest.param("Zoe", id="zoe-no-accent"),
    pytest.param("ZO\u00cb", id="zoe-capitals"),
    pytest.param(nfd("ZO\u00cb"), id="zoe-capitals-decomposed"),
    pytest.param(full_width("Zo") + "\u00eb", id="zoe-full-width"),
    pytest.param(full_width("ZOE"), id="zoe-full-width-no-accent"),
    pytest.param("Ren\u00e9e", id="renee-composed"),
    pytest.param(nfd("Ren\u00e9e"), id="renee-decomposed"),
    pytest.param("Renee", id="renee-no-accent"),
    pytest.param("Ad\u00e9b\u00e1y\u1ecd\u0300", id="adebayo-composed"),
    pytest.param(nfd("Ad\u00e9b\u00e1y\u1ecd\u0300"), id="adebayo-decomposed"),
    pytest.param("Adebayo", id="adebayo-no-accent"),
    pytest.param("ADEBAYO", id="adebayo-capitals"),
])
def test_always_hide_terms_hide_accented_names_however_they_are_typed(
        client, writer, researcher, name):
    login(client, writer)
    set_terms(client, ACCENTED_TERMS)
    wording = f"Dr {name} stayed with me tonight."
    entry = factories.make_entry(writer, title="A shift", body=wording)
    preview = textarea(client.get(f"/journal/{entry.id}/share").get_data(as_text=True))
    assert preview == "Dr [name] stayed with me tonight."  # the whole word, accents and all
    share_as_shown(client, entry, preview)
    share = db.session.scalars(db.select(Share)).one()
    assert share.text == "Dr [name] stayed with me tonight."
    page = researcher_page(client, researcher, share).split("</h1>", 1)[1]
    assert_no_variant(page, ACCENTED_TERMS)
    assert "stayed with me tonight" in page


def test_a_hand_made_share_cannot_slip_a_decomposed_name_past_the_list(client, writer):
    login(client, writer)
    set_terms(client, ACCENTED_TERMS)
    entry = factories.make_entry(writer, title="A shift", body="A quiet night.")
    wording = nfd("Zo\u00eb and Ren\u00e9e were kind; Ad\u00e9b\u00e1y\u1ecd\u0300-Smith too.")
    response = share_by_hand(client, entry, wording)
    assert response.status_code == 200 and db.session.scalars(db.select(Share)).all() == []
    shown = textarea(response.get_data(as_text=True))
    assert shown == "[name] and [name] were kind; [name] too."
    assert marks_in(shown) == []


def test_letters_with_a_stroke_are_hidden_when_typed_without_it(client, writer):
    login(client, writer)
    set_terms(client, "S\u00f8ren\n\u0141ukasz")
    entry = factories.make_entry(writer, title="A shift", body="A quiet night.")
    response = share_by_hand(client, entry, "Soren and LUKASZ helped; s\u00f8ren too.")
    assert textarea(response.get_data(as_text=True)) == "[name] and [name] helped; [name] too."

def test_adding_an_accented_term_names_shared_entries_holding_it_in_any_form(client, writer):
    spellings = {"Zoe without accent": "Zoe was kind.", "Zoe decomposed": nfd("Zo\u00eb helped."),
                 "Zoe in capitals": "ZO\u00cb stayed."}
    entries = [factories.make_entry(writer, title=title, body=body)
               for title, body in spellings.items()]
    for entry in entries:
        factories.make_share(writer, entry)
    login(client, writer)
    page = client.post("/journal/sharing-settings", data={"hide_terms": "Zo\u00eb"},
                       follow_redirects=True).get_data(as_text=True)
    assert RECHECK_WARNING in page
    for entry in entries:
        assert f'href="/journal/{entry.id}/share"' in page, entry.title


# --- finding 5: the "form expired" page is no one-click forgery ----------------------------------

CROSS_SITE = [
    pytest.param({"Origin": "https://evil.example"}, id="origin-of-another-site"),
    pytest.param({"Origin": "null"}, id="opaque-origin"),
    pytest.param({"Sec-Fetch-Site": "cross-site"}, id="sec-fetch-cross-site"),
    pytest.param({"Sec-Fetch-Site": "same-site", "Origin": "http://evil.localhost"},
                 id="sibling-site"),
    pytest.param({"Referer": "https://evil.example/page"}, id="referer-of-another-site"),
    pytest.param({}, id="no-origin-headers-at-all"),
]
SAME_ORIGIN = [
    pytest.param({"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
                 id="browser-headers"),
    pytest.param({"Sec-Fetch-Site": "same-origin"}, id="sec-fetch-only"),
    pytest.param({"Origin": "http://localhost"}, id="origin-only"),
    pytest.param({"Referer": "http://localhost/journal/sharing-settings"}, id="referer-only"),
]


def csrf_token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def signin(client, user) -> None:
    response = client.post("/login", data={"username": user.username,
                                           "password": factories.PASSWORD,
                                           "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302


def assert_plain_refusal(response) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Send it again" not in page and "kept-text" not in page
    forms = re.findall(r"<form[^>]*>.*?</form>", page, flags=re.S)
    assert all("data-sign-out" in form for form in forms), forms  # only the header's sign-out
    assert "This request was refused" in page


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
@pytest.mark.parametrize("headers", CROSS_SITE)
def test_a_cross_site_post_gets_a_plain_refusal_with_nothing_to_resubmit(
        client, writer, admin, headers):
    signin(client, writer)
    entry = factories.make_entry(writer, body="Keep me")
    client.post("/journal/sharing-settings", data={
        "hide_terms": "Jenkins", "csrf_token": csrf_token(client, "/journal/sharing-settings")})
    for path, data in (("/journal/sharing-settings", {"hide_terms": ""}),
                       (f"/journal/{entry.id}/delete", {}),
                       ("/logout", {})):
        assert_plain_refusal(client.post(path, data=data, headers=headers))
    assert db.session.get(Entry, entry.id) is not None
    assert client.get("/journal/").status_code == 200  # still signed in
    target = factories.make_user("writer", username="victim")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/journal/")})
    signin(client, admin)
    path = f"/admin/users/{target.id}/deactivate"
    assert_plain_refusal(client.post(path, headers=headers))
    assert db.session.get(User, target.id).active


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
@pytest.mark.parametrize("headers", SAME_ORIGIN)
def test_an_expired_form_from_our_own_page_is_shown_again_with_what_was_typed(
        client, writer, headers):
    signin(client, writer)
    owner = hidden_fields(client.get("/journal/").get_data(as_text=True))["opened_by"]
    response = client.post("/journal/sharing-settings", headers=headers, data={
        "hide_terms": "Jenkins\nRowan", "csrf_token": "stale", "opened_by": owner})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Send it again" in page
    assert 'action="/journal/sharing-settings"' in page and "Rowan" in page
    fresh = re.search(r'<form method="post" action="/journal/sharing-settings".*?'
                      r'name="csrf_token" value="([^"]+)"', page, re.S).group(1)
    again = client.post("/journal/sharing-settings", headers=headers,
                        data={"hide_terms": "Jenkins\nRowan", "csrf_token": fresh,
                              "opened_by": owner})
    assert again.status_code == 302
    settings_page = client.get("/journal/sharing-settings").get_data(as_text=True)
    assert "Jenkins\nRowan" in settings_page


# --- finding 11: the instance folder is private; keys are created whole --------------------------

def _private(mode: int) -> bool:
    return stat.S_IMODE(mode) & 0o077 == 0


def test_the_instance_folder_and_everything_the_app_writes_there_are_private(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    os.chmod(instance, 0o755)
    (instance / "old.log").write_text("from before")
    os.chmod(instance / "old.log", 0o644)
    previous = os.umask(0o022)  # a typical service umask
    try:
        app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance), "DATABASE_URL": "",
                          "INDEX_DIR": "", "WTF_CSRF_ENABLED": False})
        app.test_client_class = RequestIsolatingClient
        with app.app_context():
            db.create_all()
            author = factories.make_user("writer", username="instancewriter")
            reader = factories.make_user("researcher", username="instancereader")
            entry = factories.make_entry(author, body="A night on the ward.")
            client = app.test_client()
            login(client, author)
            share_as_shown(client, entry, "A night on the ward.")
            researcher_page(client, reader, db.session.scalars(db.select(Share)).one())
            db.engine.dispose()
    finally:
        os.umask(previous)
    made = [path for path in instance.rglob("*")]
    names = {path.name for path in made}
    assert {"journal.sqlite", "secret_key", "share_key", "index", "index.lock"} <= names
    assert _private(instance.stat().st_mode)
    assert [str(p) for p in made if not _private(p.stat().st_mode)] == []


def _start_app(instance: str, barrier) -> str:
    barrier.wait()
    app = create_app({"TESTING": True, "INSTANCE_PATH": instance, "DATABASE_URL": "sqlite://"})
    return app.config["SECRET_KEY"] + ":" + app.config["SHARE_KEY"]


def test_processes_starting_at_once_all_read_the_same_whole_keys(tmp_path):
    spawn = multiprocessing.get_context("spawn")
    processes, rounds = 4, 12
    with spawn.Manager() as manager, spawn.Pool(processes) as pool:
        for attempt in range(rounds):
            barrier = manager.Barrier(processes, timeout=120)
            instance = str(tmp_path / f"instance{attempt}")
            keys = pool.starmap(_start_app, [(instance, barrier)] * processes)
            secret, share = keys[0].split(":")
            assert len(secret) == 64 and len(share) == 64, keys
            assert set(keys) == {keys[0]}, keys
