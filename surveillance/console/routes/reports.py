"""The nights' run reports and GX Data Docs, for the office and analysts, served offline and sandboxed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.exceptions import HTTPException

from surveillance.console import report_files
from surveillance.console.web import ConsoleDep, SignedInDep, report_days

router = APIRouter()


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request, c: ConsoleDep, me: SignedInDep) -> Response:
    if not me.user.sees_everything:
        raise HTTPException(403)
    return c.page(request, "reports.html", me.user, me.csrf, days=report_days(c.settings, me.user, limit=None))


@router.get("/reports/{path:path}")
def report_file(path: str, c: ConsoleDep, me: SignedInDep) -> Response:
    if not me.user.sees_everything:
        raise HTTPException(403)
    root = c.settings.reports.resolve()
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
