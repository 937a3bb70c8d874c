"""The real app under gunicorn (several sync worker processes) on a throwaway database.

Used by the concurrency tests, and importable by scripts such as the load bench:

    with LiveServer(tmp_dir, database_url) as server:
        server.make_user("ann")
        device = server.sign_in("ann")       # an httpx.Client signed in through the form
        device.post_form("/journal/new", {...})

The server reads its settings from ``JOURNAL_`` environment variables, as in production, and
keeps CSRF on: clients sign in through the sign-in form and send the tokens its pages carry.
"""

import html
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from journal import create_app
from journal.extensions import db

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
ROOT = Path(__file__).resolve().parent.parent
_INPUT = re.compile(r"<input\b[^>]*>", re.S)
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, author note, version, ...), last one wins."""
    fields = {}
    for tag in _INPUT.findall(page):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get("type") == "hidden" and "name" in attrs:
            fields[attrs["name"]] = html.unescape(attrs.get("value", ""))
    return fields


def _running_in_group(group: int) -> list[int]:
    """Processes of a process group that have not died (a zombie has: it only waits to be
    reaped by whoever adopted it, holding no socket, file lock or database connection)."""
    running = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # gone while we looked
            continue
        if int(fields[2]) == group and fields[0] not in "ZX":
            running.append(int(stat.parent.name))
    return running


class Device(httpx.Client):
    """One signed-in browser: keeps its cookies and the CSRF token its pages gave it."""

    csrf_token = ""

    def page_fields(self, path: str) -> dict[str, str]:
        """GET ``path`` and return its hidden form fields (remembering the CSRF token)."""
        response = self.get(path)
        response.raise_for_status()
        fields = hidden_fields(response.text)
        self.csrf_token = fields.get("csrf_token", self.csrf_token)
        return fields

    def post_form(self, path: str, data: dict) -> httpx.Response:
        """POST a form as the browser would, with this device's CSRF token."""
        return self.post(path, data={"csrf_token": self.csrf_token, **data})

    def post_json(self, path: str, body: dict) -> httpx.Response:
        """POST JSON as the autosave script does (token in the X-CSRFToken header)."""
        return self.post(path, json=body, headers={"X-CSRFToken": self.csrf_token})


class LiveServer:
    """gunicorn serving ``journal:create_app()`` on a free port; a context manager."""

    def __init__(self, folder: Path, database_url: str, workers: int = 4, **settings) -> None:
        self.folder = Path(folder)
        self.database_url = database_url or f"sqlite:///{self.folder / 'live.sqlite'}"
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.settings = {
            "SECRET_KEY": "live-" + secrets.token_hex(16),
            "SHARE_KEY": "live-" + secrets.token_hex(16),
            "DATABASE_URL": self.database_url,
            "INSTANCE_PATH": str(self.folder / "instance"),
            "INDEX_DIR": str(self.folder / "index"),
            **settings,
        }
        self.process: subprocess.Popen | None = None
        self._log_file = None
        #: The same app in this process, for making users and checking the database.
        self.app = create_app(dict(self.settings))

    def __enter__(self) -> "LiveServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 30) -> None:
        """Create the tables, start gunicorn and wait until it answers."""
        with self.app.app_context():
            db.create_all()
            db.engine.dispose()  # no connection of ours carried into the test's own use
        self._log_file = open(self.folder / "gunicorn.log", "ab")  # closed in stop()
        env = {**os.environ, **{f"JOURNAL_{k}": str(v) for k, v in self.settings.items()}}
        self.process = subprocess.Popen(
            [GUNICORN, "--workers", str(self.workers), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "--log-level", "warning",
             "journal:create_app()"],
            cwd=ROOT, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=self._log_file)
        self._wait(timeout)

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log()}")
            try:
                if httpx.get(self.url + "/login", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout}s: {self.log()}")

    def stop(self) -> None:
        """Stop gunicorn and every worker it started (they share its process group)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        with self.app.app_context():
            db.engine.dispose()  # so a PostgreSQL schema can be dropped after

    def crash(self) -> None:
        """Kill gunicorn and every worker at once with SIGKILL, as a power cut or the kernel's
        out-of-memory killer would: no request finishes, no handler runs. ``start()`` again to
        restart on the same database and index folder."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        deadline = time.monotonic() + 10
        while _running_in_group(self.process.pid):  # the workers; their parent is gone
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn workers outlived SIGKILL of their process group")
            time.sleep(0.02)
        self._log_file.close()
        self._log_file = None

    def log(self) -> str:
        """What gunicorn and the app wrote to stderr (tracebacks of any 500)."""
        path = self.folder / "gunicorn.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def make_user(self, username: str, role: str = "writer", password: str | None = None) -> None:
        """Create an account (password ``factories.PASSWORD`` unless given) straight in the
        database."""
        from tests import factories

        with self.app.app_context():
            factories.make_user(role, username=username, password=password or factories.PASSWORD)
            db.session.remove()

    def client(self) -> Device:
        """A new device, signed in as nobody, that says its requests come from our pages."""
        return Device(base_url=self.url, timeout=60, headers={"Sec-Fetch-Site": "same-origin"})

    def sign_in(self, username: str, password: str | None = None) -> Device:
        """A new device signed in as ``username`` through the sign-in form."""
        from tests import factories

        device = self.client()
        device.page_fields("/login")
        response = device.post_form("/login", {"username": username,
                                               "password": password or factories.PASSWORD})
        if response.status_code != 302:
            raise RuntimeError(f"sign-in as {username} failed: {response.status_code}")
        device.page_fields("/journal/")  # the signed-in session's CSRF token
        return device
