"""The audit log records denials with time and user, and nothing a writer wrote."""

from journal.extensions import db
from journal.models import AuditEvent
from tests import factories
from tests.conftest import login


def events(action: str) -> list[AuditEvent]:
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).all()


def test_role_denial_is_recorded(client, researcher):
    login(client, researcher)
    assert client.get("/journal/").status_code == 403
    (denied,) = events("denied")
    assert denied.user_id == researcher.id and denied.detail == "/journal/"
    assert denied.at is not None


def test_reaching_for_another_writers_entry_is_recorded(client, writer, other_writer):
    entry = factories.make_entry(writer, body="Not for other eyes")
    login(client, other_writer)
    assert client.get(f"/journal/{entry.id}/edit").status_code == 404
    (denied,) = events("denied")
    assert denied.user_id == other_writer.id and denied.detail == f"/journal/{entry.id}/edit"


def test_failed_sign_in_records_the_attempted_username_not_the_password(client, writer):
    client.post("/login", data={"username": "writer", "password": "my-guess-123"})
    (failed,) = events("sign_in_failed")
    assert failed.user_id == writer.id and failed.detail == "writer"
    assert all("my-guess-123" not in e.detail for e in db.session.scalars(
        db.select(AuditEvent)))
