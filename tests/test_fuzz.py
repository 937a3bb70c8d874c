"""Every route, every role, hostile input: never a 5xx, and nobody changes what is not theirs.

The routes come from ``app.url_map``, so a new route is fuzzed without anyone listing it. For each
route and role Hypothesis draws a fixed number of requests (``FUZZ_EXAMPLES``, derandomized, so CI
cost is bounded and a failure repeats): path parameters (the real ids or junk), query strings, and
a form, JSON, deeply nested JSON or multipart body with a stray file part, from values that
include NUL bytes, lone surrogates, Unicode digits, huge numbers and very long strings. The app
runs with TESTING on, so an unhandled error fails the test with its traceback.
"""

import io
import json
import os
import re
from datetime import date
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from journal.extensions import db
from journal.forms.common import BaseForm
from journal.services import drafts
from journal.services import journal as journal_service
from tests import factories
from tests.conftest import login

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
ROLES = ("anonymous", "writer", "other_writer", "researcher", "leader", "admin")

#: Values that broke the app before the input boundary, and their neighbours.
NASTY = ["\x00", "a\x00b", "\ud800", "x\udfffy", "²", "①", "٣", "1" * 300, str(2**31),
         str(2**63), "-1", "0", "1e9", "' OR 1=1 --", "<script>alert(1)</script>", "%00", "../",
         "\u202e", "\ufffd", "\r\n", " ", "", "new", "NOT", '"unclosed', "nurs*", "a" * 25_001]
#: Values that pass validation somewhere, so requests reach past the forms.
PLAUSIBLE = ["1", "3", "5", "2026-11-20", "2026-11", "research", "leaders", "public", "up",
             "down", "relevance", "newest", "y", "1:4:name", "long enough pw"]
#: Names read with ``request.form`` / ``request.args`` rather than through a form class.
RAW_NAMES = ["page", "q", "restore", "kept", "prompt", "tag_id", "share_id", "collection_id",
             "order", "direction", "version", "replace", "replace_all", "confirm",
             "needs_review", "key", "back", "author", "next"]
#: Routes that end the session or delete the shared fixtures: fuzzed after the rest.
LAST = ("journal.delete", "sharing.withdraw", "codebook.delete", "codebook.merge",
        "research.untag", "collections.remove", "admin.deactivate", "withdrawals.sign_out",
        "auth.logout")

WRITING = ("entries", "check_ins", "drafts", "pending_drafts", "writer_profiles", "shares")
RESEARCH = ("themes", "tags", "memos", "collections", "collection_items")
#: Tables each role must leave exactly as they were, whatever it sends.
FORBIDDEN = {
    "anonymous": (*WRITING, *RESEARCH, "responses", "invite_codes"),
    "writer": ("themes", "collections", "responses", "invite_codes"),
    "other_writer": ("themes", "collections", "responses", "invite_codes"),
    "researcher": (*WRITING[:-1], "responses", "invite_codes"),
    "leader": (*WRITING, *RESEARCH, "invite_codes"),
    "admin": (*WRITING, *RESEARCH, "responses"),
}
PRIVATE = ("entries", "check_ins", "drafts", "pending_drafts")
#: Tables a writer may only take rows out of, or cut from a share: withdrawing a share removes
#: its tags and memos and leaves its places in collections empty (promise 3); a writer can add
#: or change nothing else in them.
SHRINK_ONLY = ("tags", "memos", "collection_items")


def form_field_names() -> list[str]:
    """Every field name of every form class of the app (the real names a post can carry)."""
    names, todo = set(), [BaseForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        names |= {name for name in dir(cls) if isinstance(getattr(cls, name), UnboundField)}
    return sorted(names | {"csrf_token"})


def encoded(text: str) -> str:
    """Percent-encoded as a browser would, lone surrogates and all (the client cannot)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def sendable(text: str) -> str:
    return text.encode("utf-8", "replace").decode()


junk = st.one_of(st.sampled_from(NASTY), st.sampled_from(PLAUSIBLE), st.text(max_size=12),
                 st.tuples(st.text(max_size=6), st.sampled_from(NASTY)).map("".join))


def names(real: list[str]):
    return st.one_of(st.sampled_from(real), junk)


@st.composite
def fuzzed_request(draw, rule, method: str, ids: dict, field_names: list[str]) -> dict:
    """One request to ``rule``: a URL with a query string, and maybe a body."""
    values = {arg: draw(st.one_of(st.just(str(ids.get(arg, ""))), junk))
              for arg in rule.arguments}
    path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: encoded(values[m.group(1)]), rule.rule)
    query = draw(st.lists(st.tuples(names(RAW_NAMES), junk), max_size=3))
    url = path + ("?" + "&".join(f"{encoded(k)}={encoded(v)}" for k, v in query) if query else "")
    kind = draw(st.sampled_from(["form", "form", "json", "multipart", "deep", "none"])
                if method == "POST" else st.just("none"))
    fields = draw(st.lists(st.tuples(names(field_names + RAW_NAMES), junk), max_size=8))
    return {"url": url, "method": method, **body(kind, fields, ids, draw)}


def body(kind: str, fields: list[tuple[str, str]], ids: dict, draw) -> dict:
    if ids.get("author"):
        fields = [*fields, ("author", ids["author"])]
    if kind == "form":
        raw = "&".join(f"{encoded(k)}={encoded(v)}" for k, v in fields)
        return {"data": raw, "content_type": "application/x-www-form-urlencoded"}
    if kind == "json":
        value = draw(st.sampled_from([dict(fields), fields, len(fields), None]))
        return {"data": json.dumps(value), "content_type": "application/json"}
    if kind == "deep":
        depth = draw(st.integers(1, 3000))
        return {"data": "[" * depth + "]" * depth, "content_type": "application/json"}
    if kind == "multipart":
        # The test client cannot send a lone surrogate in a part: it goes as "?" instead.
        data = {sendable(k): sendable(v) for k, v in fields}
        data[sendable(draw(names(list(dict(fields)) or ["body"])))] = (io.BytesIO(b"\x00\xff"),
                                                                       "x.bin")
        return {"data": data, "content_type": "multipart/form-data"}
    return {}


@pytest.fixture
def world(app):
    """One account per role; each writer has an entry, a draft and a check-in; a share, a
    theme, a tag and a collection exist, and an account waits to be deactivated."""
    users = {role: factories.make_user(role.removeprefix("other_"), username=role)
             for role in ROLES[1:]}
    entries = {}
    for role in ("writer", "other_writer"):
        entries[role] = factories.make_entry(users[role], body=f"{role}'s private words")
        drafts.autosave(users[role], "new", {"body": f"{role}'s draft"})
        journal_service.check_in(users[role], date.today(), 3, f"{role}'s note")
    entry = entries["writer"]
    share = factories.make_share(users["writer"], entry, accepted=True)
    theme = factories.make_theme("Being heard")
    tag = factories.make_tag(users["researcher"], share, theme)
    collection = factories.make_collection("What helps", [share], publish=True)
    target = factories.make_user("writer", username="target")
    ids = {"entry_id": entry.id, "user_id": target.id, "share_id": share.id,
           "theme_id": theme.id, "tag_id": tag.id, "collection_id": collection.id,
           "item_id": collection.items[0].id, "slot": "new"}
    return users, ids


def snapshot(role: str, users: dict) -> dict:
    """Every row this role must not change: whole tables, and the other writers' own rows."""
    tables = db.metadata.tables
    rows = {name: db.session.execute(db.select(tables[name])).all()
            for name in FORBIDDEN[role] + (SHRINK_ONLY if "writer" in role else ())}
    others = [user.id for name, user in users.items() if name in ("writer", "other_writer")
              and name != role]
    for name in PRIVATE:
        table = tables[name]
        owner = table.c.get("user_id", table.c.get("author_id"))
        rows[f"private {name}"] = db.session.execute(
            db.select(table).where(owner.in_(others))).all()
    return {name: {repr(row[0]): dict(row._mapping) for row in found} if name in SHRINK_ONLY
            else sorted(map(repr, found)) for name, found in rows.items()}


def ordered_rules(app) -> list[tuple[object, str]]:
    rules = [(rule, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
             for method in sorted(rule.methods & {"GET", "POST"})]
    return sorted(rules, key=lambda rm: (rm[0].endpoint in LAST,
                                         LAST.index(rm[0].endpoint) if rm[0].endpoint in LAST
                                         else 0, rm[0].endpoint, rm[1]))


@pytest.mark.parametrize("role", ROLES)
def test_no_input_gives_a_5xx_or_changes_what_it_must_not(app, client, world, role):
    users, ids = world
    if role != "anonymous":
        login(client, users[role])
    if role in ("writer", "other_writer"):
        ids = {**ids, "author": factories.author_note(users[role])}
    before, field_names = snapshot(role, users), form_field_names()
    for rule, method in ordered_rules(app):
        @settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(fuzzed_request(rule, method, ids, field_names))
        def request_is_handled(sent):
            response = client.open(sent.pop("url"), method=sent.pop("method"), **sent)
            assert response.status_code < 500, response.get_data(as_text=True)[:500]

        request_is_handled()
        assert_unchanged(before, snapshot(role, users), f"{role} {method} {rule.rule}")


def assert_unchanged(before: dict, after: dict, where: str) -> None:
    for name, rows in after.items():
        if name in SHRINK_ONLY:
            assert all(row in (before[name].get(key), {**before[name].get(key, {}),
                                                       "share_id": None})
                       for key, row in rows.items()), f"{where} added or changed {name}"
        else:
            assert rows == before[name], f"{where} changed {name}"
