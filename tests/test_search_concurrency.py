"""Several server processes changing tags and shares at once lose no index update."""

import multiprocessing

from journal import search
from journal.extensions import db
from tests import factories
from tests.search_worker import run

PROCESSES = 4
OPERATIONS = 25


def test_four_processes_tagging_and_withdrawing_leave_no_drift(app, runner, researcher):
    themes = [factories.make_theme(name) for name in ("Being heard", "Burnout", "Time to care")]
    for number in range(16):
        writer = factories.make_user("writer", username=f"busy{number}")
        entry = factories.make_entry(writer, body=f"Busy shift number {number} and kindness.")
        share = factories.make_share(writer, entry, accepted=True)
        factories.make_tag(researcher, share, themes[number % 3])
    db.session.commit()
    config = {key: app.config[key] for key in ("SECRET_KEY", "SHARE_KEY", "DATABASE_URL",
                                               "INDEX_DIR")}
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=run, args=(config, n, OPERATIONS, queue))
               for n in range(PROCESSES)]
    for worker in workers:
        worker.start()
    errors = [error for _ in workers for error in queue.get(timeout=300)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert errors == [], errors  # no lock error, no database error reached a "user"
    db.session.expire_all()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    assert search.check() == []
