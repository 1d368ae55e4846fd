"""Wrong passwords slow down whoever types them, and no one else: each key (an account tried from one
address, and one address over all accounts) has a few free failures, then waits twice as long after each
further one, up to ``MAX_WAIT``. A colleague at another address is never kept out (the account is not
locked); a guesser at one address gets a handful of tries an hour, as do many accounts guessed from it.
A right password clears its account-and-address key."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from surveillance.warehouse.models import LoginThrottle

FREE_PER_ACCOUNT = 3  # wrong passwords for one account from one address before the first wait
FREE_PER_ADDRESS = 20  # wrong passwords from one address over all accounts before the first wait
MAX_WAIT = timedelta(minutes=15)


def keys(username: str, address: str) -> dict[str, int]:
    """The keys a login attempt counts against, each with its free failures."""
    return {f"account:{username.strip()[:60]}|{address[:100]}": FREE_PER_ACCOUNT, f"address:{address[:100]}": FREE_PER_ADDRESS}


def wait(failures: int, free: int) -> timedelta:
    """How long a key waits after its ``failures``-th wrong password: nothing within the free ones, then
    2, 4, 8, ... seconds, at most ``MAX_WAIT``."""
    return timedelta(0) if failures <= free else min(timedelta(seconds=2 ** (failures - free)), MAX_WAIT)


def seconds_to_wait(engine: Engine, username: str, address: str, now: datetime | None = None) -> int:
    """Whole seconds before this account may be tried again from this address (0: now)."""
    now = now or datetime.now()
    with Session(engine) as conn:
        until = conn.execute(select(LoginThrottle.wait_until).where(
            LoginThrottle.key.in_(list(keys(username, address))))).scalars().all()
    later = [u for u in until if u is not None and u > now]
    return int((max(later) - now).total_seconds()) + 1 if later else 0


def failed(engine: Engine, username: str, address: str, now: datetime | None = None) -> None:
    """Count a wrong password against both keys and set their waits."""
    now = now or datetime.now()
    with Session(engine) as conn, conn.begin():
        for key, free in keys(username, address).items():
            row = conn.get(LoginThrottle, key, with_for_update=True)
            if row is None:
                row = LoginThrottle(key=key, failures=0)
                conn.add(row)
            row.failures += 1
            row.wait_until = now + wait(row.failures, free)


def succeeded(engine: Engine, username: str, address: str) -> None:
    """A right password clears the account-and-address key (the address's count over all accounts stays)."""
    with Session(engine) as conn, conn.begin():
        key = next(iter(keys(username, address)))
        row = conn.get(LoginThrottle, key)
        if row is not None:
            conn.delete(row)
