"""Password checks: sign-in and re-entering the current password, throttled so guessing is slow
but nobody can lock the owner out of their own account.

Device cookies (as OWASP describes them): a good sign-in gives the browser a signed cookie that
names the account by a keyed hash. Failures from a device holding one are counted for that
device alone; failures from anywhere else lock only the clients without one. So a stranger's
wrong guesses never stop the owner signing in on a phone they have used before.
"""

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, select

from journal.extensions import db
from journal.models import LoginFailure, User
from journal.models.types import utcnow
from journal.passwords import hash_password, needs_rehash, verify_password
from journal.services import audit
from journal.services.errors import AccountError, SignInThrottled

#: Accounts one device cookie remembers: a ward computer is shared by many nurses.
DEVICE_ACCOUNTS = 10


@dataclass(frozen=True)
class SignInLimits:
    """How many failures, per account and per client address, within ``window``."""

    per_account: int
    per_address: int
    window: timedelta

    @property
    def minutes(self) -> int:
        """The window in whole minutes, for messages."""
        return int(self.window.total_seconds() // 60)


@dataclass(frozen=True)
class Device:
    """What a valid device cookie says: a random device id and the accounts trusted on it."""

    nonce: str
    accounts: tuple[str, ...]


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive: keep them lower-case and trimmed."""
    return username.strip().lower()


def account_hash(secret: str, username: str) -> str:
    """A keyed hash naming an account: what was typed is often a password, so it is never kept."""
    return _keyed(secret, normalise_username(username)[:50])


def _keyed(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), "sha256").hexdigest()[:40]


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="device-cookie")


def read_device(secret: str, cookie: str, max_age: timedelta) -> Device | None:
    """The device a cookie describes, or None if it is missing, forged or too old."""
    if not cookie:
        return None
    try:
        nonce, accounts = _serializer(secret).loads(cookie, max_age=max_age.total_seconds())
    except (BadSignature, ValueError, TypeError):
        return None
    return Device(str(nonce), tuple(str(a) for a in accounts))


def trust_device(secret: str, device: Device | None, user: User) -> str:
    """The device cookie to give after ``user`` signed in here: this account added (last)."""
    account = account_hash(secret, user.username)
    nonce = device.nonce if device else secrets.token_urlsafe(16)
    kept = [a for a in (device.accounts if device else ()) if a != account]
    return _serializer(secret).dumps([nonce, [*kept, account][-DEVICE_ACCOUNTS:]])


def authenticate(username: str, password: str, client_addr: str, device: Device | None,
                 limits: SignInLimits, secret: str) -> User:
    """Return the user if the password is right, counting and throttling failures.

    An active account, or a deactivated writer (who may then only withdraw), is returned. From a
    device trusted for the account, failures count against that device; from anywhere else,
    against the account's untrusted clients (``limits.per_account``) and the address (the much
    higher ``limits.per_address``, as a whole hospital may share one). Failures are kept in the
    database so the limits hold across several server processes.
    """
    account = account_hash(secret, username)
    if device is not None and account in device.accounts:
        limit_by_key = {"device:" + _keyed(secret, f"{device.nonce}:{account}"):
                        limits.per_account}
    else:
        limit_by_key = {"user:" + account: limits.per_account,
                        f"addr:{client_addr}"[:100]: limits.per_address}
    since = utcnow() - limits.window
    attempt = _count_attempt(limit_by_key, since)
    if attempt is None:
        audit.record_now("sign_in_throttled")
        raise SignInThrottled("Too many failed sign-in attempts. For your security, wait "
                              f"{limits.minutes} minutes before trying again.")
    user = db.session.scalar(select(User).where(
        User.username == normalise_username(username)[:50]))
    if not (verify_password(user.password_hash if user else None, password)
            and (user.active or user.may_only_withdraw)):
        # The attempt was counted already: it stays, as a failure.
        audit.record_now("sign_in_failed", user, detail=user.username if user else "")
        raise AccountError("The username or password is not right. Check them and try again.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    first_key = next(iter(limit_by_key))  # the account's (or device's) own count starts again
    db.session.execute(delete(LoginFailure).where(LoginFailure.id.in_(attempt)))
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == first_key))
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < since))
    audit.record("sign_in" if user.active else "sign_in_to_withdraw", user)
    db.session.commit()
    return user


def check_current_password(user: User, password: str, limits: SignInLimits) -> None:
    """Raise unless ``password`` is the user's own, throttled per account like sign-in.

    Someone at an unattended signed-in session must not be able to guess it; each wrong try is
    in the audit log (the day only, never what was typed). The caller commits on success.
    """
    key = f"password:{user.id}"
    if _count_attempt({key: limits.per_account}, utcnow() - limits.window) is None:
        audit.record_now("password_check_throttled", user)
        raise SignInThrottled("Too many wrong current passwords. For your security, wait "
                              f"{limits.minutes} minutes before trying again.",
                              "current_password")
    if not verify_password(user.password_hash, password):
        audit.record_now("password_check_failed", user)  # the attempt counted stays a failure
        raise AccountError("Your current password is not right", "current_password")
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == key))


def _count_attempt(limit_by_key: dict[str, int], since) -> list[int] | None:
    """Count this attempt under each key, committed, before the password is checked, so that
    attempts made at the same moment count each other; return the rows' ids (the caller removes
    them if the password is right), or None, counting nothing, if a key is over its limit."""
    rows = [LoginFailure(key=key) for key in limit_by_key]
    db.session.add_all(rows)
    db.session.commit()
    ids = [row.id for row in rows]
    if all(count_failures(key, since) <= limit for key, limit in limit_by_key.items()):
        return ids
    db.session.execute(delete(LoginFailure).where(LoginFailure.id.in_(ids)))
    db.session.commit()
    return None


def count_failures(key: str, since) -> int:
    """Failures counted under ``key`` since ``since``."""
    return db.session.scalar(select(func.count()).select_from(LoginFailure)
                             .where(LoginFailure.key == key, LoginFailure.at >= since)) or 0
