"""The auditor's attack for real: eight writers save entries on gunicorn while the database cuts
the app's connections again and again (PostgreSQL: pg_terminate_backend, as a restart does) or
another process keeps taking the write lock (SQLite). Whatever happens: no 500; an entry
answered with a redirect is stored exactly once; one answered 503 is stored at most once, and
sending its kept form again ("Try again") never makes a second copy.
"""

import threading
import time
import uuid
from datetime import date

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from journal.extensions import db
from journal.models import Entry
from tests.conftest import DATABASE_URL, isolated_schema
from tests.live import LiveServer, hidden_fields

pytestmark = pytest.mark.concurrency

ON_POSTGRESQL = DATABASE_URL.startswith("postgresql")
WRITERS = 8
SECONDS = 14  # 20 cuts, 0.7 s apart
NAME = f"journal-drops-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn on a database of its own, its connections named so only they are cut."""
    folder = tmp_path_factory.mktemp("drops")
    settings = {"DATABASE_APPLICATION_NAME": NAME, "SQLITE_BUSY_SECONDS": 1}
    if not ON_POSTGRESQL:
        with LiveServer(folder, "", **settings) as live:
            yield live
        return
    with isolated_schema(DATABASE_URL) as url, LiveServer(folder, url, **settings) as live:
        yield live


def cut_connections(url: str, stop: threading.Event) -> None:
    """Every 0.7 s, end every backend of the app's (PostgreSQL), or hold the write lock for
    1.5 s, longer than the app waits for it (SQLite)."""
    if ON_POSTGRESQL:
        killer = create_engine(url, connect_args={"application_name": "journal-killer"})
        while not stop.wait(0.7):
            with killer.begin() as conn:
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE application_name = :name"), {"name": NAME})
        killer.dispose()
        return
    import sqlite3

    while not stop.wait(0.7):
        locker = sqlite3.connect(make_url(url).database, isolation_level=None, timeout=5)
        locker.execute("BEGIN IMMEDIATE")
        time.sleep(1.5)
        locker.rollback()
        locker.close()


class Writer:
    """One writer saving entry after entry, sending a 503's kept form again as a person would."""

    def __init__(self, server: LiveServer, number: int) -> None:
        name = f"dropwriter{number}"
        server.make_user(name)
        self.device = server.sign_in(name)
        self.statuses: list[tuple[str, int]] = []
        self.saved: dict[str, str] = {}  # body -> where its 302 pointed
        self.unclear: list[str] = []  # bodies never answered with a 302

    def run(self, until: float) -> None:
        while time.monotonic() < until:
            page = self._get("/journal/new")
            if page is None:
                continue
            body = f"Shift note {uuid.uuid4().hex}"
            form = {**hidden_fields(page), "title": "Late", "body": body,
                    "entry_date": date.today().isoformat()}
            self._save(body, form)

    def _get(self, path: str) -> str | None:
        response = self.device.get(path)
        self.statuses.append((f"GET {path}", response.status_code))
        return response.text if response.status_code == 200 else None

    def _save(self, body: str, form: dict) -> None:
        for _ in range(3):  # the first send, then "Try again" from the 503 page
            response = self.device.post("/journal/new", data=form)
            self.statuses.append(("POST /journal/new", response.status_code))
            if response.status_code == 302:
                self.saved[body] = response.headers["location"]
                return
            if response.status_code != 503:
                break
            form = hidden_fields(response.text)  # the kept form, with a fresh token
        self.unclear.append(body)


def stored(server: LiveServer) -> dict[str, list[int]]:
    with server.app.app_context():
        rows = db.session.execute(select(Entry.body, Entry.id)).all()
        db.session.remove()
    found: dict[str, list[int]] = {}
    for body, entry_id in rows:
        found.setdefault(body, []).append(entry_id)
    return found


def test_cut_connections_never_give_a_500_a_lost_entry_or_a_duplicate(server):
    writers = [Writer(server, n) for n in range(WRITERS)]
    stop = threading.Event()
    cutter = threading.Thread(target=cut_connections, args=(server.database_url, stop))
    until = time.monotonic() + SECONDS
    threads = [threading.Thread(target=w.run, args=(until,)) for w in writers]
    cutter.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 60)
    stop.set()
    cutter.join(timeout=10)
    statuses = [item for w in writers for item in w.statuses]
    assert not [s for s in statuses if s[1] >= 500 and s[1] != 503], server.log()
    found = stored(server)
    for writer in writers:
        for body, location in writer.saved.items():
            assert len(found.get(body, [])) == 1
            assert location.endswith(f"/journal/{found[body][0]}")
        for body in writer.unclear:
            assert len(found.get(body, [])) <= 1
    assert sum(len(w.saved) for w in writers) > WRITERS  # the writers did get entries saved
    assert any(status == 503 for _, status in statuses)  # and the cuts were really felt
