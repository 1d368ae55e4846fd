/* Farrington flexible's model fits, one fit at a time: the compiled engine behind farrington_flexible
 * (surveillance/signals/methods/farrington_compiled.py loads this through ctypes and documents the method).
 *
 * Each fit is R's glm.fit for the quasi-Poisson log link (start mu = y + 0.1, R's convergence rule on the
 * deviance, maxit 25), the Anscombe reweighting and refit, the trend test and the prediction, in the
 * parametrisation "one intercept per season level + the slope of time counted from the evaluated week":
 * X'WX is then an arrowhead matrix, solved in O(levels), and along a run of consecutive weeks of one level
 * mu = exp(a + b t) is a geometric sequence (one exp per run). Built by `make install`:
 *     cc -O2 -std=c11 -shared -fPIC -o _farrington_kernel.so farrington_kernel.c -lm
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EPSILON 1e-8 /* glm.control() */
#define MAXIT 25
#define TABLE 1024 /* counts below this have log(y + 0.1), y log y and y^(2/3) looked up */

typedef struct {
    const double *t;      /* week offsets from the evaluated week, sorted by (level, offset) */
    const int64_t *codes; /* season level of each week */
    const int64_t *starts; /* runs of consecutive weeks of one level: starts[k] .. starts[k + 1] */
    int64_t n, runs, levels;
} Template;

static double small_log[TABLE], small_ylogy[TABLE], small_y23[TABLE];

/* Fill the lookup tables: called once, when the library is loaded, before any fit */
void init_tables(void) {
    for (int v = 0; v < TABLE; v++) {
        double c = cbrt((double)v);
        small_log[v] = log(v + 0.1);
        small_ylogy[v] = v > 0 ? v * log((double)v) : 0.0;
        small_y23[v] = c * c;
    }
}

typedef struct { /* per-level scratch */
    double *s0, *s1, *s2, *r0, *py, *w0, *w1, *w2, *a, *seen;
} Levels;

static double larger(double x, double floor_) { return floor_ > x ? floor_ : x; } /* numpy's maximum: NaN stays */

/* mu = exp(a[level] + b t) along each run; per-level sums of w, w t, w t^2 with w = p mu */
static void sums(const Template *tp, const double *a, double b, const double *p, double *mu, double *s0, double *s1,
                 double *s2) {
    for (int64_t l = 0; l < tp->levels; l++) s0[l] = s1[l] = s2[l] = 0.0;
    double r = exp(b);
    for (int64_t k = 0; k < tp->runs; k++) {
        int64_t i0 = tp->starts[k], i1 = tp->starts[k + 1], lev = tp->codes[i0];
        double m = exp(a[lev] + b * tp->t[i0]), z0 = 0.0, z1 = 0.0, z2 = 0.0;
        for (int64_t i = i0; i < i1; i++) {
            mu[i] = m;
            double w = p[i] * m, ti = tp->t[i];
            z0 += w;
            z1 += w * ti;
            z2 += w * ti * ti;
            m *= r;
        }
        s0[lev] += z0;
        s1[lev] += z1;
        s2[lev] += z2;
    }
}

/* Solve X'WX (a, b) = X'Wz; a level never observed has no column (R drops the aliased one). 0: singular */
static int solve(const Levels *lv, int64_t levels, double r1, int trend, double *b, double *vb) {
    for (int64_t l = 0; l < levels; l++)
        if (lv->seen[l] > 0.0 && !(lv->s0[l] > 0.0)) return 0;
    *b = 0.0;
    *vb = 0.0;
    if (!trend) {
        for (int64_t l = 0; l < levels; l++) lv->a[l] = lv->seen[l] > 0.0 ? lv->r0[l] / lv->s0[l] : 0.0;
        return 1;
    }
    double schur = 0.0, rhs = r1, big = 0.0;
    for (int64_t l = 0; l < levels; l++)
        if (lv->seen[l] > 0.0) {
            schur += lv->s2[l] - lv->s1[l] * lv->s1[l] / lv->s0[l];
            rhs -= lv->s1[l] * lv->r0[l] / lv->s0[l];
            big += lv->s2[l];
        }
    if (!(schur > 1e-13 * big)) return 0;
    *b = rhs / schur;
    for (int64_t l = 0; l < levels; l++)
        lv->a[l] = lv->seen[l] > 0.0 ? (lv->r0[l] - lv->s1[l] * *b) / lv->s0[l] : 0.0;
    *vb = 1.0 / schur;
    return 1;
}

/* glm.fit with prior weights p. On return lv->a, *b: the fit; *mu: fitted means; *mu_prev: the means whose
 * p mu were the last step's working weights (their per-level sums in lv->w0..w2); *vb: var(b) per unit
 * dispersion. Returns 0 when X'WX is singular. mu and mu_prev may come back swapped. */
static int irls(const Template *tp, const double *y, const double *ly, const double *ylogy, const double *p, int trend,
                Levels *lv, double **mu, double **mu_prev, double *b, double *vb, int *converged) {
    int64_t n = tp->n, levels = tp->levels;
    double *s0 = lv->s0, *s1 = lv->s1, *s2 = lv->s2, *r0 = lv->r0, *py = lv->py;
    for (int64_t l = 0; l < levels; l++) s0[l] = s1[l] = s2[l] = r0[l] = py[l] = 0.0;
    double pyt = 0.0, r1 = 0.0, constant = 0.0, pye = 0.0, pm = 0.0;
    double *m_now = *mu, *m_prev = *mu_prev;
    for (int64_t i = 0; i < n; i++) {
        int64_t lev = tp->codes[i];
        double yi = y[i], pi = p[i], m = yi + 0.1, e = ly[i], ti = tp->t[i];
        m_now[i] = m;
        double w = pi * m, wz = w * e + pi * yi - w;
        s0[lev] += w;
        s1[lev] += w * ti;
        s2[lev] += w * ti * ti;
        r0[lev] += wz;
        r1 += wz * ti;
        py[lev] += pi * yi;
        pyt += pi * yi * ti;
        constant += pi * (ylogy[i] - yi);
        pye += pi * yi * e;
        pm += w;
    }
    double dev_old = 2.0 * (constant - pye + pm);
    *converged = 0;
    *b = 0.0;
    *vb = 0.0;
    for (int it = 0; it < MAXIT; it++) {
        memcpy(lv->w0, s0, levels * sizeof(double));
        memcpy(lv->w1, s1, levels * sizeof(double));
        memcpy(lv->w2, s2, levels * sizeof(double));
        double *swap = m_now;
        m_now = m_prev;
        m_prev = swap;
        if (!solve(lv, levels, r1, trend, b, vb)) {
            *mu = m_now;
            *mu_prev = m_prev;
            return 0;
        }
        sums(tp, lv->a, *b, p, m_now, s0, s1, s2);
        pye = *b * pyt;
        pm = 0.0;
        for (int64_t l = 0; l < levels; l++) {
            pye += lv->a[l] * py[l];
            pm += s0[l];
        }
        double dev = 2.0 * (constant - pye + pm);
        if (fabs(dev - dev_old) / (fabs(dev) + 0.1) < EPSILON) {
            *converged = 1;
            break;
        }
        dev_old = dev;
        r1 = pyt;
        for (int64_t l = 0; l < levels; l++) {
            r0[l] = lv->a[l] * s0[l] + *b * s1[l] + py[l] - s0[l];
            r1 += lv->a[l] * s1[l] + *b * s2[l] - s1[l];
        }
    }
    if (trend) { /* var(b) of the working weights' X'WX */
        double schur = 0.0;
        for (int64_t l = 0; l < levels; l++)
            if (lv->seen[l] > 0.0) schur += lv->w2[l] - lv->w1[l] * lv->w1[l] / lv->w0[l];
        *vb = 1.0 / schur;
    }
    *mu = m_now;
    *mu_prev = m_prev;
    return 1;
}

/* sum wt mu_prev r^2 and sum wt r^2 over observed weeks, r = y / mu - 1, 1 / mu = exp(-(a + b t)) along runs */
static void residuals(const Template *tp, const double *y, const uint8_t *observed, const double *wt,
                      const double *mu_prev, const double *a, double b, double *working, double *plain) {
    double inv_r = exp(-b);
    *working = 0.0;
    *plain = 0.0;
    for (int64_t k = 0; k < tp->runs; k++) {
        int64_t i0 = tp->starts[k], i1 = tp->starts[k + 1];
        double inv = exp(-(a[tp->codes[i0]] + b * tp->t[i0]));
        for (int64_t i = i0; i < i1; i++) {
            if (observed[i]) {
                double r = y[i] * inv - 1.0, z = wt[i] * r * r;
                *plain += z;
                *working += z * mu_prev[i];
            }
            inv *= inv_r;
        }
    }
}

typedef struct {
    int ok, converged;
    double slope, var_slope, phi, eta0, se_eta;
    int64_t df;
} Fit;

/* One model as farrington.py's _fit_model and predict (with or without the trend) */
static Fit fit_one(const Template *tp, const double *y, const double *ly, const double *ylogy, const double *y23,
                   const uint8_t *observed, int trend, int reweight, double weights_threshold, int64_t now_code,
                   Levels *lv, double *p, double *omega, double *buf_a, double *buf_b) {
    Fit out = {0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0};
    int64_t n = tp->n, levels = tp->levels, nobs = 0, rank = trend ? 1 : 0;
    for (int64_t l = 0; l < levels; l++) lv->a[l] = lv->seen[l] = 0.0;
    for (int64_t i = 0; i < n; i++) {
        p[i] = observed[i] ? 1.0 : 0.0;
        if (observed[i]) {
            nobs++;
            lv->seen[tp->codes[i]] = 1.0;
        }
    }
    for (int64_t l = 0; l < levels; l++) rank += lv->seen[l] > 0.0;
    out.df = nobs - rank;
    if (lv->seen[now_code] == 0.0) return out; /* R would predict from an aliased coefficient: numpy engine */
    double *mu = buf_a, *mu_prev = buf_b, b, vb, disp, inference, unused;
    int converged;
    if (!irls(tp, y, ly, ylogy, p, trend, lv, &mu, &mu_prev, &b, &vb, &converged)) return out;
    residuals(tp, y, observed, p, mu_prev, lv->a, b, &disp, &unused);
    disp /= (double)out.df;
    inference = disp;
    int first_converged = converged;
    if (reweight) {
        double phi = larger(disp, 1.0), ratio_sum = 0.0, limit = weights_threshold * weights_threshold;
        double sixth = exp(b / 6.0), inv_sixth = exp(-b / 6.0);
        for (int64_t k = 0; k < tp->runs; k++) {
            int64_t i0 = tp->starts[k], i1 = tp->starts[k + 1], lev = tp->codes[i0];
            double inv_w0 = 1.0 / lv->w0[lev], c = trend ? lv->w1[lev] * inv_w0 : 0.0;
            double eta = lv->a[lev] + b * tp->t[i0], mu16 = exp(eta / 6.0), inv16 = exp(-eta / 6.0);
            for (int64_t i = i0; i < i1; i++) {
                double m16 = mu16, i16 = inv16;
                mu16 *= sixth;
                inv16 *= inv_sixth;
                if (!observed[i]) {
                    omega[i] = 0.0;
                    continue;
                }
                double d = tp->t[i] - c, quad = inv_w0 + vb * d * d;
                double scale = phi * (1.0 - p[i] * mu_prev[i] * quad);
                double an = 1.5 * (y23[i] * i16 - m16 * m16 * m16);
                omega[i] = (an > 0.0 && scale >= 0.0 && an * an > limit * scale) ? scale / (an * an) : 1.0;
                ratio_sum += omega[i];
            }
        }
        double gamma = (double)nobs / ratio_sum;
        for (int64_t i = 0; i < n; i++) omega[i] *= gamma;
        for (int64_t l = 0; l < levels; l++) lv->a[l] = 0.0;
        if (!irls(tp, y, ly, ylogy, omega, trend, lv, &mu, &mu_prev, &b, &vb, &converged)) return out;
        residuals(tp, y, observed, omega, mu_prev, lv->a, b, &disp, &inference);
        disp /= (double)out.df;
        inference /= (double)out.df;
    }
    double var_now = 1.0 / lv->w0[now_code];
    if (trend) {
        double c = lv->w1[now_code] / lv->w0[now_code];
        var_now += vb * c * c;
    }
    out.ok = 1;
    out.converged = first_converged;
    out.slope = b;
    out.var_slope = vb * inference;
    out.phi = larger(disp, 1.0);
    out.eta0 = lv->a[now_code];
    out.se_eta = sqrt(inference * var_now);
    return out;
}

/* Fits first .. last - 1: (series[f], evaluated period times[f]) of counts (series x periods, row-major,
 * NaN = missing). Fills eta0, se_eta, phi, converged, use_trend and ok (0: singular, for the numpy engine).
 * critical[df]: the trend test's |t| (df from 0 to the template's weeks). Returns 0, or -1 without memory. */
int fit_range(const double *counts, int64_t periods, const int64_t *series, const int64_t *times, int64_t first,
              int64_t last, const double *offsets, const int64_t *codes, int64_t n, const int64_t *starts,
              int64_t runs, int64_t levels, int64_t now_code, int trend_first, int reweight, double weights_threshold,
              int b_at_least_3, const double *critical, double *eta0, double *se_eta, double *phi,
              uint8_t *converged, uint8_t *use_trend, uint8_t *ok) {
    Template tp = {offsets, codes, starts, n, runs, levels};
    double *block = malloc(sizeof(double) * (size_t)(10 * levels + 9 * n));
    uint8_t *observed = malloc((size_t)n);
    int64_t *steps = malloc(sizeof(int64_t) * (size_t)n);
    if (!block || !observed || !steps) {
        free(block);
        free(observed);
        free(steps);
        return -1;
    }
    Levels lv;
    double **rows[] = {&lv.s0, &lv.s1, &lv.s2, &lv.r0, &lv.py, &lv.w0, &lv.w1, &lv.w2, &lv.a, &lv.seen};
    for (int r = 0; r < 10; r++) *rows[r] = block + r * levels;
    double *y = block + 10 * levels, *ly = y + n, *ylogy = ly + n, *y23 = ylogy + n;
    double *p = y23 + n, *omega = p + n, *buf_a = omega + n, *buf_b = buf_a + n;
    for (int64_t i = 0; i < n; i++) steps[i] = (int64_t)offsets[i];
    for (int64_t f = first; f < last; f++) {
        const double *row = counts + series[f] * periods + times[f];
        double top = -INFINITY;
        for (int64_t i = 0; i < n; i++) {
            double v = row[steps[i]];
            if (isnan(v)) {
                observed[i] = 0;
                v = 0.0;
            } else {
                observed[i] = 1;
                if (v > top) top = v;
            }
            y[i] = v;
            int64_t j = (v >= 0.0 && v < TABLE) ? (int64_t)v : -1;
            if (j >= 0 && (double)j == v) {
                ly[i] = small_log[j];
                ylogy[i] = small_ylogy[j];
                y23[i] = small_y23[j];
            } else {
                double c = cbrt(v);
                ly[i] = log(v + 0.1);
                ylogy[i] = v > 0 ? v * log(v) : 0.0;
                y23[i] = c * c;
            }
        }
        /* as R: the model with trend first, the one without only where the trend is not kept */
        Fit chosen = {0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0};
        int trend_kept = 0;
        if (trend_first) {
            chosen = fit_one(&tp, y, ly, ylogy, y23, observed, 1, reweight, weights_threshold, now_code, &lv, p, omega,
                             buf_a, buf_b);
            trend_kept = chosen.ok && chosen.converged && b_at_least_3 && chosen.df >= 0 &&
                         fabs(chosen.slope / sqrt(chosen.var_slope)) > critical[chosen.df > 0 ? chosen.df : 0] &&
                         exp(chosen.eta0) <= top;
        }
        if (!trend_first || (chosen.ok && !trend_kept)) /* a singular trend model leaves the fit to numpy */
            chosen = fit_one(&tp, y, ly, ylogy, y23, observed, 0, reweight, weights_threshold, now_code, &lv, p, omega,
                             buf_a, buf_b);
        ok[f] = (uint8_t)chosen.ok; /* not ok: X'WX singular, the fit is left to the numpy engine */
        if (!chosen.ok) continue;
        eta0[f] = chosen.eta0;
        se_eta[f] = chosen.se_eta;
        phi[f] = chosen.phi;
        converged[f] = (uint8_t)chosen.converged;
        use_trend[f] = (uint8_t)trend_kept;
    }
    free(block);
    free(observed);
    free(steps);
    return 0;
}

/* The smallest k with P(X <= k) >= q for X ~ NB(size[j], prob[j]) (scipy's nbinom.ppf, R's qnbinom), summing
 * the probabilities up from 0 where the mean is below summed_mean; NaN elsewhere (left to scipy). */
void nbinom_quantile(double q, const double *size, const double *prob, int64_t count, double summed_mean,
                     double *out) {
    for (int64_t j = 0; j < count; j++) {
        double s = size[j], p = prob[j];
        out[j] = NAN;
        if (!(s > 0.0 && p > 0.0 && p < 1.0 && q > 0.0 && q < 1.0) || s * (1.0 - p) / p >= summed_mean) continue;
        double term = exp(s * log(p)), total = term;
        int64_t k = 0;
        while (total < q && k < 100000) {
            term *= (k + s) / (k + 1) * (1.0 - p);
            total += term;
            k++;
        }
        if (total >= q) out[j] = (double)k;
    }
}
