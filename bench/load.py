"""Load the app as writers on phones do, then check that every acknowledged write is there.

Run: .venv/bin/python bench/load.py [--sessions 200] [--seconds 30] [--workers 4] [--think 0]
                                    [--database-url postgresql+psycopg://postgres@127.0.0.1/test]

It starts gunicorn (sync workers) on a throwaway database: a SQLite file in a temporary folder,
or with --database-url a fresh PostgreSQL database that it creates beside the one named and drops
afterwards. Writers sign up through the sign-up form, then sign in through the sign-in form on
three devices each (one cookie jar per device). For --seconds, every device does a mix of what a
writer does: opens the editor and saves a new entry (each text carries a unique token), opens an
entry's edit page and saves it from the version the page showed (most edits go to the writer's
first entry, and a device with an edit ready waits up to 2 s for another device of the
writer saving the same entry, so that both saves leave at the same moment on purpose), autosaves
a new draft, and checks in. With --think a device pauses that long on average between actions,
as people do; without it the run is a stress test in which latency is sessions / throughput.
Every acknowledged write is recorded with what it claimed: the redirect to the entry after a
save, 200 JSON after an autosave, the redirect after a check-in.

Then, with the server stopped, it checks the database (bench/load_check.py) and prints sessions,
acknowledged writes by kind, lost, duplicated, 5xx and other unexpected answers, req/s and
p50/p99 latency. The exit code is 1 if anything was lost or duplicated or any answer was 5xx.
gunicorn, its workers, the database and the folder are removed on the way out, Ctrl-C included.
"""

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_check import Acks, check, percentile  # noqa: E402
from bench.load_client import Device, Writer, sign_up  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEVICES_PER_WRITER = 3
GUNICORN = Path(sys.executable).with_name("gunicorn")


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, _interrupt)  # clean up on kill as on Ctrl-C
    with tempfile.TemporaryDirectory(prefix="journal-load-") as folder, \
            ThrowawayDatabase(args.database_url, Path(folder)) as database_url:
        env = app_environment(database_url, Path(folder))
        migrate(env)
        with Server(env, args.workers, Path(folder) / "gunicorn.log") as server:
            acks, elapsed, sessions = drive(server.base, args)
        problems = check(database_url, acks)
        report(acks, problems, sessions, elapsed, server.log)
    return 1 if problems.failed or acks.server_errors() else 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200,
                        help="signed-in devices writing at once (3 per writer)")
    parser.add_argument("--seconds", type=float, default=30, help="how long they write")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--think", type=float, default=0,
                        help="mean seconds a device pauses between actions (0: none, a stress "
                             "test in which latency is sessions / throughput)")
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL server to use (a fresh database is made and dropped)")
    return parser.parse_args()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


# --- the database and the server -------------------------------------------------------------

class ThrowawayDatabase:
    """A SQLite file in ``folder``, or a new database on the PostgreSQL server of ``url``."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url, self.folder, self.name = url, folder, f"journal_load_{secrets.token_hex(6)}"
        self.admin = None

    def __enter__(self) -> str:
        if not self.url:
            return f"sqlite:///{self.folder / 'journal.sqlite'}"
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        return make_url(self.url).set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *exc) -> None:
        if self.admin is not None:
            with shielded(), self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            self.admin.dispose()


def app_environment(database_url: str, folder: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "JOURNAL_DATABASE_URL": database_url,
            "JOURNAL_INSTANCE_PATH": str(folder / "instance"),
            "JOURNAL_SECRET_KEY": secrets.token_hex(32), "JOURNAL_OPEN_SIGNUP": "1"}


def migrate(env: dict) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "journal", "db", "upgrade"],
                   env=env, cwd=ROOT, check=True, capture_output=True)


class Server:
    """gunicorn with ``workers`` sync workers on a free local port, in a process group of its
    own so that it and every worker are stopped together."""

    def __init__(self, env: dict, workers: int, log: Path) -> None:
        self.env, self.workers, self.log = env, workers, log
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def __enter__(self) -> "Server":
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN), "--workers", str(self.workers), "--bind",
                 f"127.0.0.1:{self.port}", "--timeout", "120", "--backlog", "2048",
                 "journal:create_app()"],
                env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        self._wait_until_up()
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {self.log}\n{self.log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with shielded():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@contextmanager
def shielded():
    """Cleaning up is not cut short by a second Ctrl-C."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN), signal.signal(signal.SIGTERM,
                                                                             signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the load ----------------------------------------------------------------------------------

def drive(base: str, args) -> tuple[Acks, float, int]:
    """Sign writers up and in, let every device write for ``args.seconds``; return the record."""
    acks = Acks()
    count = max(1, -(-args.sessions // DEVICES_PER_WRITER))
    writers = [Writer(f"load{n:04d}{secrets.token_hex(2)}") for n in range(count)]
    run_all([lambda w=w: sign_up(base, w, acks) for w in writers], threads=8)
    devices = [Device(base, writers[n % count], acks) for n in range(args.sessions)]
    run_all([d.sign_in for d in devices], threads=8)
    run_all([w.devices[0].new_entry if w.devices else (lambda: None) for w in writers],
            threads=8)  # every writer has an entry to edit from the start
    stop = threading.Event()
    acks.start()
    threads = [threading.Thread(target=d.write_until, args=(stop, args.think), daemon=True)
               for d in devices if d.signed_in]
    for thread in threads:
        thread.start()
    try:
        time.sleep(args.seconds)
    finally:
        stop.set()  # on Ctrl-C too; then the server is stopped under any request still out
    for thread in threads:
        thread.join(timeout=130)  # each device finishes the request it is waiting for
    return acks, acks.stop(), len(threads)


def run_all(jobs, threads: int) -> None:
    """Run ``jobs`` on ``threads`` threads and wait for them all."""
    pending = list(jobs)
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if not pending:
                    return
                job = pending.pop()
            job()

    pool = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


# --- the report --------------------------------------------------------------------------------

def report(acks: Acks, problems, sessions: int, elapsed: float, log: Path) -> None:
    """What went wrong first (if anything), then the figures, last so that they stay in view."""
    for line in problems.details[:20]:
        print(f"  {line}")
    if acks.server_errors():
        print("errors in the server log (most frequent first):")
        for line, n in _log_errors(log).most_common(8):
            print(f"  {n:4d}  {line[:160]}")
    timings = acks.latencies
    print(f"sessions             {sessions} ({DEVICES_PER_WRITER} devices per writer)")
    print(f"duration             {elapsed:.1f} s")
    print(f"requests             {len(timings)}  ({len(timings) / elapsed:.1f} req/s)")
    if timings:
        print(f"latency              p50 {percentile(timings, 50) * 1000:.0f} ms, "
              f"p99 {percentile(timings, 99) * 1000:.0f} ms")
    print(f"acknowledged writes  {sum(acks.acknowledged.values())}  "
          + ", ".join(f"{kind} {n}" for kind, n in sorted(acks.acknowledged.items())))
    print(f"edit conflicts shown {acks.conflicts} (the second save of a version: expected)")
    print(f"lost                 {problems.lost}")
    print(f"duplicated           {problems.duplicated}")
    print(f"5xx                  {acks.server_errors()}")
    unexpected = {key: n for key, n in acks.statuses.items() if key not in acks.expected}
    print(f"unexpected answers   {sum(unexpected.values())}  "
          + ", ".join(f"{kind} {status}: {n}" for (kind, status), n
                      in sorted(unexpected.items(), key=str)))


def _log_errors(log: Path) -> Counter:
    lines = log.read_text(errors="replace").splitlines()
    return Counter(line.strip() for line in lines
                   if line and not line[0].isspace() and ("Error" in line or "Exception" in line)
                   and not line.startswith("Traceback"))


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: server stopped, database dropped", file=sys.stderr)
        sys.exit(130)
