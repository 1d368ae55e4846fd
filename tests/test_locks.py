"""The locks: the Celery workers' packages sit on top of requirements.lock without changing a locked version,
and the single-machine install does not take them."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pins(name: str) -> dict[str, str]:
    norm = lambda n: re.sub(r"[-_.]+", "-", n.lower())  # noqa: E731
    return {norm(line.split("==")[0]): line.split("==")[1].split()[0]
            for line in (ROOT / name).read_text().splitlines() if "==" in line and not line.startswith("#")}


def test_the_celery_lock_adds_packages_and_overrides_none() -> None:
    main, celery = _pins("requirements.lock"), _pins("requirements-celery.lock")
    assert set(celery) & set(main) == set()  # nothing locked is re-pinned (the trial install downgraded two)
    assert celery["celery"] == "5.6.3" and "apache-airflow-providers-celery" in celery
    assert "celery" not in main and "apache-airflow-providers-celery" not in main


def test_make_install_stays_the_single_machine_install() -> None:
    makefile = (ROOT / "Makefile").read_text()
    installed = makefile[makefile.index("$(VENV)/.installed:"):makefile.index("touch $@")]
    assert "requirements-celery" not in installed and "requirements.lock" in installed
    assert "install-celery:" in makefile and "requirements-celery.lock" in makefile
