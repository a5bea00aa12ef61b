"""Bifurcation diagrams by brute-force sweeps: ``Bifurcation1D``, ``Bifurcation2D``, ``Bifurcation``.

Every equilibrium at every grid value of one or two parameters (:mod:`.sweep`: one compiled,
vmapped, chunked computation), its stability, and the special points between grid values along
the first parameter, located exactly (:func:`.locate.locate`):

* fold (LP): where the number of equilibria changes, started from two roots on the side with
  more.  A changed count is only a candidate: a root can also enter or leave through the box's
  edge, or two crossing roots can coincide on a grid value, so a candidate counts only where the
  fold test is solved to zero (or it solves to a branch point).  A changed count that neither
  located folds nor roots leaving the box explain is reported;
* branch point (BP): where one branch's det f_x changes sign (or it passes a double root).  Roots
  at neighbouring grid values are paired along their tangents dx/dp = -f_x^{-1} f_p: two branches
  that cross between grid values (a transcritical crossing, e.g. x' = sin(a x) + cos(b x) on
  b = 2a) swap places, which pairing by position would miss.  Every singular point is labelled by
  whether f_p lies in the range of f_x, measured against f_p at the bracketing equilibria (in one
  variable f_x and f_p both vanish at a branch point);
* Hopf (H): where a branch's number of unstable eigenvalues changes by two through a complex
  pair, by regula falsi on the bordered bialternate test function within that grid interval (a
  neutral saddle, a real pair, is rejected).

A candidate the locator cannot pin down (no convergence, or a point outside its grid interval)
is not dropped: it is reported at the middle of its interval with ``data["located"] = False``
(as continuation reports its unlocated points) and named in a warning.

With two parameters the located points, one per grid line of the second parameter, trace the
fold, branch-point and Hopf curves in the parameter plane.  Limit cycles are measured by one
batched simulation started near every unstable equilibrium; runs that the duration leaves
undecided are simulated again for twice as long (``Bifurcation2D.plot_limit_cycle_by_sim``).

``devices=`` (default: :mod:`dynanalysis.config`, all devices) restricts the devices the
sweep's chunks and the simulations are split over; the results do not depend on it.
"""
from __future__ import annotations

import dataclasses
import warnings
from functools import partial
from typing import Mapping

import numpy as np
import jax
import jax.numpy as jnp

from dynanalysis import budget, config

from dynanalysis import _cycles as cycles

from dynanalysis._analysis import diagram

from dynanalysis._numerics import locate
from dynanalysis._numerics.linalg import borders
from dynanalysis._numerics.status import Status

from dynanalysis._numerics import spectra as stability

from dynanalysis._equilibria import sweep
from dynanalysis._model.domain import check_number, check_range, domain, grid_points, halton
from dynanalysis._simulation.integrate import simulate
from dynanalysis._analysis.phaseplane import _BRAINPY_IGNORED, _flags, _show
from dynanalysis._numerics.batch import apply, pad
from dynanalysis._numerics.points import SpecialPoint
from dynanalysis._model.results import Result, plain
from dynanalysis._model.system import as_ode
from dynanalysis._model.xla import jit, scope

_DEFAULT_PARAM_POINTS = 201
_DEFAULT_LINE_POINTS = 401


@dataclasses.dataclass(frozen=True)
class CycleEnvelope(Result):
    """Limit cycles measured by simulation at each grid point: ``found`` (grid_shape), ``period``,
    ``minimum[name]``/``maximum[name]`` (NaN where no cycle was found); ``undecided``
    (grid_shape): a run there had neither settled on an equilibrium nor completed enough regular
    periods when the simulation ended (see :meth:`_Bifurcation.limit_cycles`)."""

    found: np.ndarray
    period: np.ndarray
    minimum: dict
    maximum: dict
    undecided: np.ndarray | None = None

    @property
    def variables(self) -> tuple:
        return tuple(self.minimum)

    @property
    def stable(self) -> None:
        """Unknown: a simulation finds only the attracting cycles, without multipliers."""
        return None

    def plot(self, ax=None, **style):
        """Not drawn on its own (it holds no parameter values): ``BifurcationDiagram.plot`` draws it."""
        raise TypeError("a CycleEnvelope has no parameter grid to draw against; plot the "
                        "BifurcationDiagram that holds it (diagram.plot())")


@dataclasses.dataclass(frozen=True)
class BifurcationDiagram(Result):
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

    @property
    def stable(self) -> np.ndarray:
        """Per equilibrium slot, as :attr:`sweep.Equilibria.stable`."""
        return self.equilibria.stable

    def plot(self, ax=None, y=None, **style):
        """Branches against the parameter, special points, cycle envelope
        (:func:`dynanalysis.plotting.plot_bifurcation`); returns the Axes."""
        from dynanalysis.plotting import plot_bifurcation
        return plot_bifurcation(self, ax=ax, y=y, **style)

    def to_dict(self) -> dict:
        return {**super().to_dict(), "counts": plain(self.equilibria.counts)}


# --------------------------------------------------------------------------- special points
def _fold_brackets(eq):
    """Fold candidates along axis 0 (the first parameter): where the number of equilibria
    changes, every two rank-adjacent roots on the side with more roots whose det J differ in
    sign (two of them meet at a fold; the others, and changes through the box's edge, fail the
    locator's test).  Returns ``((side, rest, r), (side, rest, r + 1), i)``: the two roots'
    indices (grid index, slot) and the interval's lower grid index i."""
    c = eq.counts
    out = []
    for idx in np.argwhere(c[:-1] != c[1:]):
        i, rest = idx[0], tuple(idx[1:])
        side = i if c[(i, *rest)] > c[(i + 1, *rest)] else i + 1
        valid, J = eq.valid[(side, *rest)], eq.jacobians[(side, *rest)]
        sign = np.sign(np.linalg.det(np.nan_to_num(J)))
        for r in np.flatnonzero(valid[:-1] & valid[1:] & (sign[:-1] != sign[1:])):
            out.append(((side, *rest, r), (side, *rest, r + 1), i))
    return out


@partial(jit, static_argnames=("flow",))
def _param_derivative(flow, X, P, k):
    """f_p = df/dp_k at states X (N, n), parameter rows P (N, m): one forward-mode column."""
    def one(x, p):
        return jax.jvp(lambda q: flow.rhs(x, p.at[k].set(q)), (p[k],), (jnp.ones_like(p[k]),))[1]

    return jax.vmap(one)(X, P)


def _tangents(J, fp, scale, pscale, step):
    """dx/dp = -J^{-1} f_p at every root (grid_shape + (R, n)); zero where J is singular or the
    linear prediction over half a grid step would move a root by more than a tenth of the box
    (near a fold: there position alone is the better guess), and where [f_x f_p] (scaled by the
    variable and parameter ranges) is negligible against its largest value over the sweep."""
    J, fp = np.nan_to_num(J), np.nan_to_num(fp)
    t = -np.einsum("...ij,...j->...i", np.linalg.pinv(J), fp)
    # at a branch point f_x and f_p both vanish: their ratio is rounding noise
    size = np.maximum(np.max(np.abs(J) * scale, axis=(-2, -1)), np.max(np.abs(fp), -1) * pscale)
    wild = ~np.all(np.isfinite(t), -1) | (np.max(np.abs(0.5 * step * t) / scale, -1) > 0.1)
    wild |= size <= 1e-8 * size.max()
    return np.where(wild[..., None], 0.0, t)


def _branch_brackets(eq, scale, tangent, step):
    """Grid intervals along axis 0 crossed by one branch whose Jacobian becomes singular there
    (det J changes sign, or one end is a double root: BP) or gains or loses two unstable
    directions through a complex pair (H).  Roots at i and i + 1 are on one branch when each is
    the other's nearest neighbour after both are moved half a step along their tangents: where
    two branches cross between grid values (a transcritical branch point) the roots swap places,
    which positions alone would miss.
    Returns ``[(kind, index at i, index at i + 1)]``."""
    h = 0.5 * step * tangent
    x = np.where(eq.valid[..., None], eq.x, 1e300) / scale  # invalid slots: far from everything
    fwd_x, back_x = x + h / scale, x - h / scale
    d = np.max(np.abs(fwd_x[:-1, ..., :, None, :] - back_x[1:, ..., None, :, :]), axis=-1)  # (G-1, ..., R, R)
    fwd, back = np.argmin(d, axis=-1), np.argmin(d, axis=-2)
    mutual = np.take_along_axis(back, fwd, axis=-1) == np.arange(d.shape[-1])
    mutual &= eq.valid[:-1] & np.take_along_axis(eq.valid[1:], fwd, axis=-1)
    det = np.sign(np.linalg.det(np.nan_to_num(eq.jacobians)))
    nu = np.where(eq.valid, eq.n_unstable, -10)
    cplx = np.any(np.abs(eq.eigenvalues.imag) > 0, axis=-1)
    after = lambda a: np.take_along_axis(a[1:], fwd, axis=-1)  # noqa: E731
    # a double root (1-D tangency) has det J = 0 up to rounding: its sign says nothing
    kinds = {"BP": mutual & ((det[:-1] != after(det)) | eq.double[:-1] | after(eq.double)),
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
    each located between its bracketing equilibria by :func:`locate.locate` (one batched call)."""
    pvals = grids[0]
    step = abs(pvals[1] - pvals[0]) if len(pvals) > 1 else 1.0
    flow, n = dom.flow, dom.dim
    k = list(flow.param_names).index(pnames[0])
    mesh = np.meshgrid(*grids, indexing="ij")
    R = eq.valid.shape[-1]
    rows = np.repeat(_param_rows_at(dom, pnames, np.stack([m.ravel() for m in mesh], 1)), R, axis=0)
    X = np.nan_to_num(eq.x).reshape(-1, n)
    with scope():
        fp = apply(lambda X, rows: _param_derivative(flow, X, rows, np.int32(k)), (X, rows))
    fp = np.where(eq.valid[..., None], fp.reshape(eq.x.shape), np.nan)
    S = np.r_[dom.scale, pvals[-1] - pvals[0] or 1.0]
    tangent = _tangents(eq.jacobians, fp, dom.scale, S[n], step)
    brackets = [("LP", a, b, i) for a, b, i in _fold_brackets(eq)]
    brackets += [(kind, a, b, a[0]) for kind, a, b in _branch_brackets(eq, dom.scale, tangent, step)]
    if n == 1 or n > locate.MAX_HOPF_DIM:
        brackets = [br for br in brackets if br[0] != "H"]
    if not brackets:
        return []
    B = len(brackets)
    ia, ib = (np.array([br[j] for br in brackets]) for j in (1, 2))
    lower = np.array([br[3] for br in brackets])
    Z = lambda idx: np.concatenate([eq.x[tuple(idx.T)], pvals[idx[:, 0], None]], axis=1)  # noqa: E731
    kinds = np.array([locate.KINDS.index(br[0]) for br in brackets], dtype=np.int32)
    second = grids[1][ia[:, 1]] if len(pnames) > 1 else np.zeros(B)
    base = _param_rows_at(dom, pnames, np.stack([pvals[ia[:, 0]], second], 1)[:, :len(pnames)])
    b, c = borders(locate.test_matrices(eq.jacobians[tuple(ia.T)], kinds))
    # a branch point solved from where regula falsi ended lies within the bracket, or (from a fold
    # bracket, two roots at one parameter value) within a grid step of it
    reach = 2.0 * np.maximum(np.max(np.abs(Z(ib) - Z(ia)) / S, axis=1), step / S[n])
    z, ok, D = locate.locate(flow, Z(ia), Z(ib), base, np.int32(k), kinds, b, c, S, reach)
    names = np.array(locate.KINDS, dtype=object)[kinds]
    singular = names != "H"
    # a branch point has f_p in the range of f_x, relative to the size of f_p at the bracketing
    # equilibria (at a branch point of a 1-D system f_x and f_p both vanish)
    ref = np.maximum(np.linalg.norm(fp[tuple(ia.T)], axis=-1), np.linalg.norm(fp[tuple(ib.T)], axis=-1))
    bp = locate.is_branch_point(np.nan_to_num(D[:, :, :n]), np.nan_to_num(D[:, :, n]), ref=ref)
    names[singular] = np.where(bp[singular], "BP", "LP")
    # the interval [p_lower, p_lower+1] (a fold may lie up to a grid step beyond its side's value)
    slack = np.where(kinds == 0, step * (1 + 1e-6), 1e-6 * step)
    lo = np.minimum(pvals[lower], pvals[lower + 1]) - slack
    hi = np.maximum(pvals[lower], pvals[lower + 1]) + slack
    inside = np.all((z[:, :n] >= dom.lo - 1e-9 * dom.scale) & (z[:, :n] <= dom.hi + 1e-9 * dom.scale), 1)
    lo_in, hi_in = np.maximum(lo, pvals.min() - 1e-9 * step), np.minimum(hi, pvals.max() + 1e-9 * step)
    good = ok & (z[:, n] >= lo_in) & (z[:, n] <= hi_in) & inside
    ev = stability.eigenvalues(np.nan_to_num(D[:, :, :n]))
    out, kept = [], []
    for i in np.argsort(kinds != locate.KINDS.index("BP"), kind="stable"):  # BP brackets first
        if not good[i]:
            continue
        # de-duplicate (few points): several brackets locate one point
        key = np.r_[z[i], second[i]] / np.r_[dom.scale, step, 1.0]
        if any(kind == names[i] and np.max(np.abs(key - q)) < 1e-6 for kind, q, _ in kept):
            continue
        data = {"eigenvalues": ev[i], "located": True}
        if names[i] == "H":
            crit = ev[i][np.argmin(np.abs(ev[i].real))]
            if abs(crit.imag) <= 1e-8 * max(stability.jacobian_scale(D[i, :, :n]), 1e-300):
                continue  # a neutral saddle (real pair lambda, -lambda), not a Hopf point
            data["frequency"] = float(abs(crit.imag))
        kept.append((names[i], key, (z[i, n], second[i])))
        out.append(_special_point(dom, pnames, names[i], z[i], second[i], data))
    failed = _unexplained(eq, dom, tangent, pvals, brackets, good, lo, hi, second, kept)
    for i in failed:  # reported at the bracket's middle, flagged (the convention of continuation)
        zi = 0.5 * (Z(ia[i:i + 1]) + Z(ib[i:i + 1]))[0]
        zi[n] = 0.5 * (pvals[lower[i]] + pvals[lower[i] + 1])
        out.append(_special_point(dom, pnames, brackets[i][0], zi, second[i],
                                  {"eigenvalues": eq.eigenvalues[tuple(ia[i])], "located": False}))
    if failed:
        where = "; ".join(f"{brackets[i][0]} between {pnames[0]}={pvals[lower[i]]:.6g} and {pvals[lower[i] + 1]:.6g}"
                          + (f" at {pnames[1]}={second[i]:.6g}" if len(pnames) > 1 else "") for i in failed[:8])
        more = f"; ... ({len(failed)} in all)" if len(failed) > 8 else ""
        warnings.warn(f"Bifurcation sweep: {len(failed)} candidate special point(s) could not be located: {where}{more}. "
                      f"They are reported at the middle of their grid interval with data['located'] = False; a finer "
                      f"grid (resolutions) or method='continuation' may locate them", RuntimeWarning, stacklevel=3)
    return sorted(out, key=lambda s: (s.kind, tuple(s.params.values())))


def _special_point(dom, pnames, kind, z, second, data):
    n = dom.dim
    params = {pnames[0]: float(z[n])}
    if len(pnames) > 1:
        params[pnames[1]] = float(second)
    return SpecialPoint(str(kind), params, {v: float(z[j]) for j, v in enumerate(dom.names)}, data,
                        dom.model.with_params(**{**dom.params(), **params}))


def _unexplained(eq, dom, tangent, pvals, brackets, good, lo, hi, second, kept):
    """Indices of the brackets whose special point was not located and that nothing else explains.

    A Hopf or branch-point bracket (one branch) is explained by a located point of its kind (H;
    LP or BP) within its interval.  Fold brackets are only candidates (every rank-adjacent pair
    of roots with opposite det f_x where the count changes), so they are judged per interval: a
    count changed by d is explained by 2 per located LP or BP in the interval plus the roots that
    leave the box there (moved along their tangents dx/dp by 1.5 grid steps); each remaining
    pair is reported from the interval's failed candidates."""
    def found(kinds, i):
        return sum(1 for kind, _, (p, s) in kept if kind in kinds and s == second[i] and lo[i] <= p <= hi[i])

    out, seen = [], set()
    for i in np.flatnonzero(~good):
        kind, a = brackets[i][0], brackets[i][1]
        if kind != "LP":
            if not found(("H",) if kind == "H" else ("LP", "BP"), i):
                out.append(int(i))
            continue
        interval = (brackets[i][3], *a[1:-1])
        if interval in seen:
            continue
        seen.add(interval)
        side, other = a[0], (brackets[i][3] + 1 if a[0] == brackets[i][3] else brackets[i][3])
        root = (side, *a[1:-1])
        x, t = np.nan_to_num(eq.x[root]), tangent[root]
        moved = x + 1.5 * t * (pvals[other] - pvals[side])
        leaves = eq.valid[root] & np.any((moved < dom.lo) | (moved > dom.hi), axis=-1)
        change = abs(int(eq.counts[root]) - int(eq.counts[(other, *a[1:-1])]))
        missing = (change - 2 * found(("LP", "BP"), i) - int(leaves.sum())) // 2
        cands = [j for j in np.flatnonzero(~good) if brackets[j][0] == "LP" and brackets[j][3] == brackets[i][3]
                 and tuple(brackets[j][1][1:-1]) == tuple(a[1:-1])]
        out += [int(j) for j in cands[:max(missing, 0)]]
    return sorted(out)


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
                 chunk_size: int | None = None, method: str = "sweep", devices=None, **brainpy_options):
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
        # a swept parameter needs no default (BrainPy's ``def int_x(x, t, Iext)``): the grid sets it
        model = model.with_missing(**{p: g[0] for p, g in zip(self.pnames, self.grids)})
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
        self.devices = None if devices is None else config.check_devices(devices)
        self.method = _check_method(method)
        self._diagram = None
        self._continued = None

    @property
    def grid_shape(self) -> tuple:
        return tuple(len(g) for g in self.grids)

    def _param_rows(self) -> np.ndarray:
        mesh = np.meshgrid(*self.grids, indexing="ij")
        return _param_rows_at(self.domain, self.pnames, np.stack([m.ravel() for m in mesh], axis=1))

    @config.on_devices
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
                                              (eq.x, eq.valid, eq.jacobians, eq.eigenvalues, eq.labels, eq.double,
                                               eq.excluded)))
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
    @config.on_devices
    def limit_cycles(self, duration: float = 100.0, *, initials: Mapping | None = None, dt: float | None = None,
                     transient: float | None = None, offset: float = 1e-3,
                     max_duration: float | None = None) -> CycleEnvelope:
        """One batched simulation from near every unstable equilibrium at every grid value (and
        from ``initials``, ``{variable: values}``), cycles measured after the transient (default:
        the first half of the run) by :func:`.cycles.detect`.

        A run is decided when it settled on a cycle or on an equilibrium.  Runs still undecided
        (too few periods after the transient, the amplitude still growing or shrinking) are
        simulated again from their start with the duration doubled, with the same ``dt``
        (default ``duration / 20000``) and the same number of records (one compiled program per
        batch size), until they are decided or the duration would exceed ``max_duration``
        (default ``8 * duration``).  Grid values where runs stay undecided are flagged in
        :attr:`CycleEnvelope.undecided` and named in a warning that suggests a duration.
        """
        duration = check_number("duration", duration)
        max_duration = 8.0 * duration if max_duration is None else check_number("max_duration", max_duration)
        if max_duration < duration:
            raise ValueError(f"max_duration must be at least duration ({duration:g}), got {max_duration:g}")
        if transient is not None and not 0 <= check_number("transient", transient, inclusive=True) < duration:
            raise ValueError(f"transient must be in [0, duration), got {transient}")
        dt = duration / 20000 if dt is None else check_number("dt", dt)
        diagram = self.compute()
        eq, dom = diagram.equilibria, self.domain
        G = int(np.prod(self.grid_shape))
        unstable = (eq.valid & (eq.n_unstable > 0)).reshape(G, -1)
        # runs: (grid index, start); nudged off each unstable equilibrium, then the user's starts
        cell, x0 = np.nonzero(unstable)[0], eq.x.reshape(G, -1, dom.dim)[unstable] + offset * dom.scale
        if initials:
            extra = np.stack([np.broadcast_to(np.asarray(initials[n], float), np.shape(next(iter(initials.values()))))
                              for n in dom.names], -1).reshape(-1, dom.dim)
            cell = np.r_[cell, np.repeat(np.arange(G), len(extra))]
            x0 = np.concatenate([x0, np.tile(extra, (G, 1))])
        N = len(cell)
        period = np.full(N, np.nan)
        lo, hi = np.full((N, dom.dim), np.inf), np.full((N, dom.dim), -np.inf)
        todo, T = np.arange(N), duration
        rows = self._param_rows()
        while len(todo):
            # padded to a bucket size, so that a smaller batch mostly reuses the compiled program
            xs, P = pad(x0[todo]), pad(rows[cell[todo]])
            every = max(1, int(round(T / dt)) // 4000)  # ~4000 records whatever the duration
            tr = simulate(self.model, {v: xs[:, i] for i, v in enumerate(dom.names)}, T, dt=dt,
                          params=self.model.named_params(P), record_every=every)  # pars_update included
            rec = np.stack([tr.states[v] for v in dom.names], axis=-1)[:len(todo)]  # (B, T, n)
            wait = 0.5 * T if transient is None else transient
            per, _, _, status, _ = cycles.detect(tr.t, rec, 0, wait)
            found = np.isfinite(per)
            # extremes over the last half of the measured window: a start that reached the
            # cycle late must not pull the envelope
            keep = tr.t >= tr.t[0] + 0.5 * (wait + tr.t[-1] - tr.t[0])
            period[todo] = per
            lo[todo] = np.where(found[:, None], rec[:, keep].min(axis=1), np.inf)
            hi[todo] = np.where(found[:, None], rec[:, keep].max(axis=1), -np.inf)
            settled = (status == Status.NOT_FOUND) | np.asarray(tr.diverged)[:len(todo)]
            todo = todo[~(found | settled)]
            if 2 * T > max_duration * (1 + 1e-12):
                break
            T *= 2
        undecided = np.zeros(G, bool)
        undecided[cell[todo]] = True
        found = np.isfinite(period)
        any_found = np.zeros(G, bool)
        np.logical_or.at(any_found, cell[found], True)
        per, mn, mx = np.full(G, -np.inf), np.full((G, dom.dim), np.inf), np.full((G, dom.dim), -np.inf)
        np.maximum.at(per, cell[found], period[found])
        np.minimum.at(mn, cell[found], lo[found])
        np.maximum.at(mx, cell[found], hi[found])
        shape = self.grid_shape
        nan = lambda a: np.where(any_found, a, np.nan).reshape(shape)  # noqa: E731
        env = CycleEnvelope(any_found.reshape(shape), nan(per), {v: nan(mn[:, i]) for i, v in enumerate(dom.names)},
                            {v: nan(mx[:, i]) for i, v in enumerate(dom.names)}, undecided.reshape(shape))
        self._diagram = dataclasses.replace(diagram, cycles=env)
        if undecided.any():
            mesh = np.meshgrid(*self.grids, indexing="ij")
            where = [", ".join(f"{p}={m.ravel()[g]:.6g}" for p, m in zip(self.pnames, mesh))
                     for g in np.flatnonzero(undecided)]
            shown = "; ".join(where[:8]) + (f"; ... ({len(where)} in all)" if len(where) > 8 else "")
            wait = 0.5 * T if transient is None else transient
            warnings.warn(f"limit_cycles: at {shown} runs started next to an unstable equilibrium (or from "
                          f"initials) neither settled on an equilibrium nor completed enough regular periods "
                          f"to measure in a duration of {T:g} (measured after {wait:g}): the envelope there is "
                          f"undecided (CycleEnvelope.undecided); pass a longer duration, or max_duration "
                          f"(e.g. {2 * T:g})", RuntimeWarning, stacklevel=2)
        return env

    def plot_limit_cycle_by_sim(self, duration: float = 100.0, ax=None, y=None, **kw):
        show, kw = _flags(kw)
        options = {k: kw.pop(k) for k in ("initials", "dt", "transient", "offset", "max_duration") if k in kw}
        self.limit_cycles(duration, **options)
        from dynanalysis.plotting import plot_cycle_envelope
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

