"""The package's layers run one way: warehouse <- ingest / signals <- response <- alerts <- nightly / console <- cli / dags.
Read from the source (every import, at module top or inside a function), so a backward edge fails here
before it tangles the code. Within ``signals``: numerical methods <- nightly detectors <- registry <-
detection, episodes and the output check."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# rank of each part of the package: a module may import its own rank or lower ranks only
LAYERS = [
    ({"surveillance", "surveillance.settings", "surveillance.reference", "surveillance.safe_text",
      "surveillance.excel_csv", "surveillance.excel_xlsx"}, 0),
    ({"surveillance.warehouse"}, 1),
    ({"surveillance.ingest", "surveillance.signals"}, 2),
    ({"surveillance.response"}, 3),
    ({"surveillance.alerts"}, 4),
    ({"surveillance.nightly", "surveillance.demo", "surveillance.console"}, 5),
    ({"surveillance.evaluation"}, 6),  # its lattice scenarios are the demo's generating model
    ({"surveillance.cli", "surveillance.commands", "surveillance.airflow_support", "dags"}, 7),
]
SIBLINGS_APART = ({"surveillance.ingest"}, {"surveillance.signals"})  # same rank, neither imports the other
SIGNALS = [  # within surveillance.signals
    ({"signal", "periods", "levels", "bands", "methods"}, 0),
    ({"detectors"}, 1),
    ({"registry"}, 2),
    ({"detect", "episodes", "validate_output", "detect_series"}, 3),
]


def _part(module: str) -> str:
    """The layer a dotted module belongs to: the longest prefix named in LAYERS."""
    names = {name for group, _ in LAYERS for name in group}
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in names:
            return ".".join(parts[:n])
    raise KeyError(f"{module} is in no layer: add it to LAYERS")


def _rank(module: str) -> int:
    part = _part(module)
    return next(rank for group, rank in LAYERS if part in group)


def _signals_rank(module: str) -> int | None:
    parts = module.split(".")
    if parts[:2] != ["surveillance", "signals"] or len(parts) < 3:
        return None
    return next(rank for group, rank in SIGNALS if parts[2] in group)


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) if parts[0] != "dags" else "dags"


def imports(source: str) -> list[tuple[str, int]]:
    """(imported surveillance module, line) for every import in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.startswith("surveillance")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("surveillance"):
            # "from surveillance.signals import levels" imports the module surveillance.signals.levels
            found += [(f"{node.module}.{a.name}" if node.module.count(".") < 2 else node.module, node.lineno)
                      for a in node.names]
    return found


def backward_edges(modules: dict[str, str]) -> list[str]:
    """Every import of a higher layer in ``modules`` (dotted name -> source text)."""
    bad = []
    for source, text in modules.items():
        if source.startswith("surveillance.warehouse.migrations"):
            continue  # Alembic's own scripts
        for target, line in imports(text):
            if target == "surveillance":
                continue
            where = f"{source}:{line} imports {target}"
            if _rank(target) > _rank(source):
                bad.append(f"{where} (layer {_rank(target)} above {_rank(source)})")
            elif any((_part(source) in a and _part(target) in b) or (_part(source) in b and _part(target) in a)
                     for a, b in [SIBLINGS_APART]):
                bad.append(f"{where} (ingest and signals stand side by side)")
            s, t = _signals_rank(source), _signals_rank(target)
            if s is not None and t is not None and t > s:
                bad.append(f"{where} (within signals: rank {t} above {s})")
    return bad


def test_no_module_imports_upward() -> None:
    files = sorted((ROOT / "surveillance").rglob("*.py")) + sorted((ROOT / "dags").glob("*.py"))
    assert len(files) > 50
    assert [edge for p in files for edge in backward_edges({_module_name(p): p.read_text(encoding="utf-8")})] == []


def test_a_backward_edge_is_caught() -> None:
    """The check itself: the edge this architecture removed (signals importing the alerts' levels) fails it,
    as does a numerical method importing a nightly detector, even inside a function."""
    edges = backward_edges({"surveillance.signals.detect": "from surveillance.alerts.digest import ordered\n"
                                                          "from surveillance.signals.registry import METHODS\n"})
    assert len(edges) == 1 and "imports surveillance.alerts.digest" in edges[0]
    edges = backward_edges({"surveillance.signals.methods.ears": "def f():\n"
                                                                "    from surveillance.signals.detectors.injury import x\n"})
    assert len(edges) == 1 and "within signals" in edges[0]
    edges = backward_edges({"surveillance.ingest.load.rows": "from surveillance.signals import levels\n"})
    assert len(edges) == 1 and "side by side" in edges[0]


@pytest.mark.parametrize("pattern", ["signal_key=f", "signal_key = f"])
def test_signal_keys_are_built_in_one_place(pattern: str) -> None:
    hand_made = [str(p.relative_to(ROOT)) for p in (ROOT / "surveillance").rglob("*.py")
                 if pattern in p.read_text(encoding="utf-8") and p.name != "signal.py"]
    assert hand_made == []


def _texts(*patterns: str, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """The package's (and the DAGs') files matching ``patterns``, by path relative to the repository."""
    files = [p for pattern in patterns for folder in ("surveillance", "dags") for p in (ROOT / folder).rglob(pattern)]
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in files
            if str(p.relative_to(ROOT)) not in skip}


def test_display_codes_are_formatted_in_one_place() -> None:
    """S000123 and E000045 are made by signals.signal (signal_code, episode_code) and read back by signal_id_of."""
    code = re.compile(r"""[SE]\{[^}]*:06d\}|[SE]\{\{\s*["']%06d|f["'][SE]\{""")
    found = [path for path, text in _texts("*.py", "*.html", "*.txt", skip=("surveillance/signals/signal.py",)).items()
             if code.search(text)]
    assert found == []


def test_the_environment_is_read_in_one_place() -> None:
    """Every setting comes from settings.py, so that `surveillance config show` shows them all."""
    found = [path for path, text in _texts("*.py", skip=("surveillance/settings.py",)).items()
             if re.search(r"\bos\.environ\b|\bgetenv\(", text)]
    assert found == []


def test_the_three_sources_are_listed_in_one_place() -> None:
    found = [path for path, text in _texts("*.py", skip=("surveillance/settings.py",)).items()
             if re.search(r"""\(\s*["']injury["'],\s*["']inspection["'],\s*["']food["']\s*\)""", text)]
    assert found == []


def test_level_colours_have_one_home() -> None:
    """signals.levels.COLOURS: the emails and reports take it through the shared template macros, the console
    through /static/levels.css, generated from it; no style sheet or template spells a level's colour."""
    from surveillance.signals.levels import COLOURS

    templates = [path for path, text in _texts("*.html", "*.txt").items()
                 if any(colour in text.lower() for colour in COLOURS.values())]
    sheets = [path for path, text in _texts("*.css").items() if re.search(r"\.level\.l\d\s*\{", text)]
    python = [path for path, text in _texts("*.py").items() if re.search(r"style=.{0,20}color:\{", text)]
    assert templates == [] and sheets == [] and python == []


def test_the_guards_catch_what_they_guard() -> None:
    """Each guard's pattern on the line it exists to refuse (today's main had each of them)."""
    assert re.search(r"""[SE]\{[^}]*:06d\}""", 'text=f"S{x.id:06d} {LEVELS[x.level][0]}"')
    assert re.search(r"\bos\.environ\b", 'to = os.environ.get("SURVEILLANCE_OPERATOR_EMAIL")')
    assert re.search(r"""\(\s*["']injury["'],\s*["']inspection["'],\s*["']food["']\s*\)""", 'SOURCES = ("injury", "inspection", "food")')
    assert re.search(r"style=.{0,20}color:\{", """f"<td style='color:{COLOURS[s['level']]};font-weight:bold'>\"""")


def test_noufailys_preset_is_spelled_once() -> None:
    """controls.NOUFAILY_2013; every use derives from it with dataclasses.replace, saying what it changes."""
    files = {**_texts("*.py", skip=("surveillance/signals/methods/controls.py",)),
             **{str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in (ROOT / "benchmarks").glob("*.py")}}
    found = [path for path, text in files.items() if re.search(r"weights_threshold\s*=\s*2\.58|\"--weights-threshold\", \"2\.58\"", text)]
    assert found == []


# the steps of a landed file's path through ingest, each a folder; only what spans them sits at the top
INGEST_ROOMS = {"read", "layouts", "values", "validate", "load", "senders"}
INGEST_TOP = {"__init__.py", "contract.py", "file.py", "run.py"}


def ingest_shape_problems(root: Path) -> list[str]:
    """Modules at ingest's top level other than the contract, one file's path and a run of files, and
    folders not named for a step."""
    top = {p.name for p in root.iterdir() if p.suffix == ".py"} - INGEST_TOP
    rooms = {p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("__")} - INGEST_ROOMS
    return sorted([*(f"{name}: put it in the folder of its step" for name in top), *(f"{name}/: not a step" for name in rooms)])


def test_ingest_folders_name_the_steps_of_a_files_path(tmp_path: Path) -> None:
    """read (formats, encodings, header rows) -> layouts (headers by meaning, profiles) -> values (derived,
    normalised, personal data) -> validate (GX) -> load (warehouse, quarantine); senders says who sent it."""
    assert ingest_shape_problems(ROOT / "surveillance" / "ingest") == []
    (tmp_path / "readers.py").write_text("")  # the flat room #31 found
    (tmp_path / "misc").mkdir()
    assert ingest_shape_problems(tmp_path) == ["misc/: not a step", "readers.py: put it in the folder of its step"]


# an option set and the one module that states it (the command line, the console and the checks read it there)
OPTION_SETS = {
    r"""["']nbPlugin["'],\s*["']muan["']""": "surveillance/signals/methods/controls.py",
    r"""["']2/3["'],\s*["']1/2["']""": "surveillance/signals/methods/controls.py",
    r"已知原因.{1,6}重复.{1,6}偶然波动": "surveillance/response/states.py",
    r"下架/召回.{1,6}约谈.{1,6}立案": "surveillance/response/states.py",
    r"""["']coordinator["'],\s*["']analyst["']""": "surveillance/console/roles.py",
    r"""["']method["'],\s*["']level["'],\s*["']city["']""": "surveillance/response/groupings.py",
}


def retyped_option_sets(texts: dict[str, str]) -> list[str]:
    return sorted(f"{path}: {pattern}" for pattern, home in OPTION_SETS.items() for path, text in texts.items()
                  if path != home and re.search(pattern, text))


def test_option_sets_are_stated_once() -> None:
    """Dismissal reasons, actions, roles, PPV groupings and Farrington's option sets: the CLI's choices and help
    read them from their homes (#31), so adding one option is one change."""
    assert retyped_option_sets(_texts("*.py", "*.html", "*.js")) == []
    retyped = {"surveillance/commands/response.py": 'help="for 已排除: 数据问题, 已知原因, 重复 or 偶然波动"',
               "surveillance/commands/detect.py": 'choices=("delta", "nbPlugin", "muan")'}
    assert len(retyped_option_sets(retyped)) == 2


def test_the_two_verdicts_are_listed_once() -> None:
    """合格 / 不合格 as the set of verdicts: reference.VERDICTS (the words senders write for them: verdicts.csv)."""
    pair = re.compile(r"""\(\s*["']合格["'],\s*["']不合格["']\s*\)|\(\s*["']不合格["'],\s*["']合格["']\s*\)""")
    assert [p for p, text in _texts("*.py", skip=("surveillance/reference/words.py",)).items() if pair.search(text)] == []
    assert pair.search('verdict = v if v in ("合格", "不合格") else None')  # the line #31's audit found in food.py
