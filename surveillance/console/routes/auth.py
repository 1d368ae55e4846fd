"""Signing in and out, and changing one's own password (wrong passwords slow the guesser: ``throttle``)."""

from __future__ import annotations

import secrets
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from surveillance.console import accounts, sessions, throttle
from surveillance.console.web import COOKIE, LOGIN_COOKIE, ConsoleDep, SignedInDep, address, local

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, c: ConsoleDep, next: str = "/", failed: int = 0, changed: int = 0, wait: int = 0,
               expired: int = 0) -> Response:
    token = secrets.token_urlsafe(24)
    response = c.page(request, "login.html", None, "", next=local(next), failed=failed, changed=changed,
                      wait=max(0, min(wait, 3600)), login_csrf=token, expired=bool(expired),
                      free=throttle.FREE_PER_ACCOUNT, max_minutes=int(throttle.MAX_WAIT.total_seconds() // 60))
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=c.secure, path="/login")
    return response


@router.post("/login")
async def login(request: Request, c: ConsoleDep) -> Response:
    form = await request.form()
    target = local(str(form.get("next") or "/"))
    if not sessions.csrf_ok(request.cookies.get(LOGIN_COOKIE, ""), str(form.get("login_csrf") or "")):
        raise HTTPException(403)
    username, where = str(form.get("username") or ""), address(request)
    waiting = throttle.seconds_to_wait(c.engine, username, where)
    if waiting:  # not even checked: a guesser learns nothing while waiting
        return RedirectResponse(f"/login?wait={waiting}&next={quote(target)}", status_code=303)
    user = accounts.authenticate(c.engine, username, str(form.get("password") or ""))
    if user is None:
        throttle.failed(c.engine, username, where)
        return RedirectResponse(f"/login?failed=1&next={quote(target)}", status_code=303)
    throttle.succeeded(c.engine, username, where)
    opened = sessions.open_session(c.engine, user)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, opened.token, httponly=True, samesite="lax", secure=c.secure,
                        max_age=int(sessions.LIFETIME.total_seconds()))
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, c: ConsoleDep, me: SignedInDep) -> Response:
    return c.page(request, "password.html", me.user, me.csrf, MIN_PASSWORD=accounts.MIN_PASSWORD)


@router.post("/account/password")
async def change_password(request: Request, c: ConsoleDep, me: SignedInDep) -> Response:
    """The user's own new password: the current one checked as a login is (wrong ones count towards the
    wait), the new one twice and by ``accounts.password_problem``; every session then ends."""
    form = await request.form()
    if not sessions.csrf_ok(me.csrf, str(form.get("csrf") or "")):
        raise HTTPException(403)
    user = me.user
    new, repeat = str(form.get("new") or ""), str(form.get("repeat") or "")
    error, where = None, address(request)
    waiting = throttle.seconds_to_wait(c.engine, user.username, where)
    if waiting:
        error = f"当前密码输错次数过多，请在{waiting}秒后再试"
    elif accounts.authenticate(c.engine, user.username, str(form.get("current") or "")) is None:
        throttle.failed(c.engine, user.username, where)
        error = "当前密码不正确"
    elif new != repeat:
        error = "两次输入的新密码不一致"
    else:
        error = accounts.password_problem(new, user.username)
    if error:
        return c.page(request, "password.html", user, me.csrf, MIN_PASSWORD=accounts.MIN_PASSWORD, error=error)
    accounts.set_password(c.engine, user.username, new)
    response = RedirectResponse("/login?changed=1", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.post("/logout")
async def logout(request: Request, c: ConsoleDep, me: SignedInDep) -> Response:
    form = await request.form()
    if not sessions.csrf_ok(me.csrf, str(form.get("csrf") or "")):
        raise HTTPException(403)
    sessions.close(c.engine, request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response
