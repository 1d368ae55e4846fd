"""Farrington flexible (Farrington et al. 1996, with Noufaily et al. 2013's improvements), as R's
``surveillance::farringtonFlexible`` computes it, for many series and periods at once.

For each period t of each series, a quasi-Poisson log-linear GLM is fitted to the same weeks of the
``b`` previous years (windows of +-``w`` weeks around each year's reference week), optionally with a time trend and, when
``noPeriods`` > 1, a seasonal factor over the rest of the year; weeks with large Anscombe residuals are
down-weighted and the model refitted; the trend is kept only if significant, ``b`` >= 3 and the
prediction does not extrapolate beyond the data; the threshold comes from the predicted count and its
uncertainty (``thresholdMethod``: "delta" = Farrington's 2/3-power transform, "nbPlugin" / "muan" =
Noufaily's negative-binomial quantiles). An alarm needs the count above the threshold, a non-zero count,
and at least ``limit54`` cases (5 in the last 4 weeks).

Reference weeks follow R. For a series with dates (an ``sts`` built with ``epochAsDate = TRUE``, which is
how a CSV of dated weeks reaches R), the reference week of year i is the week of the same weekday
nearest the same calendar date i years before (``reference_offsets``): a 52-week year drifts from the
calendar by a day a year, so after a few years that is 53 weeks back, not 52. Without dates (or with
``reference_weeks="index"``), R and this port take t - 52 i.

All fits of a run are solved together: the fits whose reference weeks lie at the same offsets (all of
them without dates; a handful of groups with dates) share one design, which depends on t only through
its trend column, so iteratively reweighted least squares runs on stacked (fits x weeks x terms)
arrays, each fit stopping when R's convergence criterion (glm.control: epsilon 1e-8, maxit 25) holds.

Control parameters (``FarringtonControl``) carry R's names in snake case:

| R | here | default |
| --- | --- | --- |
| b, w | b, w | 5, 3 |
| reweight, weightsThreshold | reweight, weights_threshold | TRUE, 2.58 |
| alpha | alpha | 0.05 |
| trend, pThresholdTrend | trend, p_threshold_trend | TRUE, 0.05 |
| limit54 | limit54 | (5, 4) |
| powertrans | powertrans | "2/3" |
| populationOffset | population_offset (pass ``population``) | FALSE |
| noPeriods | no_periods | 1 |
| pastWeeksNotIncluded | past_weeks_not_included | w |
| thresholdMethod | threshold_method | "delta" |
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from surveillance.signals.methods import distributions
from surveillance.signals.methods.controls import FarringtonControl

EPSILON = 1e-8  # glm.control()
MAXIT = 25


@dataclass
class FarringtonResult:
    """Arrays (series x evaluated periods), as R stores them in the sts object and its control."""

    expected: np.ndarray
    threshold: np.ndarray  # upperbound; NaN when limit54 is not met or no model converged
    score: np.ndarray  # (y - fit) / (threshold - fit): above 1 is an alarm
    pvalue: np.ndarray
    alarm: np.ndarray
    trend: np.ndarray  # bool: the time trend was kept
    phi: np.ndarray
    converged: np.ndarray = field(repr=False)
    se_eta: np.ndarray | None = field(default=None, repr=False)  # standard error of the prediction's log


def years_back(day: date, years: int) -> date:
    """R's ``seq(day, by = "-1 year")``: the same month and day ``years`` earlier; 29 February becomes 1 March."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 3, 1)


def reference_date(day: date, years: int) -> date:
    """R's ``algo.farrington.referencetimepoints`` for weekly dated series: the date of ``day``'s weekday
    nearest the same calendar date ``years`` earlier (the earlier one on a tie, as R)."""
    ref = years_back(day, years)
    wday = lambda d: d.isoweekday() % 7  # noqa: E731 - R's format(d, "%w"): 0 = Sunday
    a = ref - timedelta(days=wday(ref) - wday(day))
    other = a + timedelta(days=-7 if a > ref else 7)
    return a if abs((a - ref).days) <= abs((other - ref).days) else other


def reference_offsets(dates: Sequence[date], t: int, b: int) -> tuple[int, ...]:
    """The offsets (negative, in periods) from period ``t`` of its reference weeks 1..``b`` years back,
    as R picks them for a series with dates; a reference date missing from ``dates`` is an error, as in R."""
    day = dates[t]
    found = []
    for i in range(1, b + 1):
        ref = reference_date(day, i)
        k = t - round((day - ref).days / 7)
        if k < 0 or dates[k] != ref:
            raise ValueError(f"the reference week {ref} ({i} year(s) before {day}) is not in the series: decrease b "
                             "or evaluate later periods (R: 'Some reference time points did not exist')")
        found.append(k - t)
    return tuple(found)


def weeks_needed(day: date, b: int, w: int) -> int:
    """Periods before a weekly period dated ``day`` that the dated reference weeks ``b`` years back need."""
    return (day - reference_date(day, b)).days // 7 + w


def template(control: FarringtonControl, refs: tuple[int, ...] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (relative to the evaluated period) of the weeks the GLM uses, and their season level
    (R's ``blocks``: ``noPeriods`` for the windows around the reference weeks, 1 .. noPeriods-1 between).
    ``refs``: the reference weeks' offsets, year 1 to b (default: -52 i, R's rule without dates)."""
    b, w, p, freq = control.b, control.w, control.no_periods, control.freq
    refs = tuple(-freq * i for i in range(1, b + 1)) if refs is None else refs
    factors: dict[int, int] = {}
    for off in range(-w, 1):
        factors[off] = p
    for i in range(1, b + 1):
        ref, newer = refs[i - 1], (refs[i - 2] if i > 1 else 0)
        for off in range(ref - w, ref + w + 1):
            factors[off] = p
        if p != 1:
            period = newer - 2 * w - 1 - ref
            if period < p - (2 * w + 1):
                raise ValueError("Number of factors too big!")
            lengths = [period // (p - 1)] * (p - 1)
            for j in range(period % (p - 1)):
                lengths[j] += 1
            ends = np.cumsum([0, *lengths])
            for j in range(1, p):
                start, stop = ref + w + 1 + ends[j - 1], ref + w + 1 + ends[j] - 1
                span = range(start, stop + 1) if stop >= start else range(start, stop - 1, -1)  # R's a:b
                for off in span:
                    factors[off] = j
    for off in range(-control.past_weeks, 1):
        factors.pop(off, None)
    offsets = np.array(sorted(factors), dtype=int)
    return offsets, np.array([factors[o] for o in offsets], dtype=int)


def _pinv(a: np.ndarray) -> np.ndarray:
    """Pseudo-inverses; NaN for a matrix holding NaN or infinity (a diverging fit), which SVD cannot take."""
    out = np.full_like(a, np.nan)
    finite = np.isfinite(a).all(axis=(-2, -1))
    if finite.any():
        out[finite] = np.linalg.pinv(a[finite])
    return out


def _solve_full_rank(a: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(a, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return np.einsum("...ij,...j->...i", _pinv(a), rhs)


def _inverse_full_rank(a: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        return _pinv(a)


def _solve(a: np.ndarray, rhs: np.ndarray, deficient: np.ndarray) -> np.ndarray:
    """X'WX beta = X'Wz for each fit; for a rank-deficient one (a season level never observed) the
    minimum-norm solution, whose fitted values are R's without the aliased column."""
    if not deficient.any():
        return _solve_full_rank(a, rhs)
    out = np.empty(rhs.shape)
    out[~deficient] = _solve_full_rank(a[~deficient], rhs[~deficient])
    out[deficient] = np.einsum("...ij,...j->...i", _pinv(a[deficient]), rhs[deficient])
    return out


def _inverse(a: np.ndarray, deficient: np.ndarray) -> np.ndarray:
    """(X'WX)^-1, the pseudo-inverse for rank-deficient fits: the same variance as R's for every
    estimable prediction (the evaluated week's level is observed, or there is no fit)."""
    if not deficient.any():
        return _inverse_full_rank(a)
    out = np.empty_like(a)
    out[~deficient] = _inverse_full_rank(a[~deficient])
    out[deficient] = _pinv(a[deficient])
    return out


@dataclass
class _Fit:
    beta: np.ndarray
    mu: np.ndarray
    inverse: np.ndarray  # (X'WX)^-1 with the last iteration's working weights, as R's qr holds it
    working: np.ndarray  # those working weights
    converged: np.ndarray
    dispersion: np.ndarray  # Pearson estimate: phi = max(dispersion, 1)
    df: np.ndarray
    # What summary.glm and predict.glm use for standard errors and the trend test. R's fitGLM.flexible
    # overwrites the model's working weights by the Anscombe weights after reweighting, so for a
    # reweighted model this is sum(omega * ((y - mu) / mu)^2) / df rather than the Pearson estimate.
    inference_dispersion: np.ndarray | None = None


@dataclass
class _Design:
    """The design of many fits, kept in its structure: an intercept, an optional trend column
    (wtime = now + offset of the week, the same offsets for every fit) and treatment dummies of a
    season factor. X'WX and X'v are then sums of weights by factor level, computed for all fits with
    one matrix product against a constant (weeks x levels) basis."""

    codes: np.ndarray  # (n,) factor level of each week, 0 = the reference level
    levels: int
    offsets: np.ndarray  # (n,) week offsets
    now: np.ndarray | None  # (B,) wtime of the evaluated week, or None without trend
    now_code: int  # factor level of the evaluated week (noPeriods' level)

    @property
    def q(self) -> int:
        return 1 + (self.now is not None) + self.levels - 1

    def take(self, rows: np.ndarray) -> _Design:
        return _Design(self.codes, self.levels, self.offsets, None if self.now is None else self.now[rows], self.now_code)

    def prediction_rows(self, count: int) -> np.ndarray:
        """The design row of the evaluated week for each of ``count`` fits (R's newdata)."""
        rows = np.zeros((count, self.q))
        rows[:, 0] = 1.0
        first = 1
        if self.now is not None:
            rows[:, 1] = self.now
            first = 2
        if self.now_code > 0:
            rows[:, first + self.now_code - 1] = 1.0
        return rows

    @property
    def trend(self) -> np.ndarray | None:
        return None if self.now is None else self.now[:, None] + self.offsets[None, :]

    def _basis(self, powers: int) -> np.ndarray:
        g = (self.codes[:, None] == np.arange(self.levels)[None, :]).astype(float)
        return np.concatenate([g * self.offsets[:, None] ** p for p in range(powers)], axis=1)

    def _level_sums(self, v: np.ndarray, powers: int) -> list[np.ndarray]:
        """Per-level sums of v * wtime^p for p < powers, from sums of v * offset^p."""
        raw = v @ self._basis(powers)
        m = [raw[:, i * self.levels : (i + 1) * self.levels] for i in range(powers)]
        if self.now is None:
            return m
        t = self.now[:, None]
        out = [m[0]]
        if powers > 1:
            out.append(t * m[0] + m[1])
        if powers > 2:
            out.append(t * t * m[0] + 2 * t * m[1] + m[2])
        return out

    def xtv(self, v: np.ndarray) -> np.ndarray:
        if self.now is None:
            (s0,) = self._level_sums(v, 1)
            return np.concatenate([s0.sum(axis=-1, keepdims=True), s0[:, 1:]], axis=-1)
        s0, s1 = self._level_sums(v, 2)
        return np.concatenate([s0.sum(axis=-1, keepdims=True), s1.sum(axis=-1, keepdims=True), s0[:, 1:]], axis=-1)

    def gram(self, w: np.ndarray) -> np.ndarray:
        b, q = len(w), self.q
        a = np.zeros((b, q, q))
        first = 1
        if self.now is None:
            (s0,) = self._level_sums(w, 1)
        else:
            s0, s1, s2 = self._level_sums(w, 3)
            a[:, 0, 1] = a[:, 1, 0] = s1.sum(axis=-1)
            a[:, 1, 1] = s2.sum(axis=-1)
            a[:, 1, 2:] = a[:, 2:, 1] = s1[:, 1:]
            first = 2
        a[:, 0, 0] = s0.sum(axis=-1)
        a[:, 0, first:] = a[:, first:, 0] = s0[:, 1:]
        diag = np.arange(first, q)
        a[:, diag, diag] = s0[:, 1:]
        return a

    def dot(self, beta: np.ndarray) -> np.ndarray:
        first = 1 + (self.now is not None)
        per_level = np.concatenate([np.zeros((len(beta), 1)), beta[:, first:]], axis=-1) + beta[:, :1]
        if self.now is not None:
            per_level = per_level + (beta[:, 1] * self.now)[:, None]
        g = (self.codes[None, :] == np.arange(self.levels)[:, None]).astype(float)
        eta = per_level @ g
        if self.now is not None:
            eta += beta[:, 1:2] * self.offsets[None, :]
        return eta

    def quad(self, inverse: np.ndarray) -> np.ndarray:
        """x_i' M x_i for every week i of every fit."""
        first = 1 + (self.now is not None)
        dummy = self.codes > 0
        col = np.where(dummy, first + self.codes - 1, 0)
        out = inverse[:, :1, 0] + np.where(dummy, 2 * inverse[:, 0, col] + inverse[:, col, col], 0.0)
        if self.now is not None:
            t = self.trend
            out = out + 2 * t * inverse[:, :1, 1] + t**2 * inverse[:, 1:2, 1] + np.where(dummy, 2 * t * inverse[:, 1, col], 0.0)
        return out


def _structured(control: FarringtonControl, times: np.ndarray, with_trend: bool,
                refs: tuple[int, ...] | None = None) -> _Design:
    offsets, levels = template(control, refs)
    if control.no_periods == 1:
        levels = np.zeros_like(levels)
    unique = np.unique(levels)
    codes = np.searchsorted(unique, levels)
    now = (times + 1).astype(float) if with_trend else None  # R's wtime: the 1-based index
    now_code = int(np.searchsorted(unique, control.no_periods)) if control.no_periods != 1 else 0
    return _Design(codes, len(unique), offsets.astype(float), now, now_code)


def _rowdot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", a, b)


def _irls(x: _Design, y: np.ndarray, prior: np.ndarray, offset: np.ndarray) -> _Fit:
    """Batched glm.fit for the quasi-Poisson log link: one fit per row of y (B, n).

    Fits that have converged leave the working set, so the work follows the slowest fits only. The
    Poisson deviance 2 * sum(p * (y log y - y eta - y + mu)) is computed from eta = log(mu), and W z
    as w * (eta - offset) + p * y - w: no logarithm and no division per week and step.
    """
    q = x.q
    observed = prior > 0
    # R's rank: a season level without an observed week has no column (glm drops the aliased one)
    seen = (observed[:, :, None] & (x.codes[None, :, None] == np.arange(x.levels))).any(axis=1).sum(axis=-1)
    deficient = seen < x.levels
    with np.errstate(divide="ignore", invalid="ignore"):
        ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0)
    has_offset = bool(np.any(offset))
    pay = prior * y
    const = _rowdot(prior, ylogy) - pay.sum(axis=-1)
    mu = y + 0.1  # poisson()$initialize
    eta = np.log(mu)
    beta = np.zeros((len(y), q))
    working = np.zeros_like(y)
    converged = np.zeros(len(y), dtype=bool)
    # the working set: fits still iterating, compacted whenever some finish
    idx = np.arange(len(y))
    xa, pa, pya, oa, ca, da = x, prior, pay, offset, const, deficient
    ea, ma = eta, mu
    dev_old = 2 * (ca - _rowdot(pya, ea) + _rowdot(pa, ma))
    beta_a = beta
    w = working
    for _ in range(MAXIT):
        w = pa * ma
        wz = w * (ea - oa if has_offset else ea) + pya - w  # W z, z = eta - offset + (y - mu) / mu
        beta_a = _solve(xa.gram(w), xa.xtv(wz), da)
        lin = xa.dot(beta_a)
        ea = lin + oa if has_offset else lin
        with np.errstate(over="ignore"):
            ma = np.exp(ea)
        with np.errstate(invalid="ignore"):
            dev = 2 * (ca - _rowdot(pya, ea) + _rowdot(pa, ma))
            done = np.abs(dev - dev_old) / (np.abs(dev) + 0.1) < EPSILON
        if done.any():
            fin = idx[done]
            beta[fin], eta[fin], mu[fin], working[fin] = beta_a[done], ea[done], ma[done], w[done]
            converged[fin] = True
            if done.all():
                idx = idx[:0]
                break
            keep = ~done
            idx, xa, pa, pya, oa, ca, da = idx[keep], xa.take(keep), pa[keep], pya[keep], oa[keep], ca[keep], da[keep]
            ea, ma, dev, beta_a, w = ea[keep], ma[keep], dev[keep], beta_a[keep], w[keep]
        dev_old = dev
    if len(idx):  # not converged within maxit: keep the last iterate, as glm.fit does
        beta[idx], eta[idx], mu[idx], working[idx] = beta_a, ea, ma, w
    inverse = _inverse(x.gram(working), deficient)
    df = observed.sum(axis=-1) - (seen + (x.now is not None))  # R's residual degrees of freedom
    with np.errstate(divide="ignore", invalid="ignore"):
        dispersion = np.where(observed, working * ((y - mu) / mu) ** 2, 0.0).sum(axis=-1) / df
    return _Fit(beta, mu, inverse, working, converged, dispersion, df, dispersion)


def _anscombe_weights(fit: _Fit, x: _Design, y: np.ndarray, observed: np.ndarray, threshold: float) -> np.ndarray:
    """R's algo.farrington.assign.weights on Anscombe residuals s = 3/2 (y^2/3 mu^-1/6 - mu^1/2) / sqrt(phi (1 - h)):
    gamma * s^-2 where s > threshold, gamma elsewhere, gamma making the weights average 1."""
    phi = np.maximum(fit.dispersion, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = phi[..., None] * (1 - fit.working * x.quad(fit.inverse))
        mu16 = np.sqrt(np.cbrt(fit.mu))
        a = 1.5 * (np.cbrt(y) ** 2 / mu16 - mu16 * mu16 * mu16)
        big = observed & (a > threshold * np.sqrt(scale))  # s > threshold
        ratio = np.where(big, scale / (a * a), 1.0) * observed  # s^-2 where big, 1 elsewhere, 0 unobserved
        gamma = observed.sum(axis=-1) / ratio.sum(axis=-1)
    return gamma[..., None] * ratio


def _fit_model(control: FarringtonControl, x: _Design, y: np.ndarray, observed: np.ndarray, offset: np.ndarray) -> _Fit:
    prior = observed.astype(float)
    fit = _irls(x, y, prior, offset)
    if control.reweight:
        omega = _anscombe_weights(fit, x, y, observed, control.weights_threshold)
        refit = _irls(x, y, omega, offset)
        refit.converged = fit.converged  # R checks convergence of the first fit only
        with np.errstate(divide="ignore", invalid="ignore"):
            refit.inference_dispersion = np.where(observed, omega * ((y - refit.mu) / refit.mu) ** 2, 0.0).sum(axis=-1) / refit.df
        return refit
    return fit


def trend_significant(t_stat: np.ndarray, df: np.ndarray, p_threshold: float) -> np.ndarray:
    """R's two-sided ``p < pThresholdTrend`` for the trend's t statistic, decided as |t| above the
    critical value (0 for a threshold of 1): a p-value within 1e-16 of 1 rounds to 1, and
    pThresholdTrend = 1 (Noufaily: always keep the trend) would then drop a trend whose t is ~1e-17 by
    rounding noise alone."""
    with np.errstate(invalid="ignore"):
        return np.abs(t_stat) > distributions.t_isf(p_threshold / 2, df)


def _threshold_delta(mu0, se_fit, phi, y, control: FarringtonControl):
    z = float(distributions.norm_ppf(1 - control.alpha))
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = phi + se_fit**2 / mu0
        if control.powertrans == "2/3":
            se, exponent = np.sqrt(4 / 9 * mu0 ** (1 / 3) * tau), 2 / 3
        elif control.powertrans == "1/2":
            se, exponent = np.sqrt(tau / 4), 1 / 2
        else:
            se, exponent = np.sqrt(mu0 * tau), 1.0
        upper = (mu0**exponent + z * se) ** (1 / exponent)
        prob = distributions.norm_sf(y**exponent, mu0**exponent, se)
        score = (y - mu0) / (upper - mu0)
    return upper, score, prob


def _elementwise(fn, *arrays: np.ndarray) -> np.ndarray:
    """fn over equal-length arrays, split across the cores for large inputs (scipy's distribution
    functions release the GIL); the values are those of a single call."""
    from surveillance.signals.methods.farrington_compiled import in_slices

    pieces = in_slices(len(arrays[0]), lambda a, b: fn(*(x[a:b] for x in arrays)), minimum=20_000)
    return np.concatenate(pieces) if pieces else fn(*arrays)


def _nbinom_ppf(q: float, size: np.ndarray, p: np.ndarray) -> np.ndarray:
    """scipy's nbinom.ppf, summed in compiled code where the mean is moderate (the same values: tested)."""
    from surveillance.signals.methods.farrington_compiled import nbinom_quantile

    out = nbinom_quantile(float(q), size, p)
    rest = np.isnan(out)
    if rest.any():
        from scipy import stats  # only for large means: importing scipy.stats takes half a second

        out[rest] = _elementwise(lambda s, pr: stats.nbinom.ppf(q, s, pr), size[rest], p[rest])
    return out


def _threshold_noufaily(eta0, se_eta, phi, y, control: FarringtonControl):
    q = 1 - control.alpha
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        mu_q = np.exp(eta0) if control.threshold_method == "nbPlugin" else np.exp(distributions.norm_ppf(q, eta0, se_eta))
        finite = np.isfinite(mu_q)
        over = finite & (phi > 1)  # phi = max(dispersion, 1): negative binomial above 1, Poisson at 1
        plain = finite & ~over
        upper, prob = np.full(len(mu_q), np.nan), np.full(len(mu_q), np.nan)
        size, p = mu_q[over] / (phi[over] - 1), 1 / phi[over]
        upper[over] = _nbinom_ppf(q, size, p)
        prob[over] = _elementwise(lambda yy, s, pr: distributions.nbinom_sf(yy - 1, s, pr), y[over], size, p)
        upper[plain] = _elementwise(lambda m: distributions.poisson_ppf(q, m), mu_q[plain])
        prob[plain] = _elementwise(lambda yy, m: distributions.poisson_sf(yy - 1, m), y[plain], mu_q[plain])
        score = (y - eta0) / (upper - eta0)  # R divides on the link scale here; kept for identical alarms
    return upper, score, prob


def farrington_flexible(counts: np.ndarray, control: FarringtonControl | None = None, last: int | None = None,
                        population: np.ndarray | None = None, chunk: int | None = None,
                        dates: Sequence[date] | None = None, engine: str = "compiled") -> FarringtonResult:
    """Evaluate the last ``last`` periods (default: R's default range) of each row of ``counts``
    (series x periods, NaN = missing). ``dates``: the weekly periods' dates, for R's reference weeks of
    a dated series (see the module's docstring); None: R's rule for a series without dates.
    ``engine``: "compiled" (farrington_compiled: C, one fit at a time, on every core; the numpy engine where
    it is unavailable or with a population offset) or "numpy" (batched IRLS, ``chunk`` series at a time,
    default 16: the reference the compiled engine is tested against)."""
    control = control or FarringtonControl()
    if engine not in ("compiled", "numpy"):
        raise ValueError(f"engine must be 'compiled' or 'numpy', not {engine!r}")
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    n_series, n = counts.shape
    if chunk is None:
        chunk = 16 if engine == "numpy" or control.population_offset else max(n_series, 1)
    if dates is not None:
        dates = [d if type(d) is date else date.fromisoformat(str(d)[:10]) for d in dates]
        if len(dates) != n:
            raise ValueError(f"{len(dates)} dates for {n} periods")
        if control.freq != 52:
            raise ValueError("reference weeks by date are defined for weekly series (freq 52) only")
        first = weeks_needed(dates[-1], control.b, control.w)  # at least as many as any earlier period needs
    else:
        first = control.history
    last = n - first if last is None else last
    if last < 1 or n - last < first:
        raise ValueError(f"Farrington flexible with b={control.b}, w={control.w} needs {first + max(last, 1)} periods, got {n}")
    if control.population_offset and population is None:
        raise ValueError("populationOffset needs the population of each series and period")
    times = np.arange(n - last, n)
    groups: dict[tuple[int, ...] | None, list[int]] = defaultdict(list)
    for i, t in enumerate(times):
        groups[None if dates is None else reference_offsets(dates, int(t), control.b)].append(i)
    out = {f: None for f in FarringtonResult.__dataclass_fields__}
    for refs, columns in groups.items():
        cols = np.asarray(columns)
        parts = [_evaluate(counts[s : s + chunk], times[cols], control,
                           None if population is None else population[s : s + chunk], refs, engine)
                 for s in range(0, n_series, chunk)]
        for f in out:
            values = np.concatenate([getattr(p, f) for p in parts])
            if out[f] is None:
                out[f] = np.zeros((n_series, len(times)), dtype=values.dtype)
            out[f][:, cols] = values
    return FarringtonResult(**out)


def _evaluate(counts: np.ndarray, times: np.ndarray, control: FarringtonControl, population: np.ndarray | None,
              refs: tuple[int, ...] | None = None, engine: str = "compiled") -> FarringtonResult:
    shape = (counts.shape[0], len(times))
    now_y = counts[:, times]
    cases, period = control.limit54
    window = np.lib.stride_tricks.sliding_window_view(counts, period, axis=1)[:, times - period + 1, :].sum(axis=-1)
    # R fits every period but gives no bound and no alarm without limit54's cases (a NaN sum compares
    # False, as R's NA); those periods are not fitted here, so their score and p-value stay NaN.
    enough = window >= cases
    series, k = np.nonzero(enough)
    if engine == "compiled" and not control.population_offset and _compiled_available():
        eta0, se_eta, phi, converged, use_trend = _models_compiled(counts, series, times[k], control, refs)
    else:
        eta0, se_eta, phi, converged, use_trend = _models_numpy(counts, series, times[k], control, population, refs)
    with np.errstate(over="ignore"):
        mu0 = np.exp(eta0)
    y_now = now_y[series, k]
    if control.threshold_method == "delta":
        upper, score, prob = _threshold_delta(mu0, se_eta * mu0, phi, y_now, control)
    else:
        upper, score, prob = _threshold_noufaily(eta0, se_eta, phi, y_now, control)

    def full(values: np.ndarray, fill=np.nan) -> np.ndarray:
        out = np.full(shape, fill, dtype=np.asarray(values).dtype if fill is not np.nan else float)
        out[series, k] = values
        return out

    nan = np.full_like(mu0, np.nan)
    alarm = converged & (np.nan_to_num(score, nan=-np.inf) > 1) & (y_now != 0)
    return FarringtonResult(
        expected=full(np.where(converged & ~np.isnan(upper), mu0, nan)),
        threshold=full(np.where(converged, upper, nan)),
        score=full(np.where(converged, score, nan)),
        pvalue=full(np.where(converged, prob, nan)),
        alarm=full(alarm, False),
        trend=full(use_trend & converged, False),
        phi=full(np.where(converged, phi, nan)),
        converged=full(converged, False),
        se_eta=full(np.where(converged, se_eta, nan)),
    )


def _compiled_available() -> bool:
    from surveillance.signals.methods.farrington_compiled import available

    return available()


Models = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # eta0, se_eta, phi, converged, use_trend


def _models_compiled(counts: np.ndarray, series: np.ndarray, now: np.ndarray, control: FarringtonControl,
                     refs: tuple[int, ...] | None) -> Models:
    """The fits through the compiled engine; any it finds singular go to the numpy engine."""
    from surveillance.signals.methods import farrington_compiled as compiled

    if not len(series):
        return _models_numpy(counts, series, now, control, None, refs)
    x = _structured(control, now[:0], with_trend=False, refs=refs)
    offsets, codes, starts = compiled.runs(x.offsets, x.codes)
    with np.errstate(invalid="ignore"):
        critical = distributions.t_isf(control.p_threshold_trend / 2, np.arange(len(offsets) + 1))
    *models, ok = compiled.fit_all(counts, series, now, offsets, codes, starts, x.levels, x.now_code, control.trend,
                                   control.reweight, float(control.weights_threshold), control.b >= 3, critical)
    if not ok.all():
        bad = ~ok
        for whole, part in zip(models, _models_numpy(counts, series[bad], now[bad], control, None, refs), strict=True):
            whole[bad] = part
    return tuple(models)


def _models_numpy(counts: np.ndarray, series: np.ndarray, now: np.ndarray, control: FarringtonControl,
                  population: np.ndarray | None, refs: tuple[int, ...] | None) -> Models:
    """The fits as batched numpy IRLS: the reference engine (and the one with a population offset)."""
    offsets, _ = template(control, refs)
    index = now[:, None] + offsets[None, :]
    y_all = counts[series[:, None], index]  # (fits, weeks)
    observed = ~np.isnan(y_all)
    y = np.where(observed, y_all, 0.0)
    if control.population_offset:
        offset, offset_now = np.log(population[series[:, None], index]), np.log(population[series, now])
    else:
        offset, offset_now = np.zeros_like(y), np.zeros(len(series))

    def predict(fit: _Fit, x_now: np.ndarray, rows):
        eta0 = np.einsum("bi,bi->b", x_now, fit.beta) + offset_now[rows]
        se_eta = np.sqrt(fit.inference_dispersion * np.einsum("bi,bij,bj->b", x_now, fit.inverse, x_now))
        return eta0, se_eta

    use_trend = np.zeros(len(series), dtype=bool)
    if control.trend:  # as R: the model with trend first, the one without only where the trend is not kept
        x1 = _structured(control, now, with_trend=True, refs=refs)
        trended = _fit_model(control, x1, y, observed, offset)
        eta1, se1 = predict(trended, x1.prediction_rows(len(series)), slice(None))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            t_stat = trended.beta[..., 1] / np.sqrt(trended.inference_dispersion * trended.inverse[..., 1, 1])
            max_response = np.where(observed, y, -np.inf).max(axis=-1)
            use_trend = (trended.converged & (control.b >= 3)
                         & trend_significant(t_stat, trended.df, control.p_threshold_trend)
                         & (np.exp(eta1) <= max_response))
    eta0, se_eta = np.full(len(series), np.nan), np.full(len(series), np.nan)
    phi, converged = np.full(len(series), np.nan), np.zeros(len(series), dtype=bool)
    if control.trend:
        eta0[use_trend], se_eta[use_trend] = eta1[use_trend], se1[use_trend]
        phi[use_trend], converged[use_trend] = np.maximum(trended.dispersion[use_trend], 1.0), trended.converged[use_trend]
    rest = ~use_trend
    if rest.any():
        x0 = _structured(control, now[rest], with_trend=False, refs=refs)
        plain = _fit_model(control, x0, y[rest], observed[rest], offset[rest])
        eta0[rest], se_eta[rest] = predict(plain, x0.prediction_rows(int(rest.sum())), rest)
        phi[rest], converged[rest] = np.maximum(plain.dispersion, 1.0), plain.converged
    return eta0, se_eta, phi, converged, use_trend
