"""Kill -9 of the whole server while people write: no acknowledged word is lost.

Writers on two devices each write as fast as they can (new entries with unique tokens, edits
from the version their edit page showed, autosaves, check-ins) with the load bench's own clients,
while a sharer withdraws accepted shares and shares new entries. At a random moment gunicorn and
all its workers are killed with SIGKILL, requests in flight; the server is restarted on the same
database and index folder, twice over. Then every acknowledged write must be there exactly once
with its text (checked as bench/load_check.py checks a load run: an edit or check-in cut off by
the crash may or may not have been saved, nothing else may differ), and the search index must
agree with the database: withdrawn words found by no researcher, accepted shares found.

A failing run names its seed (the moments of the kills): JOURNAL_CRASH_SEED=<seed> repeats them.
"""

import os
import random
import re
import string
import threading
from collections import Counter

import pytest
from sqlalchemy import select

from bench import load_client
from bench.load_check import Acks, check
from bench.load_client import PASSWORD, Device, Writer
from journal.extensions import db
from journal.models import Share, ShareStatus
from journal.services import review_queue
from tests.conftest import serving

pytestmark = pytest.mark.concurrency

WRITERS, DEVICES, CRASHES = 3, 2, 2
#: Seconds of writing before each kill, drawn from this range with the seed.
WRITING = (1.0, 3.0)
SEED = int(os.environ.get("JOURNAL_CRASH_SEED") or random.randrange(2**32))


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A server of this test's own: it is going to be killed."""
    # Two devices of a writer still meet to save one entry at once, but no device idles for
    # long waiting for the other: the kill must find requests in flight.
    monkeypatch.setattr(load_client, "RENDEZVOUS", 0.3)
    with serving(tmp_path) as live:
        yield live


def signed_in(server, account: Writer, acks: Acks) -> Device:
    """A new device of ``account``, signed in through the sign-in form."""
    device = Device(server.url, account, acks)
    device.sign_in()
    assert device.signed_in, f"{account.username} could not sign in: {server.log()[-3000:]}"
    return device


def wording(word: str) -> str:
    return f"{word} was the kind word at handover."


class Sharer:
    """A writer who shares entries and withdraws shares while the others write."""

    def __init__(self, server, acks: Acks) -> None:
        self.account, self.acks = Writer("sharer"), acks
        server.make_user(self.account.username, password=PASSWORD)
        self.device = signed_in(server, self.account, acks)
        self.kept: set[str] = set()  # accepted, never to be withdrawn: must be found
        self.accepted: dict[str, int] = {}  # word -> entry id: accepted, to withdraw
        self.to_share: list[tuple[str, int]] = []
        self.withdrawn: set[str] = set()  # withdrawal acknowledged: must be found nowhere
        self.shared: set[str] = set()  # share acknowledged: must be there, once
        self.unsure: set[str] = set()  # sent when the server was killed

    def new_entry(self) -> tuple[str, int]:
        """An entry, and a word to share from it that is found nowhere else."""
        before = len(self.account.entries)
        self.device.new_entry()
        assert len(self.account.entries) == before + 1
        return "zq" + "".join(random.choices(string.ascii_lowercase, k=10)), \
            self.account.entries[-1][0]

    def share(self, word: str, entry_id: int):
        path = f"/journal/{entry_id}/share"
        fields = self.device.page("share page", path)
        if fields is None:
            return 0
        status, _, _ = self.device.call("share", "POST", path, form={
            "csrf_token": fields.get("csrf_token", ""), "wording": wording(word),
            "scope": "research", "replaces": fields.get("replaces", ""), "previewed": "live",
            "confirm": "1"})
        return status

    def withdraw(self, entry_id: int):
        fields = self.device.page("journal page", "/journal/")
        if fields is None:
            return 0
        status, _, _ = self.device.call("withdraw", "POST", f"/journal/{entry_id}/share/withdraw",
                                        form={"csrf_token": fields.get("csrf_token", "")})
        return status

    def prepare(self, server, researcher: Device, accepted: int, to_share: int) -> None:
        """Share ``accepted`` new entries and have them accepted; keep ``to_share`` entries."""
        words = dict(self.new_entry() for _ in range(accepted))
        for word, entry_id in words.items():
            assert self.share(word, entry_id) == 302, server.log()[-3000:]
        accept(server, researcher, [wording(word) for word in words])
        self.accepted.update(words)
        self.to_share = [self.new_entry() for _ in range(to_share)]

    def work_until(self, stop: threading.Event) -> None:
        """Withdraw an accepted share, share an entry, pause; until ``stop``."""
        while not stop.wait(random.uniform(0.1, 0.4)):
            if self.accepted:
                word = random.choice(sorted(self.accepted))
                self._record(word, self.withdraw(self.accepted[word]), self.withdrawn)
                if word in self.withdrawn | self.unsure:
                    del self.accepted[word]
            if self.to_share:
                word, entry_id = self.to_share.pop()
                self._record(word, self.share(word, entry_id), self.shared)

    def _record(self, word: str, status, acknowledged: set) -> None:
        if status == 302:
            acknowledged.add(word)
        elif status is None or status >= 500:
            self.unsure.add(word)


def accept(server, researcher: Device, wordings: list[str]) -> None:
    """A day passes (held shares reach the queue) and the researcher accepts these shares."""
    with server.app.app_context():
        shares = db.session.scalars(select(Share).where(Share.text.in_(wordings))).all()
        review_queue.release_now(shares)
        ids = [share.id for share in shares]
        db.session.remove()
    assert len(ids) == len(wordings)
    token = researcher.page("queue", "/research/queue")["csrf_token"]
    for share_id in ids:
        status, _, _ = researcher.call("accept", "POST", f"/research/shares/{share_id}/accept",
                                       form={"csrf_token": token})
        assert status == 302, server.log()[-3000:]


def found(researcher: Device, word: str) -> int:
    """How many accepted shares a researcher's search for ``word`` finds."""
    status, _, page = researcher.call("search", "GET", f"/research/search?q={word}")
    assert status == 200, page
    return int(re.search(r'id="result-count">(\d+) matching', page).group(1))


def write_until_killed(server, devices: list[Device], sharer: Sharer, seconds: float) -> None:
    """Everyone writes for ``seconds``; then the server is killed under them."""
    stop = threading.Event()
    threads = [threading.Thread(target=device.write_until, args=(stop,), daemon=True)
               for device in devices]
    threads.append(threading.Thread(target=sharer.work_until, args=(stop,), daemon=True))
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    server.crash()
    stop.set()
    for thread in threads:
        thread.join(timeout=60)


#: The answers the sharer's and researcher's requests should get (the writers' are the bench's).
EXPECTED = {("share page", 200), ("share", 302), ("withdraw", 302), ("queue", 200),
            ("accept", 302), ("search", 200)}


def unexpected(acks: Acks) -> dict:
    """Answers other than those expected (a 5xx, a refused form, a page the bench could not
    read); a request refused by the dead server or cut off by the kill is expected."""
    return {key: n for key, n in acks.statuses.items() if key not in acks.expected | EXPECTED
            and (isinstance(key[1], int) or "bench error" in key[1])}


def cut_off(acks: Acks) -> int:
    """Requests that got no answer: in flight when the server was killed."""
    return sum(n for (_, status), n in acks.statuses.items()
               if isinstance(status, str) and status.startswith("no answer"))


def test_no_acknowledged_write_is_lost_when_the_whole_server_is_killed(server):
    """The one to guard (issue 11): crashes held when tried by hand; this keeps them held if a
    change acknowledges a write before its commit, or leaves a withdrawal in the index."""
    seed, kills = f"JOURNAL_CRASH_SEED={SEED}", random.Random(SEED)
    acks, writers = Acks(), [Writer(f"crash{n}") for n in range(WRITERS)]
    for writer in writers:
        server.make_user(writer.username, password=PASSWORD)
    server.make_user("researcher", role="researcher", password=PASSWORD)
    researcher = signed_in(server, Writer("researcher"), acks)
    sharer = Sharer(server, acks)
    sharer.prepare(server, researcher, accepted=1, to_share=0)
    sharer.kept, sharer.accepted = set(sharer.accepted), {}
    devices = [signed_in(server, w, acks) for w in writers for _ in range(DEVICES)]
    for writer in writers:
        writer.devices[0].new_entry()  # an entry to edit from the start
    for _ in range(CRASHES):
        sharer.prepare(server, researcher, accepted=3, to_share=2)
        before = cut_off(acks)
        write_until_killed(server, devices, sharer, kills.uniform(*WRITING))
        assert not unexpected(acks), (seed, unexpected(acks), server.log()[-5000:])
        assert cut_off(acks) > before, "the kill cut off no request in flight"
        server.start()  # the same database and index folder
        devices = [signed_in(server, w, acks) for w in writers for _ in range(DEVICES)]
        sharer.device = signed_in(server, sharer.account, acks)
        researcher = signed_in(server, Writer("researcher"), acks)
    save_once_more(devices[::DEVICES], acks)
    problems = check(server.database_url, acks)
    assert not problems.failed, (seed, problems.details)
    shares_follow_what_was_acknowledged(server, sharer, researcher, seed)
    assert not unexpected(acks), (seed, unexpected(acks), server.log()[-5000:])


def save_once_more(devices: list[Device], acks: Acks) -> None:
    """After the restarts, each writer saves a new entry, an edit, a check-in and an autosave."""
    before = Counter(acks.acknowledged)

    def everything(device):
        device.new_entry()
        device.edit()
        device.check_in()
        device.autosave()

    threads = [threading.Thread(target=everything, args=(d,)) for d in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    kinds = ("new", "edit", "check-in", "autosave")
    assert Counter(acks.acknowledged) - before == dict.fromkeys(kinds, len(devices))


def shares_follow_what_was_acknowledged(server, sharer: Sharer, researcher: Device,
                                        seed: str) -> None:
    """Withdrawn words are nowhere, acknowledged shares are there once, the index agrees."""
    with server.app.app_context():
        rows = db.session.execute(select(Share.text, Share.status)).all()
        db.session.remove()
    accepted = Counter(text for text, status in rows if status == ShareStatus.ACCEPTED)
    assert sharer.withdrawn, "no withdrawal was acknowledged before a kill"
    for word in sharer.withdrawn:
        assert not [text for text, _ in rows if word in text], (seed, word)
        assert found(researcher, word) == 0, (seed, word)
    for word in sharer.kept:
        assert found(researcher, word) == 1 == accepted[wording(word)], (seed, word)
    for word in sharer.shared:
        assert [text for text, _ in rows].count(wording(word)) == 1, (seed, word)
    for word in sharer.unsure:
        assert found(researcher, word) == accepted[wording(word)], (seed, word)
    result = server.app.test_cli_runner().invoke(args=["search", "check"])
    assert result.exit_code == 0, (seed, result.output)
