"""What every route of the console shares: the ``Console`` (settings, warehouse, templates, the day deadlines
are judged on) that ``create_app`` puts on the application, the dependencies that hand a route its console
and its signed-in user (FastAPI's ``Depends``), and the small parsers of what a browser sends."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi import Path as RoutePath
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine

from surveillance.alerts import templating
from surveillance.console import accounts, labels, pages, sessions
from surveillance.response.states import MAX_COMMENT, STATES
from surveillance.settings import Settings
from surveillance.signals.levels import LEVELS
from surveillance.signals.registry import DOMAINS

HERE = Path(__file__).resolve().parent
COOKIE, LOGIN_COOKIE = "surveillance_session", "surveillance_login"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
RowId = Annotated[int, RoutePath(ge=1, le=2**63 - 1)]  # a warehouse id: anything else names no row


class LoginRequired(Exception):
    """No live session: pages redirect to the login, the API answers 401."""


def templates() -> Jinja2Templates:
    """The console's templates, then the emails' and reports' (their macros and level colours are shared)."""
    found = Jinja2Templates(env=templating.configure(Environment(
        loader=ChoiceLoader([FileSystemLoader(HERE / "templates"), FileSystemLoader(templating.TEMPLATES)]),
        autoescape=select_autoescape(["html"]))))
    found.env.globals["evidence_value"] = labels.evidence_value
    found.env.globals.update(STATES=STATES, MAX_COMMENT=MAX_COMMENT, ROLES=accounts.ROLES,
                             EVIDENCE_LABELS=labels.EVIDENCE, FIELD_LABELS=labels.FIELDS)
    return found


@dataclass(frozen=True)
class Console:
    settings: Settings
    engine: Engine
    templates: Jinja2Templates
    today: Callable[[], date]

    @property
    def secure(self) -> bool:  # cookies only over https when agencies reach the console over https
        return self.settings.base_url.startswith("https://")

    def page(self, request: Request, name: str, user: accounts.User | None, csrf: str, status_code: int = 200,
             **context: object) -> HTMLResponse:
        return self.templates.TemplateResponse(request, name, dict(user=user, csrf=csrf, base_url=self.settings.base_url,
                                                                   **context), status_code=status_code)


@dataclass(frozen=True)
class SignedIn:
    user: accounts.User
    csrf: str  # the session's token every form that changes something must carry


def console(request: Request) -> Console:
    return request.app.state.console


def signed_in(request: Request, c: Annotated[Console, Depends(console)]) -> SignedIn:
    """The session's user, or LoginRequired (a page redirects to the login, the API answers 401)."""
    found = sessions.lookup(c.engine, request.cookies.get(COOKIE))
    if found is None:
        raise LoginRequired()
    return SignedIn(*found)


ConsoleDep = Annotated[Console, Depends(console)]
SignedInDep = Annotated[SignedIn, Depends(signed_in)]


def local(path: str | None) -> str:
    """Only a path of this site may be a redirect target after login."""
    return path if path and path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


def as_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def as_int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def filters_from(query: dict) -> pages.Filters:
    """The list's filters from a query string; an unknown value filters nothing rather than failing."""
    level = as_int(query.get("level"))
    return pages.Filters(level=level if level in LEVELS else None,
                         state=query.get("state") if query.get("state") in STATES else None,
                         domain=query.get("domain") if query.get("domain") in DOMAINS else None,
                         method=query.get("method") or None, agency=query.get("agency") or None,
                         city=query.get("city") or None, since=as_date(query.get("since")), until=as_date(query.get("until")),
                         q=(query.get("q") or "").strip()[:100] or None,
                         sort=query.get("sort") if query.get("sort") in pages.SORTS else "detected",
                         page=min(max(as_int(query.get("page")) or 1, 1), 10**6))


def address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy, run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else ""


def script_json(value: object) -> str:
    """JSON safe inside a <script> element: no '<' that could close it."""
    return json.dumps(value, ensure_ascii=False, default=str).replace("<", "\\u003c")


def report_days(settings: Settings, user: accounts.User, limit: int | None = 7) -> list[dict]:
    """The nights' run reports and Data Docs, newest first (for the office and analysts)."""
    if not user.sees_everything or not settings.reports.is_dir():
        return []
    days = sorted((d for d in settings.reports.iterdir() if d.is_dir()), reverse=True)[:limit]
    out = []
    for d in days:
        files = sorted(p.relative_to(settings.reports).as_posix() for p in d.glob("*") if p.is_file())
        docs = sorted(p.relative_to(settings.reports).as_posix() for p in d.glob("data-docs/*/index.html"))
        out.append(dict(day=d.name, files=files, data_docs=docs))
    return out
