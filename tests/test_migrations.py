"""Migrations build the same schema as the models, and every revision downgrades cleanly."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from journal import create_app
from journal.extensions import db
from tests.conftest import DATABASE_URL, isolated_schema


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with nothing in it: a new SQLite file or a new PostgreSQL schema."""
    if DATABASE_URL.startswith("postgresql"):
        with isolated_schema(DATABASE_URL) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"


@pytest.fixture
def migration_app(empty_database_url, tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": empty_database_url,
                      "INDEX_DIR": str(tmp_path / "index")})
    with app.app_context():
        yield app
        db.engine.dispose()


def test_upgrade_to_head_matches_the_models(migration_app):
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_every_revision_downgrades_cleanly(migration_app):
    upgrade()
    downgrade(revision="base")
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade()  # and up again, so a downgrade leaves nothing behind that blocks it
    assert "entries" in inspect(db.engine).get_table_names()
