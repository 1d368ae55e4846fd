"""The console's web application (FastAPI, server-rendered Jinja2 pages, assets served locally): routes
and their checks only; what a page shows comes from ``pages``, who may see it from ``access``."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi import Path as RoutePath
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from surveillance.alerts import templating
from surveillance.console import access, accounts, labels, pages, report_files, sessions, throttle
from surveillance.excel_csv import excel_csv
from surveillance.excel_xlsx import excel_xlsx
from surveillance.response.states import MAX_COMMENT, STATES, Step, StepRefused
from surveillance.response.trail import record
from surveillance.settings import Settings, load_settings
from surveillance.signals.levels import LEVELS
from surveillance.signals.registry import DOMAINS, METHODS
from surveillance.warehouse.db import get_engine
from surveillance.warehouse.models import Signal

HERE = Path(__file__).resolve().parent
COOKIE, LOGIN_COOKIE = "surveillance_session", "surveillance_login"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


class LoginRequired(Exception):
    """No live session: pages redirect to the login, the API answers 401."""


def _local(path: str | None) -> str:
    """Only a path of this site may be a redirect target after login."""
    return path if path and path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def filters_from(query: dict) -> pages.Filters:
    """The list's filters from a query string; an unknown value filters nothing rather than failing."""
    level = _int(query.get("level"))
    return pages.Filters(level=level if level in LEVELS else None,
                         state=query.get("state") if query.get("state") in STATES else None,
                         domain=query.get("domain") if query.get("domain") in DOMAINS else None,
                         method=query.get("method") or None, agency=query.get("agency") or None,
                         city=query.get("city") or None, since=_date(query.get("since")), until=_date(query.get("until")),
                         q=(query.get("q") or "").strip()[:100] or None,
                         sort=query.get("sort") if query.get("sort") in pages.SORTS else "detected",
                         page=min(max(_int(query.get("page")) or 1, 1), 10**6))


def _address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy, run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else ""


RowId = Annotated[int, RoutePath(ge=1, le=2**63 - 1)]  # a warehouse id: anything else names no row


def create_app(settings: Settings | None = None, today: Callable[[], date] = date.today) -> FastAPI:
    """The console over the warehouse of ``settings`` (the environment's by default); ``today`` is the day
    response deadlines are judged on."""
    settings = settings or load_settings()
    engine = get_engine(settings.db_url)
    secure = settings.base_url.startswith("https://")
    app = FastAPI(title="质量安全风险监测预警平台", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/static/levels.css")
    def level_colours() -> Response:  # the level colours of the emails and reports (signals.levels.COLOURS)
        return Response(templating.render("levels.css"), media_type="text/css; charset=utf-8")

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # the console's templates, then the emails' and reports' (their macros and level colours are shared)
    templates = Jinja2Templates(env=templating.configure(Environment(
        loader=ChoiceLoader([FileSystemLoader(HERE / "templates"), FileSystemLoader(templating.TEMPLATES)]),
        autoescape=select_autoescape(["html"]))))
    templates.env.globals["evidence_value"] = labels.evidence_value
    templates.env.globals.update(STATES=STATES, MAX_COMMENT=MAX_COMMENT, ROLES=accounts.ROLES,
                                 EVIDENCE_LABELS=labels.EVIDENCE, FIELD_LABELS=labels.FIELDS)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        head = request.method == "HEAD"
        if head:  # HEAD answers as GET would, without the body (link checkers and monitors ask it)
            request.scope["method"] = "GET"
        response = await call_next(request)
        if head:
            response = Response(status_code=response.status_code, headers=dict(response.headers))
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.url.path != "/login" and not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "请先登录"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":  # a form sent after the session ended: back to the page it was sent from
            referer = urlsplit(request.headers.get("referer", ""))
            same_site = referer.netloc in ("", request.url.netloc)
            target = _local(referer.path + (f"?{referer.query}" if referer.query else "")) if same_site else "/"
            return RedirectResponse(f"/login?next={quote(target)}&expired=1", status_code=303)
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = {400: "请求的参数无效", 403: "无权访问此页面", 404: "未找到，或您无权查看",
                   405: "此页面不接受这种请求：如果是在提交表单，会话可能已过期，请返回登录后重新提交"}.get(
            exc.status_code, str(exc.detail))
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=exc.status_code)
        who = sessions.lookup(engine, request.cookies.get(COOKIE))
        return templates.TemplateResponse(request, "error.html", dict(user=who[0] if who else None, csrf=who[1] if who else "",
                                                                      status=exc.status_code, message=message),
                                          status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        """A malformed id in the address names nothing (404); other bad values are a bad request (400)."""
        in_path = any((e.get("loc") or ("",))[0] == "path" for e in exc.errors())
        return await http_error(request, HTTPException(404 if in_path else 400))

    def current(request: Request) -> tuple[accounts.User, str]:
        found = sessions.lookup(engine, request.cookies.get(COOKIE))
        if found is None:
            raise LoginRequired()
        return found

    def page(request: Request, name: str, user: accounts.User, csrf: str, **context: object) -> HTMLResponse:
        return templates.TemplateResponse(request, name, dict(user=user, csrf=csrf, base_url=settings.base_url, **context))

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/", failed: int = 0, changed: int = 0, wait: int = 0,
                   expired: int = 0) -> Response:
        token = secrets.token_urlsafe(24)
        response = templates.TemplateResponse(request, "login.html", dict(
            user=None, next=_local(next), failed=failed, changed=changed, wait=max(0, min(wait, 3600)), login_csrf=token,
            expired=bool(expired),
            free=throttle.FREE_PER_ACCOUNT, max_minutes=int(throttle.MAX_WAIT.total_seconds() // 60)))
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/login")
        return response

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        target = _local(str(form.get("next") or "/"))
        if not sessions.csrf_ok(request.cookies.get(LOGIN_COOKIE, ""), str(form.get("login_csrf") or "")):
            raise HTTPException(403)
        username, address = str(form.get("username") or ""), _address(request)
        waiting = throttle.seconds_to_wait(engine, username, address)
        if waiting:  # not even checked: a guesser learns nothing while waiting
            return RedirectResponse(f"/login?wait={waiting}&next={quote(target)}", status_code=303)
        user = accounts.authenticate(engine, username, str(form.get("password") or ""))
        if user is None:
            throttle.failed(engine, username, address)
            return RedirectResponse(f"/login?failed=1&next={quote(target)}", status_code=303)
        throttle.succeeded(engine, username, address)
        opened = sessions.open_session(engine, user)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, opened.token, httponly=True, samesite="lax", secure=secure,
                            max_age=int(sessions.LIFETIME.total_seconds()))
        response.delete_cookie(LOGIN_COOKIE, path="/login")
        return response

    @app.get("/account/password", response_class=HTMLResponse)
    def password_form(request: Request) -> Response:
        user, csrf = current(request)
        return page(request, "password.html", user, csrf, MIN_PASSWORD=accounts.MIN_PASSWORD)

    @app.post("/account/password")
    async def change_password(request: Request) -> Response:
        """The user's own new password: the current one checked as a login is (wrong ones count towards the
        lock), the new one twice and by ``accounts.password_problem``; every session then ends."""
        user, csrf = current(request)
        form = await request.form()
        if not sessions.csrf_ok(csrf, str(form.get("csrf") or "")):
            raise HTTPException(403)
        new, repeat = str(form.get("new") or ""), str(form.get("repeat") or "")
        error, address = None, _address(request)
        waiting = throttle.seconds_to_wait(engine, user.username, address)
        if waiting:
            error = f"当前密码输错次数过多，请在{waiting}秒后再试"
        elif accounts.authenticate(engine, user.username, str(form.get("current") or "")) is None:
            throttle.failed(engine, user.username, address)
            error = "当前密码不正确"
        elif new != repeat:
            error = "两次输入的新密码不一致"
        else:
            error = accounts.password_problem(new, user.username)
        if error:
            return page(request, "password.html", user, csrf, MIN_PASSWORD=accounts.MIN_PASSWORD, error=error)
        accounts.set_password(engine, user.username, new)
        response = RedirectResponse("/login?changed=1", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        _user, csrf = current(request)
        form = await request.form()
        if not sessions.csrf_ok(csrf, str(form.get("csrf") or "")):
            raise HTTPException(403)
        sessions.close(engine, request.cookies.get(COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        user, csrf = current(request)
        with Session(engine) as conn:
            board = pages.dashboard(conn, user, today())
            todo = pages.todo(conn, user, today())
            risk_map = pages.risk_map(conn, user, today())
        return page(request, "dashboard.html", user, csrf, board=board, todo=todo, risk_map=risk_map,
                    reports=_report_days(settings, user))

    @app.get("/signals", response_class=HTMLResponse)
    def signal_list(request: Request) -> Response:
        user, csrf = current(request)
        f = filters_from(dict(request.query_params))
        with Session(engine) as conn:
            rows, total = pages.signal_list(conn, user, f, today())
        cities = pages.reference.jurisdictions()
        names = pages.reference.jurisdiction_names()
        query = {k: v for k, v in request.query_params.items() if k != "page" and v}
        return page(request, "signals.html", user, csrf, rows=rows, total=total, f=f, methods=sorted(METHODS),
                    sorts=pages.SORTS, pages_total=max(1, -(-total // pages.MAX_LIST)), query=urlencode(query),
                    agencies=pages.agency_names() if user.sees_everything else {},
                    cities=[(c, names.get(c, c)) for c in cities])

    def export(request: Request, kind: str) -> Response:
        user, _csrf = current(request)
        f = filters_from(dict(request.query_params))
        with Session(engine) as conn:
            rows = pages.export_rows(conn, user, f, today(), settings.base_url)
        name = f"signals-{today():%Y%m%d}.{kind}"
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        if kind == "csv":
            return Response(excel_csv(pages.EXPORT_HEADER, rows), media_type="text/csv; charset=utf-8", headers=disposition)
        return Response(excel_xlsx(pages.EXPORT_HEADER, rows), headers=disposition,
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @app.get("/signals.csv")
    def signals_csv(request: Request) -> Response:
        return export(request, "csv")

    @app.get("/signals.xlsx")
    def signals_xlsx(request: Request) -> Response:
        return export(request, "xlsx")

    def signal_view(request: Request, user: accounts.User, csrf: str, signal_id: int, done: str | None = None,
                    error: str | None = None) -> HTMLResponse:
        with Session(engine) as conn:
            data = pages.signal_page(conn, user, signal_id, today())
        if data is None:
            raise HTTPException(404)
        return page(request, "signal.html", user, csrf, chart_json=_script_json(data["chart"]), done=done, error=error, **data)

    @app.get("/signals/{signal_id}", response_class=HTMLResponse)
    def signal_page(request: Request, signal_id: RowId, done: str | None = None) -> Response:
        user, csrf = current(request)
        # only a state of the workflow is confirmed as registered, never text from the address
        return signal_view(request, user, csrf, signal_id, done=done if done in STATES else None)

    def take_step(user: accounts.User, episode_id: int, fields: dict) -> None:
        with Session(engine) as conn:
            if not access.can_act_on_episode(conn, user, episode_id):
                raise HTTPException(404 if not user.sees_everything else 403)
        actor = user.username if user.sees_everything else f"{user.username}（{user.agency_id}）"
        record(engine, episode_id, Step(str(fields.get("to") or ""), actor, str(fields.get("comment") or "").strip(),
                                        fields.get("reason") or None, fields.get("action") or None),
               None if user.sees_everything else user.agency_id)

    @app.post("/episodes/{episode_id}/steps")
    async def step_form(request: Request, episode_id: RowId) -> Response:
        user, csrf = current(request)
        form = await request.form()
        if not sessions.csrf_ok(csrf, str(form.get("csrf") or "")):
            raise HTTPException(403)
        signal_id = _int(str(form.get("signal_id") or ""))
        with Session(engine) as conn:
            back = signal_id if signal_id and access.can_see_signal(conn, user, signal_id) and \
                conn.get(Signal, signal_id).episode_id == episode_id else None
        if back is None:
            raise HTTPException(404)
        try:
            take_step(user, episode_id, dict(form))
        except StepRefused as exc:
            return signal_view(request, user, csrf, back, error=str(exc))
        return RedirectResponse(f"/signals/{back}?done={quote(str(form.get('to')))}#verify", status_code=303)

    @app.get("/reports", response_class=HTMLResponse)
    def reports(request: Request) -> Response:
        user, csrf = current(request)
        if not user.sees_everything:
            raise HTTPException(403)
        return page(request, "reports.html", user, csrf, days=_report_days(settings, user, limit=None))

    @app.get("/reports/{path:path}")
    def report_file(request: Request, path: str) -> Response:
        user, _csrf = current(request)
        if not user.sees_everything:
            raise HTTPException(403)
        root = settings.reports.resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            raise HTTPException(404)
        if target.suffix.lower() in (".html", ".htm"):
            text, _dropped = report_files.offline(target.read_text(encoding="utf-8", errors="replace"))
            response = HTMLResponse(text)
        else:
            response = FileResponse(target)
        response.headers["Content-Security-Policy"] = report_files.CSP  # sandboxed, nothing loads from outside
        return response

    @app.get("/api/me")
    def api_me(request: Request) -> dict:
        user, csrf = current(request)
        return dict(username=user.username, role=user.role, agency_id=user.agency_id, patient_records=user.patient_records,
                    csrf=csrf)

    @app.get("/api/signals")
    def api_signals(request: Request) -> dict:
        user, _csrf = current(request)
        with Session(engine) as conn:
            rows, total = pages.signal_list(conn, user, filters_from(dict(request.query_params)), today())
        return json.loads(json.dumps(dict(total=total, signals=rows), ensure_ascii=False, default=str))

    @app.get("/api/signals/{signal_id}")
    def api_signal(request: Request, signal_id: RowId) -> dict:
        user, _csrf = current(request)
        with Session(engine) as conn:
            data = pages.signal_page(conn, user, signal_id, today())
        if data is None:
            raise HTTPException(404)
        return json.loads(json.dumps(data, ensure_ascii=False, default=str))

    @app.post("/api/episodes/{episode_id}/steps")
    async def api_step(request: Request, episode_id: RowId) -> Response:
        user, csrf = current(request)
        if not sessions.csrf_ok(csrf, request.headers.get("X-CSRF-Token")):
            raise HTTPException(403)
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": "请求体应为JSON"}, status_code=400)
        try:
            take_step(user, episode_id, body if isinstance(body, dict) else {})
        except StepRefused as exc:
            return JSONResponse({"error": str(exc)}, status_code=409)
        return JSONResponse({"episode_id": episode_id, "state": body.get("to")}, status_code=201)

    return app


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element: no '<' that could close it."""
    return json.dumps(value, ensure_ascii=False, default=str).replace("<", "\\u003c")


def _report_days(settings: Settings, user: accounts.User, limit: int | None = 7) -> list[dict]:
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
