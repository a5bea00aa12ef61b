"""Bifurcation-sweep benchmark: dynanalysis against SciPy root finders looped over the grid.

Work (BrainPy's tutorials):
  sin(x) + I: I in [-1.5, 1.5] step 0.005, x in [-10, 10] step 0.05, and ten times finer;
  FitzHugh–Nagumo over I in [0, 1] step 0.001 (V, w in [-3, 3]);
  Wong–Wang over mu in [0, 80] step 0.1 at c = 0 (s1, s2 in [0, 1]).
First calls: each case in a fresh process (compilation included, the import not timed; the
analyser built and ``plot_bifurcation`` run, as a user's script does), for dynanalysis and, where
``BRAINPY_PYTHON`` names an interpreter with BrainPy 2.8, for BrainPy (``brainpy_bifurcation.py``)
in the same run; otherwise the BrainPy times quoted in issue #4 stand in.  dynanalysis is also
timed with JAX's persistent compilation cache warm (a user's second run of a script, opt-in).
Repeats: in one process, another fixed parameter value (no compilation).  SciPy: brentq on every
sign change of the x grid (1-D), fsolve from a 6 x 6 grid of seeds (2-D), de-duplicated, at every
parameter value in a Python loop.  Accuracy: roots against arcsin (sine), special points against
closed forms (sine folds at |I| = 1, FHN Hopf points).  Scaling: the sine sweep at four sizes.

    [BRAINPY_PYTHON=...] python benchmarks/bifurcation.py [--out FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.optimize import brentq, fsolve  # imported up front: the import is not SciPy's solve time

BRAINPY_QUOTED_S = {"sine": 7.0, "fhn": 45.0, "decision": 73.0}  # BrainPy 2.8 on this machine (issue #4)
FHN_HOPF = (0.331281337454746, 1.41871866254525)


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


# --------------------------------------------------------------------------- dynanalysis
_SINE = []


def _run(analyser, plot):
    """The diagram; with ``plot`` drawn as well (BrainPy's ``plot_bifurcation`` does both)."""
    if not plot:
        return analyser.compute()
    import matplotlib.pyplot as plt
    diagram = analyser.plot_bifurcation()
    plt.close("all")
    return diagram


def da_sine(I_step, x_step, shift=0.0, plot=False):
    import dynanalysis as da
    from dynanalysis import math as dm
    if not _SINE:  # one model for every call: repeats reuse the compiled sweep
        _SINE.append(da.ode(lambda x, I=0.0, c=0.0: dm.sin(x) + I + c, name="sine"))
    return _run(da.Bifurcation1D(_SINE[0], {"I": (-1.5, 1.5)}, {"x": (-10, 10)}, pars_update={"c": shift},
                                 resolutions={"I": I_step, "x": x_step}), plot)


def da_fhn(a=0.7, plot=False):
    import dynanalysis as da
    from dynanalysis.models import FitzHughNagumo
    return _run(da.Bifurcation2D(FitzHughNagumo(a=a), {"I": (0, 1)}, {"V": (-3, 3), "w": (-3, 3)},
                                 resolutions={"I": 0.001}), plot)


def da_decision(c=0.0, plot=False):
    import dynanalysis as da
    from dynanalysis.models import WongWang
    return _run(da.Bifurcation2D(WongWang(), {"mu": (0, 80)}, {"s1": (0, 1), "s2": (0, 1)},
                                 pars_update={"c": c}, resolutions={"mu": 0.1}), plot)


# --------------------------------------------------------------------------- SciPy baseline
def scipy_line(f, params, lo, hi, step):
    xs = np.arange(lo, hi + step / 2, step)
    out = []
    for p in params:
        fx = f(xs, p)
        roots = list(xs[fx == 0])
        for i in np.flatnonzero(fx[:-1] * fx[1:] < 0):
            roots.append(brentq(f, xs[i], xs[i + 1], args=(p,), xtol=1e-14))
        out.append(np.sort(roots))
    return out


def scipy_plane(f, params, lo, hi):
    g = np.linspace(lo, hi, 6)
    seeds = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    out = []
    for p in params:
        found = []
        for s in seeds:
            x, _, ok, _ = fsolve(f, s, args=(p,), full_output=True, xtol=1e-12)
            if ok == 1 and np.all((x >= lo) & (x <= hi)) and not any(np.max(np.abs(x - q)) < 1e-6 for q in found):
                found.append(x)
        out.append(found)
    return out


def fhn_f(y, I):
    V, w = y
    return [V - V**3 / 3 - w + I, (V + 0.7 - 0.8 * w) / 12.5]


def ww_f(y, mu):
    s1, s2 = y
    gamma, tau, a, b, d = 0.641, 0.1, 270.0, 108.0, 0.154
    JE, JI, I0, JA = 0.2609, 0.0497, 0.3255, 0.00052
    x1 = JE * s1 - JI * s2 + I0 + JA * mu
    x2 = JE * s2 - JI * s1 + I0 + JA * mu
    r = lambda x: (a * x - b) / (1 - np.exp(-d * (a * x - b)))  # noqa: E731
    return [-s1 / tau + (1 - s1) * gamma * r(x1), -s2 / tau + (1 - s2) * gamma * r(x2)]


def sine_errors(diagram):
    """Missed/duplicated roots against arcsin, and the largest root error."""
    I = diagram.grid["I"]
    eq = diagram.equilibria
    missed = dup = 0
    worst = 0.0
    for j in range(len(I)):
        if abs(I[j]) >= 1:
            continue
        k = np.arange(-3, 4)
        ref = np.sort(np.concatenate([np.arcsin(-I[j]) + 2 * np.pi * k, np.pi - np.arcsin(-I[j]) + 2 * np.pi * k]))
        ref = ref[(ref >= -10) & (ref <= 10)]
        got = eq.x[j, eq.valid[j], 0]
        missed += max(len(ref) - len(got), 0)
        dup += max(len(got) - len(ref), 0)
        if len(got) == len(ref):
            worst = max(worst, float(np.max(np.abs(got - ref))))
    return missed, dup, worst


CASES = {"sine": lambda: da_sine(0.005, 0.05, plot=True), "fhn": lambda: da_fhn(plot=True),
         "decision": lambda: da_decision(plot=True)}


def _seconds(cmd, env=None):
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return float(out.split()[-1])


def first_calls():
    """First call of every case in fresh processes: dynanalysis without and with a warm
    persistent compilation cache, and BrainPy where ``BRAINPY_PYTHON`` is set."""
    brainpy = os.environ.get("BRAINPY_PYTHON")
    here = os.path.dirname(os.path.abspath(__file__))
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        warm = dict(os.environ, JAX_COMPILATION_CACHE_DIR=cache, JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0",
                    JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES="0")
        for case in CASES:
            rec = {"dynanalysis_s": _seconds([sys.executable, __file__, "--first", case])}
            _seconds([sys.executable, __file__, "--first", case], warm)  # fills the cache
            rec["dynanalysis_warm_cache_s"] = _seconds([sys.executable, __file__, "--first", case], warm)
            if brainpy:
                rec["brainpy_s"] = _seconds([brainpy, os.path.join(here, "brainpy_bifurcation.py"), case])
                rec["brainpy_measured"] = True
            else:
                rec["brainpy_s"], rec["brainpy_measured"] = BRAINPY_QUOTED_S[case], False
            rec["speedup_vs_brainpy"] = rec["brainpy_s"] / rec["dynanalysis_s"]
            out[case] = rec
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out")
    ap.add_argument("--first", choices=list(CASES), help="time one first call of a case and exit")
    args = ap.parse_args(argv)
    if args.first:
        import matplotlib
        matplotlib.use("Agg")
        import dynanalysis  # noqa: F401  (the import is not timed)
        print(timed(CASES[args.first])[0])
        return
    import jax
    res = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "jax": jax.__version__}}
    res["first_calls"] = first_calls()

    first, d = timed(lambda: da_sine(0.005, 0.05))
    repeat, d2 = timed(lambda: da_sine(0.005, 0.05, shift=0.01))
    sp_t, _ = timed(lambda: scipy_line(lambda x, I: np.sin(x) + I, d.grid["I"], -10, 10, 0.05))
    missed, dup, worst = sine_errors(d)
    folds = [s.params["I"] for s in d.points("LP")]
    res["sine"] = {"first_s": first, "repeat_s": repeat, "scipy_s": sp_t, "speedup_vs_scipy_repeat": sp_t / repeat,
                   "missed_roots": missed, "duplicated_roots": dup, "max_root_error": worst,
                   "n_folds": len(folds), "max_fold_error": float(np.max(np.abs(np.abs(folds) - 1.0)))}
    first, d = timed(lambda: da_sine(0.0005, 0.005))
    repeat, _ = timed(lambda: da_sine(0.0005, 0.005, shift=0.01))
    sp_t, _ = timed(lambda: scipy_line(lambda x, I: np.sin(x) + I, d.grid["I"], -10, 10, 0.005))
    missed, dup, worst = sine_errors(d)
    res["sine_10x_finer"] = {"first_s": first, "repeat_s": repeat, "scipy_s": sp_t,
                             "speedup_vs_scipy_repeat": sp_t / repeat, "missed_roots": missed,
                             "duplicated_roots": dup, "max_root_error": worst}
    scaling = []
    for step in (0.004, 0.002, 0.001, 0.0005):
        da_sine(step, 0.05, shift=0.02)  # a new grid size may compile a new chunk shape
        t, dd = timed(lambda: da_sine(step, 0.05, shift=0.03))
        scaling.append({"grid_points": len(dd.grid["I"]), "seconds": t})
    res["sine_scaling_repeat"] = scaling

    first, d = timed(da_fhn)
    repeat, _ = timed(lambda: da_fhn(a=0.71))
    sp_t, _ = timed(lambda: scipy_plane(fhn_f, d.grid["I"], -3, 3))
    hopf = [s.params["I"] for s in d.points("H")]  # only the first lies in [0, 1]
    res["fhn"] = {"first_s": first, "repeat_s": repeat, "scipy_s": sp_t, "speedup_vs_scipy_repeat": sp_t / repeat,
                  "hopf": hopf, "hopf_error": float(abs(hopf[0] - FHN_HOPF[0])) if len(hopf) == 1 else None}

    first, d = timed(da_decision)
    repeat, _ = timed(lambda: da_decision(c=1.0))
    sp_t, _ = timed(lambda: scipy_plane(ww_f, d.grid["mu"], 0, 1))
    res["decision"] = {"first_s": first, "repeat_s": repeat, "scipy_s": sp_t, "speedup_vs_scipy_repeat": sp_t / repeat,
                       "special_points": [f"{s.kind} mu={s.params['mu']:.10f}" for s in d.special_points]}
    text = json.dumps(res, indent=2, default=float)
    print(text)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text + "\n")


if __name__ == "__main__":
    main()
