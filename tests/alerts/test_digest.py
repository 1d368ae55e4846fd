import csv
import io
from datetime import date

from surveillance.alerts.compose import compose, header_safe
from surveillance.alerts.digest import digest_csv, neutralise


def _signal(**over):
    s = dict(id=7, level=2, domain="injury", method="ears-c2", category_code="P0401", jurisdiction_code="610300",
             period_start=date(2026, 11, 16), period_end=date(2026, 11, 22), observed=21.0, expected=0.1,
             threshold=1.3, first_detected_on=date(2026, 11, 23), detected_on=date(2026, 11, 23),
             title="宝鸡市锂离子电池相关伤害病例异常增多", reason="测试", evidence={})
    s.update(over)
    return s


def test_csv_has_bom_chinese_headers_and_no_formulas() -> None:
    data = digest_csv([_signal(title="=HYPERLINK(\"http://evil\")\n第二行")], {7: "陕西省质量技术监督局"})
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["信号编号", "预警级别", "颜色", "领域"]
    assert rows[1][0] == "S000007" and rows[1][1] == "Ⅱ级"
    note = rows[1][rows[0].index("说明")]
    assert note.startswith("'=") and "\n" not in note
    for value in ("+1", "-1", "@x", "\tx", "\rx"):
        assert neutralise(value).startswith("'")


def test_line_break_in_data_cannot_add_a_header() -> None:
    msg = compose(date(2026, 11, 23), "SX-SCJG", "省市场监管局\r\nBcc: victim@example.org", ["a@warnings.shaanxi.example"],
                  "s@warnings.shaanxi.example", [_signal()], b"\xef\xbb\xbfx")
    raw = msg.as_bytes()
    assert b"\nBcc:" not in raw and msg["Bcc"] is None
    assert header_safe("a\nb\rc") == "a b c"


def test_each_signal_links_to_its_console_page_when_the_console_is_configured() -> None:
    rows = list(csv.reader(io.StringIO(digest_csv([_signal()], {}, "https://yj.shaanxi.example").decode("utf-8-sig"))))
    assert rows[1][rows[0].index("详情链接")] == "https://yj.shaanxi.example/signals/7"
    msg = compose(date(2026, 11, 23), "SX-SCJG", "省市场监管局", ["a@warnings.shaanxi.example"], "s@warnings.shaanxi.example",
                  [_signal()], b"x", base_url="https://yj.shaanxi.example")
    text = msg.get_body(("plain",)).get_content()
    html_part = msg.get_body(("html",)).get_content()
    assert "核查与处置：https://yj.shaanxi.example/signals/7" in text
    assert '<a href="https://yj.shaanxi.example/signals/7">S000007</a>' in html_part
    # no console configured: no link anywhere
    plain = compose(date(2026, 11, 23), "SX-SCJG", "省市场监管局", ["a@warnings.shaanxi.example"], "s@warnings.shaanxi.example",
                    [_signal()], b"x")
    assert "/signals/" not in plain.get_body(("plain",)).get_content()
    assert list(csv.reader(io.StringIO(digest_csv([_signal()], {}).decode("utf-8-sig"))))[1][-1] == ""


RLO, ISOLATE, POP = "\u202e", "\u2067", "\u2069"  # right-to-left override, isolate and its end


def test_direction_controls_in_sender_data_reach_no_email_or_csv() -> None:
    """An RLO would show "txt.exe" as "exe.txt" and "0.5mg/kg" as "gk/gm5.0": every output drops them."""
    title = f"附件{RLO}txt.exe 检测值{ISOLATE}0.5mg/kg{POP}超标"
    shown = "附件txt.exe 检测值0.5mg/kg超标"
    data = digest_csv([_signal(title=title)], {7: f"{RLO}省局"})
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][rows[0].index("说明")] == shown
    assert all(c not in data.decode("utf-8-sig") for c in (RLO, ISOLATE, POP))
    msg = compose(date(2026, 11, 23), "SX-SCJG", f"省{RLO}市场监管局", ["a@warnings.shaanxi.example"],
                  "s@warnings.shaanxi.example", [_signal(title=title)], b"x")
    for part in (msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content(), str(msg["Subject"])):
        assert all(c not in part for c in (RLO, ISOLATE, POP))
    assert shown in msg.get_body(("plain",)).get_content()


def test_numbers_in_the_csv_are_for_people_never_exponents() -> None:
    data = digest_csv([_signal(expected=5.603e-10, observed=21.0, threshold=1.23456)], {})
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert "e-" not in data.decode("utf-8-sig")
    values = list(row.values())
    assert "<0.01" in values and "21" in values and "1.23" in values


def test_every_html_output_takes_its_level_colours_from_one_home_and_escapes_sender_text(settings) -> None:
    """The email, the nightly report and the console's level style sheet are rendered from templates
    sharing one macro file and signals.levels.COLOURS; a sender's markup is shown, never run."""
    from fastapi.testclient import TestClient

    from surveillance.alerts.reports.nightly import render
    from surveillance.console.app import create_app
    from surveillance.signals.levels import COLOURS

    title = "<script>alert(1)</script>电池起火"
    msg = compose(date(2026, 11, 23), "SX-SCJG", "省市场监管局", ["a@warnings.shaanxi.example"], "s@warnings.shaanxi.example",
                  [_signal(title=title)], b"x")
    html_part = msg.get_body(("html",)).get_content()
    report = render(date(2026, 11, 23), [dict(_signal(title=title), agencies=["SX-SCJG"], status="new",
                                              evidence={})])
    level = _signal()["level"]
    for page in (html_part, report):
        assert f'<td style="color:{COLOURS[level]};font-weight:bold">' in page
        assert "<script>" not in page and "&lt;script&gt;" in page
    css = TestClient(create_app(settings)).get("/static/levels.css").text
    assert all(f".level.l{k} {{ background: {c}; }}" in css for k, c in COLOURS.items())
