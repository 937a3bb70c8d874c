"""Bad input gets a clear message, keeps what was typed, stores nothing, and never a 500."""

from html import escape

import pytest

from journal.extensions import db
from journal.models import Entry, User
from tests import factories
from tests.conftest import login

TYPED_TITLE = "Kept title"


def entry_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Entry))


@pytest.fixture
def signed_in(client, writer):
    login(client, writer)
    return writer


def post_entry(client, **fields):
    data = {"title": TYPED_TITLE, "body": "Some words", "entry_date": "2026-11-20",
            "author": factories.author_note(db.session.scalars(db.select(User)).one()),
            **fields}
    return client.post("/journal/new", data=data)


def test_empty_body(client, signed_in):
    response = post_entry(client, body="   ")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write something in your entry before saving" in page
    assert 'href="#body"' in page  # the error summary links to the field
    assert f'value="{TYPED_TITLE}"' in page and entry_count() == 0


def test_body_over_the_limit_is_kept_and_not_stored(client, signed_in):
    body = "x" * 19_990 + "unique-tail"
    response = post_entry(client, body=body)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "must be 20,000 characters or fewer (it is 20,001)" in page
    assert body in page and entry_count() == 0


def test_body_at_the_limit_is_saved(client, signed_in):
    assert post_entry(client, body="y" * 20_000).status_code == 302
    assert entry_count() == 1


def test_script_and_javascript_links_are_kept_as_text_in_the_form(client, signed_in):
    title = "<script>alert(1)</script>"
    body = "[click](javascript:alert(2)) <script>alert(3)</script>"
    page = post_entry(client, title=title, body=body, entry_date="nonsense").get_data(
        as_text=True)
    assert "<script>alert" not in page
    assert escape(title) in page and escape(body, quote=False) in page


def test_nul_bytes_are_removed_with_a_message(client, signed_in):
    # The input boundary removes NUL before any view runs (journal/boundary.py): 400, not 422.
    response = post_entry(client, body="before\x00after", title="ti\x00tle")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Your text contained a character we cannot store" in page
    assert "beforeafter" in page and 'value="title"' in page and entry_count() == 0
    # One more press saves the cleaned text.
    assert post_entry(client, body="beforeafter").status_code == 302


def test_invalid_utf8_in_a_multipart_form_is_refused_clearly(client, signed_in):
    boundary = "XyZ"
    parts = [("title", b"ok"), ("entry_date", b"2026-11-20"),
             ("body", "caf\u00e9 ".encode() + b"\xff\xfe shift")]
    raw = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value + b"\r\n" for name, value in parts) + f"--{boundary}--\r\n".encode()
    response = client.post("/journal/new", data=raw,
                           content_type=f"multipart/form-data; boundary={boundary}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "hidden or unreadable characters" in page and "café  shift" in page
    assert entry_count() == 0


def test_invalid_utf8_in_a_urlencoded_form_is_kept_as_typed(client, signed_in):
    # Werkzeug leaves undecodable %-escapes as they were sent: nothing is lost or garbled.
    raw = (b"title=ok&entry_date=2026-11-20&body=caf%C3%A9+%FF%FE+shift&author="
           + factories.author_note(signed_in).encode())
    response = client.post("/journal/new", data=raw,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert db.session.scalars(db.select(Entry)).one().body == "café %FF%FE shift"


@pytest.mark.parametrize("bad_date", ["2026-02-31", "2026-13-01", "yesterday", "31/02/2026"])
def test_impossible_date(client, signed_in, bad_date):
    response = post_entry(client, entry_date=bad_date, body="Kept body")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a real date" in page
    assert "Kept body" in page and f'value="{bad_date}"' in page and entry_count() == 0


@pytest.mark.parametrize("blank", ["", " ", "\t \r\n"])
def test_missing_date(client, signed_in, blank):
    response = post_entry(client, entry_date=blank, body="Kept body")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and entry_count() == 0
    assert "Enter the date of the entry" in page and "Enter a real date" not in page
    assert "Kept body" in page


def test_future_date(client, signed_in):
    page = post_entry(client, entry_date="2999-01-01").get_data(as_text=True)
    assert "must be today or in the past" in page and entry_count() == 0


def test_check_in_out_of_range(client, signed_in):
    response = post_entry(client, support="9")
    assert response.status_code == 422 and entry_count() == 0
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_failed_edit_changes_nothing(client, signed_in):
    entry = factories.make_entry(signed_in, title="Original", body="Original body")
    response = client.post(f"/journal/{entry.id}/edit",
                           data={"title": "Changed", "body": "", "entry_date": "2026-11-20"})
    assert response.status_code == 422
    assert 'value="Changed"' in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert (entry.title, entry.body) == ("Original", "Original body")


def test_taken_username_is_refused_and_kept(client, writer):
    response = client.post("/signup", data={"username": "Writer", "password": "long enough pw",
                                            "confirm": "long enough pw"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "That username is taken" in page and 'value="Writer"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_over_long_username_is_refused_and_kept(client):
    name = "a" * 31
    response = client.post("/signup", data={"username": name, "password": "long enough pw",
                                            "confirm": "long enough pw"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "30 characters or fewer (it is 31)" in page and f'value="{name}"' in page


@pytest.mark.parametrize(("username", "password", "confirm", "message"), [
    ("has space", "long enough pw", "long enough pw", "Username must be 3 to 30 characters"),
    ("ok-name", "short", "short", "at least 10 characters"),
    ("ok-name", "long enough pw", "different pw!", "The passwords do not match"),
    ("same-as-password", "same-as-password", "same-as-password", "must not be the same"),
])
def test_sign_up_rules(client, username, password, confirm, message):
    response = client.post("/signup", data={"username": username, "password": password,
                                            "confirm": confirm})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
