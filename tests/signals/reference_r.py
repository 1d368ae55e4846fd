"""Running R's ``surveillance`` package as the reference the detectors are checked against."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SHARED = Path(os.environ.get("SURVEILLANCE_SHARED_DIR", ROOT.parent / "shared"))
WEEKLY_COUNTS = SHARED / "data" / "weekly-counts"


def require_r() -> str:
    """Rscript with the surveillance package, or skip (fail instead when CI says R must be there)."""
    rscript = shutil.which("Rscript")
    ok = rscript is not None and subprocess.run(
        [rscript, "-e", "suppressPackageStartupMessages(library(surveillance))"], capture_output=True).returncode == 0
    if not ok:
        message = "R with the surveillance package is not installed (apt-get install -y r-cran-surveillance)"
        if os.environ.get("SURVEILLANCE_REQUIRE_R"):
            pytest.fail(message)
        pytest.skip(message)
    return rscript


def weekly_count_files() -> list[Path]:
    if not WEEKLY_COUNTS.is_dir():
        message = f"the shared weekly counts are not at {WEEKLY_COUNTS} (set SURVEILLANCE_SHARED_DIR)"
        if os.environ.get("SURVEILLANCE_REQUIRE_R"):
            pytest.fail(message)
        pytest.skip(message)
    return sorted(p for p in WEEKLY_COUNTS.glob("*.csv") if not p.name.endswith(".outbreaks.csv"))


def run_r(script: str, *args: str) -> None:
    subprocess.run([require_r(), str(HERE / "r" / script), *args], check=True, capture_output=True, text=True)


_STARTED: dict[tuple[str, ...], tuple[subprocess.Popen, Path]] = {}


def start_in_background(script: str, *args: str) -> None:
    """Start ``r_on_weekly_counts(script, *args)`` now, so that R works while the session runs other tests
    (the session starts each R test module's ``R_REFERENCE`` after collection); does nothing without R or
    the shared data (the test then skips or fails, saying why)."""
    rscript = shutil.which("Rscript")
    if rscript is None or not WEEKLY_COUNTS.is_dir() or (script, *args) in _STARTED:
        return
    out = Path(tempfile.mkdtemp(prefix=f"r-{Path(script).stem}-"))
    with open(out / "rscript.log", "w") as log:
        job = subprocess.Popen([rscript, str(HERE / "r" / script), str(WEEKLY_COUNTS), str(out), *args],
                               stdout=log, stderr=subprocess.STDOUT)
    _STARTED[(script, *args)] = (job, out)


def stop_background() -> None:
    """End the session's background R runs (one a test never waited for is stopped) and remove their output."""
    for job, out in _STARTED.values():
        if job.poll() is None:
            job.terminate()
            job.wait()
        shutil.rmtree(out, ignore_errors=True)
    _STARTED.clear()


def r_on_weekly_counts(tmp_path_factory, script: str, *args: str) -> Path:
    """Run ``script`` on every shared weekly-counts file (``Rscript script IN_DIR OUT_DIR args...``), or
    wait for the run started in the background; returns the folder it wrote its CSVs to."""
    weekly_count_files()
    started = _STARTED.get((script, *args))
    if started is None:
        out = tmp_path_factory.mktemp(f"r-{Path(script).stem}")
        run_r(script, str(WEEKLY_COUNTS), str(out), *args)
        return out
    job, out = started
    require_r()
    if job.wait() != 0:
        raise RuntimeError(f"{script} failed (exit {job.returncode}):\n{(out / 'rscript.log').read_text()[-3000:]}")
    return out
