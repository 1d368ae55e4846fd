"""The console through its HTTP interface (FastAPI's test client): logging in, what each role sees, the
verification workflow from the signal page, and the checks a browser cannot be trusted with (CSRF,
another agency's URLs, logged-out access)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from surveillance import reference
from surveillance.console.app import create_app
from surveillance.response.trail import history
from tests.console.world import PASSWORD, PATIENT_HASH, World, build

NAMES = reference.agency_names()


@pytest.fixture
def world(engine) -> World:
    return build(engine)


@pytest.fixture
def app(settings, world):
    return create_app(settings)


def login(app, username: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    form = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text).group(1)
    response = client.post("/login", data=dict(username=username, password=password, login_csrf=token, next="/signals"))
    assert response.status_code == 303
    return client


def csrf_of(client: TestClient) -> str:
    return client.get("/api/me").json()["csrf"]


def test_logged_out_every_page_redirects_to_the_login_and_the_api_answers_401(app, world) -> None:
    client = TestClient(app, follow_redirects=False)
    for path in ("/", "/signals", f"/signals/{world.injury}", "/reports", "/reports/x/detect.json"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=")
    for path in ("/api/me", "/api/signals", f"/api/signals/{world.injury}"):
        assert client.get(path).status_code == 401
    assert client.post(f"/episodes/{world.injury_episode}/steps", data=dict(to="核查中")).status_code == 303
    assert client.post(f"/api/episodes/{world.injury_episode}/steps", json=dict(to="核查中")).status_code == 401
    assert history(app_engine(app), world.injury_episode) == []


def app_engine(app):
    from surveillance.settings import load_settings
    from surveillance.warehouse.db import get_engine

    return get_engine(load_settings().db_url)


def test_a_wrong_password_or_disabled_account_does_not_log_in(app, engine, world) -> None:
    from surveillance.console import accounts

    client = login(app, "analyst", "not the password")
    assert client.get("/api/me").status_code == 401
    assert login(app, "analyst").get("/api/me").json()["role"] == "analyst"
    kept = login(app, "injury-staff")
    accounts.disable(engine, "injury-staff")
    assert kept.get("/api/me").status_code == 401  # the open session ended with the account
    assert login(app, "injury-staff").get("/api/me").status_code == 401


def test_agency_staff_see_only_their_agencys_signals(app, world) -> None:
    staff = login(app, "injury-staff")
    listed = staff.get("/api/signals").json()
    assert [s["id"] for s in listed["signals"]] == [world.injury]
    page = staff.get("/signals")
    assert f"/signals/{world.injury}" in page.text and f"/signals/{world.food}" not in page.text
    other = login(app, "food-staff")
    assert [s["id"] for s in other.get("/api/signals").json()["signals"]] == [world.food]
    analyst = login(app, "analyst")
    assert {s["id"] for s in analyst.get("/api/signals").json()["signals"]} == {world.injury, world.food}


def test_another_agencys_signal_is_404_on_its_page_and_api_and_cannot_be_verified(app, engine, world) -> None:
    other = login(app, "food-staff")
    assert other.get(f"/signals/{world.injury}").status_code == 404
    assert other.get(f"/api/signals/{world.injury}").status_code == 404
    csrf = csrf_of(other)
    assert other.post(f"/api/episodes/{world.injury_episode}/steps", json=dict(to="核查中"),
                      headers={"X-CSRF-Token": csrf}).status_code == 404
    assert other.post(f"/episodes/{world.injury_episode}/steps",
                      data=dict(to="核查中", csrf=csrf, signal_id=world.injury)).status_code == 404
    assert history(engine, world.injury_episode) == []


def test_patient_level_records_only_for_roles_allowed_them(app, world) -> None:
    analyst = login(app, "analyst").get(f"/api/signals/{world.injury}").json()
    assert analyst["records"]["rows"][0]["patient"] == PATIENT_HASH[:12]
    assert "records" in analyst["evidence"]
    page = login(app, "analyst").get(f"/signals/{world.injury}").text
    assert "<th title=\"patient\">患者假名</th>" in page and PATIENT_HASH[:12] in page and "充电时电池起火" in page
    staff_page = login(app, "injury-staff").get(f"/signals/{world.injury}")
    assert staff_page.status_code == 200
    assert PATIENT_HASH[:12] not in staff_page.text and "H61030201/R0001" not in staff_page.text
    assert 'id="records-hidden"' in staff_page.text
    staff = login(app, "injury-staff").get(f"/api/signals/{world.injury}").json()
    assert staff["records"]["rows"] == [] and "records" not in staff["evidence"]
    # the food signal's lab result is not personal: its agency sees it
    food = login(app, "food-staff").get(f"/api/signals/{world.food}").json()
    assert food["records"]["rows"][0]["analyte"] == "甲醇" and food["records"]["rows"][0]["exceeds_limit"] is True


def test_the_signal_page_shows_chart_evidence_timeline_and_routing(app, world) -> None:
    page = login(app, "injury-staff").get(f"/signals/{world.injury}").text
    assert 'id="chart-data"' in page and '"values": [1.0, 0.0, 2.0' in page and '"threshold": 4.0' in page
    assert "/static/chart.js" in page and "http://" not in page.replace("http://www.w3.org", "")  # nothing from a CDN
    assert " style=" not in page and "<script>" not in page  # the CSP blocks inline styles and scripts: none are used
    assert 'id="timeline"' in page and "宝鸡市电动自行车电池相关伤害病例异常增多" in page
    assert "匹配" in page and NAMES[world.injury_agency] in page  # why it was sent where it was


def test_a_step_needs_the_sessions_csrf_token(app, engine, world) -> None:
    staff = login(app, "injury-staff")
    assert staff.post(f"/episodes/{world.injury_episode}/steps",
                      data=dict(to="核查中", csrf="forged", signal_id=world.injury)).status_code == 403
    assert staff.post(f"/api/episodes/{world.injury_episode}/steps", json=dict(to="核查中")).status_code == 403
    assert staff.post("/logout", data=dict(csrf="forged")).status_code == 403
    assert history(engine, world.injury_episode) == []


def test_agency_staff_move_their_episode_through_the_workflow_with_comments(app, engine, world) -> None:
    staff = login(app, "injury-staff")
    csrf = csrf_of(staff)
    for to, extra in (("核查中", {}), ("已确认", {}), ("已处置", dict(action="下架/召回"))):
        response = staff.post(f"/episodes/{world.injury_episode}/steps",
                              data=dict(to=to, csrf=csrf, signal_id=world.injury, comment=f"{to}：已联系厂家", **extra))
        assert response.status_code == 303, response.text
    refused = staff.post(f"/episodes/{world.injury_episode}/steps", data=dict(to="已排除", csrf=csrf, signal_id=world.injury))
    assert refused.status_code == 200 and 'id="step-error"' in refused.text
    steps = history(engine, world.injury_episode)
    assert [(s.to_state, s.action, s.comment) for s in steps] == [
        ("核查中", None, "核查中：已联系厂家"), ("已确认", None, "已确认：已联系厂家"), ("已处置", "下架/召回", "已处置：已联系厂家")]
    assert {s.actor for s in steps} == {f"injury-staff（{world.injury_agency}）"}
    page = staff.get(f"/signals/{world.injury}").text
    assert '<b id="state">已处置</b>' in page and "已处置：已联系厂家" in page
    # the API takes the same steps, and refuses an illegal one with 409
    assert staff.post(f"/api/episodes/{world.injury_episode}/steps", json=dict(to="核查中"),
                      headers={"X-CSRF-Token": csrf}).status_code == 409
    assert staff.post(f"/api/episodes/{world.injury_episode}/steps", json=dict(to="已关闭", comment="结案"),
                      headers={"X-CSRF-Token": csrf}).status_code == 201


def test_logging_out_ends_the_session(app, world) -> None:
    client = login(app, "analyst")
    assert client.post("/logout", data=dict(csrf=csrf_of(client))).status_code == 303
    assert client.get("/signals").status_code == 303


def test_the_dashboard_counts_open_episodes_by_agency_and_level(app, world) -> None:
    page = login(app, "analyst").get("/").text
    assert 'id="open-total">2<' in page and NAMES[world.injury_agency] in page and NAMES[world.food_agency] in page
    staff_page = login(app, "injury-staff").get("/").text
    assert 'id="open-total">1<' in staff_page and NAMES[world.food_agency] not in staff_page


def test_run_reports_are_for_the_office_and_analysts_and_stay_inside_the_reports_folder(app, settings, world) -> None:
    night = settings.reports / "2026-11-23"
    night.mkdir(parents=True)
    (night / "detect.json").write_text('{"signals": 2}')
    (settings.home / "secret.txt").write_text("not a report")
    analyst = login(app, "analyst")
    assert analyst.get("/reports/2026-11-23/detect.json").json() == {"signals": 2}
    assert "2026-11-23/detect.json" in analyst.get("/reports").text
    assert analyst.get("/reports/../secret.txt").status_code == 404
    assert analyst.get("/reports/%2e%2e/secret.txt").status_code == 404
    assert login(app, "injury-staff").get("/reports/2026-11-23/detect.json").status_code == 403


def test_login_only_redirects_within_the_site(app, world) -> None:
    client = TestClient(app, follow_redirects=False)
    token = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/login").text).group(1)
    response = client.post("/login", data=dict(username="analyst", password=PASSWORD, login_csrf=token,
                                               next="//evil.example/steal"))
    assert response.headers["location"] == "/"


def test_an_artefact_that_escalates_after_its_dismissal_is_flagged_on_its_page(app, engine, world) -> None:
    from datetime import timedelta

    from surveillance.alerts.run import route_day
    from surveillance.response.states import Step
    from surveillance.response.trail import record
    from surveillance.signals.detect import store_signals
    from surveillance.warehouse.models import Signal
    from tests.console.world import NIGHT, WEEK
    from tests.signals.test_episodes import injury_signal

    record(engine, world.injury_episode, Step("已排除", "analyst", "医院重复上报", reason="数据问题"))
    staff = login(app, "injury-staff")
    assert "曾以“数据问题”排除" not in staff.get(f"/signals/{world.injury}").text
    worse = dict(injury_signal(WEEK + timedelta(weeks=1), 12, deaths=2), category_group="G04")
    store_signals(engine, NIGHT + timedelta(days=7), [worse])
    route_day(engine, NIGHT + timedelta(days=7))
    with engine.connect() as conn:
        new = conn.execute(Signal.__table__.select().where(Signal.id != world.injury, Signal.domain == "injury")).first()
    assert new.episode_id == world.injury_episode
    page = staff.get(f"/signals/{new.id}").text
    assert "曾以“数据问题”排除，之后级别上升" in page and '<b id="state">已排除</b>' in page


def test_the_dashboard_shows_ppv_from_verified_outcomes_to_the_office_and_analysts(app, engine, world) -> None:
    from surveillance.response.states import Step
    from surveillance.response.trail import record

    assert "阳性预测值（按核查结论）" not in login(app, "analyst").get("/").text  # nothing verified yet
    record(engine, world.injury_episode, Step("核查中", "analyst"))
    record(engine, world.injury_episode, Step("已确认", "analyst"))
    page = login(app, "analyst").get("/").text
    assert "阳性预测值（按核查结论）" in page
    assert re.search(r"<td>Farrington[^<]*</td><td class=\"num\">1</td><td class=\"num\">0</td>\s*<td class=\"num\">100%</td>", page)
    assert "阳性预测值（按核查结论）" not in login(app, "injury-staff").get("/").text


@pytest.mark.postgres
def test_the_console_on_postgresql(pg_url, settings, monkeypatch) -> None:
    from dataclasses import replace

    from surveillance.warehouse.db import get_engine, upgrade

    upgrade(pg_url)
    monkeypatch.setenv("SURVEILLANCE_DB_URL", pg_url)
    world = build(get_engine(pg_url))
    app = create_app(replace(settings, db_url=pg_url))
    staff = login(app, "injury-staff")
    assert [s["id"] for s in staff.get("/api/signals").json()["signals"]] == [world.injury]
    assert login(app, "food-staff").get(f"/api/signals/{world.injury}").status_code == 404
    analyst = login(app, "analyst").get(f"/api/signals/{world.injury}").json()
    assert analyst["records"]["rows"][0]["patient"] == PATIENT_HASH[:12]
    csrf = csrf_of(staff)
    assert staff.post(f"/api/episodes/{world.injury_episode}/steps", json=dict(to="核查中", comment="核对中"),
                      headers={"X-CSRF-Token": csrf}).status_code == 201
    assert [s.to_state for s in history(get_engine(pg_url), world.injury_episode)] == ["核查中"]
    assert 'id="open-total">2<' in login(app, "analyst").get("/").text


@pytest.mark.parametrize(("query", "expected"), [
    ("domain=food", {"food"}), ("domain=injury", {"injury"}), ("method=exceedance", {"food"}),
    ("city=610300", {"injury"}), ("city=610100", {"food"}), ("state=待核查", {"injury", "food"}), ("state=已确认", set()),
    ("since=2026-11-24", set()), ("until=2026-11-23", {"injury", "food"}), ("level=9", {"injury", "food"}),
    ("since=not-a-date", {"injury", "food"}),
])
def test_the_signal_list_filters(app, world, query, expected) -> None:
    ids = {world.injury: "injury", world.food: "food"}
    got = login(app, "analyst").get(f"/api/signals?{query}").json()["signals"]
    assert {ids[s["id"]] for s in got} == expected


def test_filters_by_agency_and_level(app, world) -> None:
    analyst = login(app, "analyst")
    assert [s["id"] for s in analyst.get(f"/api/signals?agency={world.food_agency}").json()["signals"]] == [world.food]
    level = analyst.get(f"/api/signals/{world.injury}").json()["signal"]["level"]
    assert world.injury in [s["id"] for s in analyst.get(f"/api/signals?level={level}").json()["signals"]]
    other = 1 + level % 4
    assert world.injury not in [s["id"] for s in analyst.get(f"/api/signals?level={other}").json()["signals"]]
    # agency staff cannot widen their view with the agency filter
    staff = login(app, "injury-staff")
    assert staff.get(f"/api/signals?agency={world.food_agency}").json()["signals"] == []


def test_the_agency_filter_groups_about_180_agencies_by_level(app, world) -> None:
    """Province, city and county bureaus and the 2015 departments in groups, so the office finds a county bureau;
    agency staff get no agency filter at all."""
    page = login(app, "analyst").get("/signals").text
    select = re.search(r'<select name="agency">.*?</select>', page, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups == ["省级", "市级（含杨凌示范区）", "县级", "已撤销的2015年部门（历史预警）"]
    county = select[select.index('label="县级"'):select.index('label="已撤销')]
    assert '<option value="610103-SCJG" >西安市碑林区市场监督管理局</option>' in county and "SX-SCJG" not in county
    assert 'name="agency"' not in login(app, "injury-staff").get("/signals").text


def test_the_dashboard_counts_responses_within_the_deadline(app, engine, world) -> None:
    from surveillance.response.states import Step
    from surveillance.response.trail import record

    record(engine, world.injury_episode, Step("核查中", "analyst"))
    page = login(app, "analyst").get("/").text
    table = page.split('id="response-times"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>(Ⅰ级|Ⅱ级|Ⅲ级|Ⅳ级)</td><td class=\"num\">(\d+)</td>", table)
    assert sum(int(n) for _, n in rows) == 1


def test_overdue_episodes_are_flagged_on_the_dashboard_the_list_and_the_signal_page(settings, world) -> None:
    from datetime import date, timedelta

    from tests.console.world import NIGHT

    on_time = login(create_app(settings, today=lambda: NIGHT + timedelta(days=10)), "analyst")  # Ⅳ级: ten days
    assert 'id="overdue"' not in on_time.get("/").text and not any(s["overdue"] for s in on_time.get("/api/signals").json()["signals"])
    # routed on 2026-11-23 and nobody responded: a day later every deadline (10 days at most) has passed
    analyst = login(create_app(settings, today=lambda: date(2026, 12, 4)), "analyst")
    overdue = analyst.get("/").text.split('id="overdue"')[1].split("</ul>")[0]
    assert f"事件E{world.injury_episode:06d}" in overdue and f'href="/signals/{world.injury}"' in overdue
    assert all(s["overdue"] for s in analyst.get("/api/signals").json()["signals"])
    assert 'class="signal-row overdue"' in analyst.get("/signals").text
    assert 'id="overdue-flag"' in analyst.get(f"/signals/{world.injury}").text


def test_pages_show_sender_text_without_direction_controls(app, engine, world) -> None:
    """A right-to-left override in a sender's value would reverse what the reader sees: pages drop it."""
    from sqlalchemy import update

    from surveillance.warehouse.models import Signal

    with engine.begin() as conn:
        conn.execute(update(Signal).where(Signal.id == world.injury).values(title="宝鸡市\u202e电池gk/gm5.0相关伤害"))
    client = login(app, "injury-staff")
    for path in (f"/signals/{world.injury}", "/signals"):
        page = client.get(path).text
        assert "宝鸡市电池gk/gm5.0相关伤害" in page and "\u202e" not in page


def test_a_comment_has_a_size_limit_and_the_done_message_only_names_a_state(app, engine, world) -> None:
    from surveillance.response.states import MAX_COMMENT

    staff = login(app, "injury-staff")
    csrf = csrf_of(staff)
    huge = staff.post(f"/episodes/{world.injury_episode}/steps",
                      data=dict(to="核查中", csrf=csrf, signal_id=world.injury, comment="长" * (MAX_COMMENT + 1)))
    assert huge.status_code == 200 and f"说明不能超过{MAX_COMMENT}字" in huge.text
    assert history(engine, world.injury_episode) == []  # nothing recorded
    assert f'maxlength="{MAX_COMMENT}"' in huge.text
    forged = staff.get(f"/signals/{world.injury}?done=请立即转账至账户123").text
    assert "请立即转账" not in forged and 'id="step-done"' not in forged
    ok = staff.post(f"/episodes/{world.injury_episode}/steps",
                    data=dict(to="核查中", csrf=csrf, signal_id=world.injury, comment="长" * MAX_COMMENT))
    assert ok.status_code == 303
    assert "已登记：核查中" in staff.get(ok.headers["location"]).text


def test_malformed_addresses_answer_in_chinese_not_with_500_or_raw_json(app, world) -> None:
    staff = login(app, "injury-staff")
    for path in ("/signals/abc", "/signals/99999999999999999999999", "/signals/0", "/signals/-1"):
        page = staff.get(path)
        assert page.status_code == 404 and "未找到" in page.text and "detail" not in page.text, path
    api = staff.get("/api/signals/abc")
    assert api.status_code == 404 and api.json() == {"error": "未找到，或您无权查看"}
    bad_query = staff.get("/login?failed=x")
    assert bad_query.status_code == 400 and "请求的参数无效" in bad_query.text
    expired = TestClient(app, follow_redirects=False).get(f"/episodes/{world.injury_episode}/steps")
    assert expired.status_code == 405 and "会话可能已过期" in expired.text


def test_evidence_reads_as_chinese_text_not_json_or_exponents(app, engine, world) -> None:
    from sqlalchemy import update

    from surveillance.warehouse.models import Signal

    with engine.begin() as conn:
        conn.execute(update(Signal).where(Signal.id == world.injury).values(evidence=json.dumps(dict(
            cities=["宝鸡市", "西安市"], p_value=9.75e-24, ratio_to_limit=1.23456, verdicts_disagree=False, first_week=None))))
    page = login(app, "injury-staff").get(f"/signals/{world.injury}").text
    evidence = page[page.index('id="evidence"'):]
    evidence = evidence[: evidence.index("</table>")]
    assert "宝鸡市、西安市" in evidence and "\\u" not in evidence and "[" not in evidence
    assert "&lt;0.0001" in evidence and "e-24" not in evidence and "1.235" in evidence
    assert ">否<" in evidence and "False" not in evidence and "None" not in evidence


def test_users_change_their_own_password_and_weak_ones_are_refused(app, world) -> None:
    staff = login(app, "injury-staff")
    csrf = csrf_of(staff)
    assert 'href="/account/password"' in staff.get("/signals").text

    def change(current: str, new: str, repeat: str | None = None, token: str = csrf):
        return staff.post("/account/password", data=dict(csrf=token, current=current, new=new,
                                                          repeat=new if repeat is None else repeat))

    assert change(PASSWORD, "another good secret", token="forged").status_code == 403
    for current, new, repeat, said in ((PASSWORD, "1234567890", None, "连续"), (PASSWORD, " " * 10, None, "至少"),
                                       (PASSWORD, "injury-staff-2026", None, "用户名"),
                                       (PASSWORD, "another good secret", "another good secreT", "不一致"),
                                       ("not my password", "another good secret", None, "当前密码不正确")):
        refused = change(current, new, repeat)
        assert refused.status_code == 200 and said in refused.text, said
    done = change(PASSWORD, "another good secret")
    assert done.status_code == 303 and done.headers["location"] == "/login?changed=1"
    assert "密码已修改" in staff.get("/login?changed=1").text
    assert staff.get("/signals").status_code == 303  # every session ended, this one too
    login(app, "injury-staff", "another good secret")


def test_codes_on_the_signal_page_are_shown_by_their_chinese_names(app, engine, world) -> None:
    from sqlalchemy import update

    from surveillance.warehouse.models import Signal

    with engine.begin() as conn:
        conn.execute(update(Signal).where(Signal.id == world.food).values(evidence=json.dumps(dict(
            sample_id="SP2026-0001", kind="contaminant", method="farrington-flexible", stream="serious"))))
    page = login(app, "food-staff").get(f"/signals/{world.food}").text
    evidence = page[page.index('id="evidence"'):]
    evidence = evidence[: evidence.index("</table>")]
    assert "污染物" in evidence and "重伤病例" in evidence and "Farrington" in evidence
    assert "contaminant" not in evidence and ">serious<" not in evidence
    shown = re.sub(r' title="[^"]*"', "", page)  # a code as a tooltip is fine; on the page, words
    for english in ("≠", "category_group", "sampling_stage", ">sent<", " sent", "queued"):
        assert english not in shown, english


def test_wrong_passwords_make_their_address_wait_and_the_colleague_still_logs_in(app, world) -> None:
    from surveillance.console import throttle

    def attempt(client: TestClient, password: str):
        token = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/login").text).group(1)
        return client.post("/login", data=dict(username="injury-staff", password=password, login_csrf=token, next="/"))

    guesser = TestClient(app, follow_redirects=False, client=("203.0.113.9", 5000))
    assert "账号不会被锁定" in guesser.get("/login").text  # the rule is on the login page
    for i in range(throttle.FREE_PER_ACCOUNT + 1):
        assert "failed=1" in attempt(guesser, f"guess number {i}").headers["location"]
    told = attempt(guesser, PASSWORD)  # even the right password waits, unchecked
    assert "wait=" in told.headers["location"]
    assert "请在" in guesser.get(told.headers["location"]).text
    colleague = TestClient(app, follow_redirects=False, client=("10.1.2.3", 5000))
    assert attempt(colleague, PASSWORD).headers["location"] == "/"


def test_head_answers_as_get_without_a_body(app, world) -> None:
    client = TestClient(app, follow_redirects=False)
    login_page = client.head("/login")
    assert login_page.status_code == 200 and login_page.content == b""
    assert "Content-Security-Policy" in login_page.headers
    assert client.head("/signals").status_code == 303  # logged out: to the login, as GET




def test_another_agency_records_its_own_verification_and_cannot_change_the_overall_state(app, engine, world) -> None:
    """The injury signal reached 宝鸡's market regulation bureau (the lead) and its health commission; the
    health commission's dismissal is its own: the lead's page still shows the episode 待核查 and its form
    moves the overall state; the analyst may not step at all."""
    from surveillance.console import accounts
    from surveillance.response.trail import states
    from tests.console.world import NIGHT

    accounts.add(engine, "health-staff", "agency", PASSWORD, agency_id="610300-WJW")
    health = login(app, "health-staff")
    csrf = csrf_of(health)
    assert health.post(f"/api/episodes/{world.injury_episode}/steps", json=dict(to="已排除", reason="数据问题"),
                       headers={"X-CSRF-Token": csrf}).status_code == 201
    page = health.get(f"/signals/{world.injury}").text
    assert '本单位核查状态：<b id="state">已排除</b>' in page and '<b id="overall">待核查</b>' in page
    assert "不改变事件的总体结论" in page and "宝鸡市市场监督管理局" in page  # who decides
    assert states(engine, NIGHT)[world.injury_episode].state == "待核查"
    [step] = history(engine, world.injury_episode)
    assert step.agency_id == "610300-WJW" and not step.overall

    lead = login(app, "injury-staff")  # 宝鸡市市场监督管理局: the lead
    page = lead.get(f"/signals/{world.injury}").text
    assert "事件总体结论：<b id=\"state\">待核查</b>" in page and 'id="step-form"' in page
    assert lead.post(f"/api/episodes/{world.injury_episode}/steps", json=dict(to="核查中"),
                     headers={"X-CSRF-Token": csrf_of(lead)}).status_code == 201
    assert states(engine, NIGHT)[world.injury_episode].state == "核查中"
    assert states(engine, NIGHT, agency_id="610300-WJW")[world.injury_episode].state == "已排除"

    analyst = login(app, "analyst")
    assert 'id="read-only"' in analyst.get(f"/signals/{world.injury}").text
    assert analyst.post(f"/api/episodes/{world.injury_episode}/steps", json=dict(to="已确认"),
                        headers={"X-CSRF-Token": csrf_of(analyst)}).status_code == 403
    assert states(engine, NIGHT)[world.injury_episode].state == "核查中"


def test_the_signal_page_says_why_a_matching_agency_was_not_sent_the_signal(app, engine, world) -> None:
    """宝鸡's health commission dismissed the episode as a data artefact; the next night's new cases are
    withheld from it (and only from it), and the page says so and why."""
    from datetime import timedelta

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from surveillance.alerts.run import route_day
    from surveillance.response.states import Step
    from surveillance.response.trail import record
    from surveillance.signals.detect import store_signals
    from surveillance.warehouse.models import Alert, Signal
    from tests.console.world import NIGHT, WEEK

    record(engine, world.injury_episode, Step("已排除", "赵六", reason="数据问题"), "610300-WJW")
    later = NIGHT + timedelta(days=1)
    with Session(engine) as conn:
        row = conn.get(Signal, world.injury)
        signal = {c: getattr(row, c) for c in ("signal_key", "domain", "method", "series", "category_code", "category_group",
                                                "sampling_stage", "jurisdiction_code", "period_start", "period_end",
                                                "observed", "expected", "threshold", "score", "title")}
        evidence = json.loads(row.evidence)
    store_signals(engine, later, [dict(signal, signal_key=signal["signal_key"] + "|late", evidence=evidence,
                                       period_start=WEEK + timedelta(days=7))])
    route_day(engine, later)
    with engine.connect() as conn:
        newer = conn.execute(select(Signal.id).where(Signal.detected_on == later)).scalar_one()
        withheld = dict(conn.execute(select(Alert.agency_id, Alert.withheld).where(Alert.signal_id == newer)).all())
    assert withheld["610300-SCJG"] is None and "数据问题" in withheld["610300-WJW"]
    page = login(app, "analyst").get(f"/signals/{newer}").text
    assert "未发送</b>：本单位" in page and "数据问题" in page


def test_my_todo_lists_what_awaits_this_agency_most_urgent_first_and_the_office_sees_who_is_late(settings, engine,
                                                                                              world) -> None:
    from datetime import timedelta

    from surveillance.console import accounts
    from surveillance.response.states import Step
    from surveillance.response.trail import record
    from tests.console.world import NIGHT

    accounts.add(engine, "health-staff", "agency", PASSWORD, agency_id="610300-WJW")
    accounts.add(engine, "office", "coordinator", PASSWORD)
    late = create_app(settings, today=lambda: NIGHT + timedelta(days=30))  # every deadline passed
    health = login(late, "health-staff")
    page = health.get("/").text
    assert page.index('id="todo"') < page.index("<h1>总览</h1>")  # the list comes first
    assert "我的待办" in page and "宝鸡市电动自行车电池相关伤害病例异常增多" in page and "已超时" in page
    office = login(late, "office").get("/").text
    row = re.search(r'<tr class="overdue">.*?宝鸡市电动自行车电池.*?</tr>', office, re.S).group(0)
    assert "宝鸡市卫生健康委员会" in row and "宝鸡市市场监督管理局" in row  # both have yet to answer

    record(engine, world.injury_episode, Step("核查中", "赵六"), "610300-WJW")  # health answers for itself
    assert "宝鸡市电动自行车电池相关伤害病例异常增多" in health.get("/").text  # still its business (核查中)
    office = login(late, "office").get("/").text
    row = re.search(r'<tr class="overdue">.*?宝鸡市电动自行车电池.*?</tr>', office, re.S).group(0)
    assert "宝鸡市卫生健康委员会" not in row and "宝鸡市市场监督管理局" in row
    record(engine, world.injury_episode, Step("已排除", "钱七", reason="偶然波动"), "610300-SCJG")  # the lead concludes
    assert "宝鸡市电动自行车电池相关伤害病例异常增多" not in health.get("/").text
    assert 'id="todo-empty"' in login(late, "injury-staff").get("/").text


def test_search_sort_paging_and_export_of_the_signal_list(app, world, monkeypatch) -> None:
    import io

    from openpyxl import load_workbook

    from surveillance.console import pages

    analyst = login(app, "analyst")
    for word, found in (("甲醇", world.food), ("SP2026-0001", world.food), ("电动自行车电池", world.injury),
                        ("宝鸡", world.injury), ("西安", world.food)):
        got = analyst.get("/signals", params=dict(q=word)).text
        assert f'href="/signals/{found}"' in got and got.count('class="signal-row') == 1, word
    assert "没有符合条件的信号" in analyst.get("/signals", params=dict(q="不存在的企业%_")).text
    by_level = analyst.get("/signals", params=dict(sort="level")).text
    assert by_level.count('class="signal-row') == 2

    monkeypatch.setattr(pages, "MAX_LIST", 1)  # paging past the page size
    first, second = (analyst.get("/signals", params=dict(page=p)).text for p in (1, 2))
    assert "第 1 / 2 页" in first and 'id="next-page"' in first and 'id="prev-page"' in second
    ids = {re.search(r'data-id="(\d+)"', t).group(1) for t in (first, second)}
    assert ids == {str(world.injury), str(world.food)}

    csv_text = analyst.get("/signals.csv", params=dict(q="甲醇")).content.decode("utf-8-sig")
    lines = csv_text.strip().split("\r\n")
    assert lines[0].startswith("编号,级别,领域") and len(lines) == 2 and "西安市散装白酒甲醇超标" in lines[1]
    book = load_workbook(io.BytesIO(analyst.get("/signals.xlsx").content))
    sheet = [[c.value for c in row] for row in book.active.iter_rows()]
    assert sheet[0][0] == "编号" and len(sheet) == 3  # both signals, not the page of one
    # agency staff export only what they may see
    staff_csv = login(app, "food-staff").get("/signals.csv").content.decode("utf-8-sig")
    assert "西安市散装白酒甲醇超标" in staff_csv and "宝鸡市电动自行车电池" not in staff_csv


def test_the_xlsx_export_never_lets_excel_evaluate_sender_text() -> None:
    import io

    from openpyxl import load_workbook

    from surveillance.excel_xlsx import excel_xlsx

    data = excel_xlsx(["说明", "数值"], [["=HYPERLINK(\"http://x\")", 1.5], ["\u202e0.5mg/kg", 2]])
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(data)).active.iter_rows()]
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", 1.5] and rows[2] == ["0.5mg/kg", 2]


def test_the_overview_map_colours_the_cities_of_the_open_signals_a_user_may_see(app, engine, world) -> None:
    from surveillance.response.states import Step
    from surveillance.response.trail import record
    from surveillance.signals.levels import COLOURS

    analyst = login(app, "analyst").get("/").text
    assert 'id="risk-map"' in analyst and 'href="/signals?city=610300"' in analyst and 'href="/signals?city=610100"' in analyst
    staff = login(app, "food-staff").get("/").text  # 西安's market regulation sees the food signal only
    assert 'href="/signals?city=610100"' in staff and 'href="/signals?city=610300"' not in staff
    level = re.search(r'id="area-610100" d="[^"]+" fill="([^"]+)"', staff).group(1)
    assert level in COLOURS.values()
    record(engine, world.injury_episode, Step("已排除", "省质量强省办", reason="偶然波动"))  # the overall state
    assert 'href="/signals?city=610300"' not in login(app, "analyst").get("/").text


def test_gx_data_docs_are_served_without_anything_from_outside_and_without_scripts(app, settings, world) -> None:
    """A real GX Data Docs page links bootstrap, jQuery and vega from CDNs: the console serves it with those
    removed, its own plain style sheet instead, and a policy under which nothing else loads or runs."""
    from surveillance.ingest.validate.rows import RowValidator
    from tests.conftest import TODAY
    from tests.ingest.validate.test_rows import _frame

    docs = settings.reports / "2026-11-23" / "data-docs" / "injury-1"
    validator = RowValidator("injury", TODAY, docs)
    validator.validate(_frame(sex="X"), "cards.csv")
    validator.build_docs()
    page = next((docs / "validations").rglob("*.html"))
    original = page.read_text(encoding="utf-8")
    assert re.search(r"""(src|href)=["']https?://""", original)  # GX's own page: CDN references
    response = login(app, "analyst").get("/reports/" + str(page.relative_to(settings.reports)))
    assert response.status_code == 200
    assert not re.search(r"""<(script|link)\b[^>]*(src|href)=["']?(https?:)?//""", response.text)
    assert "unexpected values found" in response.text and "/static/report.css" in response.text
    policy = response.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "script-src 'none'" in policy and "default-src 'none'" in policy


def test_a_form_sent_after_the_session_ended_leads_back_to_its_page_through_the_login(app, world) -> None:
    client = TestClient(app, follow_redirects=False)
    response = client.post(f"/episodes/{world.injury_episode}/steps", data=dict(to="核查中", comment="长说明"),
                           headers={"referer": f"http://testserver/signals/{world.injury}"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=/signals/{world.injury}&expired=1"
    assert 'id="login-expired"' in client.get(response.headers["location"]).text
    foreign = client.post(f"/episodes/{world.injury_episode}/steps", data={}, headers={"referer": "https://evil.example/x"})
    assert foreign.headers["location"] == "/login?next=/&expired=1"
