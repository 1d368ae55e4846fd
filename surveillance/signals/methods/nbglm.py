"""A negative-binomial GLM with a trend and Fourier seasonality, for long weekly (or daily) series.

log mu(t) = b0 + b1 t + sum_k [a_k sin(2 pi k t / period) + c_k cos(2 pi k t / period)], fitted by maximum
likelihood (coefficients by IRLS, the dispersion theta by Newton's method on its score, alternately, as
R's MASS::glm.nb does) on the periods before the evaluated ones, for all series at once. The threshold
of an evaluated period is the negative-binomial quantile 1 - alpha of its predicted count; the p-value
is P(Y >= y).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from surveillance.signals.methods.controls import NbGlmControl

MAXIT = 25
EPSILON = 1e-8


@dataclass(frozen=True)
class NbGlmResult:
    expected: np.ndarray  # (series, evaluated periods): predicted mean
    threshold: np.ndarray
    pvalue: np.ndarray
    score: np.ndarray  # (y - mu) / sd
    alarm: np.ndarray
    theta: np.ndarray  # (series,)
    converged: np.ndarray  # (series,)


def design(times: np.ndarray, period: float, harmonics: int, trend: bool = True) -> np.ndarray:
    """Columns: intercept, [t], sin/cos pairs for k = 1..harmonics (t is the 1-based period number)."""
    cols = [np.ones(len(times))]
    if trend:
        cols.append(times.astype(float))
    for k in range(1, harmonics + 1):
        cols += [np.sin(2 * np.pi * k * times / period), np.cos(2 * np.pi * k * times / period)]
    return np.stack(cols, axis=1)


def _irls(x: np.ndarray, y: np.ndarray, observed: np.ndarray, theta: np.ndarray | None, eta: np.ndarray) -> tuple:
    """IRLS for the log link, Poisson (theta None) or negative binomial with fixed theta per series."""
    beta = np.zeros((len(y), x.shape[1]))
    dev_old = np.full(len(y), np.inf)
    mu = np.exp(eta)
    for _ in range(MAXIT):
        var_factor = 1.0 if theta is None else 1 + mu / theta[:, None]
        w = observed * mu / var_factor
        z = eta + (y - mu) / mu
        a = np.einsum("ni,sn,nj->sij", x, w, x, optimize=True)
        beta = np.linalg.solve(a, np.einsum("ni,sn->si", x, w * z)[..., None])[..., 0]
        eta = beta @ x.T
        mu = np.exp(eta)
        dev = _deviance(y, mu, observed, theta)
        if np.all(np.abs(dev - dev_old) / (np.abs(dev) + 0.1) < EPSILON):
            break
        dev_old = dev
    return beta, eta, mu


def _deviance(y, mu, observed, theta):
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
        if theta is None:
            return 2 * np.sum(observed * (first - (y - mu)), axis=-1)
        th = theta[:, None]
        return 2 * np.sum(observed * (first - (y + th) * np.log((y + th) / (mu + th))), axis=-1)


def theta_ml(y: np.ndarray, mu: np.ndarray, observed: np.ndarray, limit: int = 25) -> np.ndarray:
    """Maximum-likelihood theta per series given the means (MASS::theta.ml's Newton iterations)."""
    n = observed.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = n / np.sum(observed * (y / mu - 1) ** 2, axis=-1)
        for _ in range(limit):
            t = np.abs(t)
            th = t[:, None]
            score = np.sum(observed * (special.digamma(th + y) - special.digamma(th) + np.log(th) + 1
                                       - np.log(th + mu) - (y + th) / (mu + th)), axis=-1)
            info = np.sum(observed * (-special.polygamma(1, th + y) + special.polygamma(1, th) - 1 / th
                                      + 2 / (mu + th) - (y + th) / (mu + th) ** 2), axis=-1)
            step = score / info
            t = t + step
            if np.all(np.abs(step) <= np.finfo(float).eps ** 0.25):
                break
    return np.where(t < 0, 0.0, t)


def nb_glm(counts: np.ndarray, last: int, period: float = NbGlmControl.period, harmonics: int = NbGlmControl.harmonics,
           trend: bool = NbGlmControl.trend, alpha: float = NbGlmControl.alpha, min_train: int | None = None) -> NbGlmResult:
    """Fit on every period before the last ``last`` of each row of ``counts`` (series x periods, NaN =
    missing) and evaluate the last ``last``."""
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    n_series, n = counts.shape
    x_all = design(np.arange(1, n + 1), period, harmonics, trend)
    need = min_train or max(2 * int(period), 3 * x_all.shape[1])
    if last < 1 or n - last < need:
        raise ValueError(f"the NB-GLM needs {need} periods of history before the {last} evaluated, got {n - last}")
    train, new = x_all[: n - last], x_all[n - last :]
    y_all = counts[:, : n - last]
    observed = ~np.isnan(y_all)
    y = np.where(observed, y_all, 0.0)
    eta = np.log(np.where(observed, y, 0.0) + 0.1)
    beta, eta, mu = _irls(train, y, observed, None, eta)
    theta = theta_ml(y, mu, observed)
    converged = np.zeros(n_series, dtype=bool)
    loglik_old = np.full(n_series, np.inf)
    for _ in range(MAXIT):
        beta, eta, mu = _irls(train, y, observed, theta, eta)
        theta_new = theta_ml(y, mu, observed)
        th = theta_new[:, None]
        loglik = np.sum(observed * (special.gammaln(th + y) - special.gammaln(th) - special.gammaln(y + 1)
                                    + th * np.log(th) + y * np.log(mu + (y == 0)) - (th + y) * np.log(th + mu)), axis=-1)
        done = (np.abs(loglik - loglik_old) + np.abs(theta_new - theta)) < 1e-8 * (1 + np.abs(loglik))
        theta, loglik_old = theta_new, loglik
        converged |= done
        if converged.all():
            break
    mu_new = np.exp(beta @ new.T)
    size = theta[:, None]
    prob = size / (size + mu_new)
    observed_new = counts[:, n - last :]
    threshold = stats.nbinom.ppf(1 - alpha, size, prob)
    pvalue = stats.nbinom.sf(observed_new - 1, size, prob)
    score = (observed_new - mu_new) / np.sqrt(mu_new + mu_new**2 / size)
    alarm = np.where(np.isnan(observed_new), False, observed_new > threshold)
    return NbGlmResult(mu_new, threshold, np.where(np.isnan(observed_new), np.nan, pvalue), score, alarm, theta, converged)


def nb_glm_with(counts: np.ndarray, last: int, control: NbGlmControl) -> NbGlmResult:
    """``nb_glm`` with its parameters from ``control``."""
    return nb_glm(counts, last, control.period, control.harmonics, control.trend, control.alpha)
