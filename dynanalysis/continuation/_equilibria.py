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
crossing with opposite signs, a neutral saddle, is not one); two real eigenvalues crossing zero
in one step while det f_x keeps its sign bracket a branch point with a two-dimensional kernel
(located on the sum of the two, kept only where both vanish).  Every detected point is then
located between its two bracketing branch points by the same compiled step (Illinois regula
falsi on the arclength, each trial point corrected onto the branch, on the test function of its
kind: :func:`_tests`; to float64 precision), and Hopf points get their frequency and first Lyapunov
coefficient (:func:`.normalform.first_lyapunov`).
"""
from __future__ import annotations

import dataclasses
from typing import Mapping

import numpy as np
import jax
import jax.numpy as jnp

from dynanalysis._numerics import normalform

from dynanalysis._numerics import locate
from dynanalysis._numerics.linalg import bialternate, borders

from dynanalysis._numerics import spectra as stability
from dynanalysis._model.domain import check_range, unbatched
from dynanalysis._numerics.points import SpecialPoint
from dynanalysis._equilibria.fixedpoints import firing
from dynanalysis._model.system import as_ode, require_autonomous

from dynanalysis._numerics.status import Status, throwing
from dynanalysis.continuation._engine import Branch, Options, _scales, arclength, locate_on_branch, step
from dynanalysis._model.xla import scope


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



@throwing
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
    options = Options(ds=ds, ds_min=ds_min, ds_max=ds_max, max_steps=max_steps, direction=direction,
                      max_angle=max_angle, tol=tol)
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
        with scope():
            res = np.max(np.abs(np.asarray(flow.rhs(jnp.asarray(x0), jnp.asarray(p)))) / sx)
        raise ValueError(f"start is not an equilibrium of {model.name} at {parameter} = {a0}: scaled "
                         f"residual max|f_i| / range_i = {res:.3g}, and Newton from it "
                         f"{'did not converge' if not ok else f'moved {moved:.3g} (scaled)'}")
    tau = tau * (1 if tau[-1] * direction > 0 else -1)
    return follow(model, parameter, system, args, z, tau, S, _limits(model, names, len(S), lo, hi, box), options, D,
                  symmetry is not None)


def _limits(model, names, m, lo, hi, box):
    """The engine's bounds: the parameter (the last of m unknowns) in (lo, hi), the variables of
    ``box`` in theirs."""
    limits = {m - 1: (lo, hi)}
    for v, r in (box or {}).items():
        if v not in names or model.sizes[v] != 1:
            raise ValueError(f"box: {v!r} is not a scalar variable of {model.name}; variables are {list(names)}")
        limits[int(np.sum([model.sizes[u] for u in names[:list(names).index(v)]]))] = check_range(v, r, "box")
    return limits


def follow(model, parameter, system, args, z, tau, S, limits, options, D, pinned=False, from_special=False) -> Branch:
    """The branch of equilibria through z (observed ``D`` there) along the unit scaled tangent
    tau, until ``limits`` or ``options`` end it (cut where a hybrid model's spike condition
    holds), its points classified and special points located.  ``from_special``: z is itself a
    special point (a branch point to switch at), where every test function vanishes; the first
    step's sign changes are then not brackets."""
    flow, n = model.flow, model.dim
    p, k = args[0], int(args[1])
    Z, T, Dz, status, message = arclength(system, args, z, tau, S, limits, options, observed=D,
                                          where=lambda z: f"{parameter} = {z[-1]:.10g}")
    if flow.is_hybrid:  # equilibria exist only where the spike condition is false
        P = np.repeat(np.asarray(p, float)[None], len(Z), axis=0)
        P[:, k] = Z[:, -1]
        fires = firing(flow, Z[:, :n], P)
        if fires.any():
            i = int(np.argmax(fires))
            Z, T, Dz = Z[:i], T[:i], Dz[:i]
            status, message = Status.SPIKE, (f"reached the spike condition between {parameter} = {Z[-1, -1]:.10g} and the next step: "
                      f"beyond it the model fires and resets, so the branch of equilibria ends there")
    if pinned:
        return _pinned_branch(model, parameter, system, args, S, Z, T, Dz, (status, message), options.tol)
    return _branch(model, parameter, k, p, S, Z, T, Dz, (status, message), options.tol, from_special)


def _start_state(model, names, start, p):
    if start is None:
        from dynanalysis._equilibria.fixedpoints import fixed_points
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
    x0 = np.asarray(unbatched(model.flat_state, start, "start", "one state"), float)
    if not np.all(np.isfinite(x0)):
        raise ValueError(f"start must be finite, got {start}")
    return x0


def _branch(model, parameter, k, p, S, Z, T, Dz, ended, corrector_tol, from_special=False) -> Branch:
    n = Z.shape[1] - 1
    ev, tol, n_unstable, brackets = _stability_and_brackets(Dz[:, :, :n], Dz, T, S)
    brackets = [b for b in brackets if b[1] > 0] if from_special else brackets
    cplx = np.any(np.abs(ev.imag) > tol[:, None], axis=-1)
    two = [i for i in range(int(from_special), len(Z) - 1) if abs(int(n_unstable[i]) - int(n_unstable[i + 1])) == 2]
    hopf = [("H", i) for i in two if (cplx[i] or cplx[i + 1]) and n > 1]
    # two real eigenvalues through zero in one step, det f_x keeping its sign: a branch point
    # whose kernel is two-dimensional (as symmetry makes them), or two simple ones close together
    double = [("BP2", i) for i in two if not (cplx[i] or cplx[i + 1]) and not any(b[1] == i for b in brackets)]
    brackets = sorted(brackets + hopf + double, key=lambda b: b[1])  # stable: LP / BP before H at one step
    points = _locate(model, parameter, k, p, S, Z, T, Dz, brackets, corrector_tol)
    return Branch("equilibrium", parameter, {parameter: Z[:, n]}, {v: Z[:, j] for j, v in enumerate(model.variables)},
                  n_unstable == 0, n_unstable, ev, points, ended[0], model, message=ended[1])


def _stability_and_brackets(J, Dz, T, S):
    """Along a branch: eigenvalues of the Jacobians J, their zero tolerance, the unstable counts,
    and the steps ``[(kind, i)]`` between points i and i + 1 where the fold test (the parameter's
    tangent component) or the branch-point test (the sign of det [D S; tau^T]) changes sign."""
    ev = stability.eigenvalues(J)
    tol = stability.RTOL * stability.jacobian_scale(J)
    n_unstable = stability.unstable_eigenvalues(ev, stability.jacobian_scale(J))
    fold = np.sign(T[:, -1])
    bp = np.linalg.slogdet(np.concatenate([Dz * S[None, None, :], T[:, None, :]], axis=1))[0]
    brackets = [("LP" if fold[i] * fold[i + 1] < 0 else "BP", i) for i in range(len(T) - 1)
                if fold[i] * fold[i + 1] < 0 or bp[i] * bp[i + 1] < 0]
    return ev, tol, n_unstable, brackets


def _pinned_branch(model, parameter, system, args, S, Z, T, Dz, ended, tol) -> Branch:
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
                  n_unstable == 0, n_unstable, ev, points, ended[0], model, message=ended[1])


def _tests(n, S, ta):
    """Host test functions of the observed ``D = [f_x  f_alpha]`` along a branch (tangent ``ta``
    at the bracket's start): LP the parameter component of the tangent, BP the determinant of
    the bordered Jacobian, H the determinant of the bialternate product (the product of all
    pairwise eigenvalue sums: it changes sign where a complex pair crosses the axis)."""
    def bordered(o):
        return np.vstack([o * S[None, :], ta[None]])
    def pair(z, o):  # the two eigenvalues nearest zero: their sum changes sign where both cross it
        ev = np.linalg.eigvals(o[:, :n])
        return float(np.sum(ev[np.argsort(np.abs(ev))[:2]].real))

    return {"LP": lambda z, o: np.linalg.solve(bordered(o), np.eye(n + 1)[n])[n],
            "BP": lambda z, o: np.linalg.det(bordered(o)),
            "H": lambda z, o: np.linalg.det(bialternate(o[:, :n])),
            "BP2": pair}


def _locate(model, parameter, k, p, S, Z, T, Dz, brackets, tol) -> list:
    """Every bracket's point located: folds and Hopf points along the branch by the engine's own
    step (regula falsi on the arclength, each trial point corrected onto the branch:
    :func:`locate_on_branch`; no locator program of its own to compile), a fold that turns out
    to be a branch point (f_alpha in the range of a singular f_x) solved on the branch-point
    system (:func:`.locate.branch_points`).  Branch points on the chord (:func:`.locate.locate`):
    there a corrector on the branch may land on the other branch through the point."""
    if not brackets:
        return []
    flow, n = model.flow, Z.shape[1] - 1
    if n > locate.MAX_HOPF_DIM:  # no bialternate test: Hopf points stay unlocated for now
        brackets = [b for b in brackets if b[0] != "H"]
    system, args = EquilibriumSystem(flow), (np.asarray(p, float), np.int32(k))
    B = len(brackets)
    idx = np.array([i for _, i in brackets])
    z, ok, D = np.zeros((B, n + 1)), np.zeros(B, bool), np.zeros((B, n, n + 1))
    chord = np.array([kind == "BP" for kind, _ in brackets])
    if chord.any():
        kinds = np.array([locate.KINDS.index("BP")] * int(chord.sum()), dtype=np.int32)
        b, c = borders(locate.test_matrices(Dz[idx[chord], :, :n], kinds))
        with scope():
            z[chord], ok[chord], D[chord] = locate.locate(flow, Z[idx[chord]], Z[idx[chord] + 1],
                                                          np.tile(p, (len(kinds), 1)), np.int32(k), kinds, b, c, S)
    for j, (kind, i) in enumerate(brackets):
        if not ok[j]:  # the branch locator (also where the chord system is singular too)
            z[j], D[j], ok[j] = locate_on_branch(system, args, Z[i], T[i], Z[i + 1], S, _tests(n, S, T[i])[kind], tol)
    fold = ~chord & np.array([kind == "LP" for kind, _ in brackets])
    if fold.any():
        ends = np.stack([Dz[idx[fold]], Dz[idx[fold] + 1]], axis=1)  # sizes at the bracket ends
        z[fold], ok[fold], D[fold] = locate.branch_points(
            flow, z[fold], ok[fold], D[fold], p, k, S, np.max(np.linalg.norm(ends[..., n], axis=-1), axis=1),
            np.max(np.abs(ends * S), axis=(1, 2, 3)), 2.0 * np.max(np.abs(Z[idx[fold] + 1] - Z[idx[fold]]) / S, axis=1))
    out = []
    for j, (kind, i) in enumerate(brackets):
        zj = z[j] if ok[j] else 0.5 * (Z[i] + Z[i + 1])  # unlocated: reported, flagged
        J, fp = D[j, :, :n], D[j, :, n]
        ev = stability.eigenvalues(J[None])[0]
        data = {"eigenvalues": ev, "located": bool(ok[j])}
        if ok[j] and kind not in ("H", "BP2"):  # f_p at the bracketing points is the scale (1-D: f_x = f_p = 0 at a BP)
            ref = np.max(np.linalg.norm(Dz[[i, i + 1], :, n], axis=-1))
            kind = "BP" if locate.is_branch_point(J[None], fp[None], ref=ref)[0] else "LP"
        if kind == "BP2":  # a branch point only if both eigenvalues vanish there (a 2-D kernel)
            small = np.sort(np.abs(ev))[:2]
            ref = max(float(np.max(stability.jacobian_scale(Dz[[i, i + 1], :, :n]))), 1e-300)  # f_x at the ends
            data["kernel_dimension"] = 2
            data["located"] = bool(ok[j] and small[1] <= 1e-6 * ref)
            kind = "BP"
        if kind == "BP":  # this branch's direction through the point (unscaled (dx, dalpha)): switch() skips it
            t = 0.5 * (T[i] + T[i + 1]) * S
            data["tangent"] = t / np.linalg.norm(t)
        if kind == "H":
            crit = ev[np.argmin(np.abs(ev.real))]
            if ok[j] and abs(crit.imag) <= 1e-8 * max(stability.jacobian_scale(J), 1e-300):
                continue  # a neutral saddle
            pz = p.copy()
            pz[k] = zj[n]
            l1, omega = normalform.first_lyapunov(flow, zj[:n], pz, J)
            data.update(frequency=omega, lyapunov=l1,
                        criticality="subcritical" if l1 > 0 else "supercritical" if l1 < 0 else "degenerate")
        out.append(SpecialPoint(kind, {parameter: float(zj[n])}, {v: float(zj[j]) for j, v in enumerate(model.variables)},
                                data, model.with_params(**{parameter: float(zj[n])})))
    return out
