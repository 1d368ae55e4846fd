"""The console's web application (FastAPI, server-rendered Jinja2 pages, assets served locally): the
application, its headers and error pages; the routes live in ``routes/`` (one router per area), what a page
shows in ``pages``, who may see it in ``access``, what every route shares in ``web``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from surveillance.alerts import templating
from surveillance.console import sessions
from surveillance.console.routes import api, auth, reports, signals
from surveillance.console.web import COOKIE, CSP, HERE, Console, LoginRequired, local, templates
from surveillance.settings import Settings, load_settings
from surveillance.warehouse.db import get_engine

MESSAGES = {400: "请求的参数无效", 403: "无权访问此页面", 404: "未找到，或您无权查看",
            405: "此页面不接受这种请求：如果是在提交表单，会话可能已过期，请返回登录后重新提交"}


def create_app(settings: Settings | None = None, today: Callable[[], date] = date.today) -> FastAPI:
    """The console over the warehouse of ``settings`` (the environment's by default); ``today`` is the day
    response deadlines are judged on."""
    settings = settings or load_settings()
    app = FastAPI(title="质量安全风险监测预警平台", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.console = c = Console(settings, get_engine(settings.db_url), templates(), today)

    @app.get("/static/levels.css")
    def level_colours() -> Response:  # the level colours of the emails and reports (signals.levels.COLOURS)
        return Response(templating.render("levels.css"), media_type="text/css; charset=utf-8")

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for area in (auth, signals, reports, api):
        app.include_router(area.router)

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
            target = local(referer.path + (f"?{referer.query}" if referer.query else "")) if same_site else "/"
            return RedirectResponse(f"/login?next={quote(target)}&expired=1", status_code=303)
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = MESSAGES.get(exc.status_code, str(exc.detail))
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=exc.status_code)
        who = sessions.lookup(c.engine, request.cookies.get(COOKIE))
        return c.page(request, "error.html", who[0] if who else None, who[1] if who else "", status_code=exc.status_code,
                      status=exc.status_code, message=message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        """A malformed id in the address names nothing (404); other bad values are a bad request (400)."""
        in_path = any((e.get("loc") or ("",))[0] == "path" for e in exc.errors())
        return await http_error(request, HTTPException(404 if in_path else 400))

    return app
