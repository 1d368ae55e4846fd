"""Farrington flexible's model fits compiled (numba), one fit per thread-pool task: the fast engine behind
``farrington_flexible``; ``farrington.py``'s batched numpy IRLS stays the reference engine and the fallback.

The same iteratively reweighted least squares as R's glm.fit (start mu = y + 0.1, R's convergence rule
on the deviance, maxit 25), the same Anscombe reweighting, trend test and prediction, in a parametrisation
that makes each step cheap: one intercept per season level plus the slope of time measured from the
evaluated week (the same model as R's intercept + treatment dummies + wtime, so the same fitted values,
slope, prediction and standard errors). Its X'WX is an arrowhead matrix, solved and inverted in O(levels);
the weeks are sorted into runs of consecutive weeks of one level, along which mu = exp(a + b t) is a
geometric sequence, so a step costs one exp per run and five multiply-adds per week.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

EPSILON = 1e-8  # glm.control()
MAXIT = 25

TABLE = 1024  # counts below this have their logarithms and powers looked up


def runs(offsets: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The template's weeks sorted by (level, offset), and the runs of consecutive weeks of one level:
    (order, offsets sorted, codes sorted, run starts with a final end)."""
    order = np.lexsort((offsets, codes))
    offs, cods = offsets[order], codes[order]
    breaks = np.flatnonzero((np.diff(cods) != 0) | (np.diff(offs) != 1)) + 1
    return order, offs.astype(np.float64), cods.astype(np.int64), np.concatenate([[0], breaks, [len(offs)]]).astype(np.int64)


@njit(cache=True, error_model="numpy")
def _sums(a, b, t, codes, starts, p, mu, s0, s1, s2):
    """mu = exp(a[level] + b t) along each run; per-level sums of w, w t, w t^2 with w = p mu.
    Four weeks a step (mu times r, r^2, r^3, r^4) so that the products do not wait on each other."""
    s0[:] = 0.0
    s1[:] = 0.0
    s2[:] = 0.0
    r = math.exp(b)
    r2 = r * r
    r3 = r2 * r
    r4 = r2 * r2
    for k in range(len(starts) - 1):
        i0, i1 = starts[k], starts[k + 1]
        lev = codes[i0]
        m = math.exp(a[lev] + b * t[i0])
        z0 = 0.0
        z1 = 0.0
        z2 = 0.0
        i = i0
        while i + 4 <= i1:
            m0, m1, m2, m3 = m, m * r, m * r2, m * r3
            mu[i], mu[i + 1], mu[i + 2], mu[i + 3] = m0, m1, m2, m3
            u0, u1, u2, u3 = p[i] * m0, p[i + 1] * m1, p[i + 2] * m2, p[i + 3] * m3
            t0, t1, t2, t3 = t[i], t[i + 1], t[i + 2], t[i + 3]
            v0, v1, v2, v3 = u0 * t0, u1 * t1, u2 * t2, u3 * t3
            z0 += (u0 + u1) + (u2 + u3)
            z1 += (v0 + v1) + (v2 + v3)
            z2 += (v0 * t0 + v1 * t1) + (v2 * t2 + v3 * t3)
            m *= r4
            i += 4
        while i < i1:
            mu[i] = m
            w = p[i] * m
            ti = t[i]
            z0 += w
            z1 += w * ti
            z2 += w * ti * ti
            m *= r
            i += 1
        s0[lev] += z0
        s1[lev] += z1
        s2[lev] += z2


@njit(cache=True, error_model="numpy")
def _solve(s0, s1, s2, r0, r1, trend, a, seen):
    """Solve X'WX (a, b) = X'Wz for the arrowhead X'WX; returns (b, var(b) per unit dispersion, ok).
    A level without an observed week (seen 0) has no column in the fit, as R drops an aliased one."""
    levels = len(s0)
    for lev in range(levels):
        if seen[lev] > 0.0 and not s0[lev] > 0.0:
            return 0.0, 0.0, False
    if not trend:
        for lev in range(levels):
            a[lev] = r0[lev] / s0[lev] if seen[lev] > 0.0 else 0.0
        return 0.0, 0.0, True
    schur = 0.0
    rhs = r1
    big = 0.0
    for lev in range(levels):
        if seen[lev] > 0.0:
            schur += s2[lev] - s1[lev] * s1[lev] / s0[lev]
            rhs -= s1[lev] * r0[lev] / s0[lev]
            big += s2[lev]
    if not schur > 1e-13 * big:
        return 0.0, 0.0, False
    b = rhs / schur
    for lev in range(levels):
        a[lev] = (r0[lev] - s1[lev] * b) / s0[lev] if seen[lev] > 0.0 else 0.0
    return b, 1.0 / schur, True


@njit(cache=True, error_model="numpy")
def _irls(y, ly, ylogy, p, t, codes, starts, trend, a, lv, mu, mu_prev):
    """glm.fit for the quasi-Poisson log link with prior weights p. Returns (b, converged, ok, var(b), mu,
    mu_prev): a holds the intercepts, mu the fitted means, mu_prev the means whose p mu were the last step's
    working weights, lv[5:8] the per-level sums of those weights (w, w t, w t^2). lv, mu and mu_prev are
    scratch space; mu and mu_prev come back swapped or not."""
    n = len(y)
    s0, s1, s2, r0, py, w0, w1, w2, seen = lv[0], lv[1], lv[2], lv[3], lv[4], lv[5], lv[6], lv[7], lv[9]
    levels = len(s0)
    for lev in range(levels):
        s0[lev] = s1[lev] = s2[lev] = r0[lev] = py[lev] = 0.0
    pyt = 0.0
    r1 = 0.0
    const = 0.0
    pye = 0.0
    pm = 0.0
    for i in range(n):
        lev = codes[i]
        yi = y[i]
        pi = p[i]
        m = yi + 0.1
        e = ly[i]
        mu[i] = m
        w = pi * m
        ti = t[i]
        wz = w * e + pi * yi - w
        s0[lev] += w
        s1[lev] += w * ti
        s2[lev] += w * ti * ti
        r0[lev] += wz
        r1 += wz * ti
        py[lev] += pi * yi
        pyt += pi * yi * ti
        const += pi * (ylogy[i] - yi)
        pye += pi * yi * e
        pm += w
    dev_old = 2.0 * (const - pye + pm)
    converged = False
    b = 0.0
    vb = 0.0
    for _ in range(MAXIT):
        w0[:] = s0
        w1[:] = s1
        w2[:] = s2
        mu, mu_prev = mu_prev, mu
        b, vb, ok = _solve(s0, s1, s2, r0, r1, trend, a, seen)
        if not ok:
            return 0.0, False, False, 0.0, mu, mu_prev
        _sums(a, b, t, codes, starts, p, mu, s0, s1, s2)
        pye = b * pyt
        pm = 0.0
        for lev in range(levels):
            pye += a[lev] * py[lev]
            pm += s0[lev]
        dev = 2.0 * (const - pye + pm)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < EPSILON:
            converged = True
            break
        dev_old = dev
        r1 = pyt
        for lev in range(levels):
            r0[lev] = a[lev] * s0[lev] + b * s1[lev] + py[lev] - s0[lev]
            r1 += a[lev] * s1[lev] + b * s2[lev] - s1[lev]
    if trend:  # var(b) of the working weights' X'WX (the step's own when it was solved from them)
        schur = 0.0
        for lev in range(levels):
            if seen[lev] > 0.0:
                schur += w2[lev] - w1[lev] * w1[lev] / w0[lev]
        vb = 1.0 / schur
    return b, converged, True, vb, mu, mu_prev


@njit(cache=True, error_model="numpy")
def _residuals(y, observed, wt, mu_prev, a, b, t, codes, starts):
    """(sum wt mu_prev r^2, sum wt r^2) over observed weeks, r = (y - mu) / mu = y / mu - 1, with 1 / mu =
    exp(-(a + b t)) along each run (no division per week)."""
    working = 0.0
    plain = 0.0
    inv_r = math.exp(-b)
    for k in range(len(starts) - 1):
        i0, i1 = starts[k], starts[k + 1]
        inv = math.exp(-(a[codes[i0]] + b * t[i0]))
        for i in range(i0, i1):
            if observed[i]:
                r = y[i] * inv - 1.0
                z = wt[i] * r * r
                plain += z
                working += z * mu_prev[i]
            inv *= inv_r
    return working, plain


@njit(cache=True, error_model="numpy")
def _fit(y, ly, ylogy, y23, observed, t, codes, starts, trend, reweight, weights_threshold, now_code, lv, wk):
    """One fit as farrington.py's _fit_model and predict: returns
    (ok, converged, slope, var(slope) x dispersion for the t test, df, phi, eta0, se_eta).
    lv (10 x levels) and wk (4 x weeks): scratch space."""
    n = len(y)
    levels = lv.shape[1]
    a, p, omega = lv[8], wk[0], wk[1]
    seen = lv[9]
    a[:] = 0.0
    seen[:] = 0.0
    nobs = 0
    for i in range(n):
        p[i] = 1.0 if observed[i] else 0.0
        nobs += observed[i]
        if observed[i]:
            seen[codes[i]] = 1.0
    rank = (1 if trend else 0)
    for lev in range(levels):
        rank += seen[lev] > 0.0
    df = nobs - rank
    if seen[now_code] == 0.0:  # R would predict from an aliased coefficient: left to the numpy engine
        return False, False, 0.0, 0.0, df, 0.0, 0.0, 0.0
    b, converged, ok, vb, mu, mu_prev = _irls(y, ly, ylogy, p, t, codes, starts, trend, a, lv, wk[2], wk[3])
    w0, w1 = lv[5], lv[6]
    if not ok:
        return False, False, 0.0, 0.0, df, 0.0, 0.0, 0.0
    disp, _ = _residuals(y, observed, p, mu_prev, a, b, t, codes, starts)
    disp /= df
    first_converged = converged
    inference = disp
    if reweight:
        phi = max(disp, 1.0)
        ratio_sum = 0.0
        limit = weights_threshold * weights_threshold
        sixth = math.exp(b / 6.0)
        inv_sixth = math.exp(-b / 6.0)
        for k in range(len(starts) - 1):
            i0, i1 = starts[k], starts[k + 1]
            lev = codes[i0]
            inv_w0 = 1.0 / w0[lev]
            c = w1[lev] * inv_w0 if trend else 0.0
            eta = a[lev] + b * t[i0]
            mu16 = math.exp(eta / 6.0)  # mu^(1/6) and mu^(-1/6) along the run, as mu itself
            inv16 = math.exp(-eta / 6.0)
            for i in range(i0, i1):
                m16 = mu16
                i16 = inv16
                mu16 *= sixth
                inv16 *= inv_sixth
                if not observed[i]:
                    omega[i] = 0.0
                    continue
                d = t[i] - c
                quad = inv_w0 + vb * d * d
                scale = phi * (1.0 - p[i] * mu_prev[i] * quad)
                an = 1.5 * (y23[i] * i16 - m16 * m16 * m16)
                if an > 0.0 and scale >= 0.0 and an * an > limit * scale:  # s > weights_threshold
                    omega[i] = scale / (an * an)
                else:
                    omega[i] = 1.0
                ratio_sum += omega[i]
        gamma = nobs / ratio_sum
        for i in range(n):
            omega[i] *= gamma
        for lev in range(levels):
            a[lev] = 0.0
        b, converged, ok, vb, mu, mu_prev = _irls(y, ly, ylogy, omega, t, codes, starts, trend, a, lv, mu, mu_prev)
        if not ok:
            return False, False, 0.0, 0.0, df, 0.0, 0.0, 0.0
        disp, inference = _residuals(y, observed, omega, mu_prev, a, b, t, codes, starts)
        disp /= df
        inference /= df
    var_now = 1.0 / w0[now_code]
    if trend:
        c = w1[now_code] / w0[now_code]
        var_now += vb * c * c
    return True, first_converged, b, vb * inference, df, max(disp, 1.0), a[now_code], math.sqrt(inference * var_now)


@njit(cache=True, parallel=True, error_model="numpy")
def fit_all(counts, series, times, offsets, codes, starts, levels, now_code, trend_first, reweight, weights_threshold,
            b_at_least_3, critical, threads, eta0, se_eta, phi, converged, use_trend, ok):
    """Every fit (series[f], evaluated period times[f]) over the sorted template: fills eta0, se_eta, phi,
    converged, use_trend and ok (False: singular, for the numpy engine). critical[df]: the trend test's |t|.
    log(y + 0.1), y log y and y^(2/3) come from tables for the small whole counts that make up most weeks."""
    table = TABLE
    small_log = np.empty(table)
    small_ylogy = np.empty(table)
    small_y23 = np.empty(table)
    for v in range(table):
        small_log[v] = math.log(v + 0.1)
        small_ylogy[v] = v * math.log(v) if v > 0 else 0.0
        c = np.cbrt(float(v))
        small_y23[v] = c * c
    n = len(offsets)
    steps = np.empty(n, dtype=np.int64)
    for i in range(n):
        steps[i] = int(offsets[i])
    fits = len(series)
    blocks = min(fits, 64 * threads)
    for blk in prange(blocks):
        lv = np.empty((10, levels))
        wk = np.empty((4, n))
        y, ly, ylogy, y23 = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
        observed = np.empty(n, dtype=np.bool_)
        for f in range(blk * fits // blocks, (blk + 1) * fits // blocks):
            s = series[f]
            now = times[f]
            top = -np.inf
            for i in range(n):
                v = counts[s, now + steps[i]]
                if math.isnan(v):
                    observed[i] = False
                    v = 0.0
                else:
                    observed[i] = True
                    if v > top:
                        top = v
                y[i] = v
                j = int(v) if 0.0 <= v < table else -1
                if j >= 0 and j == v:
                    ly[i], ylogy[i], y23[i] = small_log[j], small_ylogy[j], small_y23[j]
                else:
                    c = np.cbrt(v)
                    ly[i], ylogy[i], y23[i] = math.log(v + 0.1), (v * math.log(v) if v > 0 else 0.0), c * c
            done = False
            ok[f] = True
            if trend_first:
                good, conv, slope, var_slope, df, ph, e0, se = _fit(y, ly, ylogy, y23, observed, offsets, codes, starts,
                                                                   True, reweight, weights_threshold, now_code, lv, wk)
                if not good:
                    ok[f] = False
                    continue
                keep = conv and b_at_least_3 and df >= 0 and abs(slope / math.sqrt(var_slope)) > critical[max(df, 0)]
                if keep and math.exp(e0) <= top:
                    eta0[f], se_eta[f], phi[f], converged[f], use_trend[f] = e0, se, ph, conv, True
                    done = True
            if not done:
                good, conv, slope, var_slope, df, ph, e0, se = _fit(y, ly, ylogy, y23, observed, offsets, codes, starts,
                                                                   False, reweight, weights_threshold, now_code, lv, wk)
                if not good:
                    ok[f] = False
                    continue
                eta0[f], se_eta[f], phi[f], converged[f], use_trend[f] = e0, se, ph, conv, False


def threads() -> int:
    """numba's thread pool size (NUMBA_NUM_THREADS, default: the cores)."""
    from numba import get_num_threads

    return get_num_threads()


SUMMED_MEAN = 200.0  # negative binomial quantiles are summed for means below this, left to scipy above


@njit(cache=True, parallel=True, error_model="numpy")
def nbinom_quantile(q, size, prob, out):
    """The smallest k with P(X <= k) >= q for X ~ NB(size, prob) (scipy's nbinom.ppf, R's qnbinom), summing
    the probabilities up from 0 where the mean is below SUMMED_MEAN; NaN elsewhere (for scipy)."""
    for j in prange(len(size)):
        s, p = size[j], prob[j]
        out[j] = np.nan
        if not (s > 0.0 and 0.0 < p < 1.0 and 0.0 < q < 1.0) or s * (1.0 - p) / p >= SUMMED_MEAN:
            continue
        term = math.exp(s * math.log(p))
        total = term
        k = 0
        while total < q and k < 100_000:
            term *= (k + s) / (k + 1) * (1.0 - p)
            total += term
            k += 1
        if total >= q:
            out[j] = k


def warm() -> float:
    """Compile the kernels, or load them from numba's cache (``__pycache__`` beside this file, written on the
    first compile): ``make install`` calls this so that no run pays the ~10 s first compile. Returns seconds."""
    import time

    from surveillance.signals.methods.controls import FarringtonControl
    from surveillance.signals.methods.farrington import farrington_flexible

    began = time.perf_counter()
    weeks = np.arange(52 * 6)
    counts = np.round(20 + 10 * np.cos(2 * np.pi * weeks / 52))[None, :] + np.arange(3)[:, None]
    farrington_flexible(counts, FarringtonControl(no_periods=10, b=4, past_weeks_not_included=26,
                                                  threshold_method="nbPlugin"), last=2)
    return time.perf_counter() - began


if __name__ == "__main__":
    print(f"Farrington kernels compiled or loaded from numba's cache in {warm():.1f} s")
