"""Accounts: sign-up, sign-in with throttling, password changes and admin actions."""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select

from journal.extensions import db
from journal.models import InviteCode, LoginFailure, Role, User
from journal.models.types import utcnow
from journal.passwords import MAX_LENGTH, MIN_LENGTH, hash_password, needs_rehash, verify_password
from journal.services import audit
from journal.services.errors import AccountError, SignInThrottled

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,29}$")
USERNAME_RULES = ("3 to 30 characters: lower-case letters, numbers, dots, dashes or underscores, "
                  "starting with a letter or number")
INVITE_DAYS = 30


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive: keep them lower-case and trimmed."""
    return username.strip().lower()


def check_username(username: str) -> str:
    """Return the normalised username or raise AccountError saying what is wrong with it."""
    name = normalise_username(username)
    if len(name) > 30:
        raise AccountError(f"Username must be 30 characters or fewer (it is {len(name)})",
                           "username")
    if not USERNAME_RE.match(name):
        raise AccountError(f"Username must be {USERNAME_RULES}", "username")
    if db.session.scalar(select(User.id).where(User.username == name)) is not None:
        raise AccountError("That username is taken: choose another", "username")
    return name


def check_password(password: str, username: str, field: str = "password") -> None:
    """Raise AccountError unless the password is long enough and not the username."""
    if len(password) < MIN_LENGTH:
        raise AccountError(f"Password must be at least {MIN_LENGTH} characters", field)
    if len(password) > MAX_LENGTH:
        raise AccountError(f"Password must be {MAX_LENGTH} characters or fewer", field)
    if normalise_username(password) == normalise_username(username):
        raise AccountError("Password must not be the same as the username", field)


def _new_user(username: str, password: str, role: Role) -> User:
    name = check_username(username)
    check_password(password, name)
    user = User(username=name, password_hash=hash_password(password), role=role)
    db.session.add(user)
    db.session.flush()
    return user


def sign_up_writer(username: str, password: str, invite_code: str | None,
                   open_signup: bool) -> User:
    """Create a writer account; when sign-up is closed a valid unused invite code is needed."""
    invite = None
    if not open_signup:
        invite = _usable_invite(invite_code or "")
    user = _new_user(username, password, Role.WRITER)
    if invite is not None:
        invite.used_at = utcnow()
    audit.record("signed_up", user)
    db.session.commit()
    return user


def _usable_invite(code: str) -> InviteCode:
    digest = _invite_digest(code)
    invite = db.session.scalar(select(InviteCode).where(InviteCode.code_hash == digest))
    if invite is None or invite.used_at is not None or invite.expires_at < utcnow():
        raise AccountError("Enter a valid invite code: each code works once, for "
                           f"{INVITE_DAYS} days. Ask the research team for a new one.",
                           "invite_code")
    return invite


def _invite_digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def create_account(admin: User | None, username: str, role: Role, password: str) -> User:
    """An admin (or, with ``admin=None``, the command line) creates an account of any role."""
    user = _new_user(username, password, role)
    how = "" if admin else " (command line)"
    audit.record("account_created", admin, f"{user.username} as {role.value}{how}")
    db.session.commit()
    return user


def create_invite(admin: User) -> str:
    """Make a single-use invite code and return it; only its hash is stored."""
    code = "-".join(secrets.token_hex(2).upper() for _ in range(4))
    db.session.add(InviteCode(code_hash=_invite_digest(code), created_by_id=admin.id,
                              expires_at=utcnow() + timedelta(days=INVITE_DAYS)))
    audit.record("invite_created", admin)
    db.session.commit()
    return code


def list_invites():
    """Invite codes, newest first (hashes only: the codes are not recoverable)."""
    return db.session.scalars(select(InviteCode).order_by(InviteCode.created_at.desc())).all()


def list_users():
    """Every account, by role then username. Never touches entries."""
    return db.session.scalars(select(User).order_by(User.role, User.username)).all()


def get_user_or_none(user_id: int) -> User | None:
    """Load one account by id."""
    return db.session.get(User, user_id)


def deactivate(admin: User, user: User) -> None:
    """Stop ``user`` signing in and end every session they have."""
    if user.id == admin.id:
        raise AccountError("You cannot deactivate your own account")
    user.active = False
    user.session_version += 1
    audit.record("account_deactivated", admin, user.username)
    db.session.commit()


def authenticate(username: str, password: str, client_addr: str, max_failures: int,
                 window: timedelta) -> User:
    """Return the user if the password is right, counting and throttling failures.

    Failures are kept in the database so the limit holds across several server processes.
    """
    name = normalise_username(username)[:50]
    keys = (f"user:{name}", f"addr:{client_addr}"[:100])
    since = utcnow() - window
    failures = db.session.scalar(
        select(func.count()).select_from(LoginFailure)
        .where(LoginFailure.key.in_(keys), LoginFailure.at >= since)
        .group_by(LoginFailure.key).order_by(func.count().desc()).limit(1)
    ) or 0
    if failures >= max_failures:
        audit.record_now("sign_in_throttled", detail=name)
        minutes = int(window.total_seconds() // 60)
        raise SignInThrottled("Too many failed sign-in attempts. For your security, wait "
                              f"{minutes} minutes before trying again.")
    user = db.session.scalar(select(User).where(User.username == name))
    if not verify_password(user.password_hash if user else None, password) or not (
        user and user.active
    ):
        db.session.add_all([LoginFailure(key=key) for key in keys])
        audit.record_now("sign_in_failed", user, detail=name)
        raise AccountError("The username or password is not right. Check them and try again.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == keys[0]))
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < since))
    audit.record("sign_in", user)
    db.session.commit()
    return user


def sign_out(user: User) -> None:
    """End every session of ``user``, including remembered ones on other devices."""
    user.session_version += 1
    audit.record("sign_out", user)
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """Change the password after checking the current one; ends the user's other sessions."""
    if not verify_password(user.password_hash, current):
        raise AccountError("Your current password is not right", "current_password")
    check_password(new, user.username, "new_password")
    user.password_hash = hash_password(new)
    user.session_version += 1
    audit.record("password_changed", user)
    db.session.commit()


def load_session_user(identity: str, max_age: timedelta) -> User | None:
    """Resolve a session identity ("id:version:signed-in-at") to an active user, or None if void.

    The sign-in time makes "remember me" end on the server after ``max_age``, whatever the
    browser does with the cookie's own expiry.
    """
    parts = identity.split(":")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    user_id, version, signed_in_at = (int(part) for part in parts)
    if utcnow().timestamp() - signed_in_at > max_age.total_seconds():
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(str(user.session_version), str(version)):
        return None
    user.signed_in_at = signed_in_at
    return user
