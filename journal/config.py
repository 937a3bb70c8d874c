"""Configuration defaults, environment overrides and derived settings.

Every setting can be given as an environment variable with the ``JOURNAL_`` prefix, e.g.
``JOURNAL_DATABASE_URL`` or ``JOURNAL_OPEN_SIGNUP=0``. Secrets are never constants in code.
"""

import os
import secrets
import stat
import tempfile
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url


class Defaults:
    """Settings used unless the environment or a test overrides them."""

    #: Folder for the database, index and keys; empty means Flask's default ``instance/``.
    INSTANCE_PATH = ""
    #: SQLAlchemy URL; empty means a SQLite file in the instance folder.
    DATABASE_URL = ""
    #: Folder for the full-text index; empty means ``instance/index``.
    INDEX_DIR = ""
    #: Whether anyone may sign up as a writer without an invite code.
    OPEN_SIGNUP = True
    #: Minutes of inactivity after which a session ends (unless "remember me" was ticked).
    IDLE_TIMEOUT_MINUTES = 60
    #: Minutes after a session could have ended in which a save from its editor is still kept
    #: for its writer (long enough to rescue a save sent after an idle timeout, no longer).
    DRAFT_RESCUE_MINUTES = 30
    #: Days a "remember me" cookie lasts (at most 14).
    REMEMBER_DAYS = 14
    #: Failed sign-ins allowed per username in the window below (then that account is locked).
    LOGIN_MAX_FAILURES = 5
    #: Failed sign-ins allowed per client address in the window: high, as a hospital's whole
    #: staff may share one NAT address.
    LOGIN_ADDRESS_MAX_FAILURES = 100
    LOGIN_WINDOW_MINUTES = 15
    #: Days a device stays trusted for an account after its last good sign-in there: failures
    #: from it are counted apart, so strangers' wrong guesses never lock the owner out.
    DEVICE_TRUST_DAYS = 90
    #: Wrong invite codes allowed per client address in the login window, then sign-up waits.
    SIGNUP_ADDRESS_MAX_FAILURES = 20
    #: Held shares reach the review queue together on a later day than they were held, once
    #: this many are waiting...
    SHARE_RELEASE_BATCH = 5
    #: ...or once the oldest has waited this many days.
    SHARE_RELEASE_MAX_DAYS = 7
    #: Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    PROXY_COUNT = 0
    #: Name the app's PostgreSQL connections carry (in pg_stat_activity), to tell them apart.
    DATABASE_APPLICATION_NAME = "compassion-journal"
    #: Entries shown per page in a writer's journal.
    ENTRIES_PER_PAGE = 10
    #: SQLite only: seconds a writing request waits for another process's write to finish
    #: before giving up ("database is locked"). With the one retry this stays inside gunicorn's
    #: default 30 s worker timeout, so a writer gets the "try again" page, not a cut connection.
    SQLITE_BUSY_SECONDS = 10
    #: PostgreSQL only: seconds a statement waits for a row or table lock (lock_timeout), and
    #: seconds any statement may run (statement_timeout); 0 means no limit. Either ending a
    #: statement counts as "try again" (see journal/db_trouble.py).
    DB_LOCK_TIMEOUT_SECONDS = 5
    DB_STATEMENT_TIMEOUT_SECONDS = 15
    #: A view that lost a race is run again only if its first run took less than this many
    #: seconds, so both runs together end before gunicorn's default 30 s worker timeout.
    DB_RETRY_WITHIN_SECONDS = 12

    MAX_CONTENT_LENGTH = 1024 * 1024
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "journal_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_NAME = "journal_remember"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session does


def load(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` from defaults, the environment and ``test_config``; derive the rest."""
    app.config.from_object(Defaults)
    app.config.from_prefixed_env("JOURNAL")
    if test_config:
        app.config.update(test_config)
    if app.config["INSTANCE_PATH"]:
        app.instance_path = str(app.config["INSTANCE_PATH"])
    instance = Path(app.instance_path)
    _make_private(instance)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    # Kept apart from SECRET_KEY so rotating session secrets never cuts writers off their shares.
    if not app.config.get("SHARE_KEY"):
        app.config["SHARE_KEY"] = _instance_secret(instance / "share_key")
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"] or (
        f"sqlite:///{instance / 'journal.sqlite'}"
    )
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app.config)
    app.config["DB_RETRY_WITHIN_SECONDS"] = float(app.config["DB_RETRY_WITHIN_SECONDS"])
    app.config["INDEX_DIR"] = app.config["INDEX_DIR"] or str(instance / "index")
    app.config["OPEN_SIGNUP"] = _as_bool(app.config["OPEN_SIGNUP"])
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        minutes=int(app.config["IDLE_TIMEOUT_MINUTES"])
    )
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(
        days=min(int(app.config["REMEMBER_DAYS"]), 14)
    )


def _engine_options(config) -> dict:
    """Engine options: whatever is set, plus a ping before each use of a pooled connection, and
    per database its connection settings.

    The ping costs a round trip per request, and saves the request after the database dropped
    the connection (a restart, a failover, an idle timeout) from failing with it. On SQLite a
    writing request waits SQLITE_BUSY_SECONDS for the write lock (pysqlite's default is 5 s);
    on PostgreSQL the connections carry a name, to tell them apart in pg_stat_activity, and a
    lock_timeout and statement_timeout, so a held lock is a quick "try again", never a request
    hanging until the worker is killed.
    """
    given = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options = {"pool_pre_ping": True, **given}
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql"):
        options["connect_args"] = {"application_name": config["DATABASE_APPLICATION_NAME"],
                                   "options": _postgresql_options(uri, config),
                                   **given.get("connect_args", {})}
    elif uri.startswith("sqlite"):
        options["connect_args"] = {"timeout": float(config["SQLITE_BUSY_SECONDS"]),
                                   **given.get("connect_args", {})}
    return options


def _postgresql_options(uri: str, config) -> str:
    """The URL's own ``options`` (a search_path, say) plus the two timeouts, in milliseconds."""
    own = make_url(uri).query.get("options", "")
    if isinstance(own, tuple):
        own = " ".join(own)
    timeouts = {"lock_timeout": config["DB_LOCK_TIMEOUT_SECONDS"],
                "statement_timeout": config["DB_STATEMENT_TIMEOUT_SECONDS"]}
    settings = " ".join(f"-c {name}={int(float(seconds) * 1000)}"
                        for name, seconds in timeouts.items())
    return f"{own} {settings}".strip()


def _make_private(instance: Path) -> None:
    """Create the instance folder, and keep it and everything in it to the service user."""
    # The database, the index and the keys all live here. Files made from now on get no group
    # or other bits whatever umask the service was started with (SQLite gives its -wal and
    # -journal files the database's mode); files left looser by an older version are tightened.
    os.umask(os.umask(0o077) | 0o077)
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    for path in (instance, *instance.rglob("*")):
        try:
            info = path.lstat()
            if stat.S_IMODE(info.st_mode) & 0o077 and not stat.S_ISLNK(info.st_mode):
                path.chmod(stat.S_IMODE(info.st_mode) & 0o700)
        except FileNotFoundError:
            continue  # another process starting at once removed its temporary key file


def _instance_secret(path: Path) -> str:
    """Return the secret kept in ``path``, generating it (readable by the owner only) once."""
    if not path.exists():
        _create_whole(path, secrets.token_hex(32))
    secret = path.read_text().strip()
    if not secret:
        raise RuntimeError(f"{path} is empty. Restore it from a backup; a new key would cut "
                           "off everything made with the old one.")
    return secret


def _create_whole(path: Path, content: str) -> None:
    """Create ``path`` holding ``content``, unless it exists: never seen empty or half-written.

    The content goes into a private temporary file that is then linked into place, which fails
    if another process starting at the same moment linked its own first; then that one is used.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)


def _as_bool(value: object) -> bool:
    """Read a boolean setting given as bool, int or string ("0", "false", "no", "off")."""
    if isinstance(value, str):
        return value.strip().lower() not in {"0", "false", "no", "off", ""}
    return bool(value)
