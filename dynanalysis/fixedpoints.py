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

from . import budget, stability
from .domain import Domain, domain, halton
from .roots import newton_batch, pad, roots_1d
from .xla import jit

DEDUP_TOL = 1e-7   # scaled distance under which two roots are the same
BOX_MARGIN = 1e-9  # scaled: roots exactly on the box's edge are kept


@dataclasses.dataclass(frozen=True)
class FixedPoints:
    """Distinct equilibria found; arrays have one entry per point.

    ``values[name]`` (k,), ``eigenvalues`` (k, d) complex sorted by real part, ``jacobians``
    (k, d, d), ``labels`` (k,), ``residuals`` (k,) = max_i |f_i| / range_i, ``converged`` (k,).
    ``n_seeds`` seeds were tried, ``n_failed`` of them did not converge to a root in the box.
    """

    names: tuple
    values: dict
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

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def points(self) -> np.ndarray:
        return np.stack([self.values[n] for n in self.names], axis=-1)

    @property
    def stable(self) -> np.ndarray:
        return np.array([stability.is_stable(s) for s in self.labels], dtype=bool)

    def to_dict(self) -> dict:
        return {"variables": list(self.names),
                "points": [{**{n: float(self.values[n][i]) for n in self.names},
                            "label": str(self.labels[i]),
                            "eigenvalues": [complex(e) for e in self.eigenvalues[i]],
                            "residual": float(self.residuals[i])} for i in range(len(self))],
                "n_seeds": self.n_seeds, "n_failed": self.n_failed}

    def plot(self, ax=None, x=None, y=None, **kw):
        from .plotting import plot_fixed_points
        return plot_fixed_points(self, ax=ax, x=x, y=y, **kw)

    def __repr__(self) -> str:
        rows = [", ".join(f"{n}={self.values[n][i]:.10g}" for n in self.names) + f"  {self.labels[i]}"
                for i in range(len(self))]
        return f"FixedPoints({len(self)} found, {self.n_failed}/{self.n_seeds} seeds failed)\n  " + "\n  ".join(rows)


# --------------------------------------------------------------------------- compiled kernels
@partial(jit, static_argnames=("flow", "n"))
def _roots_line(flow, lo, hi, p, n):
    f = lambda y: flow.rhs(y[None], p)[0]  # noqa: E731
    x, valid, double, overflow = roots_1d(f, lo, hi, n, k=n)
    return x, valid, double, jax.vmap(jax.grad(f))(x), jax.vmap(f)(x)


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


def _seed_array(dom: Domain, seeds) -> np.ndarray:
    d = dom.dim
    if seeds is None:
        seeds = 30 if d == 2 else 1024
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


def _result(dom: Domain, x, J, res, conv, n_seeds, double=None) -> FixedPoints:
    inside = np.all((x >= dom.lo - BOX_MARGIN * dom.scale) & (x <= dom.hi + BOX_MARGIN * dom.scale), axis=1)
    good = conv & inside & np.all(np.isfinite(x), axis=1)
    n_failed = int(np.sum(~conv))
    x, J, res = x[good], J[good], res[good]
    keep = dedupe(x, dom.scale) if len(x) else np.zeros(0, int)
    x, J, res = x[keep], J[keep], res[keep]
    ev = stability.eigenvalues(J)
    lab = stability.labels(ev, stability.jacobian_scale(J))
    if double is not None:
        lab = np.where(double[good][keep], "saddle-node", lab).astype(object)
    values = {n: x[:, i] for i, n in enumerate(dom.names)}
    return FixedPoints(dom.names, values, ev, J, lab, res, np.ones(len(x), bool), int(n_seeds),
                       n_failed, dom.model, dom.params(), dict(dom.fixed))


def solve(dom: Domain, seeds=None, resolution: int | None = None, extra_seeds=None) -> FixedPoints:
    """Fixed points in a validated domain (see :func:`fixed_points`)."""
    flow = dom.flow
    with jax.enable_x64(True):
        p = jax.device_put(dom.p)
        if dom.dim == 1 and seeds is None:
            n = int(resolution or 2001)
            budget.check(8.0 * 40 * n, "the 1-D root search", "lower the resolution")
            x, valid, double, d, f = jax.device_get(
                _roots_line(flow, dom.lo[0], dom.hi[0], p, n))
            scale = dom.scale[0]
            res = np.abs(f) / scale
            return _result(dom, x[valid, None], d[valid, None, None], res[valid], np.ones(valid.sum(), bool),
                           n, double[valid])
        s = _seed_array(dom, seeds)
        if extra_seeds is not None and len(extra_seeds):
            s = np.concatenate([s, np.asarray(extra_seeds, float).reshape(-1, dom.dim)])
        budget.check(8.0 * len(s) * dom.dim * (dom.dim + 16), "the Newton seeds", "use fewer seeds")
        n = len(s)
        padded = pad(s)  # few distinct shapes
        seeds, masks, scale = jax.device_put((padded, np.ones_like(padded), dom.scale))
        x, ok, res, J = jax.device_get(newton_batch(flow, seeds, masks, p, scale))
        return _result(dom, x[:n], J[:n], res[:n], ok[:n], n)


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
