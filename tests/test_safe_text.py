from surveillance.safe_text import BIDI_CONTROLS, one_line, without_bidi


def test_direction_controls_are_dropped_from_output_text_and_escaped_on_one_line() -> None:
    assert without_bidi("\u202egpj.exe") == "gpj.exe"
    assert without_bidi("".join(BIDI_CONTROLS)) == ""
    assert without_bidi("陕西省市场监督管理局 0.5mg/kg") == "陕西省市场监督管理局 0.5mg/kg"
    assert one_line("a\u202eb") == "a\\u202eb"  # a file name in an error line shows the control, escaped
