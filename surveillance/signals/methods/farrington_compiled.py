"""Farrington flexible's model fits in compiled code (``farrington_kernel.c``, loaded through ctypes): the fast
engine behind ``farrington_flexible``; ``farrington.py``'s batched numpy IRLS stays the reference engine and the
fallback.

The same iteratively reweighted least squares as R's glm.fit (start mu = y + 0.1, R's convergence rule
on the deviance, maxit 25), the same Anscombe reweighting, trend test and prediction, in a parametrisation
that makes each step cheap: one intercept per season level plus the slope of time measured from the
evaluated week (the same model as R's intercept + treatment dummies + wtime, so the same fitted values,
slope, prediction and standard errors). Its X'WX is an arrowhead matrix, solved and inverted in O(levels);
the weeks are sorted into runs of consecutive weeks of one level, along which mu = exp(a + b t) is a
geometric sequence, so a step costs one exp per run and five multiply-adds per week. A season level without
an observed week has no column, as R drops an aliased one.

The library is built by ``make install`` (``python -m surveillance.signals.methods.farrington_compiled``) and
rebuilt here when the C source is newer; without a C compiler the numpy engine is used, with a warning. Fits
run on every core: ctypes releases the GIL, so a thread per slice of the fits runs in parallel.
"""

from __future__ import annotations

import ctypes
import itertools
import logging
import os
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import TypeVar

import numpy as np

from surveillance.settings import c_compiler

log = logging.getLogger(__name__)
T = TypeVar("T")

SOURCE = Path(__file__).with_name("farrington_kernel.c")
LIBRARY = Path(__file__).with_name("_farrington_kernel" + (sysconfig.get_config_var("SHLIB_SUFFIX") or ".so"))
FLAGS = ["-O2", "-std=c11", "-shared", "-fPIC"]
SUMMED_MEAN = 200.0  # negative binomial quantiles are summed for means below this, left to scipy above

_F64 = np.ctypeslib.ndpointer(dtype=np.float64, flags="C_CONTIGUOUS")
_I64 = np.ctypeslib.ndpointer(dtype=np.int64, flags="C_CONTIGUOUS")
_U8 = np.ctypeslib.ndpointer(dtype=np.uint8, flags="C_CONTIGUOUS")
_i64, _int, _f64 = ctypes.c_int64, ctypes.c_int, ctypes.c_double


def build() -> Path:
    """Compile the C kernel into the package (``cc``, or ``$CC``); raises CalledProcessError on failure."""
    compiler = c_compiler()
    partial = LIBRARY.with_suffix(f".{os.getpid()}.tmp")
    subprocess.run([compiler, *FLAGS, "-o", str(partial), str(SOURCE), "-lm"], check=True, capture_output=True, text=True)
    partial.replace(LIBRARY)  # atomic: a process loading it meanwhile sees the old or the new library whole
    return LIBRARY


def _reason(exc: Exception) -> str:
    """Why building or loading failed: the compiler's own message, or the OS error."""
    return (getattr(exc, "stderr", "") or str(exc)).strip()[:300]


@cache
def library() -> ctypes.CDLL | None:
    """The loaded kernel, built first if missing or older than its source; None (and a warning) if it cannot be."""
    try:
        if not LIBRARY.exists() or LIBRARY.stat().st_mtime < SOURCE.stat().st_mtime:
            build()
        lib = ctypes.CDLL(str(LIBRARY))
    except (OSError, subprocess.CalledProcessError) as exc:
        log.warning("the compiled Farrington engine is unavailable (%s); using the numpy engine", _reason(exc))
        return None
    lib.init_tables.argtypes, lib.init_tables.restype = [], None
    lib.fit_range.argtypes = [_F64, _i64, _I64, _I64, _i64, _i64, _F64, _I64, _i64, _I64, _i64, _i64, _i64, _int, _int,
                              _f64, _int, _F64, _F64, _F64, _F64, _U8, _U8, _U8]
    lib.fit_range.restype = _int
    lib.nbinom_quantile.argtypes = [_f64, _F64, _F64, _i64, _f64, _F64]
    lib.nbinom_quantile.restype = None
    lib.init_tables()
    return lib


def available() -> bool:
    return library() is not None


def runs(offsets: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The template's weeks sorted by (level, offset), and the runs of consecutive weeks of one level:
    (offsets sorted, codes sorted, run starts with a final end)."""
    order = np.lexsort((offsets, codes))
    offs, cods = offsets[order], codes[order]
    breaks = np.flatnonzero((np.diff(cods) != 0) | (np.diff(offs) != 1)) + 1
    return (np.ascontiguousarray(offs, dtype=np.float64), np.ascontiguousarray(cods, dtype=np.int64),
            np.concatenate([[0], breaks, [len(offs)]]).astype(np.int64))


def in_slices(count: int, work: Callable[[int, int], T], minimum: int) -> list[T]:
    """work(start, stop) over slices of range(count), on threads when there are at least two slices of
    ``minimum`` items (for work that releases the GIL: this library, scipy's distribution functions)."""
    parts = max(1, min(4 * (os.cpu_count() or 1), count // minimum))
    bounds = [(int(a), int(b)) for a, b in itertools.pairwise(np.linspace(0, count, parts + 1).astype(int)) if b > a]
    if len(bounds) < 2:
        return [work(a, b) for a, b in bounds]
    with ThreadPoolExecutor(min(len(bounds), os.cpu_count() or 1)) as pool:
        return list(pool.map(lambda ab: work(*ab), bounds))


def fit_all(counts: np.ndarray, series: np.ndarray, times: np.ndarray, offsets: np.ndarray, codes: np.ndarray,
            starts: np.ndarray, levels: int, now_code: int, trend_first: bool, reweight: bool,
            weights_threshold: float, b_at_least_3: bool, critical: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every fit (series[f], evaluated period times[f]) of ``counts`` (series x periods, NaN = missing) over the
    sorted template: (eta0, se_eta, phi, converged, use_trend, ok), ok False where X'WX is singular (for the
    numpy engine). critical[df]: the trend test's |t|. Call only when ``available()``."""
    lib = library()
    counts = np.require(counts, dtype=np.float64, requirements=["C"])
    series, times = np.ascontiguousarray(series, dtype=np.int64), np.ascontiguousarray(times, dtype=np.int64)
    critical = np.ascontiguousarray(critical, dtype=np.float64)
    fits = len(series)
    eta0, se_eta, phi = np.full(fits, np.nan), np.full(fits, np.nan), np.full(fits, np.nan)
    converged, use_trend, ok = np.zeros(fits, np.uint8), np.zeros(fits, np.uint8), np.zeros(fits, np.uint8)

    def work(first: int, last: int) -> int:
        return lib.fit_range(counts, counts.shape[1], series, times, first, last, offsets, codes, len(offsets),
                             starts, len(starts) - 1, levels, now_code, trend_first, reweight, weights_threshold,
                             b_at_least_3, critical, eta0, se_eta, phi, converged, use_trend, ok)

    if any(in_slices(fits, work, minimum=2_000)):
        raise MemoryError("the compiled Farrington engine could not allocate its scratch space")
    return eta0, se_eta, phi, converged.astype(bool), use_trend.astype(bool), ok.astype(bool)


def nbinom_quantile(q: float, size: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """The smallest k with P(X <= k) >= q for X ~ NB(size, prob) (scipy's nbinom.ppf, R's qnbinom) where the
    mean is below SUMMED_MEAN; NaN elsewhere and without the compiled library (for scipy)."""
    size, prob = np.ascontiguousarray(size, dtype=np.float64), np.ascontiguousarray(prob, dtype=np.float64)
    out = np.full(len(size), np.nan)
    lib = library()
    if lib is not None:
        in_slices(len(size), lambda a, b: lib.nbinom_quantile(q, size[a:b], prob[a:b], b - a, SUMMED_MEAN, out[a:b]),
                  minimum=50_000)
    return out


if __name__ == "__main__":  # make install
    try:
        print(f"built the compiled Farrington engine: {build()}")
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"warning: the compiled Farrington engine could not be built ({_reason(exc)}); Farrington flexible will run on "
              "the numpy engine, about ten times slower. Install a C compiler (apt-get install gcc): the next run "
              "builds it.", file=sys.stderr)
