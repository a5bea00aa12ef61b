r"""Numerical continuation of equilibria in one parameter (pseudo-arclength).

Unknowns :math:`z = (x, \alpha)` in scaled coordinates :math:`u = z / S` (S: one scale per
variable, from the model's typical ranges, and the width of the parameter bounds).  From a point
:math:`u_k` with unit tangent :math:`\tau_k`:

* predictor :math:`u^0 = u_k + h\,\tau_k`;
* corrector: plain Newton with capped steps (:func:`.roots.correct`) on the bordered system
  :math:`f(S u) = 0,\ \tau_k \cdot (u - u^0) = 0`;
* new tangent from :math:`\begin{pmatrix} f_z S \\ \tau_k^T \end{pmatrix} \tau = e_{n+1}`,
  normalised, so its orientation follows the branch through folds;
* step control: a failed corrector, or a tangent turning by more than ``max_angle``, halves h
  (a guard against jumping to another branch); a success grows it by 1.3 up to ``ds_max``.

Each step is one jitted call (compiled once per model and size; parameters and starts are data).
Along the branch: the number of unstable eigenvalues (stability), the fold test
:math:`\tau_\alpha` (sign change: LP), the branch-point test :math:`\det(f_z S; \tau^T)` (sign
change: BP) and the count of eigenvalues crossing through a complex pair (H; a real pair
crossing with opposite signs, a neutral saddle, is not one).  Every detected point is then
located between its two bracketing branch points by :func:`.special.locate` (regula falsi on the
test function, to float64 precision), and Hopf points get their frequency and first Lyapunov
coefficient (:func:`.normalform.first_lyapunov`).
"""
from __future__ import annotations

import dataclasses
from functools import partial
from typing import Mapping

import numpy as np
import jax
import jax.numpy as jnp

from . import normalform, special, stability
from .domain import check_range
from .roots import correct, lu_solve, pad
from .special import SpecialPoint
from .fixedpoints import firing
from .system import as_ode, require_autonomous
from .xla import jit


@dataclasses.dataclass(frozen=True)
class Branch:
    """A continued solution branch.

    ``kind`` ("equilibrium"), ``parameter`` (the free parameter), ``params[name]`` (arrays along
    the branch: the free parameter; both on two-parameter curves), ``states[name]``, ``stable``
    and ``n_unstable`` per point, ``eigenvalues`` (points, n), ``special_points`` (located LP, BP,
    H with their data), ``status`` (why the branch ended: "bounds", "max_steps", or the failure).
    """

    kind: str
    parameter: str
    params: dict
    states: dict
    stable: np.ndarray
    n_unstable: np.ndarray
    eigenvalues: np.ndarray
    special_points: list
    status: str
    model: object = None
    orbits: dict | None = None

    def __len__(self) -> int:
        return len(self.stable)

    def points(self, kind: str) -> list:
        return [s for s in self.special_points if s.kind == kind]

    def plot(self, ax=None, y=None, **kw):
        """Against the parameter (``y`` a variable); fold and Hopf curves in the parameter plane."""
        from . import plotting
        if self.kind in ("fold", "hopf"):
            return plotting.plot_curve(self, ax=ax, **kw)
        return plotting.plot_branch(self, ax=ax, y=y, **kw)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "parameter": self.parameter, "status": self.status,
                "params": {k: v.tolist() for k, v in self.params.items()},
                "states": {k: v.tolist() for k, v in self.states.items()},
                "stable": self.stable.tolist(),
                "special_points": [{"kind": s.kind, "params": s.params, "state": s.state,
                                    "data": {k: v for k, v in s.data.items() if np.ndim(v) == 0 and not np.iscomplexobj(v)}}
                                   for s in self.special_points]}


@dataclasses.dataclass(frozen=True)
class EquilibriumSystem:
    """Unknowns ``y = (x, p_k)``; residual ``f(x, p with p_k = y[n])``; observed along the branch:
    ``D = [f_x  f_alpha]``.  Hashable (a static argument of the jitted step); ``p``, ``k`` are data."""

    flow: object

    def __call__(self, y, p, k):
        return self.flow.rhs(y[:-1], p.at[k].set(y[-1]))

    def observe(self, y, D, p, k):
        return D[:-1]


@dataclasses.dataclass(frozen=True)
class PinnedSystem:
    r"""Equilibria on a continuous family (a symmetry orbit, e.g. a bump that can sit anywhere on
    a ring), one per parameter value: unknowns ``y = (x, c, p_k)``, residuals
    :math:`f(x) + c\,\varphi = 0` and :math:`\varphi \cdot (x - x_{ref}) = 0`, with
    :math:`\varphi` the family's tangent (the null vector of f_x) at the start.  The phase
    condition picks one member; the unfolding term :math:`c\varphi` keeps the system square and
    regular (c is 0 on the branch, as f vanishes on the whole family).  ``D = [f_x  phi  f_alpha;
    phi^T  0  0]``."""

    flow: object

    def __call__(self, y, p, k, phi, x_ref):
        x = y[:-2]
        f = self.flow.rhs(x, p.at[k].set(y[-1])) + y[-2] * phi
        return jnp.concatenate([f, (phi @ (x - x_ref))[None]])

    def observe(self, y, D, p, k, phi, x_ref):
        return D[:-1]


@partial(jit, static_argnames=("system", "max_iter"))
def _step(system, z, tau, h, args, S, tol, max_iter=12):
    """One predictor-corrector step of ``system`` (m residuals in m + 1 unknowns, scales S) from
    z along the unit tangent tau (scaled).  Returns ``(z_new, tau_new, converged, observed)``."""
    m = z.shape[0] - 1
    z0 = z + h * tau * S

    def G(y):
        return jnp.concatenate([system(y, *args), (tau @ ((y - z0) / S))[None]])

    y, ok, _, D = correct(G, z0, S, iters=max_iter, ftol=tol)
    t = lu_solve(D * S[None, :], jnp.zeros(m + 1, z.dtype).at[m].set(1.0))
    t = t / jnp.linalg.norm(t)
    return y, t, ok & jnp.all(jnp.isfinite(t)), system.observe(y, D, *args)


def step(system, z, tau, h, args, S, tol):
    """Host view of one step (float64, NumPy out): :func:`_step`, or the system's own jitted
    ``corrector`` of the same signature where its structure allows a faster solve."""
    fn = getattr(system, "corrector", None) or _step
    with jax.enable_x64(True):
        return jax.device_get(fn(system, z, tau, np.float64(h), args, S, tol))


def arclength(system, args, z, tau, S, bounds: Mapping, *, ds, ds_min, ds_max, max_steps, max_angle, tol,
              observed=None, where=lambda z: f"the last free component {z[-1]:.10g}", prepare=None, stop=None):
    """Pseudo-arclength continuation of ``system`` from the solution z with unit tangent tau
    (scaled), until a component leaves ``bounds = {index: (lo, hi)}`` (the last point is then
    placed on the bound), ``max_steps`` steps, or a corrector failure below ``ds_min``
    (``where(z)`` describes the last point in that message).

    Hooks: ``prepare(z, tau, observed) -> (z, tau, args)`` turns an accepted point into the start
    of the next step (e.g. a new collocation mesh and phase reference; called on the start too);
    ``stop(z, observed) -> str | None`` ends the branch with that status.

    Returns ``(Z, T, O, status)``: points, tangents, the observed quantities of every point
    (``observed`` is the start's), and why the branch ended.  Points are as computed (before
    ``prepare``)."""
    Z, T, O = [z], [tau], [observed]
    h = ds
    cos_max = np.cos(np.radians(max_angle))
    cur = prepare(z, tau, observed) if prepare else (z, tau, args)
    for _ in range(max_steps):
        zc, tc, ac = cur
        while True:
            y, t, ok, o = step(system, zc, tc, h, ac, S, tol)
            t = t if t @ tc >= 0 else -t
            if ok and t @ tc >= cos_max:
                break
            h /= 2
            if h < ds_min:
                return _stack(Z, T, O, f"no convergence at {where(Z[-1])}: the corrector failed down to the "
                                       f"smallest step ds_min = {ds_min}")
        out = [(i, hi if y[i] > hi else lo) for i, (lo, hi) in bounds.items() if not lo <= y[i] <= hi]
        if out:  # land exactly on the bound: hold that component there
            i, bound = out[0]
            e = np.zeros(len(S))
            e[i] = 1.0
            y, _, ok, o = step(system, zc, e, (bound - zc[i]) / S[i], ac, S, tol)
            if ok:
                Z.append(y), T.append(t), O.append(o)
            return _stack(Z, T, O, "bounds")
        Z.append(y), T.append(t), O.append(o)
        reason = stop(y, o) if stop else None
        if reason:
            return _stack(Z, T, O, reason)
        cur = prepare(y, t, o) if prepare else (y, t, ac)
        h = min(1.3 * h, ds_max)
    return _stack(Z, T, O, "max_steps")


def _stack(Z, T, O, status):
    return np.array(Z), np.array(T), jax.tree.map(lambda *a: np.stack(a), *O), status


def locate_on_branch(system, args, za, ta, zb, S, test, tol, *, iters=40, htol=1e-12, h_b=None):
    """The zero of the host test function ``test(z, observed)`` between two consecutive branch
    points za, zb (of opposite test signs): Illinois regula falsi on the arclength h of the
    predictor from za along ta (h_b: that of zb, by default its projection), each trial point
    corrected on the branch.  Returns ``(z, observed, converged)``."""
    h_b = float(ta @ ((zb - za) / S)) if h_b is None else float(h_b)

    def at(h):
        y, _, ok, o = step(system, za, ta, h, args, S, tol)
        return y, o, ok, float(test(y, o)) if ok else np.nan

    y, o, ok_a, ga = at(0.0)
    y, o, ok_b, gb = at(h_b)
    if not (ok_a and ok_b and np.sign(ga) * np.sign(gb) < 0):
        return y, o, False
    a, b, side, prev = 0.0, h_b, 0, None
    for _ in range(iters):
        h = (a * gb - b * ga) / (gb - ga)
        y, o, ok, g = at(h)
        if not ok:
            return y, o, False
        if g == 0 or (prev is not None and abs(h - prev) <= htol * max(1.0, abs(h_b))):
            return y, o, True
        prev = h
        if np.sign(g) == np.sign(gb):  # the zero lies in [a, h]
            b, gb = h, g
            ga = ga / 2 if side == -1 else ga  # the same end kept twice: Illinois halving
            side = -1
        else:
            a, ga = h, g
            gb = gb / 2 if side == +1 else gb
            side = +1
    return y, o, False


def _scales(model, x0):
    """One scale per state component: its variable's typical range, else max(1, |start|) over
    the variable's components."""
    parts = model.named_state(x0)
    return np.concatenate([np.full(model.sizes[v], abs(model.ranges[v][1] - model.ranges[v][0])
                                   if v in model.ranges else max(1.0, float(np.max(np.abs(parts[v])))))
                           for v in model.variables])


def equilibria(model, parameter: str, *, start=None, bounds=None, params: Mapping | None = None,
               ds: float = 0.01, ds_min: float = 1e-7, ds_max: float = 0.05, max_steps: int = 2000,
               direction: int = +1, max_angle: float = 30.0, tol: float = 1e-10, box: Mapping | None = None,
               symmetry=None) -> Branch:
    """Continue an equilibrium of ``model`` in ``parameter`` between ``bounds = (lo, hi)``.

    Parameters
    ----------
    start : ``{variable: value}``, an equilibrium at the parameter's value in ``params`` (or the
        model default), refined by Newton; ``None``: the fixed-point search over the model's
        typical ranges, which must find exactly one equilibrium.
    ds, ds_min, ds_max : arclength steps in scaled units (each variable divided by its typical
        range, the parameter by ``hi - lo``).
    direction : +1 to start towards larger parameter values, -1 towards smaller.
    max_angle : largest turn of the tangent in one step (degrees) before the step is halved.
    tol : the corrector's residual tolerance, relative to the scaled Jacobian (float64 grade).
    box : ``{variable: (lo, hi)}``: the branch also ends where a variable leaves its range.
    symmetry : ``None``, or a vector (dim,) tangent to a continuous family of equilibria through
        ``start`` (the null vector of f_x: a translation mode); the family is then pinned by a
        phase condition (:class:`PinnedSystem`) and its fold points located along the branch.
    """
    model = as_ode(model)
    if parameter not in model.flow.param_names:
        raise ValueError(f"parameter {parameter!r} is not a parameter of {model.name}; parameters are "
                         f"{list(model.flow.param_names)}")
    if bounds is None:
        raise ValueError("bounds=(lo, hi) for the parameter is required")
    lo, hi = check_range(parameter, bounds, "bounds")
    if direction not in (1, -1):
        raise ValueError(f"direction must be +1 or -1, got {direction!r}")
    if not 0 < ds_min <= ds <= ds_max:
        raise ValueError(f"need 0 < ds_min <= ds <= ds_max, got {ds_min}, {ds}, {ds_max}")
    if int(max_steps) != max_steps or max_steps < 1:
        raise ValueError(f"max_steps must be a positive integer, got {max_steps!r}")
    if params:
        model = model.with_params(**params)
    # a continued parameter without a default starts at the end the branch leaves from
    model = model.with_missing(**{parameter: lo if direction > 0 else hi})
    names = model.variables
    flow = model.flow
    require_autonomous(flow, "equilibrium branches")
    _, p = model.flat_params()
    k = list(flow.param_names).index(parameter)
    a0 = float(p[k])
    if not lo <= a0 <= hi:
        raise ValueError(f"the start value {parameter} = {a0} lies outside bounds ({lo}, {hi})")
    x0 = _start_state(model, names, start, p)
    if firing(flow, x0[None], p)[0]:
        raise ValueError(f"start {dict(zip(names, x0.tolist()))} is beyond {model.name}'s spike condition at "
                         f"{parameter} = {a0}: the model fires and resets there, it has no equilibrium")
    n = len(x0)
    sx = _scales(model, x0)
    if symmetry is None:
        system, args, S, z0 = EquilibriumSystem(flow), (np.asarray(p, float), np.int32(k)), np.r_[sx, hi - lo], np.r_[x0, a0]
    else:
        phi = np.asarray(symmetry, float).ravel()
        if phi.shape != (n,) or not np.all(np.isfinite(phi)) or not np.any(phi):
            raise ValueError(f"symmetry must be a finite non-zero vector of length {n} (the state dimension), "
                             f"got shape {np.shape(symmetry)}")
        phi = phi / np.linalg.norm(phi)
        system, args = PinnedSystem(flow), (np.asarray(p, float), np.int32(k), phi, np.asarray(x0, float))
        S, z0 = np.r_[sx, np.max(sx), hi - lo], np.r_[x0, 0.0, a0]
    # the start: a corrector step with the parameter held (tangent e_alpha, zero step)
    e = np.zeros(len(S))
    e[-1] = 1.0
    z, tau, ok, D = step(system, z0, e, 0.0, args, S, tol)
    moved = np.max(np.abs(z[:n] - x0) / sx)
    if not ok or moved > 1e-3:
        with jax.enable_x64(True):
            res = np.max(np.abs(np.asarray(flow.rhs(jnp.asarray(x0), jnp.asarray(p)))) / sx)
        raise ValueError(f"start is not an equilibrium of {model.name} at {parameter} = {a0}: scaled "
                         f"residual max|f_i| / range_i = {res:.3g}, and Newton from it "
                         f"{'did not converge' if not ok else f'moved {moved:.3g} (scaled)'}")
    tau = tau * (1 if tau[-1] * direction > 0 else -1)
    limits = {len(S) - 1: (lo, hi)}
    for v, r in (box or {}).items():
        if v not in names or model.sizes[v] != 1:
            raise ValueError(f"box: {v!r} is not a scalar variable of {model.name}; variables are {list(names)}")
        limits[int(np.sum([model.sizes[u] for u in names[:list(names).index(v)]]))] = check_range(v, r, "box")
    Z, T, Dz, status = arclength(system, args, z, tau, S, limits, ds=ds, ds_min=ds_min,
                                 ds_max=ds_max, max_steps=max_steps, max_angle=max_angle, tol=tol, observed=D,
                                 where=lambda z: f"{parameter} = {z[-1]:.10g}")
    if flow.is_hybrid:  # equilibria exist only where the spike condition is false
        P = np.repeat(np.asarray(p, float)[None], len(Z), axis=0)
        P[:, k] = Z[:, -1]
        fires = firing(flow, Z[:, :n], P)
        if fires.any():
            i = int(np.argmax(fires))
            Z, T, Dz = Z[:i], T[:i], Dz[:i]
            status = (f"reached the spike condition between {parameter} = {Z[-1, -1]:.10g} and the next step: "
                      f"beyond it the model fires and resets, so the branch of equilibria ends there")
    if symmetry is not None:
        return _pinned_branch(model, parameter, system, args, S, Z, T, Dz, status, tol)
    return _branch(model, parameter, k, p, S, Z, T, Dz, status, tol)


def _start_state(model, names, start, p):
    if start is None:
        from .fixedpoints import fixed_points
        missing = [v for v in names if v not in model.ranges]
        if missing:
            raise ValueError(f"start=None needs typical ranges for {missing}; give start={{variable: value}}")
        fps = fixed_points(model, {v: model.ranges[v] for v in names})
        if len(fps) != 1:
            raise ValueError(f"start=None: {len(fps)} equilibria found at the start value; give "
                             f"start={{variable: value}} (e.g. one of {fps.points.tolist()[:4]})")
        return fps.points[0]
    if not isinstance(start, Mapping):
        raise ValueError("start must be a dict {variable: value}")
    unknown = [v for v in start if v not in names]
    missing = [v for v in names if v not in start]
    if unknown or missing:
        raise ValueError(f"start: unknown variable(s) {unknown}, missing {missing}; variables are {list(names)}")
    try:
        batch, x0 = model.flat_state(start)
    except ValueError as e:
        raise ValueError(f"start: {e}") from None
    if batch != ():
        raise ValueError(f"start must be one state (no batch dimensions), got batch shape {batch}")
    x0 = np.asarray(x0, float)
    if not np.all(np.isfinite(x0)):
        raise ValueError(f"start must be finite, got {start}")
    return x0


def _branch(model, parameter, k, p, S, Z, T, Dz, status, corrector_tol) -> Branch:
    n = Z.shape[1] - 1
    ev, tol, n_unstable, brackets = _stability_and_brackets(Dz[:, :, :n], Dz, T, S)
    cplx = np.any(np.abs(ev.imag) > tol[:, None], axis=-1)
    hopf = [("H", i) for i in range(len(Z) - 1)
            if abs(int(n_unstable[i]) - int(n_unstable[i + 1])) == 2 and (cplx[i] or cplx[i + 1]) and n > 1]
    brackets = sorted(brackets + hopf, key=lambda b: b[1])  # stable: LP / BP before H at one step
    points = _locate(model, parameter, k, p, S, Z, T, Dz, brackets, corrector_tol)
    return Branch("equilibrium", parameter, {parameter: Z[:, n]}, {v: Z[:, j] for j, v in enumerate(model.variables)},
                  n_unstable == 0, n_unstable, ev, points, status, model)


def _stability_and_brackets(J, Dz, T, S):
    """Along a branch: eigenvalues of the Jacobians J, their zero tolerance, the unstable counts,
    and the steps ``[(kind, i)]`` between points i and i + 1 where the fold test (the parameter's
    tangent component) or the branch-point test (the sign of det [D S; tau^T]) changes sign."""
    ev = stability.eigenvalues(J)
    tol = stability.RTOL * stability.jacobian_scale(J)
    n_unstable = np.sum(ev.real > tol[:, None], axis=-1)
    fold = np.sign(T[:, -1])
    bp = np.linalg.slogdet(np.concatenate([Dz * S[None, None, :], T[:, None, :]], axis=1))[0]
    brackets = [("LP" if fold[i] * fold[i + 1] < 0 else "BP", i) for i in range(len(T) - 1)
                if fold[i] * fold[i + 1] < 0 or bp[i] * bp[i + 1] < 0]
    return ev, tol, n_unstable, brackets


def _pinned_branch(model, parameter, system, args, S, Z, T, Dz, status, tol) -> Branch:
    """A branch of :class:`PinnedSystem`: stability from f_x (the neutral family mode is not
    counted as unstable); folds (the parameter's tangent component changes sign) and branch
    points (the sign of det [D S; tau^T]) are located along the branch by regula falsi on the
    determinant of the square part [f_x phi; phi^T 0] (LP) or of the bordered matrix (BP)."""
    n = Z.shape[1] - 2
    ev, _, n_unstable, brackets = _stability_and_brackets(Dz[:, :n, :n], Dz, T, S)

    def root(sign, logdet, m):  # a continuous stand-in for the determinant, of the same sign
        return sign * np.exp(logdet / m)

    points = []
    for kind, i in brackets:
        ta = T[i]
        if kind == "LP":
            test = lambda z, o: root(*np.linalg.slogdet(o[:, :n + 1] * S[None, :n + 1]), n + 1)  # noqa: E731
        else:
            test = lambda z, o: root(*np.linalg.slogdet(np.vstack([o * S[None, :], ta[None]])), n + 2)  # noqa: E731
        y, o, ok = locate_on_branch(system, args, Z[i], ta, Z[i + 1], S, test, tol)
        zj = y if ok else 0.5 * (Z[i] + Z[i + 1])
        data = {"eigenvalues": stability.eigenvalues(o[None, :n, :n])[0] if ok else ev[i],
                "located": bool(ok), "unfolding": float(zj[n])}
        points.append(SpecialPoint(kind, {parameter: float(zj[-1])},
                                   {v: a.tolist() if np.ndim(a) else float(a) for v, a in model.named_state(zj[:n]).items()},
                                   data, model.with_params(**{parameter: float(zj[-1])})))
    return Branch("equilibrium", parameter, {parameter: Z[:, -1]}, model.named_state(Z[:, :n]),
                  n_unstable == 0, n_unstable, ev, points, status, model)


def _locate(model, parameter, k, p, S, Z, T, Dz, brackets, tol) -> list:
    if not brackets:
        return []
    flow, n = model.flow, Z.shape[1] - 1
    if n > special.MAX_HOPF_DIM:  # no bialternate test: Hopf points stay unlocated for now
        brackets = [b for b in brackets if b[0] != "H"]
    B = len(brackets)
    idx = np.array([i for _, i in brackets])
    kinds = np.array([special.KINDS.index(kind) for kind, _ in brackets], dtype=np.int32)
    b, c = special.borders(special.test_matrices(Dz[idx, :, :n], kinds))
    with jax.enable_x64(True):
        z, ok, D = (np.array(a) for a in jax.device_get(special.locate(flow, pad(Z[idx]), pad(Z[idx + 1]), pad(np.tile(p, (B, 1))),
                                                 np.int32(k), pad(kinds), pad(b), pad(c), S)))
    out = []
    for j in range(B):
        kind = special.KINDS[kinds[j]]
        if not ok[j] and kind == "BP":  # the chord system is singular too: retry along the branch
            i = idx[j]
            ta = T[i]
            y, o, ok_j = locate_on_branch(EquilibriumSystem(flow), (np.asarray(p, float), np.int32(k)), Z[i], ta, Z[i + 1],
                                          S, lambda z, o: np.linalg.det(np.vstack([o * S[None, :], ta[None]])), tol)
            if ok_j:
                z[j], ok[j], D[j] = y, True, o
        J, fp = D[j, :, :n], D[j, :, n]
        ev = stability.eigenvalues(J[None])[0]
        data = {"eigenvalues": ev, "located": bool(ok[j])}
        zj = z[j] if ok[j] else 0.5 * (Z[idx[j]] + Z[idx[j] + 1])  # unlocated: reported, flagged
        if ok[j] and kind != "H":  # f_p at the bracketing points is the scale (1-D: f_x = f_p = 0 at a BP)
            ref = np.max(np.linalg.norm(Dz[[idx[j], idx[j] + 1], :, n], axis=-1))
            kind = "BP" if special.is_branch_point(J[None], fp[None], ref=ref)[0] else "LP"
        if kind == "H":
            crit = ev[np.argmin(np.abs(ev.real))]
            if ok[j] and abs(crit.imag) <= 1e-8 * max(stability.jacobian_scale(J), 1e-300):
                continue  # a neutral saddle
            pz = p.copy()
            pz[k] = zj[n]
            l1, omega = normalform.first_lyapunov(flow, zj[:n], pz, J)
            data.update(frequency=omega, lyapunov=l1,
                        criticality="subcritical" if l1 > 0 else "supercritical" if l1 < 0 else "degenerate")
        out.append(SpecialPoint(kind, {parameter: float(zj[n])}, {v: float(zj[i]) for i, v in enumerate(model.variables)},
                                data, model.with_params(**{parameter: float(zj[n])})))
    return out


from .curves import fold_curve, hopf_curve  # noqa: E402,F401  (built on this module's engine)
from .periodic import periodic_orbits  # noqa: E402,F401
