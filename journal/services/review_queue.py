"""Holding new shares back from the review queue and releasing them in batches.

A share that reached the queue the moment it was made could be paired, by anyone who sees who
signs in when, with its writer. So new and re-worded shares are held (``Share.held_on``, the day
only) and released all together, on a later day than any of them was held: never at the moment
a writer's share makes the count, and never with a share held today.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, update

from journal.extensions import db
from journal.models import Share


def today() -> date:
    """The day (UTC) shares are held and released on: the audit log's day too."""
    return datetime.now(UTC).date()


def release_held_shares(today: date, batch: int, max_days: int) -> int:
    """Release together every share held before ``today`` once ``batch`` of them wait or the
    oldest has waited ``max_days``; return how many were released."""
    # Shares held today never count and never go: the release then happens on the first look
    # at the queue on a later day, which no writer's share can time.
    earlier = Share.held_on < today
    count, oldest = db.session.execute(select(func.count(), func.min(Share.held_on))
                                       .where(earlier)).one()
    # The minimum keeps a quiet day's single share from pointing at the few writers who signed
    # in that day; the cap keeps it from waiting for company for ever.
    if not count or (count < batch and oldest > today - timedelta(days=max_days)):
        return 0
    db.session.execute(update(Share).where(earlier).values(held_on=None))
    db.session.commit()
    return count


def release_now(shares: list[Share]) -> None:
    """Release ``shares`` at once (demo data and tests, whose timing reveals nobody)."""
    for share in shares:
        share.held_on = None
    db.session.commit()
