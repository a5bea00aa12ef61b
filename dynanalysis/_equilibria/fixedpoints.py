"""Equilibria (fixed points) of a model in a box, with their Jacobians and stability.

One variable: every root on a grid by brackets and tangency search (:func:`roots.roots_1d`).
Two or more: damped Newton from many seeds at once (a grid, quasi-random points, nullcline
vertices), one compiled program for all seeds.  Converged points are de-duplicated by their
distance scaled by the box, kept if inside the box, and classified from their eigenvalues.
Seeds that did not converge are counted in ``n_failed``, never reported as equilibria.
"""
from __future__ import annotations

import dataclasses
from functools import partial
from typing import Mapping

import numpy as np
import jax

from dynanalysis import budget

from dynanalysis._numerics import spectra as stability
from dynanalysis._model.domain import Domain, domain, halton
from dynanalysis._model.results import Result, plain, renamed
from dynanalysis._numerics.status import Status
from dynanalysis._numerics.roots import classify_1d, roots_1d
from dynanalysis._numerics.newton import newton_batch
from dynanalysis._numerics.batch import apply
from dynanalysis._model.system import require_autonomous
from dynanalysis._model.xla import jit, scope

DEDUP_TOL = 1e-7   # scaled distance under which two roots are the same
BOX_MARGIN = 1e-9  # scaled: roots exactly on the box's edge are kept


@renamed(values="states")
@dataclasses.dataclass(frozen=True)
class FixedPoints(Result):
    """Distinct equilibria found; arrays have one entry per point.

    ``states[name]`` (k,) (formerly ``values``, a deprecated alias), ``eigenvalues`` (k, d) complex
    sorted by real part, ``jacobians`` (k, d, d), ``labels`` (k,), ``residuals`` (k,) = max_i |f_i| / range_i, ``converged`` (k,).
    ``n_seeds`` seeds were tried, ``n_failed`` of them did not converge to a root in the box.
    ``excluded`` (m, d): roots of the flow where a hybrid model's spike condition holds (it
    fires and resets there, so they are not equilibria of the model); empty for smooth models.
    """

    names: tuple
    states: dict
    eigenvalues: np.ndarray
    jacobians: np.ndarray
    labels: np.ndarray
    residuals: np.ndarray
    converged: np.ndarray
    n_seeds: int
    n_failed: int
    model: object = None
    params: dict = None
    fixed: dict = None
    excluded: np.ndarray = None

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def points(self) -> np.ndarray:
        return np.stack([self.states[n] for n in self.names], axis=-1)

    @property
    def stable(self) -> np.ndarray:
        return stability.stable_labels(self.labels)

    @property
    def status(self) -> Status:
        """``converged`` when every reported point converged, ``not found`` when there is none."""
        if not len(self):
            return Status.NOT_FOUND
        return Status.CONVERGED if bool(np.all(self.converged)) else Status.NO_CONVERGENCE

    @property
    def message(self) -> str:
        return (f"{len(self)} equilibri{'um' if len(self) == 1 else 'a'} found; {self.n_failed} of "
                f"{self.n_seeds} seeds did not converge to a root in the box")

    def to_dict(self) -> dict:
        return {**super().to_dict(), "status": self.status.value, "message": self.message,
                "stable": plain(self.stable),
                "points": [{**{n: plain(self.states[n][i]) for n in self.names},
                            "label": str(self.labels[i]),
                            "eigenvalues": plain(self.eigenvalues[i]),
                            "residual": plain(self.residuals[i])} for i in range(len(self))],
                "excluded": [] if self.excluded is None else plain(np.asarray(self.excluded))}

    def plot(self, ax=None, x=None, y=None, **style):
        """Markers by stability label (:func:`dynanalysis.plotting.plot_fixed_points`); returns the Axes."""
        from dynanalysis.plotting import plot_fixed_points
        return plot_fixed_points(self, ax=ax, x=x, y=y, **style)

    def __repr__(self) -> str:
        rows = [", ".join(f"{n}={self.states[n][i]:.10g}" for n in self.names) + f"  {self.labels[i]}"
                for i in range(len(self))]
        beyond = 0 if self.excluded is None else len(self.excluded)
        note = f", {beyond} root(s) beyond the spike threshold excluded" if beyond else ""
        return f"FixedPoints({len(self)} found, {self.n_failed}/{self.n_seeds} seeds failed{note})\n  " + "\n  ".join(rows)


# --------------------------------------------------------------------------- compiled kernels
@partial(jit, static_argnames=("flow", "n"))
def _roots_line(flow, lo, hi, p, n):
    f = lambda y: flow.rhs(y[None], p)[0]  # noqa: E731
    x, valid, double, overflow = roots_1d(f, lo, hi, n, k=n)
    code = classify_1d(f, x, valid, double, hi - lo)
    return x, valid, code, jax.vmap(jax.grad(f))(x), jax.vmap(f)(x)


@partial(jit, static_argnames=("flow",))
def _fires(flow, X, P):
    """Whether a hybrid model's spike condition holds at each row of X (it fires, not rests)."""
    return jax.vmap(flow.fires)(X, P)


def firing(flow, X, P) -> np.ndarray:
    """:func:`_fires` on the host for states X (k, n) and parameters P (m,) or (k, m): (k,)
    bool, all False for a smooth model."""
    X = np.asarray(X, float)
    if not flow.is_hybrid or not len(X):
        return np.zeros(len(X), bool)
    P = np.broadcast_to(np.asarray(P, float), (len(X), flow.n_params))
    with scope():
        return apply(partial(_fires, flow), (X, P))


# --------------------------------------------------------------------------- host helpers
def distinct(points: np.ndarray, scale: np.ndarray, tol: float = DEDUP_TOL) -> np.ndarray:
    """Indices of the rows kept, in their order: a row closer than ``tol`` (max-norm, scaled by
    ``scale``) to an earlier kept row is a duplicate."""
    z = points / scale
    keep: list[int] = []
    for i in range(len(z)):
        if not keep or np.min(np.max(np.abs(z[keep] - z[i]), axis=1)) > tol:
            keep.append(i)
    return np.array(keep, dtype=int)


def dedupe(points: np.ndarray, scale: np.ndarray, tol: float = DEDUP_TOL) -> np.ndarray:
    """Indices of distinct rows (first of each cluster), sorted by the points' coordinates."""
    return np.array(sorted(distinct(points, scale, tol), key=lambda i: tuple(points[i])), dtype=int)


GRID = 30  # default seeds of a plane: a GRID x GRID grid


def _seed_array(dom: Domain, seeds) -> np.ndarray:
    d = dom.dim
    if seeds is None:
        seeds = GRID if d == 2 else 1024
        if d == 2:
            g = [np.linspace(dom.lo[i], dom.hi[i], seeds) for i in range(2)]
            return np.stack([a.ravel() for a in np.meshgrid(*g, indexing="ij")], axis=-1)
    if isinstance(seeds, (int, np.integer)):
        if seeds < 1:
            raise ValueError(f"seeds must be a positive count, got {seeds}")
        u = halton(int(seeds), d)
        return dom.lo + u * (dom.hi - dom.lo)
    if isinstance(seeds, Mapping):
        unknown = [k for k in seeds if k not in dom.names]
        missing = [k for k in dom.names if k not in seeds]
        if unknown or missing:
            raise ValueError(f"seeds must give every free variable {list(dom.names)}; "
                             f"unknown {unknown}, missing {missing}")
        seeds = np.stack(np.broadcast_arrays(*[np.asarray(seeds[n], float) for n in dom.names]), -1)
    arr = np.asarray(seeds, dtype=float)
    if arr.ndim == 1 and d == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] != d:
        raise ValueError(f"seeds must have shape (k, {d}) for variables {list(dom.names)}, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("seeds contain non-finite values")
    return arr


def _result(dom: Domain, x, J, res, conv, n_seeds, code=None) -> FixedPoints:
    """Keep converged, in-box, distinct roots; set apart those where a hybrid model fires.
    ``code``: 1-D roots' :func:`roots.classify_1d` codes (non-hyperbolic roots named)."""
    inside = np.all((x >= dom.lo - BOX_MARGIN * dom.scale) & (x <= dom.hi + BOX_MARGIN * dom.scale), axis=1)
    good = conv & inside & np.all(np.isfinite(x), axis=1)
    n_failed = int(np.sum(~conv))
    x, J, res = x[good], J[good], res[good]
    keep = dedupe(x, dom.scale) if len(x) else np.zeros(0, int)
    x, J, res = x[keep], J[keep], res[keep]
    fires = firing(dom.flow, x, dom.p)
    excluded, x, J, res = x[fires], x[~fires], J[~fires], res[~fires]
    ev = stability.eigenvalues(J)
    if code is None:
        lab = stability.labels(ev, stability.jacobian_scale(J))
    else:
        lab = stability.labels_1d(ev, stability.jacobian_scale(J), code[good][keep][~fires])
    values = {n: x[:, i] for i, n in enumerate(dom.names)}
    return FixedPoints(dom.names, values, ev, J, lab, res, np.ones(len(x), bool), int(n_seeds),
                       n_failed, dom.model, dom.params(), dict(dom.fixed), excluded)


def solve(dom: Domain, seeds=None, resolution: int | None = None, extra_seeds=None) -> FixedPoints:
    """Fixed points in a validated domain (see :func:`fixed_points`)."""
    flow = dom.flow
    require_autonomous(flow, "equilibria")
    with scope():
        p = dom.p
        if dom.dim == 1 and seeds is None:
            n = int(resolution or 2001)
            budget.check(8.0 * 40 * n, "the 1-D root search", "lower the resolution")
            x, valid, code, d, f = jax.device_get(
                _roots_line(flow, dom.lo[0], dom.hi[0], p, n))
            scale = dom.scale[0]
            res = np.abs(f) / scale
            return _result(dom, x[valid, None], d[valid, None, None], res[valid], np.ones(valid.sum(), bool),
                           n, code[valid])
        s = _seed_array(dom, seeds)
        if extra_seeds is not None and len(extra_seeds):
            s = np.concatenate([s, np.asarray(extra_seeds, float).reshape(-1, dom.dim)])
        budget.check(8.0 * len(s) * dom.dim * (dom.dim + 16), "the Newton seeds", "use fewer seeds")
        n = len(s)
        x, ok, res, J = apply(lambda X, M: newton_batch(flow, X, M, p, dom.scale), (s, np.ones_like(s)))
        return _result(dom, x, J, res, ok, n)


def fixed_points(model, box: Mapping, *, params: Mapping | None = None,
                 fixed_vars: Mapping | None = None, seeds=None, resolution: int | None = None) -> FixedPoints:
    """All equilibria of ``model`` with the variables of ``box`` in their ranges.

    Parameters
    ----------
    box : ``{variable: (lo, hi)}`` for the variables to solve for.  Every other variable must be
        held at a value in ``fixed_vars``.
    params : parameter values overriding the model's defaults.
    seeds : ``None`` (1-D: a grid of ``resolution`` points with brackets and tangency search;
        2-D: a 30 x 30 grid; higher: 1024 Halton points), an integer (that many Halton points),
        or explicit seeds ``(k, d)`` / ``{variable: array}``.
    """
    dom = domain(model, box, fixed_vars=fixed_vars, params=params, box_name="box",
                 params_name="params")
    return solve(dom, seeds=seeds, resolution=resolution)
