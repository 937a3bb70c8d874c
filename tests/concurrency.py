"""Requests sent at the same moment, for the tests of what two requests at once must not break.

Each call runs in its own thread and app context (so its own database session and connection),
all released together by a barrier. A race is a matter of timing, so the tests repeat it for a
few rounds: each round is an independent chance for the requests to interleave.
"""

import threading
from collections.abc import Callable

ROUNDS = 6


def at_once(app, *calls: Callable[[], object]) -> list:
    """Run the ``calls`` (each sends one request with its own client) together; return their
    results in order, re-raising the first exception any of them raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], object]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[index] = call()
            except BaseException as error:  # noqa: BLE001 - handed back to the test's thread
                errors.append(error)

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results


def statuses(responses) -> list[int]:
    """The status codes of ``responses``, sorted (which of two won is a matter of timing)."""
    return sorted(response.status_code for response in responses)
