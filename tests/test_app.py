"""The app factory, configuration and the headers every response carries."""

import stat

from journal import create_app
from tests.conftest import login


def test_secret_key_is_generated_once_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("JOURNAL_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    make = lambda: create_app({"DATABASE_URL": "sqlite://"})  # noqa: E731
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(instance))
    first, second = make(), make()
    key_file = instance / "secret_key"
    assert first.secret_key == second.secret_key == key_file.read_text().strip()
    assert len(first.secret_key) >= 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_settings_come_from_prefixed_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("JOURNAL_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("JOURNAL_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    monkeypatch.setenv("JOURNAL_INDEX_DIR", str(tmp_path / "idx"))
    monkeypatch.setenv("JOURNAL_OPEN_SIGNUP", "0")
    app = create_app()
    assert app.secret_key == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite")
    assert app.config["INDEX_DIR"] == str(tmp_path / "idx")
    assert app.config["OPEN_SIGNUP"] is False


def test_defaults_live_in_the_instance_folder(monkeypatch):
    for name in ("JOURNAL_DATABASE_URL", "JOURNAL_INDEX_DIR"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{app.instance_path}/journal.sqlite")
    assert app.config["INDEX_DIR"] == f"{app.instance_path}/index"
    assert app.config["OPEN_SIGNUP"] is True


def test_every_response_carries_security_headers(client):
    for url in ("/", "/login", "/no-such-page", "/static/css/app.css"):
        with client.get(url) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


def test_signed_in_pages_are_not_cached(client, writer):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login(client, writer)
    assert client.get("/journal/").headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script(client, writer):
    login(client, writer)
    for url in ("/journal/", "/journal/new", "/account/password"):
        page = client.get(url).get_data(as_text=True)
        for tag in page.split("<script")[1:]:
            head, _, rest = tag.partition(">")
            assert "src=" in head, f"inline script on {url}"
            assert rest.startswith("</script>")


def test_no_get_changes_state(app, client, writer):
    """GET on every page leaves the database as it was (audit rows aside)."""
    from journal.extensions import db
    from journal.models import AuditEvent
    from tests import factories
    from tests.test_access_matrix import EXPECTED, url_for_rule

    entry = factories.make_entry(writer)
    login(client, writer)

    def snapshot():
        return {table.name: db.session.execute(table.select()).all()
                for table in db.metadata.sorted_tables
                if table.name not in {AuditEvent.__tablename__, "login_failures",
                                      "collection_opens"}}

    before = snapshot()
    for endpoint, method in EXPECTED:
        if method == "GET":
            client.get(url_for_rule(app, endpoint, {"entry_id": entry.id, "user_id": writer.id,
                                                    "share_id": "none", "theme_id": 1,
                                                    "tag_id": 1, "collection_id": "none",
                                                    "item_id": 1, "slot": "new"}))
    db.session.expire_all()
    assert snapshot() == before


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/nowhere")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_oversized_request_is_refused_clearly(client, writer):
    login(client, writer)
    response = client.post("/journal/new", data={"body": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413
    assert "too much to send at once" in response.get_data(as_text=True)
