"""A whole one-parameter bifurcation diagram by continuation: every equilibrium branch found at
either end of the parameter range, continued across it, and the periodic orbits born at every
Hopf point.

1. All equilibria at the lower end of the range (the fixed-point search over the state box), each
   continued towards the upper end; then those at the upper end that no branch has reached,
   continued back.  A branch that passes through folds visits all the equilibria it connects, so
   each is started once (an equilibrium at an end is "reached" when a branch lands on that bound
   within a scaled distance of 1e-6).  Isolas that touch neither end are not found.
2. Periodic orbits from every Hopf point, except those where a cycle branch already ended.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from . import continuation
from .fixedpoints import fixed_points


@dataclasses.dataclass(frozen=True)
class Diagram:
    """Branches of a continuation diagram: ``branches`` (equilibrium and periodic
    :class:`~.continuation.Branch` objects), ``special_points`` (all of them, sorted by kind and
    parameter), the ``parameter`` and its ``bounds``."""

    parameter: str
    bounds: tuple
    branches: list
    special_points: list
    model: object = None

    def points(self, kind: str) -> list:
        return [s for s in self.special_points if s.kind == kind]

    def of_kind(self, kind: str) -> list:
        return [b for b in self.branches if b.kind == kind]

    def plot(self, ax=None, y=None, **kw):
        from .plotting import plot_diagram
        return plot_diagram(self, ax=ax, y=y, **kw)

    def to_dict(self) -> dict:
        return {"parameter": self.parameter, "bounds": list(self.bounds),
                "branches": [b.to_dict() for b in self.branches]}


def _reached(branches, x, bound, S):
    for b in branches:
        if b.kind != "equilibrium":
            continue
        ends = np.stack([b.states[v][[0, -1]] for v in b.model.variables], -1)
        at = np.abs(b.params[b.parameter][[0, -1]] - bound) <= 1e-9 * S[-1]
        if np.any(at & (np.max(np.abs(ends - x) / S[:-1], axis=1) < 1e-6)):
            return True
    return False


def compute(model, parameter: str, bounds, box: dict, *, cycles: bool = True, equilibrium_options=None,
            cycle_options=None) -> Diagram:
    """The diagram of ``model`` over ``parameter`` in ``bounds`` (see module doc); ``box`` is
    ``{variable: (lo, hi)}`` for the equilibrium search at the ends."""
    lo, hi = bounds
    eo, co = dict(equilibrium_options or {}), dict(cycle_options or {})
    S = np.r_[[box[v][1] - box[v][0] for v in model.variables], hi - lo]
    branches = []
    for bound, direction in ((lo, +1), (hi, -1)):
        found = fixed_points(model, box, params={parameter: bound})
        for x in found.points:
            if _reached(branches, x, bound, S):
                continue
            b = continuation.equilibria(model, parameter, start=dict(zip(model.variables, x)), bounds=bounds,
                                        params={parameter: bound}, direction=direction, **eo)
            branches.append(b)
    hopf = [s for b in branches for s in b.points("H")]
    if cycles:
        ends = []
        for h in sorted(hopf, key=lambda s: s.params[parameter]):
            if any(abs(h.params[parameter] - e) <= 1e-3 * (hi - lo) for e in ends):
                continue  # a cycle branch already ended here
            c = continuation.periodic_orbits(h, bounds=bounds, **co)
            branches.append(c)
            if "Hopf point" in c.status:
                ends.append(c.params[parameter][-1])
    points = sorted((s for b in branches for s in b.special_points), key=lambda s: (s.kind, s.params[parameter]))
    return Diagram(parameter, (lo, hi), branches, points, model)
