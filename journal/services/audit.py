"""The audit log: who did what security-relevant thing, and on what day. Never any entry text.

Events keep the day, not the time: with the time, an admin could pair a writer's sign-in with a
share reaching the review queue.
"""

from datetime import UTC, datetime, time

from sqlalchemy.orm import joinedload

from journal.extensions import db
from journal.models import AuditEvent, User


def record(action: str, user: User | None = None, detail: str = "") -> None:
    """Add an audit event to the current transaction (the caller commits)."""
    today = datetime.combine(datetime.now(UTC).date(), time(), UTC)
    db.session.add(AuditEvent(at=today, action=action, user_id=user.id if user else None,
                              detail=detail[:200]))


def record_now(action: str, user: User | None = None, detail: str = "") -> None:
    """Record an event that stands alone (a denial, a failed sign-in) and commit it."""
    record(action, user, detail)
    db.session.commit()


def recent_events(page: int, per_page: int = 50):
    """Newest audit events first, paginated, with their users loaded."""
    query = (db.select(AuditEvent).options(joinedload(AuditEvent.user))
             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
