"""The same data as JSON for scripts: who is signed in, the signal list, one signal, a verification step."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from surveillance.console import pages, sessions
from surveillance.console.routes.signals import take_step
from surveillance.console.web import ConsoleDep, RowId, SignedInDep, filters_from
from surveillance.response.states import StepRefused

router = APIRouter(prefix="/api")


@router.get("/me")
def api_me(me: SignedInDep) -> dict:
    user = me.user
    return dict(username=user.username, role=user.role, agency_id=user.agency_id, patient_records=user.patient_records,
                csrf=me.csrf)


@router.get("/signals")
def api_signals(request: Request, c: ConsoleDep, me: SignedInDep) -> dict:
    with Session(c.engine) as conn:
        rows, total = pages.signal_list(conn, me.user, filters_from(dict(request.query_params)), c.today())
    return json.loads(json.dumps(dict(total=total, signals=rows), ensure_ascii=False, default=str))


@router.get("/signals/{signal_id}")
def api_signal(signal_id: RowId, c: ConsoleDep, me: SignedInDep) -> dict:
    with Session(c.engine) as conn:
        data = pages.signal_page(conn, me.user, signal_id, c.today())
    if data is None:
        raise HTTPException(404)
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


@router.post("/episodes/{episode_id}/steps")
async def api_step(request: Request, episode_id: RowId, c: ConsoleDep, me: SignedInDep) -> Response:
    if not sessions.csrf_ok(me.csrf, request.headers.get("X-CSRF-Token")):
        raise HTTPException(403)
    try:
        body = await request.json()
    except ValueError:
        return JSONResponse({"error": "请求体应为JSON"}, status_code=400)
    try:
        take_step(c, me.user, episode_id, body if isinstance(body, dict) else {})
    except StepRefused as exc:
        return JSONResponse({"error": str(exc)}, status_code=409)
    return JSONResponse({"episode_id": episode_id, "state": body.get("to")}, status_code=201)
