"""The devices of bench/load.py: one cookie jar each, using the app's pages as a browser does."""

import http.client
import json
import random
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from html.parser import HTMLParser
from http.cookiejar import CookieJar

from bench.load_check import Acks

PASSWORD = "a long load-bench passphrase"
TIMEOUT = 120
#: What a device does, and how often (of 100).
MIX = (("new_entry", 30), ("edit", 40), ("autosave", 15), ("check_in", 15))
#: How often an edit goes to the writer's first entry, so devices collide on it.
HOT = 0.7
#: Seconds a device with an edit ready waits for another device saving the same entry.
RENDEZVOUS = 2.0


class Writer:
    """A writer account, its devices, and the entries it knows it has (id, creation token)."""

    def __init__(self, username: str) -> None:
        self.username = username
        self.devices: list[Device] = []
        self.entries: list[tuple[int, str]] = []
        self.lock = threading.Lock()
        self._ready = threading.Condition()
        self._waiting: dict[int, bool] = {}

    def entry_to_edit(self) -> tuple[int, str] | None:
        with self.lock:
            if not self.entries:
                return None
            return self.entries[0] if random.random() < HOT else random.choice(self.entries)

    def together(self, entry_id: int) -> None:
        """Wait a moment for another device of this writer about to save the same entry, so
        that both saves leave at once (the race a version check must survive)."""
        with self._ready:
            if self._waiting.get(entry_id):
                self._waiting[entry_id] = False  # the other device goes with this one
                self._ready.notify_all()
                return
            self._waiting[entry_id] = True
            self._ready.wait_for(lambda: not self._waiting.get(entry_id), timeout=RENDEZVOUS)
            self._waiting.pop(entry_id, None)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to record, not to follow


class Inputs(HTMLParser):
    """The inputs of a page (name -> value; the first of each name), and its textareas."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("radio", "checkbox"):
            self.values.setdefault(name, attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, "")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


class Device:
    """A phone or computer a writer signed in on."""

    def __init__(self, base: str, writer: Writer, acks: Acks) -> None:
        self.base, self.writer, self.acks = base, writer, acks
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect)
        self.signed_in = False
        writer.devices.append(self)

    def call(self, kind: str, method: str, path: str, form: dict | None = None,
             payload: dict | None = None, headers: dict | None = None):
        """(status, location, body) of one request, timed and recorded under ``kind``."""
        headers = {"Origin": self.base, **(headers or {})}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=body, method=method,
                                         headers=headers)
        started = time.perf_counter()
        try:
            status, answer, content = self._send(request)
        except (OSError, http.client.HTTPException) as error:  # no whole answer: cut off
            if isinstance(getattr(error, "reason", error), ConnectionRefusedError):
                # Nothing was listening (a server that crashed): the request never reached the
                # app, so it cannot have saved anything. Status 0 is neither answer nor unknown.
                self.acks.record(kind, "refused", time.perf_counter() - started)
                return 0, "", ""
            self.acks.record(kind, f"no answer ({type(error).__name__})",
                             time.perf_counter() - started)
            return None, "", ""
        self.acks.record(kind, status, time.perf_counter() - started)
        return status, answer.headers.get("Location", ""), content

    def _send(self, request):
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                return response.status, response, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:  # a redirect or an error: an answer all the same
            return error.code, error, error.read().decode(errors="replace")

    def page(self, kind: str, path: str) -> dict | None:
        status, _, content = self.call(kind, "GET", path)
        return Inputs(content).values if status == 200 else None

    # --- what a writer does --------------------------------------------------------------------

    def sign_in(self) -> None:
        """Sign in through the sign-in form, as on a new device."""
        fields = self.page("sign-in page", "/login")
        if fields is None:
            return
        status, _, _ = self.call("sign in", "POST", "/login", form={
            "csrf_token": fields.get("csrf_token", ""), "username": self.writer.username,
            "password": PASSWORD})
        self.signed_in = status == 302

    def write_until(self, stop: threading.Event, think: float = 0) -> None:
        """Do what writers do until ``stop``, pausing about ``think`` seconds between actions."""
        actions = [name for name, weight in MIX for _ in range(weight)]
        while not stop.wait(random.uniform(0, 2 * think) if think else 0):
            action = random.choice(actions)
            try:
                getattr(self, action)()
            except Exception as error:  # a page the bench could not read: report, go on
                self.acks.record(action, f"bench error ({type(error).__name__}: {error})", 0)

    def new_entry(self) -> None:
        """Open the editor and save a new entry whose text carries a unique token."""
        fields = self.page("new page", "/journal/new")
        if fields is None:
            return
        token = f"N{secrets.token_hex(8)}"
        text = f"{token}\nA long shift on the ward, and somebody noticed."
        status, location, _ = self.call("new", "POST", "/journal/new", form={
            "csrf_token": fields.get("csrf_token", ""), "author": fields.get("author", ""),
            "title": "Load", "body": text, "entry_date": date.today().isoformat()})
        entry_id = _entry_in(location) if status == 302 else None
        if entry_id is not None:
            self.acks.acknowledge_new(token, entry_id)
            with self.writer.lock:
                self.writer.entries.append((entry_id, token))

    def edit(self) -> None:
        """Save one of the writer's entries from the version its edit page showed."""
        chosen = self.writer.entry_to_edit()
        if chosen is None:
            return self.new_entry()
        entry_id, creation = chosen
        fields = self.page("edit page", f"/journal/{entry_id}/edit")
        if fields is None or not fields.get("version", "").isdigit():
            return None
        base = int(fields["version"])
        text = f"{creation}\nE{secrets.token_hex(8)} edited from version {base}."
        self.writer.together(entry_id)
        status, location, _ = self.call("edit", "POST", f"/journal/{entry_id}/edit", form={
            "csrf_token": fields.get("csrf_token", ""), "author": fields.get("author", ""),
            "title": fields.get("title", ""), "body": text, "version": str(base),
            "entry_date": fields.get("entry_date") or date.today().isoformat()})
        if status == 302 and _entry_in(location) == entry_id:
            self.acks.acknowledge_edit(entry_id, base, text)
        elif status == 409:
            self.acks.conflict()
        elif status is None or status >= 500:
            self.acks.unknown_edit(entry_id, base, text)  # it may have been saved
        return None

    def autosave(self) -> None:
        """What the editor's script sends while a new entry is being typed."""
        tokens = self._editor_tokens()
        if tokens is None:
            return
        token = f"D{secrets.token_hex(8)}"
        status, _, _ = self.call("autosave", "POST", "/journal/drafts/new",
                                 payload={"title": "Draft", "body": f"{token} still typing",
                                          "author": tokens["author"]},
                                 headers={"X-CSRFToken": tokens["csrf_token"]})
        if status == 200:
            self.acks.acknowledge("autosave")

    def _editor_tokens(self) -> dict | None:
        status, _, content = self.call("editor tokens", "GET", "/journal/editor-tokens")
        return json.loads(content) if status == 200 else None

    def check_in(self) -> None:
        """One tap on the journal page: how supported did you feel today?"""
        fields = self.page("journal page", "/journal/")
        if fields is None:
            return
        support, note = str(random.randint(1, 5)), f"C{secrets.token_hex(6)}"
        status, location, _ = self.call("check-in", "POST", "/journal/check-in", form={
            "csrf_token": fields.get("csrf_token", ""), "support": support, "note": note})
        if status == 302 and urllib.parse.urlsplit(location).path == "/journal/":
            self.acks.acknowledge_check_in(self.writer.username, int(support), note)
        elif status is None or status >= 500:
            self.acks.unknown_check_in(self.writer.username, int(support), note)


def sign_up(base: str, writer: Writer, acks: Acks) -> None:
    """Create ``writer``'s account through the sign-up form (in a browser of its own)."""
    device = Device(base, Writer(writer.username), acks)
    fields = device.page("sign-up page", "/signup")
    status, _, content = device.call("sign up", "POST", "/signup", form={
        "csrf_token": (fields or {}).get("csrf_token", ""), "username": writer.username,
        "password": PASSWORD, "confirm": PASSWORD, "invite_code": ""})
    if status != 302:
        raise SystemExit(f"could not sign up {writer.username}: {status}\n{content[:2000]}")


def _entry_in(location: str) -> int | None:
    """The entry id of a redirect to /journal/<id>, or None."""
    path = urllib.parse.urlsplit(location).path.rstrip("/")
    head, _, tail = path.rpartition("/")
    return int(tail) if head == "/journal" and tail.isdigit() else None
