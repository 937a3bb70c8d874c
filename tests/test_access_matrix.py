"""Every route, every role: the expected status is written down here, or the suite fails.

The routes come from ``app.url_map``; a new route with no row below makes
``test_every_route_has_a_row`` fail, so nobody can add a page without deciding who may use it.
"""

import pytest

from journal import create_app
from tests import factories
from tests.conftest import login

ROLES = ("anonymous", "writer", "other_writer", "researcher", "leader", "admin")
LOGIN = 302  # anonymous users are sent to the sign-in page


def row(anonymous, writer, other_writer, researcher, leader, admin) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, writer, other_writer, researcher, leader, admin),
                    strict=True))


#: (endpoint, method) -> expected status per role. "writer" owns the entry in the URL.
EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("main.index", "GET"): row(200, 302, 302, 302, 302, 302),
    ("auth.login", "GET"): row(200, 302, 302, 302, 302, 302),
    ("auth.login", "POST"): row(422, 302, 302, 302, 302, 302),
    ("auth.signup", "GET"): row(200, 302, 302, 302, 302, 302),
    ("auth.signup", "POST"): row(422, 302, 302, 302, 302, 302),
    ("auth.logout", "POST"): row(LOGIN, 302, 302, 302, 302, 302),
    ("auth.change_password", "GET"): row(LOGIN, 200, 200, 200, 200, 200),
    ("auth.change_password", "POST"): row(LOGIN, 422, 422, 422, 422, 422),
    ("journal.index", "GET"): row(LOGIN, 200, 200, 403, 403, 403),
    ("journal.new", "GET"): row(LOGIN, 200, 200, 403, 403, 403),
    ("journal.new", "POST"): row(LOGIN, 422, 422, 403, 403, 403),
    ("journal.show", "GET"): row(LOGIN, 200, 404, 403, 403, 403),
    ("journal.edit", "GET"): row(LOGIN, 200, 404, 403, 403, 403),
    ("journal.edit", "POST"): row(LOGIN, 422, 404, 403, 403, 403),
    ("journal.delete", "GET"): row(LOGIN, 200, 404, 403, 403, 403),
    ("journal.delete", "POST"): row(LOGIN, 302, 404, 403, 403, 403),
    ("journal.check_in", "POST"): row(LOGIN, 422, 422, 403, 403, 403),
    ("journal.search", "GET"): row(LOGIN, 302, 302, 403, 403, 403),
    ("journal.search", "POST"): row(LOGIN, 302, 302, 403, 403, 403),
    ("journal.autosave", "POST"): row(LOGIN, 400, 400, 403, 403, 403),
    ("main.service_worker", "GET"): row(200, 200, 200, 200, 200, 200),
    ("main.offline", "GET"): row(200, 200, 200, 200, 200, 200),
    ("main.writing_shell", "GET"): row(200, 200, 200, 200, 200, 200),
    ("journal.editor_tokens", "GET"): row(LOGIN, 200, 200, 403, 403, 403),
    ("journal.discard_kept", "POST"): row(LOGIN, 302, 302, 403, 403, 403),
    ("journal.check_ins", "GET"): row(LOGIN, 200, 200, 403, 403, 403),
    ("sharing.preview", "GET"): row(LOGIN, 200, 404, 403, 403, 403),
    ("sharing.preview", "POST"): row(LOGIN, 200, 404, 403, 403, 403),
    ("sharing.withdraw", "POST"): row(LOGIN, 302, 404, 403, 403, 403),
    ("sharing.narrow_scope", "POST"): row(LOGIN, 302, 404, 403, 403, 403),
    ("sharing.mine", "GET"): row(LOGIN, 200, 200, 403, 403, 403),
    ("sharing.settings", "GET"): row(LOGIN, 200, 200, 403, 403, 403),
    ("sharing.settings", "POST"): row(LOGIN, 302, 302, 403, 403, 403),
    ("research.queue", "GET"): row(LOGIN, 403, 403, 200, 403, 403),
    ("research.shares", "GET"): row(LOGIN, 403, 403, 200, 403, 403),
    ("research.share", "GET"): row(LOGIN, 403, 403, 200, 403, 403),
    ("research.accept", "POST"): row(LOGIN, 403, 403, 302, 403, 403),
    ("research.return_share", "POST"): row(LOGIN, 403, 403, 422, 403, 403),
    ("research.safeguarding", "POST"): row(LOGIN, 403, 403, 302, 403, 403),
    ("research.tag", "POST"): row(LOGIN, 403, 403, 422, 403, 403),
    ("research.untag", "POST"): row(LOGIN, 403, 403, 302, 403, 403),
    ("research.retag", "POST"): row(LOGIN, 403, 403, 302, 403, 403),
    ("research.share_memo", "POST"): row(LOGIN, 403, 403, 422, 403, 403),
    ("codebook.index", "GET"): row(LOGIN, 403, 403, 200, 403, 403),
    ("codebook.index", "POST"): row(LOGIN, 403, 403, 422, 403, 403),
    ("codebook.theme", "GET"): row(LOGIN, 403, 403, 200, 403, 403),
    ("codebook.edit", "GET"): row(LOGIN, 403, 403, 200, 403, 403),
    ("codebook.edit", "POST"): row(LOGIN, 403, 403, 422, 403, 403),
    ("codebook.merge", "POST"): row(LOGIN, 403, 403, 302, 403, 403),
    ("codebook.delete", "GET"): row(LOGIN, 403, 403, 200, 403, 403),
    ("codebook.delete", "POST"): row(LOGIN, 403, 403, 302, 403, 403),
    ("codebook.memo", "POST"): row(LOGIN, 403, 403, 422, 403, 403),
    ("explore.search_page", "GET"): row(LOGIN, 403, 403, 200, 403, 403),
    ("explore.export_shares", "GET"): row(LOGIN, 403, 403, 200, 403, 403),
    ("explore.export_excerpts", "GET"): row(LOGIN, 403, 403, 200, 403, 403),
    ("collections.index", "GET"): row(LOGIN, 403, 403, 200, 403, 403),
    ("collections.index", "POST"): row(LOGIN, 403, 403, 422, 403, 403),
    ("collections.manage", "GET"): row(LOGIN, 403, 403, 200, 403, 403),
    ("collections.edit", "POST"): row(LOGIN, 403, 403, 422, 403, 403),
    ("collections.add_item", "POST"): row(LOGIN, 403, 403, 404, 403, 403),
    ("collections.move", "POST"): row(LOGIN, 403, 403, 302, 403, 403),
    ("collections.reorder", "POST"): row(LOGIN, 403, 403, 302, 403, 403),
    ("collections.remove", "POST"): row(LOGIN, 403, 403, 302, 403, 403),
    ("collections.commentary", "POST"): row(LOGIN, 403, 403, 302, 403, 403),
    ("collections.publish", "POST"): row(LOGIN, 403, 403, 302, 403, 403),
    ("collections.unpublish", "POST"): row(LOGIN, 403, 403, 302, 403, 403),
    ("collections.preview", "GET"): row(LOGIN, 403, 403, 200, 403, 403),
    ("reading.index", "GET"): row(LOGIN, 200, 200, 200, 200, 200),
    # A published leaders-only collection holding the owner's share: the owner may read it.
    ("reading.read", "GET"): row(LOGIN, 200, 404, 200, 200, 404),
    ("reading.read", "POST"): row(LOGIN, 403, 404, 403, 422, 404),
    ("admin.users", "GET"): row(LOGIN, 403, 403, 403, 403, 200),
    ("admin.new_user", "GET"): row(LOGIN, 403, 403, 403, 403, 200),
    ("admin.new_user", "POST"): row(LOGIN, 403, 403, 403, 403, 422),
    ("admin.deactivate", "POST"): row(LOGIN, 403, 403, 403, 403, 302),
    ("admin.approve", "POST"): row(LOGIN, 403, 403, 403, 403, 302),
    ("admin.invites", "GET"): row(LOGIN, 403, 403, 403, 403, 200),
    ("admin.invites", "POST"): row(LOGIN, 403, 403, 403, 403, 200),
    ("admin.audit_log", "GET"): row(LOGIN, 403, 403, 403, 403, 200),
    # only a deactivated writer's withdraw-only session (see test_attack_operators)
    ("withdrawals.index", "GET"): row(LOGIN, 403, 403, 403, 403, 403),
    ("withdrawals.withdraw", "POST"): row(LOGIN, 403, 403, 403, 403, 403),
    ("withdrawals.sign_out", "POST"): row(LOGIN, 403, 403, 403, 403, 403),
}


def routes() -> set[tuple[str, str]]:
    """(endpoint, method) for every rule of the app, static files aside."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods & {"GET", "POST", "PUT", "PATCH", "DELETE"})
    }


def test_every_route_has_a_row():
    missing = routes() - set(EXPECTED)
    stale = set(EXPECTED) - routes()
    assert not missing, f"routes with no row in the access matrix: {sorted(missing)}"
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


@pytest.fixture
def people(app):
    """One account per role; "writer" owns an entry, and there is an account to deactivate."""
    users = {
        "writer": factories.make_user("writer", username="owner"),
        "other_writer": factories.make_user("writer", username="stranger"),
        "researcher": factories.make_user("researcher", username="researcher"),
        "leader": factories.make_user("leader", username="leader"),
        "admin": factories.make_user("admin", username="admin"),
    }
    entry = factories.make_entry(users["writer"], body="The owner's private words.")
    share = factories.make_share(users["writer"], entry, accepted=True)
    theme = factories.make_theme("Being heard")
    tag = factories.make_tag(users["researcher"], share, theme)
    collection = factories.make_collection("What helps", [share], publish=True)
    target = factories.make_user("writer", username="target")
    return users, {"entry_id": entry.id, "user_id": target.id, "share_id": share.id,
                   "theme_id": theme.id, "tag_id": tag.id, "collection_id": collection.id,
                   "item_id": collection.items[0].id, "slot": "new"}


def url_for_rule(app, endpoint: str, args: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{name: args[name] for name in rule.arguments})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "method"), sorted(EXPECTED))
def test_access(app, client, people, endpoint, method, role):
    users, args = people
    if role != "anonymous":
        login(client, users[role])
    url = url_for_rule(app, endpoint, args)
    response = client.open(url, method=method, data={})
    assert response.status_code == EXPECTED[(endpoint, method)][role], (
        f"{role} {method} {url}")
    if response.status_code == LOGIN and role == "anonymous" and endpoint not in {
        "auth.login", "auth.signup"
    }:
        assert "/login" in response.location
