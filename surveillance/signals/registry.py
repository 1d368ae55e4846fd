"""The method registry: every detector declared once. The night's detection, episodes, warning levels,
the digests' labels, the demo's check and ``detect-series`` all read it; adding a detector is one module
plus one entry here (docs/detectors.md, "Adding a detector").

A ``Detector`` is what runs at night: it reads the warehouse for one day and returns a ``Detection``.
It emits signals of one or more ``Method``s (the weekly injury counts are tested with Farrington or
EARS C2, by the history available). A ``Method`` may also run on an analyst's plain series
(``series``), which is what ``detect-series`` offers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from surveillance.signals import bands, levels
from surveillance.signals.signal import Detection

DOMAINS = {"injury": "产品伤害", "inspection": "监督抽查", "food": "食品安全"}


@dataclass(frozen=True)
class Method:
    """One kind of signal. ``statistical``: a test that can raise a false alarm (an exceedance or a
    repeat failure is a fact in the records, not a test). ``family``: methods watching the same thing
    share one episode (a series moving from EARS to Farrington as its history grows stays one).
    ``level``: the warning-level rule (signals/levels.py). ``label``: the Chinese name agencies read.
    ``band``: for a pattern re-found every period, the band its statistic must rise to before a later
    period's signal is sent again (signals/bands.py); None: every new period or sample is news."""

    name: str
    label: str
    statistical: bool
    level: Callable[[dict], int] | None = None
    family: str | None = None
    series: str | None = None  # a runner of signals/methods/series.py, for detect-series and the evaluation
    band: Callable[[dict], int] | None = None

    @property
    def episode_family(self) -> str:
        return self.family or self.name

    @property
    def run_series(self) -> Callable:
        """``(counts, SeriesControl, dates) -> result`` (imported when first used: the command line lists the
        methods without loading numpy)."""
        module = importlib.import_module("surveillance.signals.methods.series")
        name, _, variant = (self.series or "").partition(":")
        return getattr(module, name)(variant) if variant else getattr(module, name)


@dataclass(frozen=True)
class Detector:
    """A nightly detector: the function ``function`` (``module:name``, the module under
    ``surveillance.signals.detectors`` unless given as a full dotted path; imported when first run, so
    that ``detect-series`` and the DAG files need not import the warehouse detectors) takes
    ``(conn, day)`` and returns a Detection with signals of ``methods``."""

    domain: str
    name: str
    function: str
    methods: tuple[Method, ...]

    @property
    def key(self) -> str:
        return f"{self.domain}/{self.name}"

    @property
    def run(self) -> Callable[..., Detection]:
        module, name = self.function.split(":")
        path = module if "." in module else f"surveillance.signals.detectors.{module}"
        return getattr(importlib.import_module(path), name)


DETECTORS: tuple[Detector, ...] = (
    Detector("injury", "counts", "injury:detect_injury", (
        Method("farrington-flexible", "Farrington 周病例数异常（考虑季节与趋势）", True, levels.injury_level, "counts",
               "run_farrington"),
        Method("ears-c2", "EARS C2 周病例数异常", True, levels.injury_level, "counts", "run_ears:C2"),
    )),
    Detector("injury", "disproportionality", "injury_patterns:detect_patterns", (
        Method("disproportionality", "伤害类型比例失衡（PRR/ROR/IC）", True, levels.injury_level, band=bands.doubling),)),
    Detector("inspection", "repeat-failure", "inspection:detect_repeat_failures", (
        Method("repeat-failure", "企业多次抽检不合格", False, levels.repeat_failure_level),)),
    Detector("inspection", "failure-rate", "inspection:detect_failure_rates", (
        Method("failure-rate", "抽检不合格率异常（漏斗图）", True, levels.failure_rate_level, band=bands.doubling),)),
    Detector("inspection", "new-failed-item", "inspection:detect_new_failed_items", (
        Method("new-failed-item", "首次出现的不合格项目", False, levels.new_failed_item_level),)),
    Detector("food", "exceedance", "food:detect_exceedances", (
        Method("exceedance", "检测结果超过限量", False, levels.exceedance_level),)),
    Detector("food", "exceedance-rate", "food:detect_exceedance_rates", (
        Method("exceedance-rate", "超标率异常（漏斗图）", True, levels.exceedance_rate_level, band=bands.doubling),)),
    Detector("food", "trend-mk", "food:detect_trends", (
        Method("trend-mk", "含量上升趋势（Mann-Kendall）", True, levels.trend_level, band=bands.tau_steps),)),
    Detector("food", "unusual-profile", "food:detect_unusual_profiles", (
        Method("unusual-profile", "多项指标组合异常（孤立森林）", True, levels.profile_level),)),
)

# methods an analyst can run on plain series only (detect-series), never at night
SERIES_ONLY: tuple[Method, ...] = (
    Method("farrington-accumulated", "周病例数异常（Farrington 基线，累积近三周证据）", True, levels.injury_level, "counts",
           "run_accumulated"),
    Method("ears-c1", "EARS C1", True, series="run_ears:C1"),
    Method("ears-c3", "EARS C3", True, series="run_ears:C3"),
    Method("cusum", "CUSUM", True, series="run_cusum"),
    Method("nb-glm", "负二项回归（趋势与季节）", True, series="run_nbglm"),
)

METHODS: dict[str, Method] = {m.name: m for d in DETECTORS for m in d.methods} | {m.name: m for m in SERIES_ONLY}
DOMAIN_OF: dict[str, str] = {m.name: d.domain for d in DETECTORS for m in d.methods}


def detectors(domain: str) -> tuple[Detector, ...]:
    """The nightly detectors of ``domain``, in the order they run."""
    return tuple(d for d in DETECTORS if d.domain == domain)


def detector(domain: str, name: str) -> Detector:
    """The nightly detector ``domain/name``."""
    for d in DETECTORS:
        if (d.domain, d.name) == (domain, name):
            return d
    raise KeyError(f"no detector {domain}/{name}")


def nightly_methods(domain: str | None = None) -> tuple[str, ...]:
    """Names of the methods whose signals the night stores (of ``domain``, or all)."""
    return tuple(m.name for d in DETECTORS if domain in (None, d.domain) for m in d.methods)


def statistical_methods() -> tuple[str, ...]:
    """Nightly methods whose signals can be false alarms."""
    return tuple(name for name in nightly_methods() if METHODS[name].statistical)


def series_methods() -> dict[str, Method]:
    """Methods ``detect-series`` can run, by name (the CLI's ``--method`` choices)."""
    return {name: m for name, m in METHODS.items() if m.series is not None}


def method_label(name: str) -> str:
    """The Chinese label of a method; an unknown (retired) method shows its own name."""
    return METHODS[name].label if name in METHODS else name


def level_of(signal: dict) -> int:
    """The warning level of a signal by its method's rule."""
    method = METHODS.get(signal["method"])
    if method is None or method.level is None:
        raise KeyError(f"no level rule for method {signal['method']!r}: register it in signals/registry.py")
    return method.level(signal)


def band_of(signal: dict) -> int | None:
    """The band of a pattern signal's statistic (signals/bands.py); None for a method without one."""
    method = METHODS.get(signal["method"])
    return None if method is None or method.band is None else method.band(signal)


def episode_family(method: str) -> str:
    return METHODS[method].episode_family if method in METHODS else method
