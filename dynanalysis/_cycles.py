r"""Limit cycles: detection by simulation, refinement by periodic-orbit Newton (shooting).

Detection (:func:`detect`, vectorised over a batch of trajectories)
    After the transient, the section is the level :math:`x_k = \bar x_k` (mean of the section
    variable); upward crossings are interpolated linearly between records.  The period is
    :math:`(t_\text{last} - t_\text{first}) / (\#\text{crossings} - 1)`; a trajectory counts as
    periodic when it crosses at least 3 times, every return time agrees with the period to 1 %,
    its amplitude is not negligible and no longer changing (last quarter of the window against
    the third, to 1 %: a slow spiral near a Hopf point is not a cycle yet).  A trajectory with a
    non-finite state is reported as diverged, without NumPy warnings.

Refinement (:func:`refine`, one orbit, vmapped over orbits)
    Unknowns :math:`(x_0, T)`, equations :math:`\varphi_T(x_0) - x_0 = 0` and the phase condition
    :math:`x_{0,k} = \bar x_k`.  :math:`\varphi_T` is RK4 with ``M`` steps of size ``T / M``
    (differentiable in ``T``); the Jacobian, including the monodromy matrix
    :math:`\partial\varphi_T / \partial x_0`, comes from forward-mode autodiff.  The solve is
    repeated with ``2 M`` steps; the difference, divided by 15 (RK4's Richardson factor), is the
    reported period error.  Floquet multipliers are the monodromy's eigenvalues; the cycle is
    stable when all but the trivial multiplier (the one closest to 1) lie inside the unit circle.
"""
from __future__ import annotations

import dataclasses
import warnings
from functools import partial
from typing import Mapping

import numpy as np
import jax
import jax.numpy as jnp
from jax import lax

from dynanalysis._model.domain import check_number
from dynanalysis._simulation.integrate import SimulationWarning, simulate
from dynanalysis._numerics.linalg import lu_solve
from dynanalysis._numerics.newton import correct
from dynanalysis._simulation.steppers import rk4
from dynanalysis._model.results import Result, renamed
from dynanalysis._model.system import Flow, as_ode
from dynanalysis._numerics.spectra import stable_cycle
from dynanalysis._numerics.status import Status, throwing
from dynanalysis._model.xla import jit, scope

STEPS = 4096


@renamed(orbit="states", floquet_multipliers="multipliers")
@dataclasses.dataclass(frozen=True)
class LimitCycle(Result):
    """A periodic orbit.  ``found`` is False when the simulation did not settle on a cycle (it
    approached an equilibrium, or was irregular); then only ``reason`` is meaningful.

    ``states[name]`` samples one period at times ``t``; ``minimum``/``maximum`` per variable;
    ``multipliers`` (Floquet) sorted by modulus (descending); ``stable`` by
    :func:`.spectra.stable_cycle`; ``period_error`` estimates the period's discretisation error;
    ``converged`` says whether the shooting Newton converged (when it did not, ``reason`` says
    so and the period and orbit are the simulation's).  ``status``: ``converged`` (a cycle,
    refined when asked), ``no convergence`` (found by simulation, the shooting failed), ``not
    found`` (settled on an equilibrium), ``diverged``, or ``undecided`` (simulate longer);
    ``message`` is ``reason``.  ``orbit`` and ``floquet_multipliers`` are deprecated aliases.
    """

    found: bool
    period: float = np.nan
    t: np.ndarray | None = None
    states: dict | None = None
    minimum: dict | None = None
    maximum: dict | None = None
    multipliers: np.ndarray | None = None
    stable: bool | None = None
    converged: bool = False
    period_error: float = np.nan
    residual: float = np.nan
    reason: str = ""
    model: object = None
    params: dict | None = None
    status: Status | None = None  # None: from found / reason (a cycle built by hand)

    def __post_init__(self):
        status = self.status
        if status is None:
            status = (Status.CONVERGED if not self.reason else Status.NO_CONVERGENCE) if self.found \
                else Status.UNDECIDED
        object.__setattr__(self, "status", Status(status))

    @property
    def message(self) -> str:
        return self.reason

    def to_dict(self) -> dict:
        return {**super().to_dict(), "message": self.message}

    def plot(self, ax=None, x=None, y=None, **style):
        """The orbit in the plane of ``x`` and ``y`` (:func:`dynanalysis.plotting.plot_limit_cycle`);
        returns the Axes."""
        from dynanalysis.plotting import plot_limit_cycle
        return plot_limit_cycle(self, ax=ax, x=x, y=y, **style)


# --------------------------------------------------------------------------- detection
def detect(t, xs, k: int, transient: float, amp_tol: float = 1e-6, reg_tol: float = 1e-2):
    """Vectorised period detection on records ``xs`` of shape ``(B, T, n)``.

    Returns ``period (B,)`` (NaN where not periodic), ``index (B,)`` of the record just before
    the last crossing, ``level (B,)``, a :class:`~._numerics.status.Status` per member
    (``converged``: periodic; ``not found``: settled on an equilibrium, a decided non-cycle;
    ``diverged``; ``undecided``: simulate longer) and a reason string per member.  ``t`` may
    have a shorter last interval (:func:`simulate` ends exactly at the duration).
    """
    keep = t >= t[0] + transient
    t, xs = t[keep], xs[:, keep]
    B = xs.shape[0]
    if len(t) < 8:  # four quarters of at least two records each
        return (np.full(B, np.nan), np.full(B, int(np.flatnonzero(keep)[0])), np.full(B, np.nan),
                np.full(B, Status.UNDECIDED, dtype=object), np.full(B, f"only {len(t)} records after the transient: simulate longer or "
                           f"record more often"))
    # a diverged member (inf/NaN) is reported as such; its arithmetic below must stay quiet
    finite = np.all(np.isfinite(xs), axis=(1, 2))
    xs = np.where(finite[:, None, None], xs, 0.0)
    x = xs[..., k]
    level = x.mean(axis=1)
    scale = np.maximum(np.abs(xs).max(axis=(1, 2)), 1.0)
    below, above = x[:, :-1] < level[:, None], x[:, 1:] >= level[:, None]
    up = below & above
    frac = (level[:, None] - x[:, :-1]) / np.where(up, x[:, 1:] - x[:, :-1], 1.0)
    tc = np.where(up, t[None, :-1] + frac * np.diff(t)[None], np.nan)
    count = up.sum(axis=1)
    first, last = np.nanmin(tc, axis=1, initial=np.inf), np.nanmax(tc, axis=1, initial=-np.inf)
    period = (last - first) / np.maximum(count - 1, 1)
    # every return time must agree with the mean period
    sorted_tc = np.sort(tc, axis=1)
    gaps = np.diff(sorted_tc, axis=1)
    dev = np.nanmax(np.abs(gaps - period[:, None]), axis=1, initial=0.0) / np.where(period > 0, period, 1.0)
    # the amplitude must have settled too: compare the last quarter of the window with the third
    q = x.shape[1] // 4
    a3 = x[:, 2 * q:3 * q].max(axis=1) - x[:, 2 * q:3 * q].min(axis=1)
    a4 = x[:, 3 * q:].max(axis=1) - x[:, 3 * q:].min(axis=1)
    growing = np.abs(a4 - a3) > reg_tol * np.maximum(a4, amp_tol * scale)
    # the amplitude that counts is the final one: a dying oscillation is not a cycle
    ok = finite & (count >= 3) & (a4 > amp_tol * scale) & (dev < reg_tol) & ~growing
    # the first failing test, in this order, names the reason
    tests = [(~finite, Status.DIVERGED, "the trajectory diverged (its state became infinite or NaN)"),
             (a4 <= amp_tol * scale, Status.NOT_FOUND, "settled on an equilibrium (no oscillation)"),
             (count < 3, Status.UNDECIDED, "fewer than 3 crossings of the section after the transient"),
             (dev >= reg_tol, Status.UNDECIDED, "return times vary by more than 1 % (not periodic)"),
             (growing, Status.UNDECIDED, "amplitude still changing after the transient (simulate longer)")]
    first = np.select([c for c, _, _ in tests], np.arange(len(tests)), len(tests))
    status = np.array([s for _, s, _ in tests] + [Status.CONVERGED], dtype=object)[first]
    reason = np.array([r for _, _, r in tests] + [""])[first]
    idx = np.where(up, np.arange(up.shape[1])[None], -1).max(axis=1)
    index = np.where(idx >= 0, idx, 0) + np.flatnonzero(keep)[0]
    return np.where(ok, period, np.nan), index, level, status, reason


# --------------------------------------------------------------------------- refinement
def _flow_map(flow: Flow, x, T, p, M):
    h = T / M
    f = lambda y, s: flow.rhs(y, p, s)  # noqa: E731  (autonomous models: t is not used)
    return lax.fori_loop(0, M, lambda i, y: rk4(f, y, i * h, h), x)


def shoot(flow: Flow, k, M, x0, T0, p, level, scale, iters=30):
    """Shooting Newton at ``M`` RK4 steps per period (unjitted: the body of :func:`_shoot`, for
    use inside other compiled programs): ``(x0, T, residual, monodromy)``."""
    n = x0.shape[0]

    def G(z):
        x, T = z[:n], z[n]
        return jnp.concatenate([(_flow_map(flow, x, T, p, M) - x) / scale, ((x[k] - level) / scale[k])[None]])

    zscale = jnp.concatenate([scale, T0[None]])
    # undamped, until a scaled step below 1e-13; the solve also hands back J and -g of the last
    # iterate before that final step (one pass through the integrator per iteration)
    z, _, _, (J, g) = correct(G, jnp.concatenate([x0, T0[None]]), zscale, iters=iters, max_step=None,
                              xtol=1e-13, solve=lambda J, r: (lu_solve(J, r), (J, r)))
    # dG/dx = (monodromy - I) / scale (rows): recover the monodromy without another pass
    mono = J[:n, :n] * scale[:, None] + jnp.eye(n, dtype=J.dtype)
    return z[:n], z[n], jnp.max(jnp.abs(g)), mono


_shoot = jit(shoot, static_argnames=("flow", "k", "iters"))


def refine(flow: Flow, x0, T0, p, k, level, scale, M: int = STEPS):
    """Shooting Newton for one orbit at ``M`` and ``2 M`` steps: ``(x, T, T_error, residual, monodromy)``."""
    with scope():
        args = jax.device_put((np.asarray(x0, float), np.asarray(T0, float), np.asarray(p, float),
                               np.asarray(level, float), np.asarray(scale, float)))
        # M is a runtime value (the loop is a while loop), so both resolutions share one compile
        x1, T1, _, _ = _shoot(flow, k, M, *args)
        x2, T2, res, mono = _shoot(flow, k, 2 * M, x1, T1, args[2], args[3], args[4])
        x2, T1, T2, res, mono = jax.device_get((x2, T1, T2, res, mono))
    return x2, float(T2), abs(float(T2) - float(T1)) / 15.0, float(res), mono


def _extremum(v, sign) -> float:
    """Max (sign 1) or min (-1) of a periodic sample, refined by the parabola through its neighbours."""
    v = np.asarray(v, float)[:-1]  # the last sample repeats the first
    i = int(np.argmax(sign * v))
    a, b, c = v[i - 1], v[i], v[(i + 1) % len(v)]
    den = a - 2 * b + c
    return float(b - 0.125 * (a - c) ** 2 / den) if den != 0 else float(b)


@throwing
def limit_cycle(model, initial: Mapping, duration: float, *, params: Mapping | None = None,
                transient: float | None = None, dt: float | None = None, section: str | None = None,
                refine_orbit: bool = True, steps: int = STEPS) -> LimitCycle:
    """Find the limit cycle that a trajectory from ``initial`` approaches.

    ``duration`` must cover the transient (default: its first half) plus at least three periods.
    The trajectory is integrated with RK4 (step ``dt``, default ``duration / 20000``: the same
    compiled program as a trajectory of the same number of steps); ``section`` names the variable
    whose mean level defines the Poincaré section (default: the first variable).  With
    ``refine_orbit`` the period and orbit are then solved by shooting (see module doc) with
    ``steps`` RK4 steps per period.

    Failures are results, not warnings: a diverged simulation, no settled oscillation or a
    shooting Newton that did not converge are said in ``reason`` (``found``/``converged``).
    """
    model = as_ode(model)
    if model.is_hybrid:
        raise ValueError(f"{model.name} is a hybrid (spike/reset) model; limit_cycle needs a smooth flow")
    section = section or model.variables[0]
    if section not in model.variables:
        raise ValueError(f"section {section!r} is not a variable of {model.name}")
    duration = check_number("duration", duration)
    transient = 0.5 * duration if transient is None else check_number("transient", transient, inclusive=True)
    if not transient < duration:
        raise ValueError(f"transient must be in [0, duration), got {transient}")
    dt = duration / 20000 if dt is None else check_number("dt", dt)
    steps = check_number("steps", steps, integer=True)
    with warnings.catch_warnings():
        # a diverged run is this function's result (reason), not a warning
        warnings.simplefilter("ignore", SimulationWarning)
        tr = simulate(model, initial, duration, dt=dt, method="rk4", params=params)
    if tr.batch_shape:
        raise ValueError("limit_cycle takes one initial state; use PhasePlane2D.limit_cycle for several")
    xs = np.stack([tr.states[v].reshape(len(tr.t), -1) for v in model.variables], -1).reshape(len(tr.t), -1)[None]
    k = list(model.variables).index(section)
    p = model.flat_params(params)[1]
    used = {n: (float(v) if np.ndim(v) == 0 else v) for n, v in model.named_params(p).items()}
    if tr.diverged:
        bad = int(np.argmax(~np.all(np.isfinite(xs[0]), axis=1)))
        return LimitCycle(False, reason=f"the simulation diverged: the state is infinite or NaN at "
                                        f"t = {tr.t[bad]:g} (with dt = {dt:g}; if the model itself "
                                        f"does not blow up there, pass a smaller dt)",
                          model=model, params=used, status=Status.DIVERGED)
    period, index, level, status, reason = detect(tr.t, xs, k, transient)
    if np.isnan(period[0]):
        return LimitCycle(False, reason=str(reason[0]), model=model, params=used, status=status[0])
    x0 = xs[0, index[0]]
    after = xs[0, int(tr.t.searchsorted(transient)):]
    amp = after.max(0) - after.min(0)
    scale = np.maximum(amp, 1e-3 * max(amp.max(), 1e-12))
    T, err, res, converged, mult, note = period[0], np.nan, np.nan, False, None, ""
    if refine_orbit:
        # start on the section: the record before the crossing, advanced is close enough for Newton
        x_star, T_star, err, res, mono = refine(model.flow, x0, period[0], p, k, level[0], scale, steps)
        converged = bool(np.isfinite(T_star) and res < 1e-9 and abs(T_star / period[0] - 1) < 0.1)
        if converged:
            x0, T = x_star, T_star
            mult = np.linalg.eigvals(mono)
            mult = mult[np.argsort(-np.abs(mult))]
        else:
            # the failed solve's period difference is no error estimate
            err = np.nan
            note = (f"shooting did not converge (residual {res:.3g}, period {T_star:.6g} against "
                    f"{period[0]:.6g} detected): period and orbit are the simulation's")
    # one period sampled with the detection's step count: the same compiled program
    n_steps = len(tr.t) - 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SimulationWarning)
        orbit = simulate(model, model.named_state(x0), T, dt=T / n_steps, method="rk4", params=params)
    named = {v: orbit.states[v] for v in model.variables}
    if orbit.diverged:  # only an unconverged start far off the orbit could do this
        return LimitCycle(False, float(T), reason=f"the one-period orbit from the cycle's start "
                                                  f"diverged; {note or 'the period was found'}",
                          model=model, params=used, status=Status.DIVERGED)
    return LimitCycle(True, float(T), orbit.t, named,
                      {n: _extremum(v, -1) for n, v in named.items()}, {n: _extremum(v, 1) for n, v in named.items()},
                      mult, stable_cycle(mult), converged, float(err), float(res), note, model, used,
                      Status.CONVERGED if converged or not refine_orbit else Status.NO_CONVERGENCE)
