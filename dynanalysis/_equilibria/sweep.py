"""All equilibria at every point of a parameter grid, as one compiled, vmapped computation.

The grid is processed in chunks of a fixed size (the last one padded), so the whole sweep is one
compiled program whatever the grid size, and memory stays bounded: the chunk size follows from
the memory budget unless given.  Inside a chunk everything stays on the device: per parameter
value, the roots are found (1-D: brackets + tangencies on a grid of the variable; n-D: damped
Newton from fixed seeds), de-duplicated and compacted to ``max_roots`` slots, sorted by the first
variable.  Only the compact result comes back to the host.
"""
from __future__ import annotations

import dataclasses
import functools
import warnings
from functools import partial

import numpy as np
import jax
import jax.numpy as jnp

from dynanalysis import budget

from dynanalysis._numerics import spectra as stability
from dynanalysis._equilibria.fixedpoints import BOX_MARGIN, DEDUP_TOL
from dynanalysis._model import xla
from dynanalysis._numerics.batch import bucket, even
from dynanalysis._numerics.roots import classify_1d, roots_1d
from dynanalysis._numerics.newton import newton
from dynanalysis._model.results import Result
from dynanalysis._model.system import require_autonomous
from dynanalysis._model.xla import jit, scope

CHUNK_BUDGET_FRACTION = 1 / 16  # of budget.MEMORY_BUDGET, for one chunk's working arrays
# Newton from every seed runs in lockstep (vmap), so one straggler sets the cost of all: a seed
# not converged after this many damped steps is dropped (other seeds find its root).  Halving
# the default 60 halves a Wong-Wang sweep and finds the same roots on the zoo's models.
SWEEP_NEWTON_ITERS = 30


@dataclasses.dataclass(frozen=True)
class Equilibria(Result):
    """Equilibria on a parameter grid, padded: ``x[..., r, :]`` is root r at each grid point
    (NaN where ``valid`` is False), sorted by the first variable; ``states[name]`` the same by
    variable.  ``stable``: :func:`.spectra.stable_labels` of valid roots that are not tangencies
    (a double root sits on a fold)."""

    names: tuple            # variables
    x: np.ndarray           # grid_shape + (R, n)
    valid: np.ndarray       # grid_shape + (R,)
    jacobians: np.ndarray   # grid_shape + (R, n, n)
    eigenvalues: np.ndarray  # grid_shape + (R, n)
    labels: np.ndarray      # grid_shape + (R,), "" where invalid
    double: np.ndarray      # grid_shape + (R,): found as a tangency (1-D only)
    excluded: np.ndarray | None = None  # grid_shape: roots dropped where a hybrid model fires

    @property
    def counts(self) -> np.ndarray:
        return self.valid.sum(axis=-1)

    @property
    def states(self) -> dict:
        return {n: self.x[..., i] for i, n in enumerate(self.names)}

    @functools.cached_property
    def stable(self) -> np.ndarray:
        out = np.zeros(self.valid.shape, bool)
        keep = self.valid & ~self.double  # labels only where there is a root (most slots are empty)
        out[keep] = stability.stable_labels(self.labels[keep])
        return out

    def plot(self, ax=None, **style):
        """Not drawn on its own (it has no parameter values): use the diagram that holds it."""
        raise TypeError("Equilibria has no parameter grid to draw against; plot the BifurcationDiagram "
                        "that holds it (diagram.plot())")

    @property
    def n_unstable(self) -> np.ndarray:
        tol = stability.RTOL * stability.jacobian_scale(self.jacobians)
        return np.sum(self.eigenvalues.real > tol[..., None], axis=-1)


def _compact(x, keep, J, extra, R, fires):
    """Kept roots first (sorted by the first variable), cut to R slots; roots where a hybrid
    model's spike condition holds are dropped and counted (they are not equilibria)."""
    excluded = jnp.sum(keep & fires)
    keep = keep & ~fires
    key = jnp.where(keep, x[:, 0], jnp.inf)
    order = jnp.argsort(key)[:R]
    return x[order], keep[order], J[order], extra[order], jnp.sum(keep), excluded


@partial(jit, static_argnames=("flow", "n", "R"))
def _line_chunk(flow, P, lo, hi, n, R):
    """1-D: roots on an n-point grid of the variable, for every parameter row of P."""
    def one(p):
        f = lambda y: flow.rhs(y[None], p)[0]  # noqa: E731
        x, valid, double, overflow = roots_1d(f, lo, hi, n, k=R)
        x = x[:, None]
        s = jnp.argsort(jnp.where(valid, x[:, 0], jnp.inf))
        x, valid, double = x[s], valid[s], double[s]
        dup = jnp.concatenate([jnp.zeros(1, bool),
                               valid[:-1] & (jnp.abs(x[1:, 0] - x[:-1, 0]) <= DEDUP_TOL * (hi - lo))])
        keep = valid & ~dup
        J = jax.vmap(jax.jacfwd(lambda y: flow.rhs(y, p)))(x)
        # `double` travels through the compaction in the code's sign: -code for a tangency
        code = classify_1d(f, x[:, 0], keep, double, hi - lo)
        code = jnp.where(double, -code, code)
        fires = jax.vmap(lambda y: flow.fires(y, p))(x)
        x, keep, J, code, count, excluded = _compact(x, keep, J, code, R, fires)
        return x, keep, J, code, jnp.where(overflow, R + 1, count), excluded  # overflow shows as too many

    return jax.vmap(one)(P)


@partial(jit, static_argnames=("flow", "R"))
def _newton_chunk(flow, P, seeds, lo, hi, R):
    """n-D: Newton from every seed, in-box, de-duplicated by scaled distance, for every row of P."""
    scale = hi - lo
    S = seeds.shape[0]

    def one(p):
        F = lambda y: flow.rhs(y, p)  # noqa: E731
        x, ok, _, J = jax.vmap(lambda s: newton(F, s, scale, max_iter=SWEEP_NEWTON_ITERS))(seeds)
        good = ok & jnp.all((x >= lo - BOX_MARGIN * scale) & (x <= hi + BOX_MARGIN * scale), axis=1)
        z = x / scale
        close = jnp.max(jnp.abs(z[:, None, :] - z[None, :, :]), axis=-1) <= DEDUP_TOL
        earlier = jnp.arange(S)[None, :] < jnp.arange(S)[:, None]
        dup = jnp.any(close & earlier & good[None, :], axis=1)
        fires = jax.vmap(lambda y: flow.fires(y, p))(x)
        return _compact(x, good & ~dup, J, jnp.zeros(S, jnp.int32), R, fires)

    return jax.vmap(one)(P)


def chunk_size(bytes_per_point: float, n_points: int, chunk: int | None) -> int:
    if chunk is not None:
        if int(chunk) != chunk or chunk < 1:
            raise ValueError(f"chunk_size must be a positive integer, got {chunk!r}")
        return int(min(chunk, n_points))
    fit = int(budget.MEMORY_BUDGET * CHUNK_BUDGET_FRACTION // max(bytes_per_point, 1.0))
    if fit < 1:
        budget.check(bytes_per_point, "one parameter value of the sweep", "use a coarser variable grid or fewer seeds")
    # a power of two: grids of other sizes mostly reuse the compiled chunk
    return even(min(1 << (fit.bit_length() - 1), bucket(n_points)))  # and splits over the devices


def equilibria(flow, names, P: np.ndarray, lo, hi, *, seeds=None, n_line: int = 0,
               max_roots: int = 32, chunk: int | None = None) -> Equilibria:
    """All equilibria for every parameter row of ``P`` (shape (G, m)); see the module doc.

    One variable: ``n_line`` grid points on [lo, hi].  Several: Newton from ``seeds`` (S, n).
    """
    require_autonomous(flow, "equilibria")
    G = P.shape[0]
    n = len(lo)
    if n == 1 and n_line:
        per_point = 8.0 * (n_line + 4 * max_roots * (n + 2)) * 4
        run = lambda Pc: _line_chunk(flow, Pc, jlo[0], jhi[0], n_line, max_roots)  # noqa: E731
    else:
        S = len(seeds)
        per_point = 8.0 * (S * S * n + S * (n * n + 6 * n) * 14)
        run = lambda Pc: _newton_chunk(flow, Pc, jseeds, jlo, jhi, max_roots)  # noqa: E731
    seeds = np.zeros((1, n)) if seeds is None else np.asarray(seeds, float)
    C = chunk_size(per_point, G, chunk)
    n_chunks = -(-G // C)
    padded = np.concatenate([P, np.repeat(P[-1:], n_chunks * C - G, axis=0)])
    with scope():
        jseeds, jlo, jhi = jax.device_put((seeds, np.asarray(lo, float), np.asarray(hi, float)))
        # dispatch every chunk (same shape: one compiled program; split over the devices), then
        # fetch all results
        outs = xla.fetch([run(xla.shard(padded[i * C:(i + 1) * C])) for i in range(n_chunks)])
    x, valid, J, extra, count, excluded = (np.concatenate(a)[:G] for a in zip(*outs))
    if np.any(count > max_roots):
        warnings.warn(f"up to {int(count.max())} equilibria at one parameter value; only {max_roots} "
                      f"kept (raise max_roots)", RuntimeWarning, stacklevel=3)
    x = np.where(valid[..., None], x, np.nan)
    J = np.where(valid[..., None, None], J, np.nan)
    ev = stability.eigenvalues(np.nan_to_num(J))
    ev = np.where(valid[..., None], ev, np.nan)
    lab = stability.labels(np.nan_to_num(ev), stability.jacobian_scale(np.nan_to_num(J)))
    double = (extra < 0) & valid
    if n == 1 and n_line:
        lab = stability.labels_1d(np.nan_to_num(ev), stability.jacobian_scale(np.nan_to_num(J)), np.abs(extra))
    lab = np.where(valid, lab, "").astype(object)
    return Equilibria(tuple(names), x, valid, J, ev, lab, double, excluded)
