"""The audit log: who did what security-relevant thing, and on what day. Never any entry text.

Events keep the day, not the time, and are shown counted per day, not one by one: with the time
or the order, an admin could pair a writer's sign-in with a share reaching the review queue.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import Row, func, select

from journal.extensions import db
from journal.models import AuditEvent, User


@dataclass(frozen=True)
class AuditPage:
    """One page of the audit log's counted rows (``at``, ``action``, ``username``, ``detail``,
    ``times``), with whether newer or older ones exist."""

    rows: list[Row]
    number: int
    has_newer: bool
    has_older: bool


def record(action: str, user: User | None = None, detail: str = "") -> None:
    """Add an audit event to the current transaction (the caller commits)."""
    today = datetime.combine(datetime.now(UTC).date(), time(), UTC)
    db.session.add(AuditEvent(at=today, action=action, user_id=user.id if user else None,
                              detail=detail[:200]))


def record_now(action: str, user: User | None = None, detail: str = "") -> None:
    """Record an event that stands alone (a denial, a failed sign-in) and commit it."""
    record(action, user, detail)
    db.session.commit()


def recent_events(page: int, per_page: int = 50) -> AuditPage:
    """One row per day, user, action and detail with how many times, newest day first."""
    page = max(page, 1)
    username = func.coalesce(User.username, "")
    # Within a day the order is by action, then name: never the order events happened in, which
    # would let a researcher's sign-ins before and after bracket a writer's.
    query = (select(AuditEvent.at, AuditEvent.action, User.username, AuditEvent.detail,
                    func.count().label("times"))
             .outerjoin(User, AuditEvent.user_id == User.id)
             .group_by(AuditEvent.at, AuditEvent.action, AuditEvent.user_id, User.username,
                       AuditEvent.detail)
             .order_by(AuditEvent.at.desc(), AuditEvent.action, username, AuditEvent.detail)
             .limit(per_page + 1).offset((page - 1) * per_page))
    rows = list(db.session.execute(query))
    return AuditPage(rows[:per_page], page, page > 1, len(rows) > per_page)
