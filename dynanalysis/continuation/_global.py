r"""The end of a cycle branch whose period grows without bound: a saddle-node on an invariant
circle (SNIC) or a saddle homoclinic orbit (HOM).

Both make the period diverge as the parameter p approaches p*, because the orbit comes ever
closer to an equilibrium where it slows down.  They differ in that equilibrium and in the law:

* SNIC: the orbit passes the ghost of a saddle-node (a fold of equilibria) that appears on it
  at p*; the passage takes :math:`T \sim C\,|p - p^*|^{-1/2}` (the normal form
  :math:`\dot u = a (p - p^*) + b u^2` gives :math:`\pi / \sqrt{a b |p - p^*|}`).
* HOM: the orbit passes next to a saddle that exists on both sides of p*, and at p* it becomes
  the saddle's homoclinic loop; the time spent near the saddle grows as
  :math:`T \sim -\lambda_u^{-1} \ln|p - p^*|` (:math:`\lambda_u` the saddle's unstable
  eigenvalue).

The decision is made from the equilibria, not from the fit: at the branch's last parameter value
Newton from the orbit's slowest point either converges to a saddle next to the orbit (HOM) or
finds nothing there, in which case the fold of equilibria is continued to from beyond the
extrapolated p* and located exactly (SNIC, p* the fold's parameter).  The period law is then
fitted to the branch's last points and reported: for a SNIC
:math:`T = C\,|p - p^*|^{e} + T_1` (e should be -1/2); for a homoclinic orbit p converges to p*
exponentially in T, so p* is where the last points have settled, and :math:`T = -c \ln|p - p^*| + T_1`
is fitted where :math:`|p - p^*|` is still resolved (c should be :math:`1/\lambda_u`).
"""
from __future__ import annotations

from functools import partial

import numpy as np
import jax
import jax.numpy as jnp
from scipy.optimize import curve_fit

from dynanalysis._model.xla import jit, scope
from dynanalysis._numerics import spectra as stability
from dynanalysis._numerics.newton import correct
from dynanalysis._numerics.points import SpecialPoint
from dynanalysis.continuation._engine import _scales

NEAR_ORBIT = 0.05  # scaled distance under which an equilibrium lies on the orbit


@partial(jit, static_argnames=("flow",))
def _newton(flow, x, p, scale):
    return correct(lambda u: flow.rhs(u, p), x, scale, iters=30)[:2]


@partial(jit, static_argnames=("flow",))
def _field(flow, X, p):
    return jax.vmap(lambda x: flow.rhs(x, p))(X)


def _equilibrium(flow, x, p, scale):
    with scope():
        y, ok = _newton(flow, jnp.asarray(x), jnp.asarray(p), jnp.asarray(scale))
    return np.asarray(y), bool(ok)


def classify(model, parameter, P, T, X, sv, p_vec, k, bounds):
    """The global bifurcation that ends a cycle branch: ``P`` (points,) the parameter, ``T``
    (points,) the period, ``X`` (nodes, n) the last orbit, ``sv`` the variables' scales,
    ``p_vec`` the flat parameters, ``k`` the parameter's index.  Returns a
    :class:`~dynanalysis.SpecialPoint` of kind "SNIC" or "HOM" (``params`` at p*, ``states`` at
    the equilibrium, ``data["period_scaling"]``), or None when neither is recognised."""
    flow, names = model.flow, model.variables
    q = np.array(p_vec, float)
    q[k] = P[-1]
    with scope():
        F = np.asarray(_field(flow, jnp.asarray(X), jnp.asarray(q)))
    slow = X[np.argmin(np.max(np.abs(F) / sv, axis=1))]  # the orbit's slowest node
    tail = T > 0.5 * T[-1]  # the points whose period is mostly the slow passage
    direction = np.sign(P[-1] - P[-2]) or 1.0
    x_e, ok = _equilibrium(flow, slow, q, sv)
    if ok and _distance(X, x_e, sv) < NEAR_ORBIT:
        J = stability.jacobian(flow, x_e, q)
        ev = np.linalg.eigvals(J)
        lam_u = ev.real.max()
        if lam_u > 0 and abs(ev[np.argmax(ev.real)].imag) == 0 and np.sum(ev.real > 0) == 1:
            return _homoclinic(model, parameter, P, T, x_e, ev, lam_u, bounds[1] - bounds[0])
    # no equilibrium at the last value: the fold that the ghost belongs to lies beyond p*
    a, b = np.polyfit(P[tail], 1.0 / T[tail] ** 2, 1)
    p_est = -b / a if a != 0 else P[-1]
    gap = max(abs(p_est - P[-1]), 1e-9 * max(1.0, abs(P[-1])))
    from dynanalysis.continuation._equilibria import equilibria
    for far in (2.0, 5.0, 20.0):
        p_eq = p_est + far * gap * direction
        if not bounds[0] <= p_eq <= bounds[1]:
            break
        q[k] = p_eq
        x_e, ok = _equilibrium(flow, slow, q, sv)
        if not ok:
            continue
        lo, hi = sorted((p_eq, P[-1]))
        branch = equilibria(model.with_params(**{parameter: p_eq}), parameter, start=dict(zip(names, x_e)),
                            bounds=(lo, hi), direction=-int(direction), max_steps=200)
        folds = [s for s in branch.points("LP") if s.data.get("located", True)]
        if not folds:
            continue
        lp = min(folds, key=lambda s: abs(s.params[parameter] - p_est))
        x_lp = np.array([lp.states[v] for v in names])
        if _distance(X, x_lp, sv) < NEAR_ORBIT:
            return _snic(model, parameter, P[tail], T[tail], lp)
    return None


def _distance(X, x, sv):
    return float(np.min(np.max(np.abs(X - x) / sv, axis=1)))


def _snic(model, parameter, P, T, lp):
    p_star = lp.params[parameter]
    d = np.abs(P - p_star)
    e0, logC = np.polyfit(np.log(d), np.log(T), 1)
    try:
        (C, e, T1), _ = curve_fit(lambda d, C, e, T1: C * d ** e + T1, d, T, p0=(np.exp(logC), e0, 0.0), maxfev=20000)
    except RuntimeError:
        C, e, T1 = np.exp(logC), e0, 0.0
    data = {"period_scaling": {"law": "T = C |p - p*|^e + T1", "exponent": float(e), "C": float(C), "T1": float(T1)},
            "equilibrium": "fold (saddle-node) of equilibria", "eigenvalues": lp.data.get("eigenvalues"),
            "located": True, "last_period": float(T[-1])}
    return SpecialPoint("SNIC", {parameter: float(p_star)}, dict(lp.states), data,
                        model.with_params(**{parameter: float(p_star)}))


def _homoclinic(model, parameter, P, T, x_e, ev, lam_u, width):
    # p - p* ~ A exp(-lambda_u T): once T is large the parameter has converged to p* within the
    # discretisation's own error (~1e-8 at default meshes; it then wanders at that level), so p*
    # is the median over the points past half the last period, and c the slope of T against
    # -ln|p - p*| where |p - p*| is well above that level (1e-7 to 1e-2 of the range)
    p_star = float(np.median(P[T >= 0.5 * T[-1]]))
    d = np.abs(P - p_star)
    use = (d > 1e-7 * width) & (d < 1e-2 * width)
    c, T1 = np.polyfit(-np.log(d[use]), T[use], 1) if use.sum() >= 3 else (np.nan, np.nan)
    data = {"period_scaling": {"law": "T = -c ln|p - p*| + T1", "c": float(c), "T1": float(T1),
                               "lambda_u": float(lam_u), "c_times_lambda_u": float(c * lam_u)},
            "equilibrium": "saddle", "eigenvalues": ev, "located": True, "last_period": float(T[-1])}
    return SpecialPoint("HOM", {parameter: float(p_star)}, dict(zip(model.variables, map(float, x_e))), data,
                        model.with_params(**{parameter: float(p_star)}))


def snic_segment(curve, *, duration: float, eps: float = 0.01, dt: float | None = None):
    """Which points of a fold curve are saddle-node bifurcations on an invariant circle.

    At a fold point :math:`(x_f, \\alpha)` the flow on the centre manifold is
    :math:`\\dot u = \\tfrac12 \\langle w, B(v, v)\\rangle u^2` (v, w the null vectors of
    :math:`f_x`), so orbits leave the saddle-node on the side :math:`\\sigma v`,
    :math:`\\sigma = \\operatorname{sign}\\langle w, B(v, v)\\rangle`, and come back on the other.
    The fold is a SNIC when the orbit that leaves returns to it: simulated from
    :math:`x_f + \\varepsilon \\sigma v` (``eps`` relative to the variables' ranges) for
    ``duration``, it must leave the ``2 eps`` neighbourhood and later come back within ``eps``
    of :math:`x_f` (it lands on the other branch of a saddle-node that is not on a circle, or on
    another attractor).  One batched simulation (Dormand–Prince) for all the points of the curve.

    Returns the curve with ``tests["snic"]`` (bool per point), drawn as a thick segment by
    :meth:`~.Branch.plot`.
    """
    from dynanalysis._numerics.normalform import _complex_forms
    from dynanalysis._simulation.integrate import simulate
    from dynanalysis._model.domain import check_number
    import dataclasses

    if getattr(curve, "kind", None) != "fold":
        raise ValueError(f"snic_segment needs a fold curve (continuation.fold_curve), got {getattr(curve, 'kind', curve)!r}")
    duration = check_number("duration", duration)
    eps = check_number("eps", eps)
    model, names = curve.model, curve.model.variables
    flow = model.flow
    X = np.stack([curve.states[v] for v in names], -1)
    P = np.repeat(np.asarray(model.flat_params()[1], float)[None], len(X), axis=0)
    for name, values in curve.params.items():
        P[:, list(flow.param_names).index(name)] = values
    sv = _scales(model, X.mean(0))
    J = stability.jacobian(flow, X, P)
    U, _, Vt = np.linalg.svd(J)
    v, w = Vt[:, -1, :], U[:, :, -1]
    (B,), _ = _complex_forms(flow, X, P, [(v.astype(complex), v.astype(complex))], [])
    # u' = c u^2 on the centre manifold x = x_f + u v, c = <w, B(v, v)> / (2 <w, v>)
    sigma = np.sign(np.sum(w * B.real, axis=1) * np.sum(w * v, axis=1))
    x0 = X + eps * sigma[:, None] * v / np.max(np.abs(v) / sv, axis=1, keepdims=True)
    params = {name: P[:, i] for i, name in enumerate(flow.param_names)}
    tr = simulate(model, dict(zip(names, x0.T)), duration, dt=dt or duration / 4000, method="dopri5", params=params)
    Y = np.stack([np.asarray(tr.states[v]) for v in names], -1)  # (points, records, n)
    dist = np.max(np.abs(Y - X[:, None, :]) / sv, axis=-1)
    left = dist > 2 * eps
    first = np.where(left.any(1), np.argmax(left, axis=1), dist.shape[1])
    back = np.array([np.any(d[i:] < eps) for d, i in zip(dist, first)])
    tests = {**(curve.tests or {}), "snic": left.any(1) & back}
    return dataclasses.replace(curve, tests=tests)
