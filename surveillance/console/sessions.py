"""Server-side sessions: the browser's cookie holds a random token, the warehouse its SHA-256 and the
session's CSRF token. A session ends at logout, after ``LIFETIME``, or when its account is disabled."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from surveillance.console.accounts import User, as_user
from surveillance.warehouse.models import ConsoleSession, ConsoleUser

LIFETIME = timedelta(hours=12)  # a working day: log in again the next morning


@dataclass(frozen=True)
class Opened:
    token: str  # for the cookie only
    csrf: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(engine: Engine, user: User, now: datetime | None = None) -> Opened:
    """A new session for a user who just logged in."""
    now = now or datetime.now()
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with Session(engine) as conn, conn.begin():
        conn.add(ConsoleSession(token_hash=_digest(token), user_id=user.id, csrf_token=csrf, created_at=now,
                                expires_at=now + LIFETIME))
    return Opened(token, csrf)


def lookup(engine: Engine, token: str | None, now: datetime | None = None) -> tuple[User, str] | None:
    """The user and CSRF token of a live session, or None (no cookie, unknown, ended, expired, disabled)."""
    if not token:
        return None
    now = now or datetime.now()
    with Session(engine) as conn:
        found = conn.execute(select(ConsoleSession, ConsoleUser).join(ConsoleUser, ConsoleUser.id == ConsoleSession.user_id)
                             .where(ConsoleSession.token_hash == _digest(token))).first()
        if found is None:
            return None
        session, row = found
        if session.ended_at is not None or session.expires_at <= now or not row.active:
            return None
        return as_user(row), session.csrf_token


def close(engine: Engine, token: str | None) -> None:
    """Log out: the session ends (its cookie no longer opens anything)."""
    if not token:
        return
    with Session(engine) as conn, conn.begin():
        conn.execute(update(ConsoleSession).where(ConsoleSession.token_hash == _digest(token),
                                                  ConsoleSession.ended_at.is_(None)).values(ended_at=datetime.now()))


def csrf_ok(expected: str, given: str | None) -> bool:
    """Whether a form's CSRF token is the session's (compared in constant time)."""
    return bool(given) and hmac.compare_digest(expected.encode(), given.encode())
