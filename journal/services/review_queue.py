"""Holding new shares back from the review queue and releasing them in batches.

A share that reached the queue the moment it was made could be paired, by anyone who sees who
signs in when, with its writer. So new and re-worded shares are held (``Share.held_on``, the day
only) and released all together: once enough are waiting, or on a later day.
"""

from datetime import date

from sqlalchemy import func, select, update

from journal.extensions import db
from journal.models import Share


def release_held_shares(today: date, batch: int) -> int:
    """Release every held share to the queue together once ``batch`` are waiting or the oldest
    was held before ``today``; return how many were released."""
    count, oldest = db.session.execute(select(func.count(), func.min(Share.held_on))
                                       .where(Share.held_on.is_not(None))).one()
    if not count or (count < batch and oldest >= today):
        return 0
    db.session.execute(update(Share).where(Share.held_on.is_not(None)).values(held_on=None))
    db.session.commit()
    return count


def release_now(shares: list[Share]) -> None:
    """Release ``shares`` at once (demo data and tests, whose timing reveals nobody)."""
    for share in shares:
        share.held_on = None
    db.session.commit()
