"""A lock held elsewhere (another process's long write, a stuck transaction, a migration) is a
quick 503 page with the writer's text, never a 500 and never a request left hanging until the
worker is killed: SQLite waits SQLITE_BUSY_SECONDS, PostgreSQL has a lock_timeout and a
statement_timeout, and the one retry fits inside gunicorn's worker timeout."""

import logging
import sqlite3
import time
import uuid
from contextlib import contextmanager
from datetime import date

import pytest
from gunicorn.config import Config as GunicornConfig
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from journal.config import Defaults
from journal.extensions import db
from journal.models import CheckIn, Entry
from tests import factories
from tests.conftest import login
from tests.database_faults import ON_POSTGRESQL

OURS = {"Sec-Fetch-Site": "same-origin"}
WAIT = 1  # seconds: the test's own short waits, so a hang would show as a slow test


@pytest.fixture
def app_config() -> dict:
    return {"SQLITE_BUSY_SECONDS": WAIT, "DB_LOCK_TIMEOUT_SECONDS": WAIT}


@pytest.fixture
def signed_in(client, writer):
    login(client, writer)
    return writer


@contextmanager
def held(statement: str, sqlite_lock: str = "IMMEDIATE"):
    """Another connection holds a lock meanwhile: on PostgreSQL by running ``statement`` in a
    transaction; on SQLite, which has one lock for the whole database, by BEGIN ``sqlite_lock``
    (IMMEDIATE blocks writers, EXCLUSIVE readers too)."""
    if ON_POSTGRESQL:
        other = create_engine(db.engine.url)
        with other.connect() as conn:
            conn.execute(text(statement))
            try:
                yield
            finally:
                conn.rollback()
        other.dispose()
        return
    conn = sqlite3.connect(make_url(str(db.engine.url)).database, isolation_level=None)
    conn.execute(f"BEGIN {sqlite_lock}")
    if sqlite_lock == "EXCLUSIVE":
        conn.execute("DELETE FROM entries WHERE id = -1")  # take the lock now, not lazily
    try:
        yield
    finally:
        conn.rollback()
        conn.close()


def timed(send):
    started = time.monotonic()
    response = send()
    return response, time.monotonic() - started


def edit_form(writer, body: str) -> dict:
    return {"author": factories.author_note(writer), "version": "1", "body": body,
            "entry_date": date.today().isoformat()}


def test_an_edit_meeting_a_held_lock_gets_the_503_page_with_its_text_quickly(
        client, signed_in):
    entry = factories.make_entry(signed_in, body="Before")
    token = uuid.uuid4().hex
    with held(f"SELECT * FROM entries WHERE id = {entry.id} FOR UPDATE"
              if ON_POSTGRESQL else ""):
        response, took = timed(lambda: client.post(
            f"/journal/{entry.id}/edit", headers=OURS, data=edit_form(signed_in, token)))
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and token in page and "Try again" in page
    assert "Nothing was saved" in page  # a refused wait: nothing can have been stored
    assert took < 2 * WAIT + 3  # one wait, and at most one retry
    db.session.refresh(entry)
    assert entry.body == "Before"


def test_a_new_entry_and_a_check_in_meeting_the_write_lock_get_their_text_back(
        client, signed_in):
    """The auditor's 500: the wait happened in a before_request hook, and the 503 page then
    loaded the user from the locked database."""
    token = uuid.uuid4().hex
    # PostgreSQL locks rows, and a new row waits for none: lock the tables against writing.
    with held("LOCK TABLE entries, check_ins, drafts IN EXCLUSIVE MODE"):
        new = client.post("/journal/new", headers=OURS, data={
            "author": factories.author_note(signed_in), "body": f"New {token}",
            "entry_date": date.today().isoformat()})
        check_in = client.post("/journal/check-in", headers=OURS,
                               data={"support": "2", "note": f"Note {token}"})
        autosave = client.post("/journal/drafts/new", json={
            "body": f"Draft {token}", "author": factories.author_note(signed_in)})
    assert new.status_code == check_in.status_code == autosave.status_code == 503
    assert f"New {token}" in new.get_data(as_text=True)
    assert f"Note {token}" in check_in.get_data(as_text=True)
    assert autosave.is_json and autosave.json["kept"] is False
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_a_page_behind_a_table_lock_asks_for_a_reload_within_the_lock_timeout(
        client, signed_in):
    """A migration's exclusive lock blocks even reading: the page says so quickly."""
    with held("LOCK TABLE entries IN ACCESS EXCLUSIVE MODE", sqlite_lock="EXCLUSIVE"):
        response, took = timed(lambda: client.get("/journal/"))
    assert response.status_code == 503 and took < 2 * WAIT + 3
    assert "We could not open this page just now" in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"DB_LOCK_TIMEOUT_SECONDS": WAIT,
                                         "SQLITE_BUSY_SECONDS": WAIT,
                                         "DB_RETRY_WITHIN_SECONDS": WAIT / 2}])
def test_a_first_run_that_used_the_budget_is_not_run_again(client, signed_in, caplog):
    entry = factories.make_entry(signed_in, body="Before")
    with caplog.at_level(logging.WARNING, "journal.db_trouble"), \
            held(f"SELECT * FROM entries WHERE id = {entry.id} FOR UPDATE"):
        response = client.post(f"/journal/{entry.id}/edit", headers=OURS,
                               data=edit_form(signed_in, "Late"))
    assert response.status_code == 503
    assert "Retrying" not in caplog.text


def test_the_connections_carry_the_timeouts_and_still_their_search_path(app):
    if not ON_POSTGRESQL:
        assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["timeout"] == WAIT
        return
    shown = {name: db.session.scalar(text(f"SHOW {name}"))
             for name in ("lock_timeout", "statement_timeout", "search_path")}
    assert shown["lock_timeout"] == f"{WAIT}s" and shown["statement_timeout"] == "15s"
    assert shown["search_path"] == make_url(str(db.engine.url)).query["options"].split("=")[1]


def test_by_default_a_wait_and_its_retry_end_before_gunicorn_kills_the_worker():
    worker_timeout = GunicornConfig().timeout
    assert 2 * Defaults.SQLITE_BUSY_SECONDS < worker_timeout
    assert Defaults.DB_RETRY_WITHIN_SECONDS + Defaults.DB_STATEMENT_TIMEOUT_SECONDS < (
        worker_timeout)
    assert 2 * Defaults.DB_LOCK_TIMEOUT_SECONDS < worker_timeout
