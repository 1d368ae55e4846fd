"""The overview (我的待办, the map, the dashboard), the signal list with its search and exports, a signal's
page and the verification steps taken from it."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from surveillance.console import access, accounts, pages, sessions
from surveillance.console.web import (
    Console,
    ConsoleDep,
    RowId,
    SignedInDep,
    as_int,
    filters_from,
    report_days,
    script_json,
)
from surveillance.excel_csv import excel_csv
from surveillance.excel_xlsx import excel_xlsx
from surveillance.response.states import STATES, Step, StepRefused
from surveillance.response.trail import record
from surveillance.signals.registry import METHODS
from surveillance.warehouse.models import Signal

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, c: ConsoleDep, me: SignedInDep) -> Response:
    with Session(c.engine) as conn:
        board = pages.dashboard(conn, me.user, c.today())
        todo = pages.todo(conn, me.user, c.today())
        risk_map = pages.risk_map(conn, me.user, c.today())
    return c.page(request, "dashboard.html", me.user, me.csrf, board=board, todo=todo, risk_map=risk_map,
                  reports=report_days(c.settings, me.user))


@router.get("/signals", response_class=HTMLResponse)
def signal_list(request: Request, c: ConsoleDep, me: SignedInDep) -> Response:
    f = filters_from(dict(request.query_params))
    with Session(c.engine) as conn:
        rows, total = pages.signal_list(conn, me.user, f, c.today())
    names = pages.reference.jurisdiction_names()
    query = {k: v for k, v in request.query_params.items() if k != "page" and v}
    return c.page(request, "signals.html", me.user, me.csrf, rows=rows, total=total, f=f, methods=sorted(METHODS),
                  sorts=pages.SORTS, pages_total=max(1, -(-total // pages.MAX_LIST)), query=urlencode(query),
                  agency_groups=pages.agency_groups() if me.user.sees_everything else [],
                  cities=[(code, names.get(code, code)) for code in pages.reference.jurisdictions()])


def _export(request: Request, c: Console, user: accounts.User, kind: str) -> Response:
    """Every signal of the filtered list (not one page), as CSV or Excel, with the digests' protections."""
    with Session(c.engine) as conn:
        rows = pages.export_rows(conn, user, filters_from(dict(request.query_params)), c.today(), c.settings.base_url)
    disposition = {"Content-Disposition": f'attachment; filename="signals-{c.today():%Y%m%d}.{kind}"'}
    if kind == "csv":
        return Response(excel_csv(pages.EXPORT_HEADER, rows), media_type="text/csv; charset=utf-8", headers=disposition)
    return Response(excel_xlsx(pages.EXPORT_HEADER, rows), headers=disposition,
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@router.get("/signals.csv")
def signals_csv(request: Request, c: ConsoleDep, me: SignedInDep) -> Response:
    return _export(request, c, me.user, "csv")


@router.get("/signals.xlsx")
def signals_xlsx(request: Request, c: ConsoleDep, me: SignedInDep) -> Response:
    return _export(request, c, me.user, "xlsx")


def signal_view(request: Request, c: Console, user: accounts.User, csrf: str, signal_id: int, done: str | None = None,
                error: str | None = None) -> HTMLResponse:
    with Session(c.engine) as conn:
        data = pages.signal_page(conn, user, signal_id, c.today())
    if data is None:
        raise HTTPException(404)
    return c.page(request, "signal.html", user, csrf, chart_json=script_json(data["chart"]), done=done, error=error, **data)


@router.get("/signals/{signal_id}", response_class=HTMLResponse)
def signal_page(request: Request, signal_id: RowId, c: ConsoleDep, me: SignedInDep, done: str | None = None) -> Response:
    # only a state of the workflow is confirmed as registered, never text from the address
    return signal_view(request, c, me.user, me.csrf, signal_id, done=done if done in STATES else None)


def take_step(c: Console, user: accounts.User, episode_id: int, fields: dict) -> None:
    """Record a step for ``user``: the response layer decides from the account whose track it moves."""
    with Session(c.engine) as conn:
        if not access.can_act_on_episode(conn, user, episode_id):
            raise HTTPException(404 if not user.sees_everything else 403)
    actor = user.username if user.sees_everything else f"{user.username}（{user.agency_id}）"
    record(c.engine, episode_id, Step(str(fields.get("to") or ""), actor, str(fields.get("comment") or "").strip(),
                                      fields.get("reason") or None, fields.get("action") or None),
           None if user.sees_everything else user.agency_id)


@router.post("/episodes/{episode_id}/steps")
async def step_form(request: Request, episode_id: RowId, c: ConsoleDep, me: SignedInDep) -> Response:
    form = await request.form()
    if not sessions.csrf_ok(me.csrf, str(form.get("csrf") or "")):
        raise HTTPException(403)
    signal_id = as_int(str(form.get("signal_id") or ""))
    with Session(c.engine) as conn:
        back = signal_id if signal_id and access.can_see_signal(conn, me.user, signal_id) and \
            conn.get(Signal, signal_id).episode_id == episode_id else None
    if back is None:
        raise HTTPException(404)
    try:
        take_step(c, me.user, episode_id, dict(form))
    except StepRefused as exc:
        return signal_view(request, c, me.user, me.csrf, back, error=str(exc))
    return RedirectResponse(f"/signals/{back}?done={quote(str(form.get('to')))}#verify", status_code=303)
