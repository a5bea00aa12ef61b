r"""Nullclines of a planar vector field as ordered polylines, one per branch.

Each component :math:`f_i` is evaluated on a grid in one vmapped call; marching squares
(``contourpy``, shipped with matplotlib) traces the zero level into separate polylines (branches
are never joined); then every vertex is moved onto the exact curve by a few Newton projections
:math:`z \leftarrow z - f\,\nabla f / |\nabla f|^2` in coordinates scaled by the box, all vertices
at once.  A vertex that does not land on the curve (e.g. a sign change across a pole, not a
zero) is dropped and its polyline split there, so a singularity is never drawn as a nullcline.
"""
from __future__ import annotations

import dataclasses
from functools import partial

import numpy as np
import jax
import jax.numpy as jnp
import contourpy

from . import budget
from .domain import Domain
from .fields import field_on_grid


@dataclasses.dataclass(frozen=True)
class Nullclines:
    """``curves[name]``: list of ``(k, 2)`` arrays (columns: the two plane variables) where
    d(name)/dt = 0.  ``names`` are the plane's (x, y) variables."""

    names: tuple
    curves: dict
    model: object = None
    params: dict = None

    def plot(self, ax=None, **kw):
        from .plotting import plot_nullclines
        return plot_nullclines(self, ax=ax, **kw)

    def to_dict(self) -> dict:
        return {"names": list(self.names), "curves": {k: [c.tolist() for c in v] for k, v in self.curves.items()}}


@partial(jax.jit, static_argnames=("flow", "component", "iters"))
def _project(flow, component, pts, p, scale, iters=8):
    def g(z):  # component in scaled coordinates
        return flow.rhs(z * scale, p)[component]

    def one(y):
        z = y / scale
        for _ in range(iters):
            v, grad = jax.value_and_grad(g)(z)
            n2 = jnp.sum(grad * grad)
            z = jnp.where(n2 > 0, z - v * grad / jnp.where(n2 > 0, n2, 1.0), z)
        v, grad = jax.value_and_grad(g)(z)
        dist = jnp.abs(v) / jnp.maximum(jnp.sqrt(jnp.sum(grad * grad)), 1e-300)  # scaled distance to the curve
        return z * scale, dist

    return jax.vmap(one)(pts)


def _bucket(n: int) -> int:
    """Pad vertex counts to powers of two so new counts rarely recompile."""
    return max(64, 1 << (n - 1).bit_length())


def compute(dom: Domain, resolution, tol: float = 1e-6) -> Nullclines:
    """Nullclines of both plane variables of ``dom`` (which must have two free variables)."""
    if dom.dim != 2:
        raise ValueError(f"nullclines need exactly two free variables, got {list(dom.names)}")
    nx, ny = (int(r) for r in resolution)
    budget.check(8.0 * nx * ny * 6, f"a {nx} x {ny} nullcline grid", "use a coarser resolution")
    xs = np.linspace(dom.lo[0], dom.hi[0], nx)
    ys = np.linspace(dom.lo[1], dom.hi[1], ny)
    X, Y = np.meshgrid(xs, ys)  # rows: y, columns: x (contourpy's convention)
    flow = dom.flow
    curves = {}
    with jax.enable_x64(True):
        p, scale = jax.device_put((dom.p, dom.scale))
        Z = np.asarray(jax.device_get(field_on_grid(flow, X, Y, p)))
        for i, name in enumerate(dom.names):
            lines = contourpy.contour_generator(xs, ys, Z[..., i], line_type="Separate").lines(0.0)
            lines = [l for l in lines if len(l) >= 2]
            if not lines:
                curves[name] = []
                continue
            pts = np.concatenate(lines)
            padded = np.zeros((_bucket(len(pts)), 2))
            padded[:len(pts)] = pts
            padded[len(pts):] = pts[0]
            new, dist = jax.device_get(_project(flow, i, padded, p, scale))
            new, dist = new[:len(pts)], dist[:len(pts)]
            # keep vertices that landed on the curve and stayed near their grid cell
            cell = np.array([xs[1] - xs[0], ys[1] - ys[0]])
            ok = (dist <= tol) & np.all(np.abs(new - pts) <= 2 * cell, axis=1) & np.all(np.isfinite(new), axis=1)
            out, o = [], 0
            for l in lines:
                seg_ok, seg = ok[o:o + len(l)], new[o:o + len(l)]
                o += len(l)
                # split at dropped vertices
                breaks = np.flatnonzero(~seg_ok)
                for piece in np.split(np.arange(len(l)), breaks):
                    piece = piece[seg_ok[piece]]
                    if len(piece) >= 2:
                        out.append(seg[piece])
            curves[name] = out
    return Nullclines(dom.names, curves, dom.model, dom.params())
