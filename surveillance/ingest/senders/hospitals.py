"""The sentinel hospital registry: the injury card names the patient's address, not the hospital's
county, so the county of a card comes from the hospital that filled it in."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from surveillance import reference
from surveillance.settings import hospitals_path


class RegistryError(Exception):
    """The registry file itself is unusable (the ingest of card files stops with this one line)."""


@cache
def _registry(path: str, mtime: float) -> dict[str, str]:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#", encoding="utf-8-sig")
    except (OSError, ValueError) as exc:
        raise RegistryError(f"sentinel hospital registry {path} cannot be read: {exc}") from None
    missing = {"hospital_code", "region_code"} - set(frame.columns)
    if missing:
        raise RegistryError(f"sentinel hospital registry {path} lacks columns: {', '.join(sorted(missing))}")
    lookup = reference.region_lookup()
    codes = frame["region_code"].str.strip().map(lambda v: lookup.get(v, v))
    return dict(zip(frame["hospital_code"].str.strip(), codes, strict=True))


def registry(path: Path | None = None) -> dict[str, str]:
    """Hospital code -> today's county code, from ``path`` (default: SURVEILLANCE_HOSPITALS or
    config/sentinel_hospitals.csv); re-read when the file changes."""
    path = Path(path or hospitals_path())
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise RegistryError(f"sentinel hospital registry {path} does not exist (set SURVEILLANCE_HOSPITALS)") from None
    return _registry(str(path), mtime)
