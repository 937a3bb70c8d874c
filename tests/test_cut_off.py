"""A save whose connection drops half way is refused, not saved as half an entry.

A phone on a ward's weak signal starts sending the editor's form and loses the connection:
the server has the first half of the body, fewer bytes than the Content-Length promised. That
half is not what the writer wrote, so nothing is saved and the entry keeps its last version.
"""

import io
import socket
from datetime import date
from urllib.parse import urlencode

import pytest

from journal.extensions import db
from journal.models import Draft, Entry
from tests import factories
from tests.conftest import login
from tests.live import hidden_fields

WORDS = "The whole of what happened on the ward, " * 40
CUT_OFF = "The connection dropped before everything arrived, so nothing was saved"


def declaring(length: int, server_ends_input: bool = True) -> dict:
    """The WSGI environ of a body declared ``length`` bytes long, whatever actually arrives."""
    return {"CONTENT_LENGTH": str(length),
            **({"wsgi.input_terminated": True} if server_ends_input else {})}


def edit_form(page: str) -> dict:
    return {**hidden_fields(page), "title": "Night shift", "body": WORDS,
            "entry_date": date.today().isoformat(), "support": "3"}


@pytest.mark.parametrize("server_ends_input", [True, False])
def test_a_cut_off_edit_saves_nothing(app, client, writer, server_ends_input):
    """``server_ends_input``: gunicorn's way (``wsgi.input_terminated``), or Werkzeug's own."""
    entry = factories.make_entry(writer, body="What I had saved before.")
    login(client, writer)
    body = urlencode(edit_form(client.get(f"/journal/{entry.id}/edit").get_data(as_text=True)))
    response = client.post(
        f"/journal/{entry.id}/edit", input_stream=io.BytesIO(body[:len(body) // 2].encode()),
        content_type="application/x-www-form-urlencoded",
        environ_overrides=declaring(len(body), server_ends_input))
    assert response.status_code == 400 and CUT_OFF in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert (entry.body, entry.version) == ("What I had saved before.", 1)


def test_a_whole_edit_still_saves(app, client, writer):
    """The body is read once at the boundary; the form parser reads the kept copy."""
    entry = factories.make_entry(writer, body="What I had saved before.")
    login(client, writer)
    body = urlencode(edit_form(client.get(f"/journal/{entry.id}/edit").get_data(as_text=True)))
    response = client.post(f"/journal/{entry.id}/edit", input_stream=io.BytesIO(body.encode()),
                           content_type="application/x-www-form-urlencoded",
                           environ_overrides=declaring(len(body)))
    assert response.status_code == 302
    db.session.refresh(entry)
    assert (entry.body, entry.version) == (WORDS, 2)


def test_a_cut_off_autosave_is_refused_as_json(app, client, writer):
    login(client, writer)
    body = b'{"title": "", "body": "' + WORDS.encode() + b'"}'
    response = client.post("/journal/drafts/new", input_stream=io.BytesIO(body[:40]),
                           content_type="application/json",
                           environ_overrides=declaring(len(body)))
    assert response.status_code == 400 and CUT_OFF in response.get_json()["error"]
    assert db.session.scalars(db.select(Draft)).all() == []


def test_an_autosave_over_the_size_limit_is_answered_in_json(app, client, writer):
    """The autosave script reads JSON: an HTML 413 page would be an unreadable answer."""
    login(client, writer)
    response = client.post("/journal/drafts/new",
                           json={"body": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert response.status_code == 413 and "nothing was saved" in response.get_json()["error"]


def raw_post(server, device, path: str, body: bytes, send: int) -> bytes:
    """POST ``body`` declaring its full length, send only ``send`` bytes, then close our side."""
    cookies = "; ".join(f"{name}={value}" for name, value in device.cookies.items())
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nCookie: {cookies}\r\n"
            "Sec-Fetch-Site: same-origin\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(head + body[:send])
        sock.shutdown(socket.SHUT_WR)
        return b"".join(iter(lambda: sock.recv(65536), b""))


@pytest.mark.concurrency
def test_a_cut_off_edit_under_gunicorn_saves_nothing(live_server):
    live_server.make_user("cutoff")
    device = live_server.sign_in("cutoff")
    new = device.post_form("/journal/new", edit_form(device.get("/journal/new").text))
    path = new.headers["location"].rstrip("/") + "/edit"
    body = urlencode(edit_form(device.get(path).text)).encode()
    answer = raw_post(live_server, device, path, body, len(body) // 2)
    assert answer.startswith(b"HTTP/1.1 400") and CUT_OFF.encode() in answer, answer[:300]
    with live_server.app.app_context():
        entry = db.session.scalar(db.select(Entry))
        assert (entry.body, entry.version) == (WORDS, 1)
        db.session.remove()
