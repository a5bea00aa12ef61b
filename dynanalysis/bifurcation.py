"""Bifurcation diagrams by brute-force sweeps: ``Bifurcation1D``, ``Bifurcation2D``, ``Bifurcation``.

Every equilibrium at every grid value of one or two parameters (:mod:`.sweep`: one compiled,
vmapped, chunked computation), its stability, and the special points between grid values,
located exactly (:mod:`.special`):

* fold (LP): where the number of equilibria changes, started from the two roots that meet; a
  solution that is a branch point (BP, e.g. the pitchfork of a symmetric system) is labelled so;
* Hopf (H): where a branch's number of unstable eigenvalues changes by two through a complex
  pair, by regula falsi on the bordered bialternate test function within that grid interval (a
  neutral saddle, a real pair, is rejected).

With two parameters the located points, one per grid line of the second parameter, trace the fold
and Hopf curves in the parameter plane.  Limit cycles are measured by one batched simulation
started near every unstable equilibrium (``Bifurcation2D.plot_limit_cycle_by_sim``).
"""
from __future__ import annotations

import dataclasses
from typing import Mapping

import numpy as np
import jax

from . import budget, cycles, diagram, special, stability, sweep
from .domain import check_range, domain, grid_points, halton
from .integrate import simulate
from .phaseplane import _BRAINPY_IGNORED, _flags, _show
from .roots import pad
from .special import SpecialPoint
from .system import as_ode

_DEFAULT_PARAM_POINTS = 201
_DEFAULT_LINE_POINTS = 401


@dataclasses.dataclass(frozen=True)
class CycleEnvelope:
    """Limit cycles measured by simulation at each grid point: ``found`` (grid_shape), ``period``,
    ``minimum[name]``/``maximum[name]`` (NaN where no cycle was found)."""

    found: np.ndarray
    period: np.ndarray
    minimum: dict
    maximum: dict


@dataclasses.dataclass(frozen=True)
class BifurcationDiagram:
    """Result of a sweep.  ``grid[name]`` are the parameter values (one or two parameters, grid
    shape ``tuple(len(v) for v in grid.values())``); ``equilibria`` holds every equilibrium there
    (padded arrays + mask, see :class:`sweep.Equilibria`); ``special_points`` the located LP/H."""

    parameters: tuple
    grid: dict
    variables: tuple
    equilibria: sweep.Equilibria
    special_points: list
    cycles: CycleEnvelope | None = None
    model: object = None
    params: dict | None = None

    def points(self, kind: str) -> list:
        return [s for s in self.special_points if s.kind == kind]

    def plot(self, ax=None, y=None, **kw):
        from .plotting import plot_bifurcation
        return plot_bifurcation(self, ax=ax, y=y, **kw)

    def to_dict(self) -> dict:
        return {"parameters": list(self.parameters), "grid": {k: v.tolist() for k, v in self.grid.items()},
                "counts": self.equilibria.counts.tolist(),
                "special_points": [{"kind": s.kind, "params": s.params, "state": s.state,
                                    "data": {k: (np.asarray(v).tolist() if np.ndim(v) else complex(v) if np.iscomplexobj(v) else float(v))
                                             for k, v in s.data.items()}} for s in self.special_points]}


# --------------------------------------------------------------------------- special points
def _fold_brackets(eq):
    """Folds along axis 0 (the first parameter): where the number of equilibria changes, two
    rank-adjacent roots on the side with more roots whose det J differ in sign meet at the fold.
    Returns ``(i, rest, r, i, rest, r + 1)`` index pairs (grid index, slot)."""
    c = eq.counts
    out = []
    for idx in np.argwhere(c[:-1] != c[1:]):
        i, rest = idx[0], tuple(idx[1:])
        side = i if c[(i, *rest)] > c[(i + 1, *rest)] else i + 1
        valid, J = eq.valid[(side, *rest)], eq.jacobians[(side, *rest)]
        sign = np.sign(np.linalg.det(np.nan_to_num(J)))
        for r in np.flatnonzero(valid[:-1] & valid[1:] & (sign[:-1] != sign[1:])):
            out.append(((side, *rest, r), (side, *rest, r + 1)))
    return out


def _branch_brackets(eq, scale):
    """Grid intervals along axis 0 crossed by one branch (roots that are each other's nearest
    neighbour in scaled distance) whose Jacobian becomes singular there (det J changes sign: BP)
    or gains or loses two unstable directions through a complex pair (H).
    Returns ``[(kind, index at i, index at i + 1)]``."""
    x = np.where(eq.valid[..., None], eq.x, 1e300) / scale  # invalid slots: far from everything
    d = np.max(np.abs(x[:-1, ..., :, None, :] - x[1:, ..., None, :, :]), axis=-1)  # (G-1, ..., R, R)
    fwd, back = np.argmin(d, axis=-1), np.argmin(d, axis=-2)
    mutual = np.take_along_axis(back, fwd, axis=-1) == np.arange(d.shape[-1])
    mutual &= eq.valid[:-1] & np.take_along_axis(eq.valid[1:], fwd, axis=-1)
    det = np.sign(np.linalg.det(np.nan_to_num(eq.jacobians)))
    nu = np.where(eq.valid, eq.n_unstable, -10)
    cplx = np.any(np.abs(eq.eigenvalues.imag) > 0, axis=-1)
    after = lambda a: np.take_along_axis(a[1:], fwd, axis=-1)  # noqa: E731
    kinds = {"BP": mutual & (det[:-1] != after(det)),
             "H": mutual & (np.abs(nu[:-1] - after(nu)) == 2) & (cplx[:-1] | after(cplx))}
    out = []
    for kind, mask in kinds.items():
        for idx in np.argwhere(mask):
            idx = tuple(idx)
            out.append((kind, idx, (idx[0] + 1, *idx[1:-1], fwd[idx])))
    return out


def _param_rows_at(dom, pnames, values):
    """Parameter rows (B, m) with the named parameters set to ``values`` (B, len(pnames))."""
    names = list(dom.flow.param_names)
    P = np.repeat(dom.p[None], len(values), axis=0)
    for j, name in enumerate(pnames):
        P[:, names.index(name)] = values[:, j]
    return P


def _special_points(dom, eq, pnames, grids):
    """Fold, branch and Hopf points along the first parameter (for every value of the second),
    each located between its bracketing equilibria by :func:`special.locate` (one batched call)."""
    pvals = grids[0]
    step = abs(pvals[1] - pvals[0]) if len(pvals) > 1 else 1.0
    flow, n = dom.flow, dom.dim
    brackets = [("LP", a, b) for a, b in _fold_brackets(eq)] + _branch_brackets(eq, dom.scale)
    if n == 1 or n > special.MAX_HOPF_DIM:
        brackets = [br for br in brackets if br[0] != "H"]
    if not brackets:
        return []
    B = len(brackets)
    ia, ib = (np.array([br[j] for br in brackets]) for j in (1, 2))
    Z = lambda idx: np.concatenate([eq.x[tuple(idx.T)], pvals[idx[:, 0], None]], axis=1)  # noqa: E731
    kinds = np.array([special.KINDS.index(br[0]) for br in brackets], dtype=np.int32)
    second = grids[1][ia[:, 1]] if len(pnames) > 1 else np.zeros(B)
    base = _param_rows_at(dom, pnames, np.stack([pvals[ia[:, 0]], second], 1)[:, :len(pnames)])
    b, c = special.borders(special.test_matrices(eq.jacobians[tuple(ia.T)], kinds))
    k = list(flow.param_names).index(pnames[0])
    with jax.enable_x64(True):
        args = jax.device_put((pad(Z(ia)), pad(Z(ib)), pad(base), np.int32(k), pad(kinds), pad(b), pad(c),
                               np.r_[dom.scale, pvals[-1] - pvals[0] or 1.0]))
        z, ok, D = (a[:B] for a in jax.device_get(special.locate(flow, *args)))
    slack = step * (1 + 1e-6)  # a fold lies within one grid step of its side; others between ends
    lo = np.minimum(pvals[ia[:, 0]], pvals[ib[:, 0]]) - np.where(kinds == 0, slack, 1e-6 * step)
    hi = np.maximum(pvals[ia[:, 0]], pvals[ib[:, 0]]) + np.where(kinds == 0, slack, 1e-6 * step)
    inside = np.all((z[:, :n] >= dom.lo - 1e-9 * dom.scale) & (z[:, :n] <= dom.hi + 1e-9 * dom.scale), 1)
    good = ok & (z[:, n] >= lo) & (z[:, n] <= hi) & inside
    z, D, kinds, second = z[good], D[good], kinds[good], second[good]
    J, fp = D[:, :, :n], D[:, :, n]
    ev = stability.eigenvalues(J)
    names = np.array(special.KINDS, dtype=object)[kinds]
    singular = names != "H"
    names[singular] = np.where(special.is_branch_point(J[singular], fp[singular]), "BP", "LP")
    out, kept = [], []
    for i in np.argsort(kinds != special.KINDS.index("BP"), kind="stable"):  # BP brackets first
        # de-duplicate (few points); a branch point is located less sharply from a fold bracket
        key = np.r_[z[i], second[i]] / np.r_[dom.scale, step, 1.0]
        tol = 1e-4 if names[i] == "BP" else 1e-6
        if any(kind == names[i] and np.max(np.abs(key - q)) < tol for kind, q in kept):
            continue
        data = {"eigenvalues": ev[i]}
        if names[i] == "H":
            crit = ev[i][np.argmin(np.abs(ev[i].real))]
            if abs(crit.imag) <= 1e-8 * max(stability.jacobian_scale(J[i]), 1e-300):
                continue  # a neutral saddle (real pair lambda, -lambda), not a Hopf point
            data["frequency"] = float(abs(crit.imag))
        kept.append((names[i], key))
        params = {pnames[0]: float(z[i, n])}
        if len(pnames) > 1:
            params[pnames[1]] = float(second[i])
        out.append(SpecialPoint(str(names[i]), params, {v: float(z[i, j]) for j, v in enumerate(dom.names)}, data,
                                dom.model.with_params(**{**dom.params(), **params})))
    return sorted(out, key=lambda s: (s.kind, tuple(s.params.values())))


# --------------------------------------------------------------------------- analyzers
def _check_method(method):
    if method not in ("sweep", "continuation"):
        raise ValueError(f"method must be 'sweep' or 'continuation', got {method!r}")
    return method


def _param_grid(model, target_pars, pars_update, resolutions):
    if not isinstance(target_pars, Mapping) or not 1 <= len(target_pars) <= 2:
        raise ValueError("target_pars must be a dict of one or two parameters {name: (lo, hi)}")
    unknown = [k for k in target_pars if k not in model.flow.param_names]
    if unknown:
        raise ValueError(f"target_pars: {unknown} not parameter(s) of {model.name}; parameters are "
                         f"{list(model.flow.param_names)}")
    both = [k for k in target_pars if k in (pars_update or {})]
    if both:
        raise ValueError(f"{both} given both in target_pars and pars_update: a swept parameter cannot "
                         f"also be fixed")
    sizes = []
    for name, rng in target_pars.items():
        lo, hi = check_range(name, rng, "target_pars")
        step = resolutions.get(name) if isinstance(resolutions, Mapping) else resolutions
        n = grid_points(name, lo, hi, step, _DEFAULT_PARAM_POINTS)
        sizes.append((lo, hi, n))
    budget.check(8.0 * float(np.prod([n for *_, n in sizes])) * 64, "the parameter grid",
                 "use a coarser parameter step")
    return tuple(target_pars), [np.linspace(lo, hi, n) for lo, hi, n in sizes]


class _Bifurcation:
    _dims: tuple = ()

    def __init__(self, model, target_pars: Mapping, target_vars: Mapping | None = None,
                 fixed_vars: Mapping | None = None, pars_update: Mapping | None = None,
                 resolutions=None, *, seeds: int | None = None, max_roots: int = 32,
                 chunk_size: int | None = None, method: str = "sweep", **brainpy_options):
        unknown = [k for k in brainpy_options if k not in _BRAINPY_IGNORED]
        if unknown:
            raise TypeError(f"unexpected keyword argument(s) {unknown}")
        model = as_ode(model)
        if target_vars is None:
            free = [v for v in model.variables if v not in (fixed_vars or {})]
            missing = [v for v in free if v not in model.ranges]
            if missing:
                raise ValueError(f"give target_vars ranges for {missing} ({model.name} declares no "
                                 f"typical range for them)")
            target_vars = {v: model.ranges[v] for v in free}
        self.pnames, self.grids = _param_grid(model, target_pars, pars_update, resolutions)
        self.domain = domain(model, target_vars, fixed_vars=fixed_vars, params=pars_update)
        if self._dims and self.domain.dim not in self._dims:
            raise ValueError(f"{type(self).__name__} is for {' or '.join(map(str, self._dims))}-variable "
                             f"systems; got {list(self.domain.names)} (use dynanalysis.Bifurcation)")
        self.model = self.domain.model
        step = resolutions.get(self.domain.names[0]) if isinstance(resolutions, Mapping) else resolutions
        if self.domain.dim == 1:
            self.n_line = grid_points(self.domain.names[0], self.domain.lo[0], self.domain.hi[0], step,
                                      _DEFAULT_LINE_POINTS, minimum=3)
            self.seeds = None
        else:
            self.n_line = 0
            count = seeds or (100 if self.domain.dim == 2 else 64)
            u = halton(count, self.domain.dim)
            self.seeds = self.domain.lo + u * self.domain.scale
        self.max_roots, self.chunk_size = max_roots, chunk_size
        self.method = _check_method(method)
        self._diagram = None
        self._continued = None

    @property
    def grid_shape(self) -> tuple:
        return tuple(len(g) for g in self.grids)

    def _param_rows(self) -> np.ndarray:
        mesh = np.meshgrid(*self.grids, indexing="ij")
        return _param_rows_at(self.domain, self.pnames, np.stack([m.ravel() for m in mesh], axis=1))

    def compute(self, method: str | None = None, **options):
        """``method="sweep"``: every equilibrium on the parameter grid, with stability and located
        special points (a :class:`BifurcationDiagram`).  ``method="continuation"``: the branches
        continued from the equilibria at the ends of the range, and the periodic orbits from every
        Hopf point (a :class:`~.diagram.Diagram`; ``options`` go to :func:`.diagram.compute`)."""
        if _check_method(method or self.method) == "continuation":
            return self._continuation(**options)
        if self._diagram is None:
            dom = self.domain
            eq = sweep.equilibria(dom.flow, dom.names, self._param_rows(), dom.lo, dom.hi, seeds=self.seeds,
                                  n_line=self.n_line, max_roots=self.max_roots, chunk=self.chunk_size)
            shape = self.grid_shape
            eq = sweep.Equilibria(eq.names, *(a.reshape(shape + a.shape[1:]) for a in
                                              (eq.x, eq.valid, eq.jacobians, eq.eigenvalues, eq.labels, eq.double)))
            sp = _special_points(dom, eq, self.pnames, self.grids)
            self._diagram = BifurcationDiagram(self.pnames, dict(zip(self.pnames, self.grids)), dom.names,
                                               eq, sp, None, self.model, dom.params())
        return self._diagram

    def _continuation(self, **options):
        if self._continued is None or options:
            dom = self.domain
            model = dom.model.with_params(**dom.params())
            box = {v: (float(a), float(b)) for v, a, b in zip(dom.names, dom.lo, dom.hi)}
            bounds = {p: (float(g[0]), float(g[-1])) for p, g in zip(self.pnames, self.grids)}
            if len(self.pnames) == 1:
                (pname,) = self.pnames
                self._continued = diagram.compute(model, pname, bounds[pname], box,
                                                  **{"search_seeds": self.seeds, **options})
            else:  # the second parameter starts at its value in pars_update / the model, if in range
                p2 = self.pnames[1]
                lo, hi = bounds[p2]
                if not lo <= float(model.parameters[p2]) <= hi:
                    model = model.with_params(**{p2: 0.5 * (lo + hi)})
                self._continued = diagram.compute_curves(model, self.pnames, bounds, box,
                                                         **{"search_seeds": self.seeds, **options})
        return self._continued

    def plot_bifurcation(self, ax=None, y=None, **kw):
        show, kw = _flags(kw)
        diagram = self.compute()
        diagram.plot(ax=ax, y=y, **kw)
        _show(show)
        return diagram


    # --- limit cycles (any dimension)
    def limit_cycles(self, duration: float, *, initials: Mapping | None = None, dt: float | None = None,
                     transient: float | None = None, offset: float = 1e-3) -> CycleEnvelope:
        """One batched simulation from near every unstable equilibrium at every grid value (and
        from ``initials``, ``{variable: values}``), cycles measured after the transient."""
        diagram = self.compute()
        eq, dom = diagram.equilibria, self.domain
        G = int(np.prod(self.grid_shape))
        unstable = (eq.valid & (eq.n_unstable > 0)).reshape(G, -1)
        K = max(int(unstable.sum(axis=1).max()), 0)
        starts, used = [], []
        if K:
            order = np.argsort(~unstable, axis=1, kind="stable")[:, :K]
            xs = np.take_along_axis(eq.x.reshape(G, -1, dom.dim), order[..., None], axis=1)
            ok = np.take_along_axis(unstable, order, axis=1)
            # nudge off the equilibrium; unused slots (fewer unstable equilibria here) start at
            # the box centre and are ignored below
            x0 = np.where(ok[..., None], xs + offset * dom.scale, 0.5 * (dom.lo + dom.hi))
            starts.append(x0)
            used.append(ok)
        if initials:
            extra = np.stack([np.broadcast_to(np.asarray(initials[n], float), np.shape(next(iter(initials.values()))))
                              for n in dom.names], -1).reshape(-1, dom.dim)
            starts.append(np.broadcast_to(extra[None], (G,) + extra.shape))
            used.append(np.ones((G, len(extra)), bool))
        if not starts:
            env = CycleEnvelope(np.zeros(self.grid_shape, bool), np.full(self.grid_shape, np.nan),
                                {n: np.full(self.grid_shape, np.nan) for n in dom.names},
                                {n: np.full(self.grid_shape, np.nan) for n in dom.names})
            self._diagram = dataclasses.replace(diagram, cycles=env)
            return env
        x0 = np.concatenate(starts, axis=1)  # (G, K', n)
        Kp = x0.shape[1]
        params = self._param_rows()
        names = list(dom.flow.param_names)
        batch_params = {p: np.repeat(params[:, names.index(p)], Kp) for p in self.pnames}
        dt = duration / 20000 if dt is None else dt
        every = max(1, int(round(duration / dt)) // 4000)
        tr = simulate(self.model, {n: x0[..., i].ravel() for i, n in enumerate(dom.names)}, duration,
                      dt=dt, params=batch_params, record_every=every)
        rec = np.stack([tr.states[n] for n in dom.names], axis=-1)  # (G*K', T, n)
        transient = 0.5 * duration if transient is None else transient
        period, _, _, _ = cycles.detect(tr.t, rec, 0, transient)
        # extremes over the last half of the measured window: a start that reached the cycle
        # late must not pull the envelope
        keep = tr.t >= tr.t[0] + 0.5 * (transient + tr.t[-1] - tr.t[0])
        found = np.isfinite(period).reshape(G, Kp) & np.concatenate(used, axis=1)
        mx = np.where(found[..., None], rec[:, keep].max(axis=1).reshape(G, Kp, -1), -np.inf).max(axis=1)
        mn = np.where(found[..., None], rec[:, keep].min(axis=1).reshape(G, Kp, -1), np.inf).min(axis=1)
        any_found = found.any(axis=1)
        per = np.where(found, period.reshape(G, Kp), np.nan)
        per = np.where(any_found, np.nanmax(np.where(found, per, -np.inf), axis=1), np.nan)
        shape = self.grid_shape
        env = CycleEnvelope(any_found.reshape(shape), per.reshape(shape),
                            {n: np.where(any_found, mn[:, i], np.nan).reshape(shape) for i, n in enumerate(dom.names)},
                            {n: np.where(any_found, mx[:, i], np.nan).reshape(shape) for i, n in enumerate(dom.names)})
        self._diagram = dataclasses.replace(diagram, cycles=env)
        return env

    def plot_limit_cycle_by_sim(self, duration: float, ax=None, y=None, **kw):
        show, kw = _flags(kw)
        options = {k: kw.pop(k) for k in ("initials", "dt", "transient") if k in kw}
        self.limit_cycles(duration, **options)
        from .plotting import plot_cycle_envelope
        plot_cycle_envelope(self._diagram, ax=ax, y=y, **kw)
        _show(show)
        return self._diagram


class Bifurcation1D(_Bifurcation):
    """Equilibria of a one-variable system over one or two parameters (BrainPy's arguments:
    ``target_pars={"I": (lo, hi)}``, ``target_vars={"x": (lo, hi)}``, ``resolutions`` a step or
    ``{name: step}`` for parameters and the variable)."""

    _dims = (1,)


class Bifurcation2D(_Bifurcation):
    """Equilibria (and limit cycles by simulation) of a two-variable system over one or two
    parameters."""

    _dims = (2,)
class Bifurcation(_Bifurcation):
    """The bifurcation diagram of a model of any dimension, by continuation by default:
    ``Bifurcation(HodgkinHuxley(), {"I": (0, 200)}).compute()`` continues every equilibrium
    branch found at the ends of the range and the periodic orbits of every Hopf point (a
    :class:`~.diagram.Diagram`); ``method="sweep"`` gives the brute-force grid instead.  The
    search box is ``target_vars`` or the model's declared typical ranges."""

    def __init__(self, model, target_pars: Mapping, pars_update: Mapping | None = None,
                 resolutions=None, target_vars: Mapping | None = None, method: str = "continuation", **kw):
        super().__init__(model, target_pars, target_vars, kw.pop("fixed_vars", None), pars_update,
                         resolutions, method=method, **kw)

