"""Simulation: jitted, batched integration of an ODE (smooth or hybrid) into a Trajectory.

A batch of initial states and/or parameter sets is one compiled program: the single-member
integrator is lifted with ``jax.vmap``.  The compiled program depends on the model's structure,
the method, the number of records and the recording stride; dt, the step count, the length of
the last step, initial states, parameter values and input arrays are runtime data, so new values
never recompile (a new duration recompiles only when it changes the number of records).

The step grid: ``n = ceil(duration / dt)`` steps (a ratio within 1e-6 of an integer counts as
that integer), all of length ``dt`` except the last, ``duration - (n - 1) dt`` in ``(0, dt]``
(or up to 1e-6 dt longer, by that rounding), so the last state is at exactly ``t0 + duration``.  Records are
taken every ``record_every`` steps and after the last step; the steps after it that fill the last
record's stride are no-ops.  So every record interval is ``record_every * dt`` except possibly the
last one, which ends at ``t0 + duration``.

Hybrid models (``spike``/``reset``): after each step the spike test is evaluated; the crossing
time is located within the step (linear interpolation of a float spike margin, or bisection of a
bool test) on the straight line between the two step ends; the state there is reset, and the
member's own clock is set to ``t_spike + refractory``: until then its state is frozen, and the
first step after it is shortened (or lengthened, up to 2 dt) so that no time is lost or gained
at the reset.  Firing rates are therefore exact up to the integration error.  A step that
overflows (an exponential upstroke overshooting the threshold) is replaced by its Euler step.
"""
from __future__ import annotations

import dataclasses
import warnings
from functools import partial
from typing import Any, Mapping

import numpy as np
import jax
import jax.numpy as jnp
from jax import lax

from dynanalysis import budget
from dynanalysis._simulation.steppers import METHODS, dopri5, fixed_stepper
from dynanalysis._model.domain import check_number
from dynanalysis._numerics.status import Status
from dynanalysis._model.results import Result
from dynanalysis._model.system import ODE, Flow, as_ode
from dynanalysis._model import xla
from dynanalysis._model.xla import scope
from dynanalysis._numerics.batch import even, pad

__all__ = ["simulate", "Trajectory", "SimulationWarning"]

# a step-count ratio this close to an integer is that integer (float rounding of duration / dt)
GRID_TOL = 1e-6


class SimulationWarning(RuntimeWarning):
    """A simulation diverged or failed (see ``Trajectory.diverged``).  A caller that reports the
    failure itself (e.g. :func:`dynanalysis.limit_cycle`'s ``reason``) filters this category."""


def step_grid(duration: float, dt: float) -> tuple[int, float]:
    """The step count ``n`` and the last step's length so that ``(n - 1) dt + last = duration``."""
    r = duration / dt
    n = max(int(round(r)), 1) if abs(r - round(r)) <= GRID_TOL else int(np.ceil(r))
    return n, duration - (n - 1) * dt


@dataclasses.dataclass(frozen=True)
class Trajectory(Result):
    """Result of :func:`simulate`.

    ``t`` has shape ``(n_records,)``: the initial time, then every ``record_every * dt``, the
    last exactly ``t0 + duration`` (so the last interval may be shorter); ``states[name]`` has shape
    ``batch_shape + (n_records,)`` (plus the variable's own length for vector variables).
    ``spike_times`` is, for one run, a 1-D array of spike times and, for a batch, an object array
    of such arrays; ``spike_counts`` counts every spike even if more than ``max_spikes`` occurred
    (then only the first ``max_spikes`` times are kept).  ``diverged`` marks members whose state
    became non-finite (or, for ``dopri5``, whose step size collapsed).
    """

    t: np.ndarray
    states: dict
    batch_shape: tuple
    model: ODE
    params: dict
    spike_times: Any = None
    spike_counts: np.ndarray | None = None
    diverged: np.ndarray | None = None

    @property
    def status(self) -> Status:
        """``diverged`` if any member's state became infinite or NaN, else ``converged``."""
        return Status.DIVERGED if self.diverged is not None and np.any(self.diverged) else Status.CONVERGED

    @property
    def message(self) -> str:
        if self.status is Status.CONVERGED:
            return "integrated to the end"
        return f"{int(np.sum(self.diverged))} of {np.size(self.diverged)} member(s) diverged (infinite or NaN state)"

    def __getitem__(self, name):
        return self.states[name]

    def rate(self, t_start: float | None = None, t_stop: float | None = None) -> np.ndarray:
        """Mean firing rate (spikes per time unit) in ``[t_start, t_stop)`` (default: the whole run)."""
        if self.spike_times is None:
            raise ValueError(f"{self.model.name} is not a hybrid model: it has no spikes")
        lo = self.t[0] if t_start is None else t_start
        hi = self.t[-1] if t_stop is None else t_stop
        if not hi > lo:
            raise ValueError(f"need t_start < t_stop, got {lo} and {hi}")
        count = lambda s: np.sum((s >= lo) & (s < hi)) / (hi - lo)  # noqa: E731
        if not self.batch_shape:
            return np.asarray(count(self.spike_times))
        return np.vectorize(count, otypes=[float])(self.spike_times)

    def plot(self, ax=None, **style):
        """The variables against time (:func:`dynanalysis.plotting.plot_trajectory`); returns the Axes."""
        from dynanalysis.plotting import plot_trajectory
        return plot_trajectory(self, ax=ax, **style)


# --------------------------------------------------------------------------- compiled core
def _set_param(flow: Flow, p, name, value):
    o, shape = 0, None
    for n, s in zip(flow.param_names, flow.param_shapes):
        if n == name:
            shape = s
            break
        o += int(np.prod(s))
    value = jnp.broadcast_to(jnp.asarray(value, p.dtype), shape).reshape(-1)
    return lax.dynamic_update_slice(p, value, (o,))


def _crossing(flow, x, xn, p, iters=14):
    """Spike test at the step end, and where in the step (θ in (0, 1]) the threshold was crossed.

    A float spike function g (spike when g > 0) is interpolated linearly: one evaluation, exact
    for a threshold on one variable.  A bool spike function is bisected on the straight line
    between the step ends (resolution 2^-iters of the step).
    """
    g_new = flow.spike_value(xn, p)
    if g_new.dtype == jnp.bool_:
        lo, hi = 0.0, 1.0
        for _ in range(iters):
            mid = 0.5 * (lo + hi)
            c = flow.spike_value(x + mid * (xn - x), p)
            hi, lo = jnp.where(c, mid, hi), jnp.where(c, lo, mid)
        return g_new, hi
    g_old = flow.spike_value(x, p)
    theta = jnp.where(g_old < 0, g_old / jnp.where(g_old < 0, g_old - g_new, 1.0), 0.0)
    # θ > 0 keeps the spike strictly inside its step (a huge overshoot would give θ ~ 0), so the
    # first record after a spike is always the one at or after its time
    return g_new > 0, jnp.clip(theta, 1e-6, 1.0)


# plain jax.jit, not xla.jit: XLA's default emitters vectorise this throughput kernel better
# (measured: benchmarks/README.md, "Measured design choices")
@partial(jax.jit, static_argnames=("flow", "method", "n_rec", "every", "input_fns",
                                   "array_names", "axes", "max_spikes", "tol"))
def _run(flow, method, n_rec, every, input_fns, array_names, axes, max_spikes, tol,
         x0, p, dt, t0, n_steps, h_last, arrays):
    """Integrate a batch: x0 (B, n) or (n,), p (B, m) or (m,), arrays (S, k) or (B, S, k), as
    ``axes`` (vmap in_axes) says: unbatched inputs stay constants of the compiled loop rather than
    per-member data.  ``n_steps`` steps (runtime, <= n_rec * every), the last of length
    ``h_last``; the steps after it are no-ops.  Records (B, n_rec+1, n)."""

    def params_at(pm, t, uk):
        for name, fn in input_fns:
            pm = _set_param(flow, pm, name, fn(t))
        for j, name in enumerate(array_names):
            pm = _set_param(flow, pm, name, uk[j])
        return pm

    def member(x0, pm, u):
        if method == "dopri5":
            t_end = t0 + (n_steps - 1) * dt + h_last
            return _member_adaptive(flow, n_rec, every, tol, x0, pm, dt, t0, t_end,
                                    lambda x, t: flow.rhs(x, params_at(pm, t, None), t))
        stepper = fixed_stepper(method, flow.var_shapes)
        hybrid = flow.is_hybrid

        def step(carry, k, last_record):
            x, lag, buf, count = carry
            uk = u[k] if array_names else None
            f = lambda y, s: flow.rhs(y, params_at(pm, s, uk), s)  # noqa: E731
            t = t0 + k * dt
            if last_record:
                # the last step is shortened so that the run ends at t0 + duration exactly; the
                # steps after it only fill the record's stride and do nothing
                hk, active = jnp.where(k == n_steps - 1, h_last, dt), k < n_steps
                keep = lambda new, old: jnp.where(active, new, old)  # noqa: E731
            else:
                # every step before the last record is a whole, active step (n_rec is the
                # ceiling of n_steps / every): no per-step selects in the main loop
                hk, active, keep = dt, True, lambda new, old: new  # noqa: E731
            if not hybrid:
                return (keep(stepper(f, x, t, hk), x), lag, buf, count)
            # own clock: the state is valid at t + lag (lag > 0: frozen, refractory)
            h = jnp.clip(hk - lag, 0.0, hk + dt)
            te = t + hk
            xn = stepper(f, x, te - h, h)
            # explosive upstrokes (ExpIF, AdEx) can overflow inside a higher-order step that
            # overshoots the threshold: fall back to the Euler step, which stays finite
            xn = jnp.where(jnp.all(jnp.isfinite(xn)), xn, x + h * f(x, te - h))
            pe = params_at(pm, te, uk)
            fired, theta = _crossing(flow, x, xn, pe)
            fired = fired & (h > 0) & active
            t_spike_rel = -(1.0 - theta) * h  # relative to te
            # reset the state *at the crossing*: it is the state at t_spike, from which the
            # member's clock restarts (after the refractory time)
            xn = jnp.where(fired, flow.after_reset(x + theta * (xn - x), pe), xn)
            lag_n = jnp.where(fired, t_spike_rel + flow.refractory_time(pe), jnp.maximum(lag - hk, 0.0))
            # out-of-range slot = no write (no gather of the old value needed)
            buf = buf.at[jnp.where(fired, count, max_spikes)].set(te + t_spike_rel, mode="drop")
            return (keep(xn, x), keep(lag_n, lag), buf, count + fired.astype(count.dtype))

        def record(carry, r, last_record=False):
            carry = lax.fori_loop(0, every, lambda j, c: step(c, r * every + j, last_record), carry)
            return carry, carry[0]

        init = (x0, jnp.zeros((), x0.dtype), jnp.full((max(max_spikes, 1),), jnp.nan, x0.dtype),
                jnp.zeros((), jnp.int32))
        carry, xs = lax.scan(record, init, jnp.arange(n_rec - 1))
        (_, _, buf, count), x_end = record(carry, n_rec - 1, last_record=True)
        xs = jnp.concatenate([x0[None], xs, x_end[None]])
        return xs, buf, count, ~jnp.all(jnp.isfinite(xs))

    return jax.vmap(member, in_axes=axes)(x0, p, arrays)


def _member_adaptive(flow, n_rec, every, tol, x0, pm, dt, t0, t_end, f, max_iter=200_000):
    """Dormand–Prince 5(4) with PI step control between fixed record times t0 + r * every * dt,
    the last record at ``t_end`` (t0 + duration)."""
    rtol, atol = tol
    T = every * dt

    def interval(carry, r):
        x, h, k1, err_prev, failed = carry
        tB = jnp.where(r == n_rec - 1, t_end, t0 + (r + 1) * T)

        def cond(c):
            t, x, h, k1, ep, n = c
            return (t < tB) & (n < max_iter)

        def body(c):
            t, x, h, k1, ep, n = c
            last = h >= tB - t
            hh = jnp.where(last, tB - t, h)
            x5, e, k7 = dopri5(f, x, t, hh, k1)
            scale = atol + rtol * jnp.maximum(jnp.abs(x), jnp.abs(x5))
            err = jnp.sqrt(jnp.mean((e / scale) ** 2))
            err = jnp.where(jnp.isfinite(err), err, 1e10)
            accept = err <= 1.0
            fac = 0.9 * jnp.maximum(err, 1e-10) ** -0.17 * jnp.maximum(ep, 1e-4) ** 0.04
            fac = jnp.clip(fac, 0.2, 10.0)
            fac = jnp.where(accept, fac, jnp.minimum(fac, 1.0))
            t = jnp.where(accept, jnp.where(last, tB, t + hh), t)
            x = jnp.where(accept, x5, x)
            k1 = jnp.where(accept, k7, k1)
            ep = jnp.where(accept, err, ep)
            return (t, x, hh * fac, k1, ep, n + 1)

        t_start = t0 + r * T
        t, x, h, k1, ep, n = lax.while_loop(cond, body, (t_start, x, h, k1, err_prev, 0))
        failed = failed | (n >= max_iter)
        return (x, h, k1, ep, failed), x

    init = (x0, jnp.asarray(T, x0.dtype), f(x0, t0), jnp.ones((), x0.dtype), jnp.zeros((), bool))
    (_, _, _, _, failed), xs = lax.scan(interval, init, jnp.arange(n_rec))
    bad = failed | ~jnp.all(jnp.isfinite(xs))
    return jnp.concatenate([x0[None], xs]), jnp.full((1,), jnp.nan, x0.dtype), jnp.zeros((), jnp.int32), bad


# --------------------------------------------------------------------------- public entry
def simulate(model, initial: Mapping, duration: float, *, dt: float, method: str = "rk4",
             params: Mapping | None = None, inputs: Mapping | None = None, record_every: int = 1,
             t0: float = 0.0, dtype: str = "float64", rtol: float = 1e-8, atol: float = 1e-10,
             max_spikes: int | None = None, devices=None) -> Trajectory:
    """Integrate ``model`` from ``initial`` for ``duration`` time units.

    Parameters
    ----------
    model : ODE (or a function / list of BrainPy functions, see :func:`dynanalysis.ode`).
    initial : ``{variable: value}``; values may carry leading batch dimensions.
    duration, dt : positive numbers; ``steps = ceil(duration / dt)`` steps are taken (a ratio
        within 1e-6 of an integer counts as that integer), the last one shortened to end at
        exactly ``t0 + duration`` (e.g. duration 1, dt 0.3: steps of 0.3, 0.3, 0.3, 0.1; dt 1.5:
        one step of 1).  For ``dopri5``, ``dt`` is the output spacing (steps are chosen by the
        error control, ``rtol``/``atol``, positive numbers), the last record at ``t0 + duration``.
    method : ``"euler"``, ``"heun"``, ``"rk4"``, ``"exp_euler"`` or ``"dopri5"``.
    params : ``{parameter: value}`` overriding the model's defaults; may be batched.  All batch
        dimensions of ``initial`` and ``params`` broadcast together into one batch.
    inputs : ``{parameter: value}`` with a value that varies in time: a constant, a function of
        ``t`` (evaluated at every stage of a step), or an array on the step grid of shape
        ``(steps,)`` or ``batch_shape + (steps,)``: sample k holds during the step from
        ``t0 + k dt``, the last sample during the shortened last step.
    record_every : record the state every this many steps (the initial state is always recorded),
        and after the last step: ``t`` is ``t0 + dt * record_every * arange(n)`` then
        ``t0 + duration``.
    dtype : ``"float64"`` (default, scoped ``jax.enable_x64``) or ``"float32"`` for speed.
    max_spikes : spike times kept per member (hybrid models); default ``min(steps, 1024)``.
    devices : the devices the batch is split over (default: ``dynanalysis.config.devices``, else
        all of ``jax.devices()``); every member's result is the same on any number of devices.

    Bad arguments raise a TypeError (not a number) or ValueError (out of range) naming them.
    """
    model = as_ode(model)
    flow = model.flow
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if dtype not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    duration, dt = check_number("duration", duration), check_number("dt", dt)
    record_every = check_number("record_every", record_every, integer=True)
    rtol, atol = check_number("rtol", rtol), check_number("atol", atol)
    t0 = check_number("t0", t0, lower=None)
    if max_spikes is not None:
        max_spikes = check_number("max_spikes", max_spikes, integer=True)
    n_steps, h_last = step_grid(duration, dt)
    n_rec = -(-n_steps // record_every)
    if method == "dopri5" and flow.is_hybrid:
        raise ValueError("dopri5 is for smooth models; use a fixed-step method for the hybrid "
                         f"model {model.name!r}")
    if not isinstance(initial, Mapping):
        raise TypeError("initial must be a dict {variable: value}")
    missing = [v for v in model.variables if v not in initial]
    if missing:
        raise ValueError(f"missing initial value(s) for {missing}; {model.name} has variables "
                         f"{list(model.variables)}")

    # inputs: constants join params; callables and step-grid arrays are applied in the loop
    params = dict(params or {})
    input_fns, array_inputs = [], {}
    for name, value in (inputs or {}).items():
        if name not in flow.param_names:
            raise ValueError(f"input {name!r} is not a parameter of {model.name}; parameters are "
                             f"{list(flow.param_names)}")
        if name in params:
            raise ValueError(f"{name!r} is given both in params and in inputs")
        if callable(value):
            input_fns.append((name, value))
        elif np.ndim(value) == 0:
            params[name] = value
        else:
            if dict(zip(flow.param_names, flow.param_shapes))[name] != ():
                raise ValueError(f"array input {name!r}: only scalar parameters take inputs on the step grid")
            if method == "dopri5":
                raise ValueError("inputs on the step grid need a fixed-step method, not dopri5")
            a = np.asarray(value, dtype=float)
            if a.shape[-1] != n_steps:
                raise ValueError(f"input {name!r} has {a.shape[-1]} samples on its last axis; "
                                 f"expected one per step: ceil(duration / dt) = {n_steps}")
            if not np.all(np.isfinite(a)):
                raise ValueError(f"input {name!r} contains non-finite values")
            array_inputs[name] = a

    xb, x0 = model.flat_state(initial)
    pb, p = model.flat_params(params)
    ab = [a.shape[:-1] for a in array_inputs.values()]
    try:
        batch = np.broadcast_shapes(xb, pb, *ab)
    except ValueError:
        raise ValueError(f"batch shapes of initial {xb}, params {pb} and inputs {ab} do not "
                         f"broadcast together") from None
    B = int(np.prod(batch))
    itemsize = 8 if dtype == "float64" else 4
    budget.check(B * (n_rec + 1) * flow.dim * itemsize, "recording the trajectory",
                 "record fewer points (record_every=...) or simulate a smaller batch")
    # only batched inputs are vmapped; one member (batch ()) is a batch of one state
    x_batched, p_batched = xb != () or batch == (), pb != ()
    x0 = np.broadcast_to(x0, batch + x0.shape[-1:]).reshape(B, -1) if x_batched else x0
    p_rows = np.broadcast_to(p, batch + p.shape[-1:]).reshape(B, -1)
    p = p_rows if p_batched else p
    names = tuple(array_inputs)
    batched_arrays = any(a.ndim > 1 for a in array_inputs.values())
    if names:
        shape = (batch if batched_arrays else ()) + (n_steps,)
        arrays = np.stack([np.broadcast_to(a, shape) for a in array_inputs.values()], axis=-1)
        if batched_arrays:
            arrays = arrays.reshape(B, n_steps, len(names))
        # pad to whole records (the padding steps are no-ops)
        extra = n_rec * record_every - n_steps
        if extra:
            widths = [(0, 0)] * (arrays.ndim - 2) + [(0, extra), (0, 0)]
            arrays = np.pad(arrays, widths, mode="edge")
    else:
        arrays = np.zeros((0,))
    if max_spikes is None:
        max_spikes = min(n_steps, 1024)
    if flow.is_hybrid:
        budget.check(B * max_spikes * itemsize, "the spike-time buffer", "lower max_spikes")

    with scope(dtype == "float64", devices=devices):
        fdt = jnp.float64 if dtype == "float64" else jnp.float32
        axes = (0 if x_batched else None, 0 if p_batched else None, 0 if batched_arrays else None)
        # the batched arrays split over the devices (padded to a multiple of their count)
        x0, p, arrays = (xla.shard(pad(a, size=even(B)).astype(fdt)) if ax == 0 else jax.device_put(a.astype(fdt))
                         for a, ax in zip((x0, p, arrays), axes))
        scalars = jax.device_put((np.asarray(dt, fdt), np.asarray(t0, fdt), np.asarray(n_steps, np.int32),
                                  np.asarray(h_last, fdt)))
        out = _run(flow, method, n_rec, record_every, tuple(input_fns), names, axes,
                   int(max_spikes) if flow.is_hybrid else 1, (float(rtol), float(atol)),
                   x0, p, *scalars, arrays)
        xs, buf, count, bad = (a[:B] for a in xla.fetch(out))

    t = t0 + dt * record_every * np.arange(n_rec + 1)
    t[-1] = t0 + duration  # the last step was shortened to end there
    states = {k: v.reshape(batch + v.shape[1:]) for k, v in model.named_state(xs).items()}
    bad = bad.reshape(batch)
    if np.any(bad):
        warnings.warn(f"{model.name}: {int(np.sum(bad))} of {B} simulation(s) diverged or failed "
                      f"(see Trajectory.diverged)", SimulationWarning, stacklevel=2)
    spikes = counts = None
    if flow.is_hybrid:
        counts = count.reshape(batch)
        if np.any(counts > max_spikes):
            warnings.warn(f"more than max_spikes={max_spikes} spikes: only the first are kept",
                          RuntimeWarning, stacklevel=2)
        lists = [row[~np.isnan(row)] for row in buf.reshape(B, -1)]
        if batch == ():
            spikes = lists[0]
        else:
            spikes = np.empty(B, dtype=object)
            spikes[:] = lists
            spikes = spikes.reshape(batch)
    used = model.named_params(p_rows.reshape(batch + p_rows.shape[-1:]))
    return Trajectory(t=t, states=states, batch_shape=batch, model=model, params=used,
                      spike_times=spikes, spike_counts=counts, diverged=bad)

