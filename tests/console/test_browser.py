"""The console in a real headless Chromium (Debian's chromium and chromedriver, driven by Selenium; nothing
downloaded): logging in, one agency's signals only, a signal's chart and evidence, the verification
workflow with a comment, another agency refused, and every page behind the login once logged out."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time

import pytest

from tests.console.world import PASSWORD, build

pytestmark = pytest.mark.browser

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
WAIT = 30  # seconds a page may take on a busy machine (CI runs other tests beside these)


def _require_browser() -> None:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        message = "Debian's chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)"
        if os.environ.get("SURVEILLANCE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def console(settings, engine):
    """The console served by uvicorn on a free loopback port, over the test's warehouse."""
    _require_browser()
    import uvicorn

    from surveillance.console.app import create_app

    world = build(engine)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the console did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", world
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def browser():
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def _log_in(browser, base: str, username: str, path: str = "/") -> None:
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(base + path)
    assert "/login" in browser.current_url
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login").click()
    _wait(browser, lambda d: "/login" not in d.current_url)


def _wait(browser, condition) -> None:
    """Wait for a navigation or a script to finish: a click returns before the next page has loaded."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, WAIT).until(condition)


def _status(browser, path: str) -> int:
    """The HTTP status the page's own session gets for ``path`` (fetch from inside the browser)."""
    return browser.execute_async_script("const done = arguments[arguments.length - 1];"
                                        "fetch(arguments[0], {credentials: 'same-origin'}).then(r => done(r.status));", path)


def _step(browser, to: str, comment: str, action: str | None = None) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(By.ID, "step-to")).select_by_visible_text(to)
    if action:
        Select(browser.find_element(By.ID, "step-action")).select_by_visible_text(action)
    browser.find_element(By.ID, "step-comment").send_keys(comment)
    before = browser.find_element(By.ID, "state")
    browser.find_element(By.ID, "step-submit").click()
    _wait(browser, staleness_of(before))  # the form posted and the page came back
    assert browser.find_element(By.ID, "state").text == to


def test_an_agency_user_verifies_its_signal_in_the_browser(console, browser) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    base, world = console
    _log_in(browser, base, "injury-staff", "/signals")
    assert browser.current_url == base + "/signals"
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.signal-row")
    assert [int(r.get_attribute("data-id")) for r in rows] == [world.injury]  # its own agency's signal only
    badge = rows[0].find_element(By.CSS_SELECTOR, ".level")  # coloured by the stylesheet (the CSP allows no inline style)
    assert badge.text.endswith("级") and badge.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")
    rows[0].find_element(By.TAG_NAME, "a").click()
    _wait(browser, lambda d: d.current_url == f"{base}/signals/{world.injury}")
    # the chart is drawn by the page's own script (12 weeks, this week in red) and answers the mouse
    bars = browser.find_elements(By.CSS_SELECTOR, "#chart svg rect.bar")
    assert len(bars) == 12 and "last" in bars[-1].get_attribute("class")
    ActionChains(browser).move_to_element(bars[-1]).perform()
    tip = browser.find_element(By.CSS_SELECTOR, "#chart .tip")
    _wait(browser, lambda d: tip.is_displayed())
    assert "7" in tip.text
    assert browser.find_elements(By.CSS_SELECTOR, "#chart svg line.threshold")
    evidence = browser.find_element(By.ID, "evidence").text
    assert "近12周病例数" in evidence and "儿童病例" in evidence and "H61030201/R0001" not in evidence
    assert browser.find_element(By.ID, "records-hidden").is_displayed()  # no patient-level records for this role
    # every resource the page loaded came from the console itself (works offline)
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(base) for url in loaded)
    _step(browser, "核查中", "已联系宝鸡市中心医院核对病例")
    _step(browser, "已确认", "同一型号电池充电起火")
    _step(browser, "已处置", "责令下架并召回", action="下架/召回")
    timeline = browser.find_element(By.ID, "timeline").text
    for text in ("已联系宝鸡市中心医院核对病例", "同一型号电池充电起火", "已确认 → 已处置（下架/召回）", "injury-staff"):
        assert text in timeline


def test_another_agency_cannot_open_the_signal_and_logged_out_pages_need_the_login(console, browser) -> None:
    from selenium.webdriver.common.by import By

    base, world = console
    _log_in(browser, base, "food-staff")
    assert browser.current_url == base + "/"
    browser.get(f"{base}/signals/{world.injury}")
    assert "未找到" in browser.find_element(By.ID, "error-message").text
    assert _status(browser, f"/signals/{world.injury}") == 404
    assert _status(browser, f"/api/signals/{world.injury}") == 404
    assert _status(browser, f"/api/signals/{world.food}") == 200  # its own
    browser.find_element(By.ID, "logout").click()
    _wait(browser, lambda d: "/login" in d.current_url)
    for path in ("/", "/signals", f"/signals/{world.food}", f"/signals/{world.injury}", "/reports"):
        browser.get(base + path)
        assert browser.current_url.startswith(base + "/login?next="), path
    assert _status(browser, f"/api/signals/{world.food}") == 401


def test_an_agency_user_goes_from_my_todo_to_the_signal_verifies_it_through_an_expired_session_and_exports(
        console, browser) -> None:
    """我的待办 → the signal → a comment typed, the session ends before it is sent → logging in again brings
    the page back with the comment → the step is registered → the list is exported."""
    from selenium.webdriver.common.by import By

    base, world = console
    _log_in(browser, base, "injury-staff")
    todo = browser.find_element(By.ID, "todo")
    assert "我的待办" in browser.find_element(By.ID, "todo-title").text
    todo.find_element(By.PARTIAL_LINK_TEXT, "宝鸡市电动自行车电池").click()
    _wait(browser, lambda d: d.current_url.startswith(f"{base}/signals/{world.injury}"))
    assert "事件总体结论" in browser.find_element(By.ID, "verify").find_element(By.XPATH, "..").text
    browser.find_element(By.ID, "step-comment").send_keys("已电话联系宝鸡市中心医院")
    browser.delete_cookie("surveillance_session")  # the session ends while the comment is being typed
    browser.find_element(By.ID, "step-submit").click()
    _wait(browser, lambda d: "/login" in d.current_url)
    assert browser.find_element(By.ID, "login-expired").is_displayed()
    browser.find_element(By.ID, "username").send_keys("injury-staff")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login").click()
    _wait(browser, lambda d: d.current_url.startswith(f"{base}/signals/{world.injury}"))
    assert browser.find_element(By.ID, "draft-restored").is_displayed()
    assert browser.find_element(By.ID, "step-comment").get_attribute("value") == "已电话联系宝鸡市中心医院"
    _step(browser, "核查中", "")
    assert "已电话联系宝鸡市中心医院" in browser.find_element(By.ID, "timeline").text
    assert not browser.find_elements(By.ID, "draft-restored")
    browser.get(base + "/signals")
    href = browser.find_element(By.ID, "export-xlsx").get_attribute("href")
    kind = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {credentials: 'same-origin'}).then(r => done(r.status + ' ' + r.headers.get('content-type')));", href)
    assert kind == "200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    csv = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/signals.csv', {credentials: 'same-origin'}).then(r => r.text()).then(done);")
    assert "宝鸡市电动自行车电池" in csv and "西安市散装白酒" not in csv


def test_the_office_opens_a_city_from_the_map_and_sees_which_agency_is_late(console, browser, engine) -> None:
    from selenium.webdriver.common.by import By

    from surveillance.console import accounts

    base, world = console
    accounts.add(engine, "office", "coordinator", PASSWORD)
    _log_in(browser, base, "office")
    late = browser.find_element(By.ID, "todo").text  # the signals are from 2026-11-23: every deadline has passed
    assert "宝鸡市市场监督管理局" in late and "宝鸡市卫生健康委员会" in late
    area = browser.find_element(By.CSS_SELECTOR, "#risk-map a[href='/signals?city=610300']")
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", area)
    _wait(browser, lambda d: d.current_url == f"{base}/signals?city=610300")
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.signal-row")
    assert [int(r.get_attribute("data-id")) for r in rows] == [world.injury]
    if os.environ.get("SURVEILLANCE_SCREENSHOTS"):
        browser.get(base + "/")
        browser.save_screenshot(os.path.join(os.environ["SURVEILLANCE_SCREENSHOTS"], "office-overview.png"))


def test_the_step_form_shows_only_the_fields_the_chosen_step_needs(console, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, world = console
    _log_in(browser, base, "injury-staff", f"/signals/{world.injury}")
    reason, action = (browser.find_element(By.ID, i) for i in ("step-reason", "step-action"))
    assert not reason.is_displayed() and not action.is_displayed()  # 核查中 needs neither
    Select(browser.find_element(By.ID, "step-to")).select_by_visible_text("已排除")
    assert reason.is_displayed() and not action.is_displayed()
    # the form comes before the chart and the evidence: what to do first
    order = browser.execute_script("return ['advice', 'step-form', 'chart', 'evidence'].map("
                                   "id => document.getElementById(id).getBoundingClientRect().top)")
    assert order == sorted(order)


def test_a_signal_without_a_series_shows_its_observed_value_in_red_not_the_threshold(console, browser) -> None:
    from selenium.webdriver.common.by import By

    base, world = console
    _log_in(browser, base, "food-staff", f"/signals/{world.food}")
    bars = browser.find_elements(By.CSS_SELECTOR, "#chart svg rect.bar")
    assert [b.get_attribute("data-label") for b in bars] == ["观测值", "阈值"]
    assert "last" in bars[0].get_attribute("class") and "last" not in bars[1].get_attribute("class")
    assert browser.find_element(By.ID, "chart-legend").text == "红色为本期观测值，灰色为期望值和预警阈值"
