"""What bench/load.py recorded, and the check of it against the database afterwards."""

import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import create_engine, text

#: The answers each kind of request should get; anything else is reported as unexpected.
EXPECTED = {
    "sign-up page": {200}, "sign up": {302}, "sign-in page": {200}, "sign in": {302},
    "new page": {200}, "new": {302}, "edit page": {200}, "edit": {302, 409},
    "editor tokens": {200}, "autosave": {200}, "journal page": {200}, "check-in": {302},
}


class Acks:
    """Every acknowledged write with what it claimed, and every answer's status and time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.recording, self.started = False, 0.0
        self.statuses: Counter = Counter()
        self.latencies: list[float] = []
        self.acknowledged: Counter = Counter()
        self.conflicts = 0
        self.new: dict[str, int] = {}  # creation token -> entry id
        self.edits: dict[int, list[tuple[int, str]]] = defaultdict(list)  # id -> (base, text)
        self.unknown_edits: dict[int, list[tuple[int, str]]] = defaultdict(list)
        self.check_ins: dict[str, set[tuple[int, str]]] = defaultdict(set)
        self.unknown_check_ins: dict[str, set[tuple[int, str]]] = defaultdict(set)
        self.expected = {(kind, status) for kind, codes in EXPECTED.items() for status in codes}

    def start(self) -> None:
        self.recording, self.started = True, time.perf_counter()

    def stop(self) -> float:
        """Stop timing; return the seconds recorded."""
        self.recording = False
        return time.perf_counter() - self.started

    def record(self, kind: str, status, seconds: float) -> None:
        with self.lock:
            self.statuses[(kind, status)] += 1
            if self.recording:
                self.latencies.append(seconds)

    def server_errors(self) -> int:
        return sum(n for (_, status), n in self.statuses.items()
                   if isinstance(status, int) and status >= 500)

    def acknowledge(self, kind: str) -> None:
        with self.lock:
            self.acknowledged[kind] += 1

    def acknowledge_new(self, token: str, entry_id: int) -> None:
        with self.lock:
            self.acknowledged["new"] += 1
            self.new[token] = entry_id

    def acknowledge_edit(self, entry_id: int, base: int, body: str) -> None:
        with self.lock:
            self.acknowledged["edit"] += 1
            self.edits[entry_id].append((base, body))

    def unknown_edit(self, entry_id: int, base: int, body: str) -> None:
        with self.lock:
            self.unknown_edits[entry_id].append((base, body))

    def conflict(self) -> None:
        with self.lock:
            self.conflicts += 1

    def acknowledge_check_in(self, username: str, support: int, note: str) -> None:
        with self.lock:
            self.acknowledged["check-in"] += 1
            self.check_ins[username].add((support, note))

    def unknown_check_in(self, username: str, support: int, note: str) -> None:
        """A check-in sent with no answer (cut off, or 5xx): it may have been saved."""
        with self.lock:
            self.unknown_check_ins[username].add((support, note))


@dataclass
class Problems:
    lost: int = 0
    duplicated: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.lost or self.duplicated)


def check(database_url: str, acks: Acks) -> Problems:
    """Compare what was acknowledged with what the database holds."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            entries = conn.execute(text("SELECT id, body, version FROM entries")).all()
            check_ins = conn.execute(text(
                "SELECT u.username, c.day, c.support, c.note FROM check_ins c "
                "JOIN users u ON u.id = c.user_id")).all()
            drafts = conn.execute(text(
                "SELECT user_id, slot, count(*) FROM drafts GROUP BY user_id, slot "
                "HAVING count(*) > 1")).all()
    finally:
        engine.dispose()
    problems = Problems()
    _check_new(entries, acks, problems)
    _check_edits(entries, acks, problems)
    _check_check_ins(check_ins, acks, problems)
    for user_id, slot, count in drafts:
        problems.duplicated += count - 1
        problems.details.append(f"draft slot {slot} of user {user_id}: {count} rows")
    return problems


def _check_new(entries, acks: Acks, problems: Problems) -> None:
    """Every acknowledged new entry is there exactly once (its token opens every version)."""
    rows = Counter(token for _, body, _ in entries
                   for token in re.findall(r"\bN[0-9a-f]{16}\b", body))
    for token, entry_id in acks.new.items():
        if rows[token] == 0:
            problems.lost += 1
            problems.details.append(f"new entry {entry_id} ({token}) is missing")
        elif rows[token] > 1:
            problems.duplicated += rows[token] - 1
            problems.details.append(f"new entry {token} is there {rows[token]} times")


def _check_edits(entries, acks: Acks, problems: Problems) -> None:
    """Per entry, acknowledged edits form a chain: one per base version, the last one showing."""
    saved = {entry_id: (body, version) for entry_id, body, version in entries}
    for entry_id, edits in acks.edits.items():
        bases = Counter(base for base, _ in edits)
        overwritten = sum(n - 1 for n in bases.values())
        if overwritten:
            problems.lost += overwritten
            problems.details.append(f"entry {entry_id}: {overwritten} acknowledged edits "
                                    "saved from a version another edit had already replaced")
        if entry_id not in saved:
            continue  # already counted as a lost new entry
        body, version = saved[entry_id]
        unknown = acks.unknown_edits.get(entry_id, [])
        top = max(base for base, _ in edits)
        winners = {text for base, text in edits if base == top}
        winners |= {text for base, text in unknown if base >= top}
        if not 1 + len(edits) <= version <= 1 + len(edits) + len(unknown) or body not in winners:
            problems.lost += 0 if overwritten else 1  # an overwrite breaks the chain too
            problems.details.append(f"entry {entry_id}: version {version} after {len(edits)} "
                                    "acknowledged edits, or its text is not the last of them")


def _check_check_ins(rows, acks: Acks, problems: Problems) -> None:
    """One check-in per writer per day, holding a value acknowledged for it or sent without an
    answer (the last one saved may be one cut off by a crash); nothing else."""
    per_day = Counter((username, day) for username, day, _, _ in rows)
    for (username, day), count in per_day.items():
        if count > 1:
            problems.duplicated += count - 1
            problems.details.append(f"{username} has {count} check-ins on {day}")
    held = defaultdict(set)
    for username, _, support, note in rows:
        held[username].add((support, note))
    for username in set(acks.check_ins) | set(acks.unknown_check_ins):
        sent = acks.check_ins[username] | acks.unknown_check_ins[username]
        if acks.check_ins[username] and not held[username] & sent:
            problems.lost += 1
            problems.details.append(f"{username}: no acknowledged check-in is held")
        elif held[username] - sent:
            problems.lost += 1
            problems.details.append(f"{username}: holds a check-in never sent in this run")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
