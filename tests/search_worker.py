"""A separate server process for test_search_concurrency: tags, untags and withdraws at random."""

import random


def run(config: dict, worker: int, operations: int, queue) -> None:
    """Do ``operations`` random changes through the services; report errors on ``queue``."""
    from journal import create_app
    from journal.extensions import db
    from journal.models import Entry, Share, Tag, Theme, User
    from journal.services import research, sharing
    from journal.services.errors import DomainError

    rng = random.Random(worker)
    app = create_app(config)
    errors = []
    with app.app_context():
        researcher = db.session.scalar(db.select(User).where(User.username == "researcher"))
        themes = db.session.scalars(db.select(Theme.id)).all()
        for _ in range(operations):
            try:
                choice = rng.random()
                shares = db.session.scalars(db.select(Share)).all()
                if not shares:
                    break
                if choice < 0.55:
                    share = rng.choice(shares)
                    research.tag_share(researcher, share, [rng.choice(themes)])
                elif choice < 0.85:
                    tags = db.session.scalars(db.select(Tag)).all()
                    if tags:
                        research.remove_tag(rng.choice(tags))
                else:
                    entry = rng.choice(db.session.scalars(db.select(Entry)).all())
                    author = db.session.get(User, entry.author_id)
                    sharing.withdraw(author, entry)
            except DomainError:
                db.session.rollback()  # e.g. tagging a share another process just withdrew
            except Exception as error:  # noqa: BLE001 - reported to the test, which fails
                db.session.rollback()
                errors.append(f"{type(error).__name__}: {error}")
        db.engine.dispose()
    queue.put(errors)
