"""The methods' control classes, as R's control lists, with R's names (snake case) and R's defaults:
stated once here, read by the methods, ``detect-series`` (its defaults and ``--help``), the evaluation
and ``surveillance config show``. Plain dataclasses: importing them costs nothing, so the command line
builds its options without loading numpy or scipy."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

TRANSFORMS = ("standard", "rossi", "anscombe", "anscombe2nd", "pearsonNegBin", "anscombeNegBin", "none")
THRESHOLD_METHODS = ("delta", "nbPlugin", "muan")  # farringtonFlexible's thresholdMethod
POWER_TRANSFORMS = ("2/3", "1/2", "none")  # farringtonFlexible's powertrans


def option(help: str, **argparse: object) -> dict:
    """A field's metadata making it a ``detect-series`` option (``--field-name``; a boolean that is True by
    default becomes ``--no-field-name``): its help, and what argparse needs beyond the field's type (choices,
    nargs, metavar). The command line reads these, so an option is declared once, on its control."""
    return {"option": {"help": help, **argparse}}


def _one_of(options: tuple[str, ...]) -> str:
    return ", ".join(options[:-1]) + " or " + options[-1]


@dataclass(frozen=True)
class FarringtonControl:
    b: int = field(default=5, metadata=option("years back"))
    w: int = field(default=3, metadata=option("half-width of the weeks window"))
    reweight: bool = field(default=True, metadata=option("reweight = FALSE"))
    weights_threshold: float = field(default=2.58, metadata=option("Anscombe residual above which weeks are down-weighted"))
    alpha: float = 0.05
    trend: bool = field(default=True, metadata=option("trend = FALSE"))
    p_threshold_trend: float = field(default=0.05, metadata=option("p-value under which the trend is kept"))
    limit54: tuple[int, int] = field(default=(5, 4), metadata=option(
        "no alarm with fewer than CASES in the last PERIODS", nargs=2, metavar=("CASES", "PERIODS")))
    powertrans: str = field(default="2/3", metadata=option("power transform of thresholdMethod delta", choices=POWER_TRANSFORMS))
    population_offset: bool = False
    no_periods: int = field(default=1, metadata=option("noPeriods, seasonal factor levels", default_note="10 for Noufaily"))
    past_weeks_not_included: int | None = field(default=None, metadata=option("recent weeks left out of the fit",
                                                                              default_text="w"))
    threshold_method: str = field(default="delta", metadata=option("thresholdMethod", choices=THRESHOLD_METHODS))
    freq: int = 52

    def __post_init__(self) -> None:
        if self.threshold_method not in THRESHOLD_METHODS:
            raise ValueError(f"thresholdMethod must be {_one_of(THRESHOLD_METHODS)}, not {self.threshold_method!r}")
        if self.powertrans not in POWER_TRANSFORMS:
            raise ValueError(f"powertrans must be {_one_of(POWER_TRANSFORMS)}, not {self.powertrans!r}")
        if not (self.limit54[0] >= 0 and self.limit54[1] > 0):
            raise ValueError("The limit54 arguments are out of bounds: cases >= 0 and period > 0.")

    @property
    def past_weeks(self) -> int:
        return self.w if self.past_weeks_not_included is None else self.past_weeks_not_included

    @property
    def history(self) -> int:
        """Periods a series needs before its first evaluated period (R's default range starts after them)."""
        return self.freq * self.b + self.w


@dataclass(frozen=True)
class EarsControl:
    """R's ``earsC`` control list, with R's defaults (``alpha`` None: R's default of the method)."""

    method: str = "C2"
    alpha: float | None = None
    baseline: int = field(default=7, metadata=option("R's baseline: periods in the reference window"))
    min_sigma: float = field(default=0.0, metadata=option("R's minSigma: floor of the baseline sd"))


@dataclass(frozen=True)
class CusumControl:
    """R's ``cusum`` control list, with R's defaults: reference value k, decision boundary h, reference
    mean m (None: the mean of the periods before those evaluated; "glm": R's seasonal Poisson GLM),
    the transformation, and alpha (the negative-binomial dispersion of the NegBin transformations)."""

    k: float = field(default=1.04, metadata=option("reference value k"))
    h: float = field(default=2.26, metadata=option("decision boundary h"))
    m: float | str | None = None
    trans: str = field(default="standard", metadata=option(
        "transformation of the counts", choices=TRANSFORMS,
        default_note="alpha is the negative-binomial dispersion of pearsonNegBin and anscombeNegBin"))
    alpha: float = 0.1


@dataclass(frozen=True)
class NbGlmControl:
    """The NB-GLM's settings: periods a year, Fourier harmonics, a linear trend, the threshold's level."""

    period: float = 52
    harmonics: int = field(default=2, metadata=option("Fourier harmonics of the year"))
    trend: bool = True
    alpha: float = 0.01


# Noufaily et al. (2013)'s improved method as R's ?farringtonFlexible spells it (its example's control2), the one
# home of those settings; each use states what it changes with dataclasses.replace (R: modifyList)
NOUFAILY_2013 = FarringtonControl(b=5, w=3, no_periods=10, weights_threshold=2.58, past_weeks_not_included=26,
                                  p_threshold_trend=1, threshold_method="nbPlugin")
NOUFAILY = replace(NOUFAILY_2013, limit54=(0, 4))  # every week fitted, however few its cases (accumulated, scan)


@dataclass(frozen=True)
class AccumulatedControl:
    """The baseline's Farrington control (its own alpha and limit54 are not used: every week is fitted),
    the windows of weeks accumulated, the level, and the fewest cases in the window that may alarm."""

    farrington: FarringtonControl = field(default_factory=lambda: NOUFAILY)
    windows: tuple[int, ...] = (1, 2, 3)
    alpha: float = 0.01
    min_cases: int = 1
    uncertainty: bool = True  # widen each week's distribution by the baseline's own uncertainty


@dataclass(frozen=True)
class SeriesControl:
    """Every method's control (named as in R's surveillance package), and the periods evaluated."""

    last: int | None = None  # evaluate only the last N periods
    reference_weeks: str = "date"  # Farrington: "date" (R on a dated sts) or "index" (R without dates: t - 52 i)
    farrington: FarringtonControl = field(default_factory=FarringtonControl)
    ears: EarsControl = field(default_factory=EarsControl)
    cusum: CusumControl = field(default_factory=CusumControl)
    nbglm: NbGlmControl = field(default_factory=NbGlmControl)
    accumulated: AccumulatedControl = field(default_factory=AccumulatedControl)

    def __post_init__(self) -> None:
        if self.reference_weeks not in ("date", "index"):
            raise ValueError(f"reference weeks by 'date' or 'index', not {self.reference_weeks!r}")
