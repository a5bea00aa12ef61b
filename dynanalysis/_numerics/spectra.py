r"""Stability of equilibria from the eigenvalues of the Jacobian.

Eigenvalues are computed on the host with NumPy (``eig`` is not available on every JAX backend,
and there are few equilibria); Jacobians come from autodiff.  A real part counts as zero when
:math:`|\mathrm{Re}\,\lambda| \le \mathrm{rtol} \cdot \|J\|`, never by ``== 0``, so the label does
not depend on the units of time.

Labels
  1-D: ``stable``, ``unstable``; with a zero eigenvalue (:func:`labels_1d`) the flow on both
  sides decides: ``degenerate stable`` (towards the point from both sides, e.g. x' = -x^3),
  ``degenerate unstable`` (away on both sides, x' = x^3) or ``saddle-node`` (towards it on one
  side, away on the other: x' = x^2).
  n-D (n >= 2): ``stable node`` / ``stable focus`` (all Re < 0; focus if the leading
  eigenvalue, the one with the largest real part, is complex), ``unstable node`` /
  ``unstable focus`` (all Re > 0; by the leading eigenvalue), ``saddle`` in 2-D and
  ``saddle (k unstable)`` in higher dimension, ``center`` (all eigenvalues imaginary and
  non-zero) and ``degenerate`` (any other non-hyperbolic case, e.g. a zero eigenvalue).
"""
from __future__ import annotations

from functools import partial

import numpy as np
import jax

from dynanalysis._model.xla import jit, scope

RTOL = 1e-8


@partial(jit, static_argnames=("flow",))
def _jacobian(flow, x, p):
    return jax.jacfwd(lambda y: flow.rhs(y, p))(x)


def jacobian(flow, x, p) -> np.ndarray:
    """The Jacobian f_x at one point, float64 (one compiled program per model)."""
    with scope():
        return np.asarray(_jacobian(flow, np.asarray(x, float), np.asarray(p, float)))


def eigenvalues(jacobians) -> np.ndarray:
    """Eigenvalues ``(..., n)`` (complex) of Jacobians ``(..., n, n)``, sorted by real part, descending."""
    return spectrum(jacobians)[0]


def jacobian_scale(jacobians) -> np.ndarray:
    """The scale tolerances are relative to: the largest |entry| of each Jacobian."""
    J = np.asarray(jacobians, dtype=float)
    return np.max(np.abs(J), axis=(-2, -1)) if J.shape[-1] else np.zeros(J.shape[:-2])


def labels(eigs, scales, rtol: float = RTOL) -> np.ndarray:
    """Labels (object array of str, shape ``(...)``) for eigenvalue rows ``(..., n)``."""
    ev = np.asarray(eigs, dtype=complex)
    n = ev.shape[-1]
    tol = rtol * np.maximum(np.asarray(scales, dtype=float), np.finfo(float).tiny)[..., None]
    re, im = ev.real, ev.imag
    n_pos, n_neg = np.sum(re > tol, -1), np.sum(re < -tol, -1)
    if n == 1:
        return np.where(n_pos > 0, "unstable", np.where(n_neg > 0, "stable", "saddle-node")).astype(object)
    lead_imag = np.take_along_axis(im, np.argmax(re, -1)[..., None], -1)[..., 0]
    kind_ = np.where(np.abs(lead_imag) > tol[..., 0], "focus", "node")
    saddle = np.char.add("saddle (", np.char.add(n_pos.astype(str), " unstable)")) if n > 2 \
        else np.full(n_pos.shape, "saddle")
    out = np.where(n_pos > 0, np.char.add("unstable ", kind_), np.char.add("stable ", kind_))
    out = np.where((n_pos > 0) & (n_neg > 0), saddle, out)
    center = (n_pos == 0) & (n_neg == 0) & np.all(np.abs(im) > tol, -1)
    out = np.where(n_pos + n_neg < n, np.where(center, "center", "degenerate"), out)
    return np.asarray(out, dtype=object)


DEGENERATE_1D = ("", "degenerate stable", "degenerate unstable", "saddle-node")


def labels_1d(eigs, scales, code, rtol: float = RTOL) -> np.ndarray:
    """1-D labels with the non-hyperbolic roots named by ``code`` (:func:`roots.classify_1d`:
    0 hyperbolic, 1 degenerate stable, 2 degenerate unstable, 3 saddle-node)."""
    code = np.asarray(code)
    out = labels(eigs, scales, rtol)
    return np.where(code > 0, np.asarray(DEGENERATE_1D, dtype=object)[code], out).astype(object)


def label(ev, scale, rtol: float = RTOL) -> str:
    """Stability label of one equilibrium from its eigenvalues ``ev`` (shape ``(n,)``)."""
    return str(labels(np.asarray(ev)[None], np.asarray([scale]), rtol)[0])


def is_stable(label_: str) -> bool:
    """Asymptotically stable (a degenerate stable root attracts, though not exponentially)."""
    return label_.startswith("stable") or label_ == "degenerate stable"


def stable_labels(labels_) -> np.ndarray:
    """:func:`is_stable` of every label in an array (bool, same shape): the one stability rule of
    equilibria, which every equilibrium result derives its ``stable`` from."""
    lab = np.asarray(labels_, dtype=object)
    if not lab.size:
        return np.zeros(lab.shape, bool)
    s = lab.astype(str)  # vectorised string tests: a sweep has millions of slots
    return np.char.startswith(s, "stable") | (s == "degenerate stable")


def unstable_eigenvalues(eigs, scales, rtol: float = RTOL, counted=None):
    """How many eigenvalues per row ``(..., n)`` have a real part above ``rtol * scale`` (the
    zero tolerance of :func:`labels`); ``counted``: a mask of the ones that count (a curve of
    bifurcations leaves its critical eigenvalues out).  Along branches, a point is stable when
    this is 0."""
    ev = np.asarray(eigs, dtype=complex)
    up = ev.real > rtol * np.asarray(scales, float)[..., None]
    return np.sum(up if counted is None else up & counted, axis=-1)


def unstable_multipliers(multipliers, tol: float = 0.0):
    """How many Floquet multipliers ``(..., n)``, the trivial one (closest to 1) left out, lie
    outside the circle of radius 1 + tol."""
    mu = np.asarray(multipliers, dtype=complex)
    trivial = np.argmin(np.abs(mu - 1.0), axis=-1)
    outside = np.abs(mu) > 1.0 + tol
    np.put_along_axis(outside, trivial[..., None], False, axis=-1)
    return np.sum(outside, axis=-1)


def stable_cycle(multipliers, tol: float = 0.0):
    r"""The one stability rule of periodic orbits: no Floquet multiplier but the trivial one
    outside the circle of radius 1 + tol (:func:`unstable_multipliers`).  ``multipliers``
    ``(..., n)``; returns bool ``(...)`` (a Python bool for one orbit), None for ``None`` (no
    multipliers: stability unknown)."""
    if multipliers is None:
        return None
    out = unstable_multipliers(multipliers, tol) == 0
    return bool(out) if out.ndim == 0 else out


def kind(label_: str) -> str:
    """Style key of a label: ``saddle (2 unstable)`` -> ``saddle``."""
    return label_.split(" (")[0]


# --------------------------------------------------------------------------- spectra of many points (high-dimensional)
def spectrum(jacobians, kind: str = "continuous", vectors: bool = False):
    """Eigenvalues ``(..., n)`` sorted by stability (largest real part, or modulus for a map,
    first) and, if ``vectors``, unit eigenvectors ``(..., n, n)`` as the matching columns."""
    J = np.asarray(jacobians, dtype=float)
    if not J.size:  # no points (or no variables): nothing to decompose
        return np.zeros(J.shape[:-1], complex), (np.zeros(J.shape, complex) if vectors else None)
    if vectors:
        ev, V = np.linalg.eig(J)
    else:
        ev, V = np.linalg.eigvals(J), None
    key = np.abs(ev) if kind == "discrete" else ev.real
    order = np.argsort(-key, axis=-1, kind="stable")
    ev = np.take_along_axis(ev.astype(complex), order, axis=-1)
    if vectors:
        V = np.take_along_axis(V.astype(complex), order[..., None, :], axis=-1)
    return ev, V


def growth(eigenvalues, kind: str = "continuous") -> np.ndarray:
    """Distance past the stability boundary: Re l (continuous) or |l| - 1 (discrete)."""
    ev = np.asarray(eigenvalues)
    return np.abs(ev) - 1.0 if kind == "discrete" else ev.real


def counts(eigenvalues, scales, kind: str = "continuous", rtol: float = RTOL):
    """``(n_unstable, n_neutral)`` per row: eigenvalues past or on the stability boundary."""
    g = growth(eigenvalues, kind)
    tol = rtol * np.maximum(np.asarray(scales, float), np.finfo(float).tiny)[..., None]
    return np.sum(g > tol, -1), np.sum(np.abs(g) <= tol, -1)


def count_label(n_unstable: int, n_neutral: int, n: int) -> str:
    """``stable``, ``unstable``, ``saddle (k unstable)``, with ``, j neutral`` when the
    boundary is touched (``marginally stable (j neutral)`` without unstable directions)."""
    neutral = f"{n_neutral} neutral"
    if n_unstable == 0:
        return f"marginally stable ({neutral})" if n_neutral else "stable"
    if n_unstable == n:
        return "unstable"
    return f"saddle ({n_unstable} unstable" + (f", {neutral})" if n_neutral else ")")


# --------------------------------------------------------------------------- critical eigenvalues and multipliers
def critical_pair(ev):
    """Critical pair of each row of eigenvalues (N, n): the two whose sum is nearest zero.
    Returns ``(kappa, others)``: their product (real) and a mask of the remaining eigenvalues."""
    n = ev.shape[-1]
    i, j = np.triu_indices(n, 1)
    k = np.argmin(np.abs(ev[:, i] + ev[:, j]), axis=-1)
    a, b = ev[np.arange(len(ev)), i[k]], ev[np.arange(len(ev)), j[k]]
    others = np.ones(ev.shape, bool)
    others[np.arange(len(ev)), i[k]] = False
    others[np.arange(len(ev)), j[k]] = False
    return (a * b).real, others


def critical_zero(ev):
    """A mask of each row's eigenvalues without the one nearest zero (the critical one of a fold)."""
    others = np.ones(ev.shape, bool)
    others[np.arange(len(ev)), np.argmin(np.abs(ev), axis=-1)] = False
    return others


def zero_hopf_test(ev, others, tol):
    """Real part of the complex pair among the other eigenvalues nearest to the imaginary axis
    (NaN where there is none) -- the zero-Hopf test on a fold curve."""
    cplx = others & (np.abs(ev.imag) > tol[:, None])
    re = np.where(cplx, ev.real, np.inf)
    k = np.argmin(np.abs(re), axis=-1)
    out = np.take_along_axis(ev.real, k[:, None], -1)[:, 0]
    return np.where(np.any(cplx, axis=-1), out, np.nan)


def floquet(M):
    """Floquet multipliers sorted by modulus, and the index of the trivial one (closest to 1), for
    one monodromy matrix or a stack."""
    mu = np.linalg.eigvals(M)
    mu = np.take_along_axis(mu, np.argsort(-np.abs(mu), axis=-1, kind="stable"), axis=-1)
    return mu, np.argmin(np.abs(mu - 1.0), axis=-1)


def neimark_sacker_test(mu, trivial):
    """prod_{i<j} (mu_i mu_j - 1) over the non-trivial multipliers: zero where a pair crosses the unit circle."""
    rest = np.delete(mu, trivial)
    prods = [rest[i] * rest[j] - 1.0 for i in range(len(rest)) for j in range(i)]
    return float(np.real(np.prod(prods))) if prods else 1.0
