r"""Nullclines of a planar vector field as ordered polylines, one per branch.

Each component :math:`f_i` is evaluated on a grid in one vmapped call; marching squares
(``contourpy``, shipped with matplotlib) traces the zero level into separate polylines (branches
are never joined); then every vertex is moved onto the exact curve by Newton projections
(minimum-norm steps :math:`z \leftarrow z - f\,\nabla f / |\nabla f|^2` in coordinates scaled by
the box, :func:`roots.newton` with one equation), all vertices of both nullclines in one call.  A vertex that does not land on the curve (e.g. a sign change across a pole, not a
zero) is dropped and its polyline split there, so a singularity is never drawn as a nullcline.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import jax
import contourpy

from dynanalysis import budget
from dynanalysis._model.domain import Domain
from dynanalysis._model.results import Result, plain
from dynanalysis._model.system import require_autonomous
from dynanalysis._equilibria.fields import field_on_grid
from dynanalysis._numerics.batch import apply, bucket, even
from dynanalysis._equilibria.fixedpoints import GRID
from dynanalysis._numerics.newton import newton_batch
from dynanalysis._model.xla import scope


@dataclasses.dataclass(frozen=True)
class Nullclines(Result):
    """``curves[name]``: list of ``(k, 2)`` arrays (columns: the two plane variables) where
    d(name)/dt = 0.  ``names`` are the plane's (x, y) variables."""

    names: tuple
    curves: dict
    model: object = None
    params: dict = None

    def plot(self, ax=None, **style):
        """One colour per nullcline (:func:`dynanalysis.plotting.plot_nullclines`); returns the Axes."""
        from dynanalysis.plotting import plot_nullclines
        return plot_nullclines(self, ax=ax, **style)

    def to_dict(self) -> dict:
        return {**super().to_dict(), "names": list(self.names), "curves": plain(self.curves)}


def compute(dom: Domain, resolution) -> Nullclines:
    """Nullclines of both plane variables of ``dom`` (which must have two free variables)."""
    if dom.dim != 2:
        raise ValueError(f"nullclines need exactly two free variables, got {list(dom.names)}")
    require_autonomous(dom.flow, "nullclines")
    nx, ny = (int(r) for r in resolution)
    budget.check(8.0 * nx * ny * 6, f"a {nx} x {ny} nullcline grid", "use a coarser resolution")
    xs = np.linspace(dom.lo[0], dom.hi[0], nx)
    ys = np.linspace(dom.lo[1], dom.hi[1], ny)
    X, Y = np.meshgrid(xs, ys)  # rows: y, columns: x (contourpy's convention)
    flow = dom.flow
    curves = {}
    with scope():
        p = dom.p
        Z = apply(lambda X, Y: field_on_grid(flow, X, Y, p), (X, Y), size=even(ny))  # rows over the devices
        lines = {name: [l for l in contourpy.contour_generator(xs, ys, Z[..., i], line_type="Separate").lines(0.0)
                        if len(l) >= 2] for i, name in enumerate(dom.names)}
        # every vertex of both nullclines, projected onto its curve in one batched Newton call
        pts = [np.concatenate(ls) for ls in lines.values() if ls]
        if pts:
            pts = np.concatenate(pts)
            masks = np.concatenate([np.repeat(np.eye(2)[[i]], sum(len(l) for l in ls), axis=0)
                                    for i, ls in enumerate(lines.values()) if ls])
            # padded to the size of the plane's fixed-point search (its grid seeds plus these
            # vertices), so that both run one compiled Newton
            new, ok = apply(lambda X, M: newton_batch(flow, X, M, p, dom.scale)[:2], (pts, masks),
                            size=bucket(len(pts) + GRID**2))
            cell = np.array([xs[1] - xs[0], ys[1] - ys[0]])
            # keep vertices that landed on the curve near their grid cell (not across a pole)
            ok = ok & np.all(np.abs(new - pts) <= 2 * cell, axis=1)
        o = 0
        for name, ls in lines.items():
            out = []
            for l in ls:
                seg, seg_ok = new[o:o + len(l)], ok[o:o + len(l)]
                o += len(l)
                for piece in np.split(np.arange(len(l)), np.flatnonzero(~seg_ok)):  # split at dropped vertices
                    piece = piece[seg_ok[piece]]
                    if len(piece) >= 2:
                        out.append(seg[piece])
            curves[name] = out
    return Nullclines(dom.names, curves, dom.model, dom.params())
