"""Phase-plane benchmark: dynanalysis against the same work done with SciPy, in one run.

Work per model (BrainPy tutorial settings):
  FitzHugh–Nagumo, I = 0.8, box V, w in [-3, 3], resolution 0.01: nullclines, fixed points with
  stability, a trajectory (100 time units) and the limit cycle (400 time units).
  Wong–Wang decision model, mu = 0, c = 0, box s1, s2 in [0, 1], resolution 0.002: nullclines,
  fixed points with stability.

dynanalysis: the first call in a fresh process (trace + compile + run) and a repeat with another
parameter value (must not compile anything: compilations are counted from JAX's log).
SciPy: NumPy grid + contourpy for nullclines (no refinement), ``fsolve`` from the same seeds
(grid + nullcline vertices) with de-duplication, ``solve_ivp`` for the trajectory and for the cycle
(period from section crossings).  Accuracy of both against REFERENCE.md's exact values.

    python benchmarks/phase_plane.py [--out FILE]
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time

import numpy as np

FHN_REF = (-0.272900958997298, 0.533873801253378)
FHN_PERIOD_05 = 39.4744149802
WW_REF = np.array([[0.0318914198205, 0.5669871805570], [0.0557853305247, 0.3138449242650],
                   [0.1026512495649, 0.1026512495649], [0.3138449242650, 0.0557853305247],
                   [0.5669871805570, 0.0318914198205]])
BRAINPY_FHN_S = 20.0  # BrainPy 2.8 PhasePlane2D on the same FHN work on this machine (issue #3)


class CompileCounter(logging.Handler):
    def __init__(self):
        super().__init__()
        self.count = 0

    def emit(self, record):
        if "Finished XLA compilation" in record.getMessage():
            self.count += 1


def nearest_error(points, ref):
    points = np.asarray(points).reshape(-1, 2)
    if len(points) != len(ref):
        return float("inf")
    return float(max(np.min(np.max(np.abs(points - r), axis=1)) for r in ref))


# --------------------------------------------------------------------------- dynanalysis
def run_dynanalysis(I_fhn, mu):
    import dynanalysis as da
    from dynanalysis.models import FitzHughNagumo, WongWang
    t0 = time.perf_counter()
    pp = da.PhasePlane2D(FitzHughNagumo(), {"V": (-3, 3), "w": (-3, 3)}, pars_update={"I": I_fhn},
                         resolutions=0.01)
    nc = pp.nullclines()
    fp = pp.fixed_points()
    pp.trajectory({"V": [-2.8], "w": [-1.8]}, 100.0)
    (lc,) = pp.limit_cycle({"V": [-2.8], "w": [-1.8]}, 400.0)
    t1 = time.perf_counter()
    ww = da.PhasePlane2D(WongWang(), {"s1": (0, 1), "s2": (0, 1)}, pars_update={"mu": mu, "c": 0.0},
                         resolutions=0.002)
    ww.nullclines()
    fw = ww.fixed_points()
    t2 = time.perf_counter()
    return {"fhn_s": t1 - t0, "ww_s": t2 - t1, "fhn_points": fp.points, "fhn_labels": list(fp.labels),
            "period": lc.period, "ww_points": fw.points, "ww_labels": list(fw.labels),
            "n_vertices": sum(len(c) for cs in nc.curves.values() for c in cs)}


# --------------------------------------------------------------------------- SciPy baseline
def fhn_f(y, I):
    V, w = y
    return np.array([V - V**3 / 3 - w + I, (V + 0.7 - 0.8 * w) / 12.5])


def ww_f(y, mu=0.0, c=0.0):
    s1, s2 = y
    gamma, tau, a, b, d = 0.641, 0.1, 270.0, 108.0, 0.154
    JE, JI, I0, JA = 0.2609, 0.0497, 0.3255, 0.00052
    x1 = JE * s1 - JI * s2 + I0 + JA * mu * (1 + c / 100)
    x2 = JE * s2 - JI * s1 + I0 + JA * mu * (1 - c / 100)
    r = lambda x: (a * x - b) / (1 - np.exp(-d * (a * x - b)))  # noqa: E731
    return np.array([-s1 / tau + (1 - s1) * gamma * r(x1), -s2 / tau + (1 - s2) * gamma * r(x2)])


def scipy_plane(f, lo, hi, step, args):
    import contourpy
    from scipy.optimize import fsolve
    xs = np.arange(lo, hi + step / 2, step)
    X, Y = np.meshgrid(xs, xs)
    Z = f(np.stack([X, Y]), *args)
    lines = [l for i in range(2) for l in contourpy.contour_generator(xs, xs, Z[i]).lines(0.0)]
    g = np.linspace(lo, hi, 30)
    seeds = np.concatenate([np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)] + lines)
    found = []
    for s in seeds:
        x, info, ok, _ = fsolve(lambda y: f(y, *args), s, full_output=True, xtol=1e-12)
        if ok == 1 and np.all((x >= lo) & (x <= hi)) and not any(np.max(np.abs(x - q)) < 1e-6 for q in found):
            found.append(x)
    pts = np.array(sorted(found, key=tuple))
    eig = [np.linalg.eigvals(_num_jac(f, p, args)) for p in pts]
    return pts, eig, len(seeds)


def _num_jac(f, x, args, h=1e-7):
    return np.stack([(f(x + h * e, *args) - f(x - h * e, *args)) / (2 * h) for e in np.eye(len(x))], 1)


def run_scipy(I_fhn, mu):
    from scipy.integrate import solve_ivp
    t0 = time.perf_counter()
    pts, _, n_seeds = scipy_plane(fhn_f, -3, 3, 0.01, (I_fhn,))
    solve_ivp(lambda t, y: fhn_f(y, I_fhn), (0, 100), [-2.8, -1.8], rtol=1e-8, atol=1e-10)
    ev = lambda t, y: y[0]  # noqa: E731
    ev.direction = 1
    sol = solve_ivp(lambda t, y: fhn_f(y, I_fhn), (0, 400), [-2.8, -1.8], rtol=1e-10, atol=1e-12, events=ev)
    period = np.diff(sol.t_events[0])[-1]
    t1 = time.perf_counter()
    wpts, _, _ = scipy_plane(ww_f, 0, 1, 0.002, (mu,))
    t2 = time.perf_counter()
    return {"fhn_s": t1 - t0, "ww_s": t2 - t1, "fhn_points": pts, "period": period, "ww_points": wpts,
            "n_seeds": n_seeds}


def persistent_cache_runs() -> list:
    """First-call times of fresh processes sharing JAX's persistent compilation cache (a user's
    opt-in through environment variables): the first process fills it, the second reads it."""
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, JAX_COMPILATION_CACHE_DIR=cache,
                   JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0",
                   JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES="0")
        runs = []
        for _ in range(2):
            out = subprocess.run([sys.executable, __file__, "--worker"], env=env, check=True,
                                 capture_output=True, text=True).stdout
            runs.append(json.loads(out))
    return runs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        r = run_dynanalysis(0.8, 0.0)
        print(json.dumps({"fhn_s": r["fhn_s"], "ww_s": r["ww_s"]}))
        return
    import jax
    counter = CompileCounter()
    logging.getLogger("jax").addHandler(counter)
    jax.config.update("jax_log_compiles", True)  # benchmark process only: counts compilations
    logging.getLogger("jax").setLevel(logging.WARNING)
    logging.getLogger("jax").propagate = False

    first = run_dynanalysis(0.8, 0.0)
    compiles_first = counter.count
    second = run_dynanalysis(0.5, 5.0)
    compiles_repeat = counter.count - compiles_first
    ref = run_scipy(0.8, 0.0)
    cold, warm = persistent_cache_runs()

    da_fhn_err = nearest_error(first["fhn_points"], [FHN_REF])
    sp_fhn_err = nearest_error(ref["fhn_points"], [FHN_REF])
    out = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "jax": jax.__version__,
                    "platform": platform.platform()},
        "fhn": {
            "dynanalysis_first_s": first["fhn_s"], "dynanalysis_repeat_s": second["fhn_s"],
            "scipy_s": ref["fhn_s"], "brainpy_reference_s": BRAINPY_FHN_S,
            "speedup_vs_scipy_first": ref["fhn_s"] / first["fhn_s"],
            "speedup_vs_scipy_repeat": ref["fhn_s"] / second["fhn_s"],
            "speedup_vs_brainpy_first": BRAINPY_FHN_S / first["fhn_s"],
            "fixed_point_error_dynanalysis": da_fhn_err, "fixed_point_error_scipy": sp_fhn_err,
            "labels": first["fhn_labels"], "period_I_0.5": second["period"],
            "period_error_I_0.5": abs(second["period"] - FHN_PERIOD_05),
            "nullcline_vertices": first["n_vertices"], "scipy_seeds": ref["n_seeds"],
        },
        "decision": {
            "dynanalysis_first_s": first["ww_s"], "dynanalysis_repeat_s": second["ww_s"],
            "scipy_s": ref["ww_s"], "speedup_vs_scipy_first": ref["ww_s"] / first["ww_s"],
            "speedup_vs_scipy_repeat": ref["ww_s"] / second["ww_s"],
            "fixed_point_error_dynanalysis": nearest_error(first["ww_points"], WW_REF),
            "fixed_point_error_scipy": nearest_error(ref["ww_points"], WW_REF),
            "labels": first["ww_labels"],
        },
        "compilations_first_call": compiles_first, "compilations_on_repeat": compiles_repeat,
        "persistent_cache": {
            "note": "fresh processes with JAX_COMPILATION_CACHE_DIR set: the first fills the cache",
            "fhn_first_call_empty_cache_s": cold["fhn_s"], "fhn_first_call_filled_cache_s": warm["fhn_s"],
            "decision_first_call_empty_cache_s": cold["ww_s"], "decision_first_call_filled_cache_s": warm["ww_s"],
            "speedup_vs_brainpy_filled_cache": BRAINPY_FHN_S / warm["fhn_s"],
        },
    }
    text = json.dumps(out, indent=2, default=float)
    print(text)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text + "\n")


if __name__ == "__main__":
    main()
