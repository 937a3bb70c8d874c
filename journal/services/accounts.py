"""Accounts: sign-up, sessions, password changes and admin actions (sign-in is in sign_in)."""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from journal.extensions import db
from journal.models import InviteCode, LoginFailure, Role, User
from journal.models.types import utcnow
from journal.passwords import MAX_LENGTH, MIN_LENGTH, hash_password
from journal.services import audit
from journal.services.errors import AccountError, SignUpThrottled
from journal.services.sign_in import (
    SignInLimits,
    check_current_password,
    count_failures,
    normalise_username,
)

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,29}$")
USERNAME_RULES = ("3 to 30 characters: lower-case letters, numbers, dots, dashes or underscores, "
                  "starting with a letter or number")
INVITE_DAYS = 30


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
    try:
        db.session.flush()
    except IntegrityError:  # the same name, taken a moment ago by someone else
        db.session.rollback()
        raise AccountError("That username is taken: choose another", "username") from None
    return user


def sign_up_writer(username: str, password: str, invite_code: str | None, open_signup: bool,
                   client_addr: str, limits: SignInLimits) -> User:
    """Create a writer account; when sign-up is closed a valid unused invite code is needed,
    and wrong codes from one address are throttled (``limits.per_address`` per window)."""
    invite = None
    if not open_signup:
        invite = _usable_invite(invite_code or "", f"signup:{client_addr}"[:100], limits)
    user = _new_user(username, password, Role.WRITER)
    if invite is not None:
        _use_invite(invite)
    audit.record("signed_up", user)
    db.session.commit()
    return user


def _usable_invite(code: str, address_key: str, limits: SignInLimits) -> InviteCode:
    if count_failures(address_key, utcnow() - limits.window) >= limits.per_address:
        raise SignUpThrottled("Too many sign-up attempts with a wrong invite code from this "
                              f"network. Wait {limits.minutes} minutes, then try again.")
    digest = _invite_digest(code)
    invite = db.session.scalar(select(InviteCode).where(InviteCode.code_hash == digest))
    if invite is None or invite.used_at is not None or invite.expires_at < utcnow():
        db.session.add(LoginFailure(key=address_key))
        db.session.commit()
        raise AccountError("Enter a valid invite code: each code works once, for "
                           f"{INVITE_DAYS} days. Ask the research team for a new one.",
                           "invite_code")
    return invite


def _use_invite(invite: InviteCode) -> None:
    """Mark the invite used, in one conditional update: of two sign-ups with one code at once,
    only the first gets an account."""
    used = db.session.execute(update(InviteCode).where(
        InviteCode.id == invite.id, InviteCode.used_at.is_(None)).values(used_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if not used:
        db.session.rollback()
        raise AccountError("That invite code has just been used. Each code works once: ask "
                           "the research team for a new one.", "invite_code")


def _invite_digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def create_account(admin: User | None, username: str, role: Role, password: str) -> User:
    """An admin (or, with ``admin=None``, the command line) creates an account of any role.

    From the web, a researcher or admin account stays inactive until a second admin approves,
    so no admin can give themselves research access (or an accomplice admin) alone.
    """
    user = _new_user(username, password, role)
    how = "" if admin else " (command line)"
    if admin is not None and role.needs_second_admin():
        user.active, user.requested_by_id = False, admin.id
        audit.record("account_requested", admin, f"{user.username} as {role.value}")
    else:
        audit.record("account_created", admin, f"{user.username} as {role.value}{how}")
    db.session.commit()
    return user


def approve(admin: User, user: User) -> None:
    """A second admin approves an account another admin asked for; it can then sign in."""
    if not user.awaiting_approval:
        raise AccountError(f"Account {user.username} is not waiting for approval")
    if user.requested_by_id == admin.id:
        raise AccountError("A different admin must approve an account you asked for")
    # Checked again in the update itself: a request cancelled (or approved) a moment ago by
    # another admin stays as they left it.
    approved = db.session.execute(update(User).where(
        User.id == user.id, User.active.is_(False), User.requested_by_id.is_not(None),
        User.requested_by_id != admin.id).values(active=True, requested_by_id=None)
        .execution_options(synchronize_session="fetch")).rowcount
    if not approved:
        db.session.rollback()
        raise AccountError(f"Account {user.username} is not waiting for approval: another "
                           "admin has just dealt with it")
    audit.record("account_approved", admin, f"{user.username} as {user.role.value}")
    db.session.commit()


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
    # Deactivating an account that waits for approval also cancels the request.
    user.active, user.requested_by_id = False, None
    _end_sessions(user)
    audit.record("account_deactivated", admin, user.username)
    db.session.commit()


def _end_sessions(user: User) -> None:
    """Bump the session version in the database, not from the value read: two bumps at once
    make two, so a session begun between them cannot survive the second."""
    user.session_version = User.session_version + 1


def sign_out(user: User) -> None:
    """End every session of ``user``, including remembered ones on other devices."""
    _end_sessions(user)
    audit.record("sign_out", user)
    db.session.commit()


def change_password(user: User, current: str, new: str, limits: SignInLimits) -> None:
    """Change the password after checking the current one (throttled); ends the user's other
    sessions."""
    check_current_password(user, current, limits)
    check_password(new, user.username, "new_password")
    user.password_hash = hash_password(new)
    _end_sessions(user)
    audit.record("password_changed", user)
    db.session.commit()


def load_session_user(identity: str, max_age: timedelta) -> User | None:
    """Resolve a session identity ("id:version:signed-in-at") to an active user, or None if void.

    The sign-in time makes "remember me" end on the server after ``max_age``, whatever the
    browser does with the cookie's own expiry.
    """
    user = _identified(identity, max_age)
    return user if user is not None and user.active else None


def load_withdrawing_user(identity: str, max_age: timedelta) -> User | None:
    """Resolve a withdraw-only session identity to a deactivated writer, or None if it is void."""
    user = _identified(identity, max_age)
    return user if user is not None and user.may_only_withdraw else None


def _identified(identity: str, max_age: timedelta) -> User | None:
    parts = identity.split(":")
    if len(parts) != 3 or not all(part.isascii() and part.isdecimal() for part in parts):
        return None
    user_id, version, signed_in_at = (int(part) for part in parts)
    if utcnow().timestamp() - signed_in_at > max_age.total_seconds():
        return None
    user = db.session.get(User, user_id)
    if user is None or not hmac.compare_digest(str(user.session_version), str(version)):
        return None
    user.signed_in_at = signed_in_at
    return user
