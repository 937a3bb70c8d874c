"""Fixtures: an app on a fresh database per test, a client, a CLI runner, one user per role.

By default the suite runs on a SQLite file. With ``JOURNAL_DATABASE_URL`` pointing at PostgreSQL it
runs there instead, inside a schema of its own that is dropped at the end, so the database is left
as it was found.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from journal import create_app
from journal.extensions import db
from tests import factories

DATABASE_URL = os.environ.get("JOURNAL_DATABASE_URL", "")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A database for this test session: a SQLite file, or a fresh PostgreSQL schema."""
    if not DATABASE_URL.startswith("postgresql"):
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    with isolated_schema(DATABASE_URL) as url:
        yield url


class isolated_schema:  # noqa: N801 - used like a function
    """Context manager: a new PostgreSQL schema and a URL whose search_path points at it."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.schema = f"test_{uuid.uuid4().hex[:12]}"

    def __enter__(self) -> str:
        self.engine = create_engine(self.base_url)
        with self.engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        url = make_url(self.base_url).update_query_dict(
            {"options": f"-csearch_path={self.schema}"})
        return url.render_as_string(hide_password=False)

    def __exit__(self, *exc) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
        self.engine.dispose()


@pytest.fixture(scope="session")
def _schema(database_url: str, tmp_path_factory) -> str:
    """Create the tables once per session; each test then empties them."""
    app = create_app(_config(database_url, tmp_path_factory.mktemp("index")))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return database_url


def _config(database_url: str, index_dir, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "INDEX_DIR": str(index_dir),
        "WTF_CSRF_ENABLED": False,
        **extra,
    }


@pytest.fixture
def app_config() -> dict:
    """Extra settings for the app under test; override in a test module to change them."""
    return {}


class RequestIsolatingClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The tests hold an app context open for factories and queries; without this, requests would
    share its ``g`` (and Flask-Login's cached user) and its database session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's own session must see what the request wrote
        return response


@pytest.fixture
def app(_schema: str, tmp_path, app_config: dict):
    """The app on an empty database, inside an application context."""
    app = create_app(_config(_schema, tmp_path / "index", **app_config))
    app.test_client_class = RequestIsolatingClient
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client; sign in with ``login(client, user)``."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for ``flask --app journal ...`` commands."""
    return app.test_cli_runner()


@pytest.fixture
def writer(app):
    """A writer with no entries yet."""
    return factories.make_user("writer", username="writer")


@pytest.fixture
def other_writer(app):
    """A second writer, who must never see the first one's entries."""
    return factories.make_user("writer", username="otherwriter")


@pytest.fixture
def researcher(app):
    """A researcher."""
    return factories.make_user("researcher", username="researcher")


@pytest.fixture
def leader(app):
    """A senior leader."""
    return factories.make_user("leader", username="leader")


@pytest.fixture
def admin(app):
    """An admin."""
    return factories.make_user("admin", username="admin")


def login(client, user, password: str = factories.PASSWORD):
    """Sign ``client`` in as ``user``, signing out whoever was signed in; return the response."""
    if client.get_cookie("journal_session") is not None:
        client.post("/logout")
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The real app under gunicorn with 4 sync workers, on a database of its own, for one test
    module."""
    with serving(tmp_path_factory.mktemp("live")) as server:
        yield server


@contextmanager
def serving(folder) -> Iterator:
    """A LiveServer on a database of its own (a SQLite file in ``folder``, or a fresh PostgreSQL
    schema when the suite runs on PostgreSQL), stopped and its schema dropped at the end."""
    from tests.live import LiveServer

    if not DATABASE_URL.startswith("postgresql"):
        with LiveServer(folder, "") as server:
            yield server
        return
    with isolated_schema(DATABASE_URL) as url, LiveServer(folder, url) as server:
        yield server
