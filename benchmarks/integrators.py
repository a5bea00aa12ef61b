"""Throughput of batched RK4 integration of Hodgkin–Huxley, in neuron-steps per second.

Contenders (same model, I = 10, same initial states, dt = 0.01 ms, float64):

1. ``dynanalysis.simulate(..., method="rk4", record_every=steps)`` (only start and end recorded);
2. a bare ``jax.lax.scan`` of the same RK4 step written by hand in ``jax.numpy`` (flat state
   vector, vmapped over the batch, jitted, float64 via ``jax.enable_x64``, final state only);
3. the same RK4 in vectorised NumPy (arrays of shape ``(batch,)``, Python loop over the steps);
4. SciPy ``solve_ivp`` (RK45, rtol=1e-6, atol=1e-9) looped over the batch in Python; its rate
   counts ``steps`` steps per neuron so that it is comparable with the fixed-step contenders.

For the JAX contenders the first call (trace + compile + run) and the warm calls are timed apart:
``run_s`` is the median of the warm calls (interleaved simulate / bare so that background load
hits both alike), ``compile_s`` is the first call minus the fastest warm call.  The final V of
simulate, the bare scan and NumPy must agree to 1e-9 (asserted).

Usage::

    python benchmarks/integrators.py                  # full run (~2-3 min on 2 cores)
    python benchmarks/integrators.py --quick          # smoke run (seconds)
    python benchmarks/integrators.py --out benchmarks/results/integrators.json
    python benchmarks/integrators.py --variants       # also time two slower bare-scan formulations

JSON goes to stdout (and to ``--out``); progress goes to stderr.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import compile_and_run, machine_info, repeat_runs, write_json  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

import dynanalysis as da  # noqa: E402
from dynanalysis.models import HodgkinHuxley  # noqa: E402

I_EXT = 10.0
DT = 0.01
X_NOMINAL = np.array([-65.0, 0.05, 0.6, 0.32])       # V, m, h, n
PERTURB = np.array([0.5, 0.005, 0.005, 0.005])       # half-width of the uniform perturbation
TOL_AGREE = 1e-9
TARGETS = {"simulate_over_bare_max": 1.15, "jax_over_numpy_min": 5.0, "jax_over_scipy_min": 100.0}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def initial_states(batch: int, seed: int = 0) -> np.ndarray:
    """(batch, 4): member 0 is the nominal state, the others are slightly perturbed copies."""
    rng = np.random.default_rng(seed)
    d = rng.uniform(-1.0, 1.0, (batch, 4)) * PERTURB
    d[0] = 0.0
    return X_NOMINAL + d


# ----------------------------------------------------------------------------- (2) bare JAX
# The Hodgkin–Huxley equations of models/conductance.py, written out with the default
# parameters as literals and I = 10.  exprel is the same Taylor-patched (e^z - 1)/z.
def _exprel_jnp(z):
    small = jnp.abs(z) < 1e-4
    zs = jnp.where(small, 1.0, z)
    return jnp.where(small, 1.0 + z / 2.0 + z * z / 6.0 + z**3 / 24.0, jnp.expm1(zs) / zs)


def _hh_jnp(V, m, h, n):
    alpha_m = 1.0 / _exprel_jnp(-(V + 40.0) / 10.0)
    beta_m = 4.0 * jnp.exp(-(V + 65.0) / 18.0)
    alpha_h = 0.07 * jnp.exp(-(V + 65.0) / 20.0)
    beta_h = 1.0 / (1.0 + jnp.exp(-(V + 35.0) / 10.0))
    alpha_n = 0.1 / _exprel_jnp(-(V + 55.0) / 10.0)
    beta_n = 0.125 * jnp.exp(-(V + 65.0) / 80.0)
    I_Na = 120.0 * m**3 * h * (V - 50.0)
    I_K = 36.0 * n**4 * (V - -77.0)
    I_L = 0.3 * (V - -54.387)
    dV = -I_Na - I_K - I_L + I_EXT
    dm = alpha_m * (1.0 - m) - beta_m * m
    dh = alpha_h * (1.0 - h) - beta_h * h
    dn = alpha_n * (1.0 - n) - beta_n * n
    return dV, dm, dh, dn


def _hh_flat(x):
    # Packing the four derivatives with concatenate of length-1 pieces keeps the vmapped
    # (batch, 4) layout; jnp.stack makes XLA build a (4, batch) array and transpose it back at
    # every stage (see the "stack" variant, --variants).
    return jnp.concatenate([jnp.reshape(d, (1,)) for d in _hh_jnp(x[0], x[1], x[2], x[3])])


def _hh_flat_stack(x):
    return jnp.stack(_hh_jnp(x[0], x[1], x[2], x[3]))


def _rk4_flat(x, dt, rhs=_hh_flat):
    k1 = rhs(x)
    k2 = rhs(x + 0.5 * dt * k1)
    k3 = rhs(x + 0.5 * dt * k2)
    k4 = rhs(x + dt * k3)
    return x + (dt / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


def make_bare_scan(steps: int, rhs=_hh_flat):
    """jit(vmap(scan)) over a (batch, 4) state; dt is runtime data (as in simulate)."""

    def run(x0, dt):
        def member(x):
            return lax.scan(lambda c, _: (_rk4_flat(c, dt, rhs), None), x, None, length=steps)[0]

        return jax.vmap(member)(x0)

    return jax.jit(run)


def _rk4_tuple(x, dt):
    k1 = _hh_jnp(*x)
    k2 = _hh_jnp(*[a + 0.5 * dt * b for a, b in zip(x, k1)])
    k3 = _hh_jnp(*[a + 0.5 * dt * b for a, b in zip(x, k2)])
    k4 = _hh_jnp(*[a + dt * b for a, b in zip(x, k3)])
    return tuple(a + (dt / 6.0) * (b1 + 2.0 * b2 + 2.0 * b3 + b4)
                 for a, b1, b2, b3, b4 in zip(x, k1, k2, k3, k4))


def make_bare_scan_tuple(steps: int):
    """Variant: the carry is a tuple of four scalars per member (four (batch,) arrays)."""

    def run(x0, dt):
        def member(x):
            return lax.scan(lambda c, _: (_rk4_tuple(c, dt), None), x, None, length=steps)[0]

        return jnp.stack(jax.vmap(member)(tuple(x0[:, i] for i in range(4))), axis=-1)

    return jax.jit(run)


# ----------------------------------------------------------------------------- (3) NumPy
def _exprel_np(z):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.expm1(z) / z
    small = np.abs(z) < 1e-4
    if np.any(small):
        r = np.where(small, 1.0 + z / 2.0 + z * z / 6.0 + z * z * z / 24.0, r)
    return r


def _hh_np(V, m, h, n):
    alpha_m = 1.0 / _exprel_np(-(V + 40.0) / 10.0)
    beta_m = 4.0 * np.exp(-(V + 65.0) / 18.0)
    alpha_h = 0.07 * np.exp(-(V + 65.0) / 20.0)
    beta_h = 1.0 / (1.0 + np.exp(-(V + 35.0) / 10.0))
    alpha_n = 0.1 / _exprel_np(-(V + 55.0) / 10.0)
    beta_n = 0.125 * np.exp(-(V + 65.0) / 80.0)
    I_Na = 120.0 * (m * m * m) * h * (V - 50.0)
    I_K = 36.0 * ((n * n) * (n * n)) * (V - -77.0)
    I_L = 0.3 * (V - -54.387)
    dV = -I_Na - I_K - I_L + I_EXT
    dm = alpha_m * (1.0 - m) - beta_m * m
    dh = alpha_h * (1.0 - h) - beta_h * h
    dn = alpha_n * (1.0 - n) - beta_n * n
    return dV, dm, dh, dn


def numpy_rk4(x0: np.ndarray, dt: float, steps: int) -> np.ndarray:
    """Vectorised NumPy RK4 on four arrays of shape (batch,); returns the final (batch, 4)."""
    x = tuple(np.ascontiguousarray(x0[:, i]) for i in range(4))
    h2, h6 = 0.5 * dt, dt / 6.0
    for _ in range(steps):
        k1 = _hh_np(*x)
        k2 = _hh_np(*[a + h2 * b for a, b in zip(x, k1)])
        k3 = _hh_np(*[a + h2 * b for a, b in zip(x, k2)])
        k4 = _hh_np(*[a + dt * b for a, b in zip(x, k3)])
        x = tuple(a + h6 * (b1 + 2.0 * b2 + 2.0 * b3 + b4)
                  for a, b1, b2, b3, b4 in zip(x, k1, k2, k3, k4))
    return np.stack(x, axis=-1)


# ----------------------------------------------------------------------------- (4) SciPy
def _scipy_rhs(t, y):
    return np.array(_hh_np(y[0], y[1], y[2], y[3]))


def scipy_loop(x0: np.ndarray, t_end: float):
    finals, nfev, nsteps = [], 0, 0
    for y0 in x0:
        sol = solve_ivp(_scipy_rhs, (0.0, t_end), y0, method="RK45", rtol=1e-6, atol=1e-9)
        if not sol.success:
            raise RuntimeError(f"solve_ivp failed: {sol.message}")
        finals.append(sol.y[:, -1])
        nfev += sol.nfev
        nsteps += sol.t.size - 1
    return np.array(finals), nfev, nsteps


# ----------------------------------------------------------------------------- driver
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: 1000 steps, small batches")
    ap.add_argument("--out", help="also write the JSON to this file")
    ap.add_argument("--variants", action="store_true",
                    help="also time two other bare-scan formulations: derivatives packed with "
                         "jnp.stack, and a tuple carry (4 scalars per member)")
    args = ap.parse_args(argv)

    if args.quick:
        steps, batches, scipy_batches = 1000, (1, 100, 1000), (1, 100)
        jax_repeats = {1: 9, 100: 5, 1000: 3}
        scipy_repeats = {1: 1, 100: 1}
    else:
        steps, batches, scipy_batches = 10_000, (1, 100, 10_000), (1, 100)
        jax_repeats = {1: 21, 100: 11, 10_000: 3}
        scipy_repeats = {1: 3, 100: 1}
    t_end = steps * DT
    big, mid = max(batches), max(scipy_batches)

    t_script = time.perf_counter()
    data = {
        "benchmark": "integrators",
        "description": "batched RK4 of Hodgkin-Huxley (I=10), neuron-steps per second",
        "config": {"quick": args.quick, "steps": steps, "dt_ms": DT, "t_end_ms": t_end,
                   "dtype": "float64", "I": I_EXT, "batches": list(batches),
                   "scipy_batches": list(scipy_batches), "jax_repeats": jax_repeats,
                   "scipy": {"method": "RK45", "rtol": 1e-6, "atol": 1e-9,
                             "t_span_ms": [0.0, t_end]},
                   "initial_nominal": dict(zip("Vmhn", X_NOMINAL.tolist())),
                   "initial_perturbation_halfwidth": dict(zip("Vmhn", PERTURB.tolist())),
                   "agreement_tol_V": TOL_AGREE},
        "machine": machine_info(),
        "results": {"simulate": {}, "bare_scan": {}, "numpy": {}, "scipy": {}},
        "correctness": {},
    }
    variants = ("bare_scan_stack", "bare_scan_tuple") if args.variants else ()
    for v in variants:
        data["results"][v] = {}
    res = data["results"]
    model = HodgkinHuxley(I=I_EXT)
    bare = make_bare_scan(steps)
    variant_fns = {"bare_scan_stack": lambda: make_bare_scan(steps, _hh_flat_stack),
                   "bare_scan_tuple": lambda: make_bare_scan_tuple(steps)}
    variant_fns = {v: variant_fns[v]() for v in variants}

    def rate(batch, seconds):
        return batch * steps / seconds

    finals = {}
    for B in batches:
        x0 = initial_states(B)
        init = {k: x0[:, i] for i, k in enumerate("Vmhn")}
        log(f"[jax] batch {B}: simulate vs bare scan, {jax_repeats[B]} warm repeats")
        with jax.enable_x64(True):
            x0_dev = jax.device_put(jnp.asarray(x0, jnp.float64))
            dt_dev = jax.device_put(jnp.asarray(DT, jnp.float64))
            calls = {
                "simulate": lambda: jax.block_until_ready(
                    da.simulate(model, init, t_end, dt=DT, method="rk4", record_every=steps)),
                "bare_scan": lambda: jax.block_until_ready(bare(x0_dev, dt_dev)),
            }
            for v, fn in variant_fns.items():
                calls[v] = (lambda fn: lambda: jax.block_until_ready(fn(x0_dev, dt_dev)))(fn)
            timing = compile_and_run(calls, jax_repeats[B])
        tr = timing["simulate"].pop("result")
        assert abs(tr.t[-1] - t_end) < 1e-9 and tr.states["V"].shape == (B, 2), "simulate: unexpected records"
        finals[("simulate", B)] = np.asarray(tr.states["V"])[:, -1]
        finals[("bare_scan", B)] = np.asarray(timing["bare_scan"].pop("result"))[:, 0]
        for v in variants:
            finals[(v, B)] = np.asarray(timing[v].pop("result"))[:, 0]
        for name, rec in timing.items():
            rec["neuron_steps_per_s"] = rate(B, rec["run_s"])
            res[name][str(B)] = rec
            log(f"    {name:16s} compile {rec['compile_s']:.3f} s  run {rec['run_s']:.4f} s "
                f"(min {rec['run_min_s']:.4f})  {rec['neuron_steps_per_s']:.3g} neuron-steps/s")

        log(f"[numpy] batch {B}")
        rec = repeat_runs(lambda: numpy_rk4(x0, DT, steps), 1)
        finals[("numpy", B)] = rec.pop("result")[:, 0]
        rec["neuron_steps_per_s"] = rate(B, rec["run_s"])
        res["numpy"][str(B)] = rec
        log(f"    numpy            run {rec['run_s']:.3f} s  {rec['neuron_steps_per_s']:.3g} neuron-steps/s")

        # correctness: the three fixed-step RK4 implementations must agree
        ref = finals[("bare_scan", B)]
        chk = {"V_final_min": float(ref.min()), "V_final_max": float(ref.max()),
               "distinct_members": int(np.unique(ref).size)}
        for name in ("simulate", "numpy") + variants:
            chk[f"max_abs_dV_{name}_vs_bare"] = float(np.max(np.abs(finals[(name, B)] - ref)))
        data["correctness"][str(B)] = chk
        assert np.all(np.isfinite(ref)), f"batch {B}: non-finite final V"
        assert B == 1 or chk["distinct_members"] > 1, f"batch {B}: members do not differ"
        for name in ("simulate", "numpy") + variants:
            d = chk[f"max_abs_dV_{name}_vs_bare"]
            assert d <= TOL_AGREE, f"batch {B}: final V of {name} differs from the bare scan by {d:.3g}"

    for B in scipy_batches:
        x0 = initial_states(B)
        log(f"[scipy] batch {B}, {scipy_repeats[B]} run(s)")
        rec = repeat_runs(lambda: scipy_loop(x0, t_end), scipy_repeats[B])
        yf, nfev, nsteps = rec.pop("result")
        rec["neuron_steps_per_s"] = rate(B, rec["run_s"])
        rec["solver_steps_per_neuron"] = nsteps / B
        rec["rhs_evals_per_neuron"] = nfev / B
        # initial_states(B) is a prefix of initial_states(B') for B <= B' (same random stream)
        ref_B = min(b for b in batches if b >= B)
        rec["max_abs_dV_vs_rk4"] = float(np.max(np.abs(yf[:, 0] - finals[("bare_scan", ref_B)][:B])))
        res["scipy"][str(B)] = rec
        log(f"    scipy            run {rec['run_s']:.3f} s  {rec['neuron_steps_per_s']:.3g} "
            f"neuron-steps/s ({rec['solver_steps_per_neuron']:.0f} adaptive steps/neuron)")

    # ratios (run times; a speed-up is a ratio of neuron-step rates)
    r = data["ratios"] = {"simulate_over_bare_run_time": {}, "simulate_over_bare_min_time": {},
                          "jax_over_numpy": {}, "bare_over_numpy": {}, "jax_over_scipy": {}}
    for B in batches:
        s, b = res["simulate"][str(B)], res["bare_scan"][str(B)]
        r["simulate_over_bare_run_time"][str(B)] = s["run_s"] / b["run_s"]
        r["simulate_over_bare_min_time"][str(B)] = s["run_min_s"] / b["run_min_s"]
        r["jax_over_numpy"][str(B)] = res["numpy"][str(B)]["run_s"] / s["run_s"]
        r["bare_over_numpy"][str(B)] = res["numpy"][str(B)]["run_s"] / b["run_s"]
        for v in variants:
            r.setdefault(f"{v}_over_bare_run_time", {})[str(B)] = res[v][str(B)]["run_s"] / b["run_s"]
    for B in scipy_batches:
        r["jax_over_scipy"][str(B)] = res["scipy"][str(B)]["run_s"] / res["simulate"][str(B)]["run_s"]

    sob = r["simulate_over_bare_run_time"]
    data["targets"] = {
        "simulate_within_15pct_of_bare": {
            "target": f"run-time ratio <= {TARGETS['simulate_over_bare_max']} at every batch size",
            "values": sob, "met": all(v <= TARGETS["simulate_over_bare_max"] for v in sob.values())},
        "jax_vs_numpy": {
            "target": f">= {TARGETS['jax_over_numpy_min']}x at batch 10000",
            "batch": big, "value": r["jax_over_numpy"][str(big)],
            "met": r["jax_over_numpy"][str(big)] >= TARGETS["jax_over_numpy_min"],
            "evaluated_at_target_batch": big == 10_000},
        "jax_vs_scipy": {
            "target": f">= {TARGETS['jax_over_scipy_min']}x at batch 100",
            "batch": mid, "value": r["jax_over_scipy"][str(mid)],
            "met": r["jax_over_scipy"][str(mid)] >= TARGETS["jax_over_scipy_min"],
            "evaluated_at_target_batch": mid == 100},
    }
    if hasattr(os, "getloadavg"):
        data["machine"]["loadavg_end"] = list(os.getloadavg())
    data["wall_time_s"] = time.perf_counter() - t_script
    print(write_json(data, args.out))


if __name__ == "__main__":
    main()
