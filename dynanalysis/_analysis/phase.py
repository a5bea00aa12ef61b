r"""Phase response curves of stable limit cycles: the infinitesimal PRC by the adjoint method.

A stable cycle :math:`\gamma(t)` of period T has an asymptotic phase :math:`\theta(x)` near it,
advancing at the rate :math:`\omega = 2\pi/T`.  Its gradient on the cycle,
:math:`Z(t) = \nabla\theta(\gamma(t))`, is the infinitesimal phase response curve: a small kick
:math:`\delta x` at phase t shifts the phase by :math:`Z(t)\cdot\delta x` radians.  Z is the
periodic solution of the adjoint equation :math:`Z' = -f_x(\gamma(t))^T Z` normalised by
:math:`Z \cdot f(\gamma) = \omega` (Malkin; Ermentrout & Kopell), which this module solves
exactly for the discrete flow that computes the orbit:

* the orbit is RK4 with M steps of :math:`h = T/M` from a point of the cycle, re-solved by
  shooting at that M (so the discrete orbit closes to rounding, :mod:`._cycles`);
* with :math:`A_k` the Jacobian of step k (forward-mode autodiff, all steps at once) the phase of
  the discrete map obeys :math:`\nabla\theta_k = A_k^T \nabla\theta_{k+1}`; :math:`Z_0` is the left
  eigenvector of the monodromy :math:`A_{M-1}\cdots A_0` for the multiplier 1, scaled to
  :math:`Z_0\cdot f_0 = \omega`, and the recursion is run backwards over the period (stable for a
  stable cycle: the other directions contract);
* :math:`Z_k \cdot f_k - \omega` is O(h^4) and reported (``normalization_error``).

Phase 0 is the maximum of the first variable on the cycle; the result is sampled at ``n``
equally spaced phases.  Everything is written for one cycle and mapped over the cycles of a
periodic branch in one program (the PRC along the branch, as MatCont computes it): vmapped on
accelerators, one cycle after another on CPUs, where that is faster.
"""
from __future__ import annotations

import dataclasses
from functools import partial
from typing import Mapping

import numpy as np
import jax
import jax.numpy as jnp
from jax import lax

from dynanalysis._cycles import LimitCycle, shoot
from dynanalysis.continuation._engine import Branch, _scales
from dynanalysis._model.results import Result
from dynanalysis._model import xla
from dynanalysis._model.xla import jit, scope
from dynanalysis._numerics.points import SpecialPoint
from dynanalysis._simulation.integrate import simulate
from dynanalysis._simulation.steppers import rk4
from dynanalysis._model.system import as_ode

STEPS = 8192


@dataclasses.dataclass(frozen=True)
class PhaseResponse(Result):
    """Infinitesimal phase response of a cycle (or of every cycle of a periodic branch).

    ``phase`` (n,) in [0, 1), 0 at the maximum of the first variable; ``Z[name]`` (n,) or
    (cycles, n): the phase shift in radians per unit perturbation of that variable (Z . f = omega,
    so a shift in cycles is Z / (2 pi)); ``period`` and ``frequency`` (omega = 2 pi / T, per time
    unit of the model); ``orbit[name]`` the cycle at the same phases; ``normalization_error``
    max |Z . f - omega| / omega over the integration grid; ``parameter`` and ``values`` along a
    branch.  From kicks (:func:`phase_response` with ``pulse``): ``pulse`` the kick, ``shift``
    (n,) the asymptotic phase advance it causes (radians), ``Z`` the advance per unit kick of the
    kicked variable (``normalization_error`` NaN)."""

    phase: np.ndarray
    Z: dict
    period: np.ndarray
    frequency: np.ndarray
    orbit: dict
    normalization_error: np.ndarray
    model: object = None
    parameter: str | None = None
    values: np.ndarray | None = None
    pulse: dict | None = None
    shift: np.ndarray | None = None

    @property
    def variables(self) -> tuple:
        return tuple(self.Z)

    def plot(self, ax=None, **style):
        """Z of every variable against the phase (:func:`dynanalysis.plotting.plot_phase_response`)."""
        from dynanalysis.plotting import plot_phase_response
        return plot_phase_response(self, ax=ax, **style)


def _one(flow, k, M, n_out, x0, T0, p, scale):
    """Shooting at M RK4 steps, the discrete adjoint, and the samples at n_out phases."""
    x0, T, _, mono = shoot(flow, k, M, x0, T0, p, x0[k], scale)
    h = T / M
    step = lambda y: rk4(lambda u, s: flow.rhs(u, p), y, 0.0, h)  # noqa: E731
    _, X = lax.scan(lambda y, _: (step(y), y), x0, None, length=M)  # x_0 .. x_{M-1}
    A = jax.vmap(jax.jacfwd(step))(X)
    F = jax.vmap(lambda y: flow.rhs(y, p))(X)
    omega = 2 * jnp.pi / T
    # the left eigenvector of the monodromy for the multiplier 1: the null vector of (M - I)^T
    w = jnp.linalg.svd((mono - jnp.eye(mono.shape[0], dtype=mono.dtype)).T)[2][-1]
    z0 = w * omega / (w @ F[0])
    _, Zrev = lax.scan(lambda z, a: (a.T @ z, a.T @ z), z0, A[::-1])  # Z_{M-1} .. Z_0
    Z = Zrev[::-1]
    err = jnp.max(jnp.abs(jnp.sum(Z * F, axis=1) - omega)) / omega
    # phase 0 at the maximum of the first variable (parabola through the largest sample)
    v = X[:, 0]
    i = jnp.argmax(v)
    a, b, c = v[i - 1], v[i], v[(i + 1) % M]
    den = a - 2 * b + c
    shift = jnp.where(den != 0, 0.5 * (a - c) / jnp.where(den != 0, den, 1.0), 0.0)
    s = (i + shift + M * jnp.arange(n_out) / n_out) % M  # fractional grid indices of the phases
    lo = jnp.floor(s).astype(jnp.int32)
    frac = (s - lo)[:, None]
    at = lambda Y: (1 - frac) * Y[lo] + frac * Y[(lo + 1) % M]  # noqa: E731
    return at(Z), at(X), T, omega, err


@partial(jit, static_argnames=("flow", "k", "M", "n_out", "batch"))
def _many(flow, k, M, n_out, X0, T0, P, scale, batch=None):
    """:func:`_one` over cycles: vmapped in groups of ``batch`` (None: all at once).  On CPUs one
    at a time is faster: the shooting loop of a group runs until its slowest cycle converges, and
    XLA:CPU gains nothing from batching such small solves."""
    return lax.map(lambda a: _one(flow, k, M, n_out, *a, scale), (X0, T0, P), batch_size=batch)


def phase_response(cycle, *, variables=None, n: int = 200, steps: int = STEPS) -> PhaseResponse:
    """The infinitesimal phase response curve Z of a stable cycle by the adjoint method (module
    doc).

    Parameters
    ----------
    cycle : a found :class:`~dynanalysis.LimitCycle` (also a periodic branch's i-th cycle,
        ``branch.point(i)``); a special point of a periodic branch (a
        :class:`~dynanalysis.SpecialPoint` from :func:`~dynanalysis.continuation.periodic_orbits`
        whose ``data`` holds its orbit); or a whole periodic :class:`~dynanalysis.continuation.Branch`
        (the PRC of every stable cycle along it, one vmapped computation; ``values`` says where).
    variables : names to report (default: all).
    n : phases sampled, equally spaced in [0, 1).
    steps : RK4 steps per period of the discrete flow the adjoint is exact for.

    Returns a :class:`PhaseResponse`.  The cycle must be stable for the adjoint recursion to
    converge; an unstable one is refused (its PRC is not what a kick measures).
    """
    n = int(n)
    if n < 4:
        raise ValueError(f"n must be an integer >= 4, got {n!r}")
    model, starts, periods, params, parameter, values = _cycles_of(cycle)
    names = model.variables
    variables = list(names) if variables is None else list(variables)
    unknown = [v for v in variables if v not in names]
    if unknown:
        raise ValueError(f"variables: unknown {unknown}; variables are {list(names)}")
    flow = model.flow
    with scope():
        cpu = any(d.platform == "cpu" for d in xla.devices())
        Z, X, T, omega, err = (np.asarray(a) for a in _many(
            flow, 0, int(steps), n, jnp.asarray(starts), jnp.asarray(periods), jnp.asarray(params),
            jnp.asarray(_scales(model, starts.mean(0))), batch=1 if cpu else None))
    one = parameter is None
    pick = (lambda a: a[0]) if one else (lambda a: a)  # noqa: E731
    idx = {v: names.index(v) for v in variables}
    return PhaseResponse(np.arange(n) / n, {v: pick(Z[..., j]) for v, j in idx.items()}, pick(T), pick(omega),
                         {v: pick(X[..., j]) for v, j in zip(names, range(len(names)))}, pick(err), model,
                         parameter, values)


def _cycles_of(cycle):
    """(model, starts (B, n), periods (B,), parameter rows (B, m), parameter name, values) of a
    LimitCycle, a periodic-branch point, or a periodic branch."""
    if isinstance(cycle, LimitCycle):
        if not cycle.found:
            raise ValueError(f"the cycle was not found: {cycle.reason}")
        if cycle.stable is False:
            raise ValueError("the cycle is unstable: the adjoint (phase) response is defined for a stable cycle")
        model = cycle.model.with_params(**{k: v for k, v in (cycle.params or {}).items()
                                           if k in cycle.model.flow.param_names})
        x0 = np.array([cycle.states[v][0] for v in model.variables])
        return model, x0[None], np.array([cycle.period]), model.flat_params()[1][None], None, None
    if isinstance(cycle, SpecialPoint):
        if "orbit" not in cycle.data or cycle.model is None:
            raise ValueError("the point carries no orbit: give a point of a periodic branch "
                             "(continuation.periodic_orbits), or a LimitCycle")
        model = cycle.model
        x0 = np.array([cycle.data["orbit"][v][0] for v in model.variables])
        return model, x0[None], np.array([cycle.data["orbit_period"]]), model.flat_params()[1][None], None, None
    if isinstance(cycle, Branch) and cycle.kind == "periodic":
        model, par = cycle.model, cycle.parameter
        keep = np.asarray(cycle.stable, bool)  # the adjoint (phase) response of the stable cycles
        if not keep.any():
            raise ValueError("the branch has no stable cycle: the phase response is defined for stable cycles")
        X0 = np.stack([cycle.orbits[v][keep, 0] for v in model.variables], -1)
        P = np.repeat(np.asarray(model.flat_params()[1], float)[None], len(X0), axis=0)
        P[:, list(model.flow.param_names).index(par)] = cycle.params[par][keep]
        return model, X0, np.asarray(cycle.period, float)[keep], P, par, np.asarray(cycle.params[par])[keep]
    raise ValueError(f"cycle must be a LimitCycle, a point of a periodic branch or a periodic Branch, got "
                     f"{type(cycle).__name__}")


def _events(model, t, xs, spikes):
    """Per member: the times that mark phase 0: spikes (hybrid models) or the maxima of the
    first variable above its mean (parabola through the largest sample and its neighbours)."""
    if model.flow.is_hybrid:
        return [np.asarray(s, float) for s in spikes]
    out = []
    for v in xs[..., 0]:
        i = np.flatnonzero((v[1:-1] > v[:-2]) & (v[1:-1] >= v[2:]) & (v[1:-1] > v.mean())) + 1
        a, b, c = v[i - 1], v[i], v[i + 1]
        den = np.where(a - 2 * b + c != 0, a - 2 * b + c, 1.0)
        out.append(t[i] + 0.5 * (a - c) / den * (t[1] - t[0]))
    return out


def kicked_phase_response(model, pulse: Mapping, *, params: Mapping | None = None, initial: Mapping,
                          n: int = 50, periods: int = 8, dt: float | None = None, warmup: float | None = None
                          ) -> PhaseResponse:
    """The finite-size phase response to a kick ``pulse = {variable: size}`` at ``n`` phases
    ((j + 1/2) / n, so that no kick falls on an event itself), by one batched simulation (any model; for hybrid integrate-and-fire models phase 0 is the
    spike, for smooth ones the maximum of the first variable, as in :func:`phase_response`).

    The cycle is reached from ``initial`` after ``warmup`` (default 20 periods of a first
    estimate); the state at phase phi is taken one period after a phase-0 event; each kicked run
    lasts ``periods`` periods beside an unkicked run from the same state, and the phase advance
    is the difference of their last events.  Returns a :class:`PhaseResponse` with ``shift`` (radians) and ``Z`` the
    advance per unit kick."""
    model = as_ode(model)
    if not isinstance(pulse, Mapping) or len(pulse) != 1 or next(iter(pulse)) not in model.variables:
        raise ValueError(f"pulse must be {{variable: size}} with one of {list(model.variables)}, got {pulse!r}")
    (var, size), = pulse.items()
    size = float(size)
    if not np.isfinite(size) or size == 0:
        raise ValueError(f"pulse size must be a finite non-zero number, got {size!r}")
    names = model.variables
    params = dict(params or {})
    dt = 1e-3 if dt is None else float(dt)
    first = simulate(model, initial, 200.0 if warmup is None else float(warmup), dt=dt, params=params)
    xs = np.stack([np.asarray(first.states[v]) for v in names], -1)[None]
    ev = _events(model, first.t, xs, [first.spike_times] if model.flow.is_hybrid else None)[0]
    if len(ev) < 3:
        raise ValueError("no regular firing from initial: give a longer warmup or another initial state")
    T = float(np.mean(np.diff(ev[-3:])))
    # one period from the last event, finely recorded: the states at the n phases
    state = {v: float(first.states[v][-1]) for v in names}
    since = first.t[-1] - ev[-1]
    tr = simulate(model, state, 2 * T - since + 2 * dt, dt=dt, params=params)
    xs = np.stack([np.asarray(tr.states[v]) for v in names], -1)[None]
    e = _events(model, tr.t, xs, [tr.spike_times] if model.flow.is_hybrid else None)[0]
    t0 = e[e > 0.5 * dt][0]
    phase = (np.arange(n) + 0.5) / n  # mid-phases: no kick lands on an event (a reset) itself
    X = np.stack([np.interp(t0 + phase * T, tr.t, xs[0, :, j]) for j in range(len(names))], -1)
    kicked = X.copy()
    kicked[:, names.index(var)] += size
    # kicked and unkicked runs from every phase in one batch: the shift is the difference of their
    # last events, so the errors of the event times and of T cancel
    both = np.concatenate([kicked, X])
    runs = simulate(model, dict(zip(names, both.T)), periods * T, dt=dt, params=params)
    xs = np.stack([np.asarray(runs.states[v]) for v in names], -1)
    ends = _events(model, runs.t, xs, runs.spike_times if model.flow.is_hybrid else None)
    shift = np.full(n, np.nan)
    for j in range(n):
        a, b = ends[j], ends[n + j]
        if len(a) and len(b):  # the last events of both, matched by their count from the end
            late_a, late_b = a[-1], b[np.argmin(np.abs(b - a[-1]))]
            shift[j] = 2 * np.pi * (late_b - late_a) / T
    omega = 2 * np.pi / T
    return PhaseResponse(phase, {var: shift / size}, np.float64(T), np.float64(omega),
                         {v: X[:, i] for i, v in enumerate(names)}, np.float64(np.nan),
                         model, pulse={var: size}, shift=shift)


@dataclasses.dataclass(frozen=True)
class PhaseLocking(Result):
    """Phase reduction of two identical weakly coupled cells (:func:`phase_locking`).

    ``phase`` (n,) the phase lag psi in [0, 1) of cell 2 behind cell 1; ``H`` (n,) the
    interaction function H(psi) (radians per time unit per unit coupling); ``G`` (n,) the drift
    of the lag, :math:`d\\psi/dt = (H(-\\psi) - H(\\psi)) / 2\\pi` (cycles per time unit);
    ``locked`` the lags where G vanishes (located by linear interpolation between samples) and
    ``stable`` whether each attracts (G decreasing through zero)."""

    phase: np.ndarray
    H: np.ndarray
    G: np.ndarray
    locked: np.ndarray
    stable: np.ndarray
    period: float

    def plot(self, ax=None, **style):
        from dynanalysis.plotting import plot_phase_locking
        return plot_phase_locking(self, ax=ax, **style)


def phase_locking(prc: PhaseResponse, coupling) -> PhaseLocking:
    r"""The interaction function of two identical cells coupled by ``coupling`` and their
    phase-locked states (Malkin's theorem; Ermentrout & Terman, ch. 8).

    ``coupling(me, other) -> {variable: input}``: the input to a cell in state ``me`` from one in
    state ``other`` (dicts of NumPy arrays, the variables' values; e.g. a gap junction
    ``lambda me, other: {"V": g * (other["V"] - me["V"])}``).  With Z the infinitesimal PRC
    (:func:`phase_response`, one cycle),

    .. math::
        H(\psi) = \frac{1}{T} \int_0^T Z(t) \cdot G\big(x(t), x(t + \psi T)\big)\, dt,

    averaged over the PRC's n phases; the lag :math:`\psi = \theta_2 - \theta_1` (in cycles)
    drifts as :math:`2\pi\,\dot\psi = H(-\psi) - H(\psi)`.
    """
    if not isinstance(prc, PhaseResponse) or np.ndim(next(iter(prc.Z.values()))) != 1 or prc.pulse is not None:
        raise ValueError("phase_locking needs the infinitesimal PRC of one cycle (phase_response of a LimitCycle "
                         "or a branch point)")
    names = list(prc.orbit)
    missing = [v for v in names if v not in prc.Z]
    if missing:
        raise ValueError(f"the PRC must include every variable; it lacks {missing} (phase_response(variables=None))")
    n = len(prc.phase)
    X = {v: np.asarray(prc.orbit[v]) for v in names}
    shifts = (np.arange(n)[:, None] + np.arange(n)[None, :]) % n  # [k, j]: the other cell at phase j + k
    me = {v: np.broadcast_to(X[v][None, :], (n, n)) for v in names}
    other = {v: X[v][shifts] for v in names}
    inputs = coupling(me, other)
    unknown = [v for v in inputs if v not in names]
    if unknown:
        raise ValueError(f"coupling returned unknown variable(s) {unknown}; variables are {names}")
    H = sum(np.mean(np.asarray(prc.Z[v])[None, :] * np.broadcast_to(np.asarray(inputs[v], float), (n, n)), axis=1)
            for v in inputs)
    G = (H[(-np.arange(n)) % n] - H) / (2 * np.pi)
    G = np.where(np.abs(G) <= 1e-12 * max(np.max(np.abs(G)), 1e-300), 0.0, G)  # zero by symmetry (psi = 0, 1/2)
    nxt, prev = np.roll(G, -1), np.roll(G, 1)
    exact = np.flatnonzero(G == 0)
    between = np.flatnonzero((G != 0) & (nxt != 0) & (np.sign(G) != np.sign(nxt)))
    locked = np.r_[exact, between + G[between] / (G[between] - nxt[between])] / n % 1.0
    stable = np.r_[nxt[exact] < prev[exact], nxt[between] < G[between]]
    order = np.argsort(locked)
    return PhaseLocking(prc.phase, H, G, locked[order], stable[order], float(prc.period))


def coupled_pair(model, coupling, strength: float = 0.01):
    """Two identical cells of ``model``, each receiving ``strength * coupling(me, other)``: an
    :class:`~dynanalysis.ODE` with variables ``<name>_1``, ``<name>_2`` and the model's parameters
    plus ``strength``, to simulate what :func:`phase_locking` predicts.  ``coupling`` is the same
    function as there; for the simulation it must be written with :mod:`dynanalysis.math` (or
    plain arithmetic), which JAX can trace."""
    from dynanalysis._model.system import ODE, Flow
    model = as_ode(model)
    if model.flow.is_hybrid:
        raise ValueError(f"{model.name} is a hybrid model: coupled_pair builds smooth pairs")
    f, names = model.flow, model.variables

    def evaluate(states, params, t):
        cells = [{v: states[f"{v}_{i}"] for v in names} for i in (1, 2)]
        own = {k: params[k] for k in f.param_names}
        out = {}
        for i, (me, other) in enumerate(((cells[0], cells[1]), (cells[1], cells[0])), start=1):
            d, c = f.components(f.evaluate(me, own, t)), coupling(me, other)
            for v in names:
                out[f"{v}_{i}"] = d[v] + params["strength"] * c[v] if v in c else d[v]
        return out

    flow = Flow(name=f"{model.name} pair", evaluate=evaluate,
                variables=tuple(f"{v}_{i}" for i in (1, 2) for v in names), var_shapes=tuple(f.var_shapes) * 2,
                param_names=tuple(f.param_names) + ("strength",), param_shapes=tuple(f.param_shapes) + ((),))
    ranges = {f"{v}_{i}": r for v, r in model.ranges.items() for i in (1, 2)}
    return ODE(flow, {**model.parameters, "strength": float(strength)}, units=model.units, ranges=ranges)
