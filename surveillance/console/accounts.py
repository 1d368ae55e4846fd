"""Console accounts: add, list, disable, change a password, check a login. Passwords are hashed with
argon2id (argon2-cffi, its current recommended parameters); nothing stores or logs a password."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from surveillance import reference
from surveillance.console.roles import AGENCY, ANALYST, COORDINATOR, ROLES
from surveillance.warehouse.models import ConsoleSession, ConsoleUser

MIN_PASSWORD = 10
_hasher = PasswordHasher()


class AccountError(ValueError):
    """An account request refused, said in one line."""


@dataclass(frozen=True)
class User:
    """Who is logged in: what the authorisation checks read (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    agency_id: str | None
    patient_records: bool

    @property
    def sees_everything(self) -> bool:
        return self.role in (COORDINATOR, ANALYST)


def as_user(row: ConsoleUser) -> User:
    return User(row.id, row.username, row.display_name, row.role, row.agency_id, row.patient_records)


def new_password() -> str:
    """A random password for a new account (the demo's, or when none is given)."""
    return secrets.token_urlsafe(12)


# runs a guesser tries first (NIST SP 800-63B: refuse sequential and repetitive passwords, not compose rules)
_RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn")


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` may not be used (Chinese, for the page or the command line), or None."""
    text = password.strip().lower()
    if len(text) < MIN_PASSWORD:
        return f"密码至少{MIN_PASSWORD}个字符（首尾空格不计）"
    if len(set(text)) < 5 or any(text == text[:n] * (len(text) // n) + text[: len(text) % n] for n in (1, 2, 3, 4)):
        return "密码不能由少数字符重复组成"
    if any(text in run * 3 or text in run[::-1] * 3 for run in _RUNS):  # runs wrap round: 1234567890
        return "密码不能是连续的数字、字母或键盘序列"
    if username and username.lower() in text:
        return "密码不能包含用户名"
    return None


def _check_password(password: str, username: str = "") -> None:
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)


def add(engine: Engine, username: str, role: str, password: str, display_name: str = "", agency_id: str | None = None,
        patient_records: bool | None = None) -> User:
    """Create an account. Agency staff must name their agency; the office and analysts see patient-level
    records unless told otherwise, agency staff only if granted."""
    username = username.strip()
    if not username or len(username) > 60 or any(c.isspace() for c in username):
        raise AccountError("a username is 1-60 characters without spaces")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if role == AGENCY:
        known = set(reference.agencies()["agency_id"])
        if agency_id not in known:
            raise AccountError(f"agency staff need --agency, one of the agency ids in agencies.csv (got {agency_id!r})")
    elif agency_id:
        raise AccountError(f"a {role} sees every agency's signals: --agency goes with role agency only")
    _check_password(password, username)
    now = datetime.now()
    with Session(engine) as conn, conn.begin():
        if conn.execute(select(ConsoleUser.id).where(ConsoleUser.username == username)).first():
            raise AccountError(f"user {username!r} exists (disable it, or change its password)")
        row = ConsoleUser(username=username, display_name=display_name.strip() or username, role=role, agency_id=agency_id,
                          patient_records=(role != AGENCY) if patient_records is None else patient_records,
                          password_hash=_hasher.hash(password), active=True, created_at=now, password_changed_at=now)
        conn.add(row)
        conn.flush()
        return as_user(row)


def listing(engine: Engine) -> list[ConsoleUser]:
    """Every account, active or not, by username (rows with their hashes: callers show only what they need)."""
    with Session(engine) as conn:
        rows = conn.execute(select(ConsoleUser).order_by(ConsoleUser.username)).scalars().all()
        conn.expunge_all()
        return list(rows)


def _end_sessions(conn: Session, user_id: int, now: datetime) -> None:
    conn.execute(update(ConsoleSession).where(ConsoleSession.user_id == user_id, ConsoleSession.ended_at.is_(None))
                 .values(ended_at=now))


def disable(engine: Engine, username: str) -> None:
    """Stop an account logging in and end its open sessions; the row stays (the trail names it)."""
    now = datetime.now()
    with Session(engine) as conn, conn.begin():
        row = conn.execute(select(ConsoleUser).where(ConsoleUser.username == username)).scalar_one_or_none()
        if row is None:
            raise AccountError(f"no user {username!r}")
        if row.active:
            row.active, row.disabled_at = False, now
        _end_sessions(conn, row.id, now)


def set_password(engine: Engine, username: str, password: str) -> None:
    """Change a password; the account's other sessions end."""
    _check_password(password, username)
    now = datetime.now()
    with Session(engine) as conn, conn.begin():
        row = conn.execute(select(ConsoleUser).where(ConsoleUser.username == username)).scalar_one_or_none()
        if row is None:
            raise AccountError(f"no user {username!r}")
        row.password_hash, row.password_changed_at = _hasher.hash(password), now
        _end_sessions(conn, row.id, now)


def authenticate(engine: Engine, username: str, password: str) -> User | None:
    """The user if the password is theirs and the account active; None otherwise (which, is not said).
    Guessing is slowed per account and address by the caller (console/throttle.py), never by locking the
    account: a lock would let anyone keep a colleague out. The columns of the retired lock (``failed_logins``,
    ``locked_until``, migration 0012) are no longer read or written."""
    with Session(engine) as conn, conn.begin():
        row = conn.execute(select(ConsoleUser).where(ConsoleUser.username == username.strip())
                           .with_for_update()).scalar_one_or_none()
        if row is None:
            _hasher.hash(password)  # the same work either way: timing does not tell which usernames exist
            return None
        try:
            _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if not row.active:
            return None
        if _hasher.check_needs_rehash(row.password_hash):
            row.password_hash = _hasher.hash(password)
        return as_user(row)


def password_matches(engine: Engine, username: str, password: str) -> bool:
    """Whether ``password`` is still the account's (the demo says so before printing one it generated)."""
    with Session(engine) as conn:
        stored = conn.execute(select(ConsoleUser.password_hash).where(ConsoleUser.username == username)).scalar()
    if stored is None:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
