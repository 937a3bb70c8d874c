"""flask --app journal users create / demo."""

from journal.extensions import db
from journal.models import Entry, Role, Share, Theme, User
from journal.passwords import verify_password


def test_users_create_asks_twice(runner):
    result = runner.invoke(args=["users", "create", "--username", "Res1", "--role",
                                 "researcher"], input="a fine password\na fine password\n")
    assert result.exit_code == 0, result.output
    assert "Created researcher account 'res1'" in result.output
    user = db.session.scalar(db.select(User).where(User.username == "res1"))
    assert user.role is Role.RESEARCHER and verify_password(user.password_hash, "a fine password")


def test_users_create_refuses_mismatch_and_bad_names(runner):
    mismatch = runner.invoke(args=["users", "create", "--username", "x1y", "--role", "admin"],
                             input="a fine password\nanother password\n")
    assert mismatch.exit_code != 0 and "do not match" in mismatch.output
    bad = runner.invoke(args=["users", "create", "--username", "no spaces", "--role", "admin"],
                        input="a fine password\na fine password\n")
    assert bad.exit_code != 0 and "Username must be" in bad.output
    role = runner.invoke(args=["users", "create", "--username", "abc", "--role", "king"])
    assert role.exit_code != 0
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_demo_loads_once_and_prints_log_ins(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    for name in ("asha", "researcher", "leader", "admin", "compassion-demo"):
        assert name in first.output
    users = db.session.scalar(db.select(db.func.count()).select_from(User))
    entries = db.session.scalar(db.select(db.func.count()).select_from(Entry))
    assert users >= 6 and entries >= 8
    writers = db.session.scalars(db.select(User).where(User.role == Role.WRITER)).all()
    assert len(writers) >= 3
    shares = db.session.scalar(db.select(db.func.count()).select_from(Share))
    assert shares == 7
    assert db.session.scalar(db.select(db.func.count()).select_from(Theme)) >= 10
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0 and "0 new accounts" in second.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == users
    assert db.session.scalar(db.select(db.func.count()).select_from(Entry)) == entries
    assert db.session.scalar(db.select(db.func.count()).select_from(Share)) == shares


def test_demo_if_empty_leaves_a_real_database_alone(runner, writer):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert "not loaded" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_demo_log_ins_work(app, runner):
    runner.invoke(args=["demo"])
    client = app.test_client()
    response = client.post("/login", data={"username": "asha", "password": "compassion-demo"})
    assert response.status_code == 302
    assert "Night shift, bay four" in client.get("/journal/").get_data(as_text=True)
