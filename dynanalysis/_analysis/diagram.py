"""A whole one-parameter bifurcation diagram by continuation: every equilibrium branch found at
either end of the parameter range, continued across it, and the periodic orbits born at every
Hopf point.

1. All equilibria (the fixed-point search over the state box) at a few parameter values, both
   ends included; each not on a branch found before is continued both ways until the branch
   leaves the parameter range or the state box.  A branch that passes through folds visits all
   the equilibria it connects, so each is started once.  A closed branch (an isola) that no
   seed value crosses is not found.
   Where fewer than two branches pass through a branch point (a pitchfork or transcritical
   crossing that no seed reached), the other branch is followed from it
   (:func:`.continuation.switch`), and so on for the branch points of the new branches.
   Each branch's ``origin`` says how it was started.
2. Periodic orbits from every Hopf point, except those where a cycle branch already ended; with
   ``cascade=`` d, the period-2 branch at every period doubling, d levels deep.

With two parameters (:func:`compute_curves`), the one-parameter diagram at one value of the second
parameter gives the fold and Hopf points, and each is continued in both parameters in both
directions, unless it lies on a curve already traced (a cusp's two folds share one curve).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from dynanalysis import continuation
from dynanalysis.continuation._engine import both_ways, near_polyline, on_branch
from dynanalysis._numerics import points
from dynanalysis._numerics.status import Status
from dynanalysis._equilibria.fixedpoints import fixed_points
from dynanalysis._model.results import Result


@dataclasses.dataclass(frozen=True)
class Diagram(Result):
    """Branches of a continuation diagram: ``branches`` (equilibrium and periodic
    :class:`~.continuation.Branch` objects), ``special_points`` (all of them, sorted by kind and
    parameter), the ``parameter`` and its ``bounds``."""

    parameter: str
    bounds: tuple
    branches: list
    special_points: list
    model: object = None
    second: str | None = None  # two-parameter diagrams: the second parameter (branches are curves)
    second_bounds: tuple | None = None

    @property
    def status(self) -> Status:
        """The first failed status among the branches (in order), else ``converged``: every
        branch ended by design (bounds, max_steps, a special point)."""
        return next((b.status for b in self.branches if not b.status.ok), Status.CONVERGED)

    @property
    def message(self) -> str:
        bad = [f"{b.kind} branch {i}: {b.message}" for i, b in enumerate(self.branches) if not b.status.ok]
        return "; ".join(bad) or f"{len(self.branches)} branches, each ended by design"

    def points(self, kind: str) -> list:
        return [s for s in self.special_points if s.kind == kind]

    def of_kind(self, kind: str) -> list:
        return [b for b in self.branches if b.kind == kind]

    def describe(self) -> str:
        """What the diagram contains, one line per branch: its kind, how it was started, the
        range it covers, why it ended, and its special points."""
        lines = []
        for i, b in enumerate(self.branches):
            p = b.params[b.parameter] if b.kind in ("equilibrium", "periodic") else b.params[self.parameter]
            kinds = sorted({s.kind for s in b.special_points})
            counts = ", ".join(f"{sum(s.kind == k for s in b.special_points)} {k}" for k in kinds) or "no special points"
            lines.append(f"{i}: {b.kind} branch, {b.origin or 'given'}; {self.parameter} in [{p.min():.6g}, {p.max():.6g}], "
                         f"{len(b)} points; {counts}; ended: {b.status} ({b.message})")
        return "\n".join(lines)

    def plot(self, ax=None, y=None, **style):
        """Every branch (:func:`dynanalysis.plotting.plot_diagram`); returns the Axes."""
        from dynanalysis.plotting import plot_diagram
        return plot_diagram(self, ax=ax, y=y, **style)

    # to_dict (Result): every field, branches and special points included


def compute(model, parameter: str, bounds, box: dict, *, cycles: bool = True, seeds: int = 5,
            search_seeds=None, equilibrium_options=None, cycle_options=None, cascade: int = 0,
            isolas: dict | None = None) -> Diagram:
    """The diagram of ``model`` over ``parameter`` in ``bounds`` (see module doc); ``box`` is
    ``{variable: (lo, hi)}``: the equilibrium search at ``seeds`` parameter values (both ends
    included) and the state range where branches end; ``search_seeds`` go to
    :func:`.fixedpoints.fixed_points` (its default when None).  ``cascade`` > 0: at every
    period doubling of a cycle branch the period-2 branch, and so on ``cascade`` levels deep
    (:func:`.continuation.switch`).  ``isolas={second: (lo, hi)}``: every fold continued in
    (parameter, second) within those bounds, and where a fold curve comes back to the model's
    value of ``second`` at a state on no branch found (the fold of a closed branch, an isola, that
    no seed value crosses, or of any branch the search missed), that branch is continued from
    there."""
    if isinstance(cascade, bool) or int(cascade) != cascade or cascade < 0:
        raise ValueError(f"cascade must be an integer >= 0, got {cascade!r}")
    lo, hi = bounds
    eo, co = dict(equilibrium_options or {}), dict(cycle_options or {})
    S = np.r_[[box[v][1] - box[v][0] for v in model.variables], hi - lo]
    branches = []
    for value in np.linspace(lo, hi, max(int(seeds), 2)):
        found = fixed_points(model, box, params={parameter: value}, seeds=search_seeds)
        for x in found.points:
            if on_branch(branches, x, value, S):
                continue
            run = lambda d: continuation.equilibria(model, parameter, start=dict(zip(model.variables, x)),  # noqa: E731
                                                    bounds=bounds, params={parameter: value}, direction=d,
                                                    box=box, **eo)
            if value == lo or value == hi:  # one way only: towards the inside
                branch = run(+1 if value == lo else -1)
            else:
                branch = both_ways(run)
            branches.append(dataclasses.replace(branch, origin=f"seed search at {parameter} = {value:.6g}"))
    branches += _switched(model, parameter, branches, bounds, box, S, eo)
    if isolas:
        branches += _from_fold_curves(model, parameter, bounds, box, S, branches, isolas, eo)
    hopf = [s for b in branches for s in b.points("H")]
    if cycles:
        ends = []
        for h in sorted(hopf, key=lambda s: s.params[parameter]):
            if any(abs(h.params[parameter] - e) <= 1e-3 * (hi - lo) for e in ends):
                continue  # a cycle branch already ended here
            c = continuation.periodic_orbits(h, bounds=bounds, **co)
            branches.append(dataclasses.replace(c, origin=f"Hopf at {parameter} = {h.params[parameter]:.10g}"))
            if c.status is Status.SPECIAL_POINT:  # it ended at another Hopf point
                ends.append(c.params[parameter][-1])
        if cascade:
            opts = {k: v for k, v in co.items() if k in ("ds", "ds_min", "ds_max", "max_steps", "max_angle", "tol",
                                                          "adapt")}
            branches += [b for c in list(branches) if c.kind == "periodic" for pd in c.points("PD")
                         if pd.data.get("located", True)
                         for b in continuation.switch(pd, bounds=bounds, depth=int(cascade), **opts)]
    return Diagram(parameter, (lo, hi), branches, _distinct(branches, S), model)


def _switched(model, parameter, branches, bounds, box, S, options, rounds: int = 3) -> list:
    """The branches through every located branch point that fewer than two of the branches pass
    (:func:`.continuation.switch`), then through those on the new branches, up to ``rounds``
    times (a cascade of pitchforks)."""
    new, todo = [], [s for b in branches for s in b.points("BP")]
    for _ in range(rounds):
        found = []
        for s in todo:
            x = np.asarray(model.flat_state(s.states)[1], float)
            through = [b for b in branches + new + found if b.kind == "equilibrium"
                       and on_branch([b], x, s.params[parameter], S)]
            if not s.data.get("located", True) or len(through) >= 2:
                continue
            found += continuation.switch(s, bounds=bounds, box=box, **options)
        if not found:
            break
        new += found
        todo = [s for b in found for s in b.points("BP")]
    return new


def _from_fold_curves(model, parameter, bounds, box, S, branches, isolas, options) -> list:
    """The branches through the crossings of the fold curves (in ``parameter`` and the one
    parameter of ``isolas``) with the model's value of that parameter that lie on none of
    ``branches``: each started at the crossing, interpolated on the curve
    (:func:`.continuation._switch.through_fold`)."""
    from dynanalysis.continuation._curves import fold_curve
    from dynanalysis.continuation._switch import through_fold

    if not isinstance(isolas, dict) or len(isolas) != 1:
        raise ValueError(f"isolas must be {{second_parameter: (lo, hi)}}, got {isolas!r}")
    (p2, b2), = isolas.items()
    if p2 not in model.flow.param_names or p2 == parameter:
        raise ValueError(f"isolas: {p2!r} is not a parameter of {model.name} other than {parameter!r}")
    v2 = float(model.parameters[p2])
    cbounds = {parameter: tuple(bounds), p2: tuple(b2)}
    curves = []
    keys = [parameter, p2, *model.variables]
    scale = np.r_[bounds[1] - bounds[0], b2[1] - b2[0], S[:-1]]
    for s in [s for b in branches for s in b.points("LP") if s.data.get("located", True)]:
        q = np.array([s.params[parameter], v2, *(s.states[v] for v in model.variables)])
        if not _on_curve(q, curves, keys, scale):
            curves.append(both_ways(lambda d: fold_curve(s, p2, bounds=cbounds, direction=d)))
    found = []
    for c in curves:
        d = c.params[p2] - v2
        for i in np.flatnonzero(d[:-1] * d[1:] < 0):
            w = d[i] / (d[i] - d[i + 1])
            x = np.array([(1 - w) * c.states[v][i] + w * c.states[v][i + 1] for v in model.variables])
            a = (1 - w) * c.params[parameter][i] + w * c.params[parameter][i + 1]
            if on_branch(branches + found, x, a, S):
                continue
            branch = through_fold(model, parameter, x, a, bounds=bounds, box=box, **options)
            if branch is not None:
                found.append(dataclasses.replace(branch, origin=f"fold curve in ({parameter}, {p2}) crossing {p2} = "
                                                                f"{v2:.6g} at {parameter} = {a:.6g}"))
    return found


def _homoclinic_from_bt(curves, p1, p2, bounds, scale) -> list:
    """Homoclinic curves from the Bogdanov–Takens points of Hopf curves (:func:`compute_curves`)."""
    out = []
    for c in [c for c in curves if c.kind == "hopf"]:
        P = np.column_stack([c.params[p1], c.params[p2]]) / scale[:2]
        hopf = np.isfinite(c.tests["frequency"]) & (c.tests["kappa"] > 0)
        for bt in c.points("BT"):
            d = np.max(np.abs(P - np.array([bt.params[p1], bt.params[p2]]) / scale[:2]), axis=1)
            near = np.flatnonzero(hopf & (d > 0.05))
            if not len(near):
                continue
            cycles = continuation.periodic_orbits(c.point(int(near[np.argmin(d[near])])), parameter=p1,
                                                  bounds=bounds[p1], max_steps=1000)
            for hom in cycles.points("HOM"):
                q = np.array([hom.params[p1], float(hom.model.parameters[p2])])
                if any(near_polyline(np.column_stack([h.params[p1], h.params[p2]]) / scale[:2], q / scale[:2], 1e-2)
                       for h in out):
                    continue
                h = continuation.homoclinic_curve(hom, p2, bounds=bounds)
                out.append(dataclasses.replace(h, origin=f"Bogdanov–Takens point at ({p1}, {p2}) = "
                                                         f"({bt.params[p1]:.6g}, {bt.params[p2]:.6g}), via its Hopf curve"))
    return out


def _distinct(branches, S):
    """The special points of all branches; a point found on two branches (a branch point, where
    they cross) once (within the kind's ``dedup`` scaled distance of the registry), located ones first.  Unlocated
    points (flagged ``located: False``) stay unless a located point of their kind lies within
    1e-2."""
    out = []
    pts = [s for b in branches for s in b.special_points]
    for s in sorted(pts, key=lambda s: not s.data.get("located", True)):
        z = np.r_[[s.states[v] for v in s.states], list(s.params.values())][:len(S)] / S[:len(s.states) + len(s.params)]
        tol = points.kind(s.kind).dedup if s.data.get("located", True) else 1e-2
        if not any(o.kind == s.kind and np.max(np.abs(z - q)) < tol for o, q in out):
            out.append((s, z))
    return sorted((s for s, _ in out), key=lambda s: (s.kind, tuple(s.params.values())))


def _on_curve(q, curves, keys, scale) -> bool:
    """Whether the point ``q`` (values of ``keys``: both parameters, then the variables) lies on
    one of the curves (scaled distance to one of its chords below 1e-2, far above the chords'
    deviation from the curve at the engine's step sizes)."""
    return any(near_polyline(np.stack([c.params[k] if k in c.params else c.states[k] for k in keys], -1) / scale,
                             q / scale, 1e-2) for c in curves if len(c))


def compute_curves(model, parameters: tuple, bounds: dict, box: dict, *, search_seeds=None, homoclinic: bool = False,
                   **curve_options) -> Diagram:
    """Fold and Hopf curves of ``model`` in the plane of ``parameters = (first, second)`` within
    ``bounds = {name: (lo, hi)}``, from the fold and Hopf points of the one-parameter diagram in
    the first parameter at the model's value of the second (see module doc).  ``homoclinic``:
    also the homoclinic curve that starts at every Bogdanov–Takens point of a Hopf curve (the
    cycles born at the curve's Hopf point nearest to BT but 5 % of the plane away, continued in
    the first parameter until they end in a homoclinic orbit, which is then continued in both
    parameters)."""
    from dynanalysis.continuation._curves import fold_curve, hopf_curve
    p1, p2 = parameters
    one = compute(model, p1, bounds[p1], box, cycles=False, search_seeds=search_seeds)
    keys = [p1, p2, *model.variables]
    scale = np.r_[[bounds[p][1] - bounds[p][0] for p in (p1, p2)], [box[v][1] - box[v][0] for v in model.variables]]
    curves = []
    for s in sorted(one.special_points, key=lambda s: (s.kind, s.params[p1])):
        kind = {"LP": "fold", "H": "hopf"}.get(s.kind)
        q = np.array([s.params[p1], float(s.model.parameters[p2]), *(s.states[v] for v in model.variables)])
        if kind is None or _on_curve(q, [c for c in curves if c.kind == kind], keys, scale):
            continue
        follow = fold_curve if kind == "fold" else hopf_curve
        curve = both_ways(lambda d: follow(s, p2, bounds=bounds, direction=d, **curve_options))
        curves.append(dataclasses.replace(curve, origin=f"{s.kind} point at {p1} = {s.params[p1]:.10g} of the "
                                                        f"one-parameter diagram ({p2} = {q[1]:.6g})"))
    if homoclinic:
        curves += _homoclinic_from_bt(curves, p1, p2, bounds, scale)
    S = np.r_[scale[2:], scale[:2]]
    return Diagram(p1, tuple(bounds[p1]), curves, _distinct(curves, S), model, p2, tuple(bounds[p2]))
