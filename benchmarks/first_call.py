"""First-call latency: dynanalysis against BrainPy 2.8 on BrainPy's own tutorial workloads, and
the Hodgkin–Huxley diagram by continuation (dynanalysis issue 15, part 1).

Workloads (the same work on both sides; BrainPy's in ``brainpy_first_call.py``, whose docstring
gives the settings and where they depart from BrainPy's tutorials): the sin(x) + I phase line and
its Bifurcation1D, FitzHugh–Nagumo's PhasePlane2D (nullclines, vector field, fixed points, a
trajectory) and Bifurcation2D over I, the Wong–Wang decision model's PhasePlane2D and its
Bifurcation2D over mu.  dynanalysis runs them through its BrainPy-compatible analysers
(``PhasePlane1D/2D``, ``Bifurcation1D/2D``, the same arguments, the ``plot_*`` methods) on the
zoo's models, matplotlib's Agg backend.  Plus ``hh_diagram``:
``Bifurcation(HodgkinHuxley(), {"I": (0, 200)}).compute()`` (no BrainPy counterpart: an
absolute goal).

Every measurement is a fresh process (``--worker CASE``): the imports (dynanalysis or brainpy,
matplotlib.pyplot) are not timed; building the analyser and its calls are, compilation included.

  brainpy  BrainPy's first call (its venv: ``BRAINPY_PYTHON``, default /work/venv-bp/bin/python;
           JAX's persistent cache is off there, as by default)
  cold     dynanalysis with ``DYNANALYSIS_CACHE_DIR`` a new empty folder (the persistent
           compilation cache is on by default; it is filled during this run)
  warm     dynanalysis in a second fresh process with the same folder (a user's second run)
  repeat   (hh_diagram only) the same work again in the cold process, with a new analyser
  *_openblas1 (hh_diagram only) cold, warm and repeats again with OPENBLAS_NUM_THREADS=1

Within each round the cases are interleaved (brainpy, cold, warm of one case, then the next
case), and ``--rounds`` repeats the whole sequence; medians over rounds are reported, and every
ratio (BrainPy / dynanalysis) is taken from the same run.  Inherited JAX cache settings
(``JAX_COMPILATION_CACHE_DIR`` and friends) are removed from every child's environment.

    python benchmarks/first_call.py [--rounds 3] [--cases a,b] [--out benchmarks/results/first_call.json]

JSON goes to stdout (and ``--out``); progress to stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _common import machine_info, write_json  # noqa: E402

BRAINPY_PYTHON = os.environ.get("BRAINPY_PYTHON", "/work/venv-bp/bin/python")
FHN_FIXED_POINT = (-0.272900958997298, 0.533873801253378)  # I = 0.8 (REFERENCE.md)
FHN_HOPF = 0.331281337454746                                # V = -sqrt(1 - b/tau)

# the goals: ratio BrainPy / dynanalysis, and absolute seconds for the HH diagram
GOAL_COLD, GOAL_WARM = 10.0, 30.0
GOAL_HH_COLD_S, GOAL_HH_REPEAT_S = 5.0, 0.5
JAX_CACHE_VARS = ("JAX_COMPILATION_CACHE_DIR", "JAX_ENABLE_COMPILATION_CACHE",
                  "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES",
                  "DYNANALYSIS_CACHE_DIR", "DYNANALYSIS_COMPILATION_CACHE")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the dynanalysis work
_SINE = []


def _sine():
    import dynanalysis as da
    from dynanalysis import math as dm
    if not _SINE:
        _SINE.append(da.ode(lambda x, Iext=0.0: dm.sin(x) + Iext, name="sine"))
    return _SINE[0]


def sine_phase_line():
    import dynanalysis as da
    pp = da.PhasePlane1D(_sine(), target_vars={"x": (-10, 10)}, pars_update={"Iext": 0.0},
                         resolutions={"x": 0.01})
    pp.plot_vector_field()
    fp = pp.plot_fixed_point()
    return {"fixed_points": len(fp)}


def sine_bifurcation():
    import dynanalysis as da
    an = da.Bifurcation1D(_sine(), target_vars={"x": (-10, 10)}, target_pars={"Iext": (-1.5, 1.5)},
                          resolutions={"Iext": 0.005, "x": 0.05})
    d = an.plot_bifurcation()
    return {"folds": sorted(round(s.params["Iext"], 12) for s in d.points("LP"))}


def fhn_phase_plane():
    import dynanalysis as da
    from dynanalysis.models import FitzHughNagumo
    pp = da.PhasePlane2D(FitzHughNagumo(), target_vars={"V": (-3, 3), "w": (-3, 3)}, pars_update={"I": 0.8},
                         resolutions={"V": 0.01, "w": 0.01})
    pp.plot_nullcline()
    pp.plot_vector_field()
    fp = pp.plot_fixed_point()
    pp.plot_trajectory({"V": [-2.8], "w": [-1.8]}, duration=100.0)
    err = max(abs(fp.points[0][i] - FHN_FIXED_POINT[i]) for i in range(2)) if len(fp) == 1 else None
    return {"fixed_points": fp.points.tolist(), "fixed_point_error": err}


def fhn_bifurcation():
    import dynanalysis as da
    from dynanalysis.models import FitzHughNagumo
    an = da.Bifurcation2D(FitzHughNagumo(), target_vars={"V": (-3, 3), "w": (-3, 3)}, target_pars={"I": (0, 1)},
                          resolutions={"I": 0.001})
    d = an.plot_bifurcation()
    hopf = [s.params["I"] for s in d.points("H")]
    return {"hopf": hopf, "hopf_error": abs(hopf[0] - FHN_HOPF) if len(hopf) == 1 else None}


def decision_phase_plane():
    import dynanalysis as da
    from dynanalysis.models import WongWang
    pp = da.PhasePlane2D(WongWang(), target_vars={"s1": (0, 1), "s2": (0, 1)}, pars_update={"mu": 0.0},
                         resolutions=0.001)
    pp.plot_vector_field()
    pp.plot_nullcline()
    fp = pp.plot_fixed_point()
    return {"fixed_points": fp.points.tolist()}


def decision_bifurcation():
    import dynanalysis as da
    from dynanalysis.models import WongWang
    an = da.Bifurcation2D(WongWang(), target_vars={"s1": (0, 1), "s2": (0, 1)}, target_pars={"mu": (0, 80)},
                          pars_update={"c": 0.0}, resolutions={"mu": 0.1})
    d = an.plot_bifurcation()
    return {"special_points": [f"{s.kind} mu={s.params['mu']:.10f}" for s in d.special_points]}


def hh_diagram():
    import dynanalysis as da
    from dynanalysis.models import HodgkinHuxley
    d = da.Bifurcation(HodgkinHuxley(), {"I": (0.0, 200.0)}).compute()
    return {"special_points": [repr(p) for p in d.special_points], "status": str(d.status)}


WORKLOADS = {f.__name__: f for f in (sine_phase_line, sine_bifurcation, fhn_phase_plane, fhn_bifurcation,
                                     decision_phase_plane, decision_bifurcation, hh_diagram)}
BRAINPY_CASES = tuple(c for c in WORKLOADS if c != "hh_diagram")


def worker(case: str, repeat: bool) -> dict:
    """One first call of ``case`` in this (fresh) process; with ``repeat``, the work again."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import dynanalysis  # noqa: F401  (the imports are not timed)
    t = time.perf_counter()
    summary = WORKLOADS[case]()
    out = {"seconds": time.perf_counter() - t, "summary": summary}
    plt.close("all")
    if repeat:
        t = time.perf_counter()
        WORKLOADS[case]()
        out["repeat_s"] = time.perf_counter() - t
        plt.close("all")
    return out


# --------------------------------------------------------------------------- the driver
def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in JAX_CACHE_VARS}
    env.update(extra)
    return env


def run_json(cmd, env) -> dict:
    load = os.getloadavg()[0]
    t = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-3000:]}")
    rec = json.loads(out.stdout.strip().splitlines()[-1])
    rec["process_s"] = time.perf_counter() - t
    rec["loadavg_1min_before"] = load
    return rec


def measure(case: str, brainpy: bool) -> dict:
    """brainpy (if it runs this case), cold and warm dynanalysis of one case, in that order."""
    rec = {}
    if brainpy and case in BRAINPY_CASES:
        rec["brainpy"] = run_json([BRAINPY_PYTHON, os.path.join(HERE, "brainpy_first_call.py"), case], clean_env())
    cache = tempfile.mkdtemp(prefix="dynanalysis-cache-")
    try:
        env = clean_env(DYNANALYSIS_CACHE_DIR=cache)
        cmd = [sys.executable, __file__, "--worker", case] + (["--repeat"] if case == "hh_diagram" else [])
        rec["cold"] = run_json(cmd, env)
        rec["cache_files"] = sum(len(f) for _, _, f in os.walk(cache))
        rec["warm"] = run_json([sys.executable, __file__, "--worker", case], env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    if case == "hh_diagram":  # the same with OpenBLAS single-threaded (LAPACK calls; see the README)
        cache = tempfile.mkdtemp(prefix="dynanalysis-cache-")
        try:
            env = clean_env(DYNANALYSIS_CACHE_DIR=cache, OPENBLAS_NUM_THREADS="1")
            rec["cold_openblas1"] = run_json(cmd, env)
            rec["warm_openblas1"] = run_json([sys.executable, __file__, "--worker", case, "--repeat"], env)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    return rec


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarise(case: str, rounds: list) -> dict:
    s = {k: median([r[k]["seconds"] for r in rounds if k in r]) for k in ("brainpy", "cold", "warm")}
    out = {"brainpy_s": s["brainpy"], "cold_s": s["cold"], "warm_s": s["warm"],
           "brainpy_runs_s": [r["brainpy"]["seconds"] for r in rounds if "brainpy" in r],
           "cold_runs_s": [r["cold"]["seconds"] for r in rounds],
           "warm_runs_s": [r["warm"]["seconds"] for r in rounds]}
    if case == "hh_diagram":
        out["repeat_s"] = median([r["cold"].get("repeat_s") for r in rounds])
        out["repeat_runs_s"] = [r["cold"].get("repeat_s") for r in rounds]
        ob = {"cold": [r["cold_openblas1"]["seconds"] for r in rounds],
              "repeat": [r["cold_openblas1"]["repeat_s"] for r in rounds] + [r["warm_openblas1"]["repeat_s"] for r in rounds],
              "warm": [r["warm_openblas1"]["seconds"] for r in rounds]}
        out["openblas_num_threads_1"] = {f"{k}_s": median(v) for k, v in ob.items()} | {f"{k}_runs_s": v for k, v in ob.items()}
        out["goal_cold_s"], out["goal_repeat_s"] = GOAL_HH_COLD_S, GOAL_HH_REPEAT_S
        out["met_cold"] = out["cold_s"] <= GOAL_HH_COLD_S
        out["met_repeat"] = out["repeat_s"] <= GOAL_HH_REPEAT_S
    elif s["brainpy"] is not None:
        out["ratio_cold"] = s["brainpy"] / s["cold"]
        out["ratio_warm"] = s["brainpy"] / s["warm"]
        # the same ratios round by round (each from one round's interleaved measurements)
        out["ratio_cold_runs"] = [r["brainpy"]["seconds"] / r["cold"]["seconds"] for r in rounds if "brainpy" in r]
        out["ratio_warm_runs"] = [r["brainpy"]["seconds"] / r["warm"]["seconds"] for r in rounds if "brainpy" in r]
        out["met_cold"] = out["ratio_cold"] >= GOAL_COLD
        out["met_warm"] = out["ratio_warm"] >= GOAL_WARM
        # what dynanalysis would need to meet the goals
        out["needed_cold_s"] = s["brainpy"] / GOAL_COLD
        out["needed_warm_s"] = s["brainpy"] / GOAL_WARM
    out["dynanalysis_summary"] = rounds[0]["cold"]["summary"]
    if "brainpy" in rounds[0]:
        out["brainpy_summary"] = rounds[0]["brainpy"]["summary"]
    out["cache_files"] = rounds[0]["cache_files"]
    return out


def markdown(res: dict) -> str:
    """The README's goal table from a results JSON (medians over the rounds; the ratio's range
    over the rounds in brackets)."""
    yes = lambda ok: "**met**" if ok else "not met"  # noqa: E731
    rng = lambda v: f"{min(v):.1f}–{max(v):.1f}" if len(v) > 1 else ""  # noqa: E731
    rows = ["| workload | BrainPy 2.8.2 | dynanalysis cold | ratio (goal ≥ 10×) | | dynanalysis warm | "
            "ratio (goal ≥ 30×) | |", "|---|---|---|---|---|---|---|---|"]
    for case, c in res["cases"].items():
        if case == "hh_diagram" or c.get("brainpy_s") is None:
            continue
        rows.append(f"| {case} | {c['brainpy_s']:.2f} s | {c['cold_s']:.2f} s | {c['ratio_cold']:.1f}× "
                    f"({rng(c['ratio_cold_runs'])}) | {yes(c['met_cold'])} | {c['warm_s']:.2f} s | "
                    f"{c['ratio_warm']:.1f}× ({rng(c['ratio_warm_runs'])}) | {yes(c['met_warm'])} |")
    c = res["cases"].get("hh_diagram")
    if c:
        o = c["openblas_num_threads_1"]
        rng_s = lambda v: f"{min(v):.2f}–{max(v):.2f} s"  # noqa: E731
        rows += ["", "| HH diagram by continuation | goal | measured (median; range) | | "
                     "with OPENBLAS_NUM_THREADS=1 |", "|---|---|---|---|---|",
                 f"| first call, cold cache | ≤ 5 s | {c['cold_s']:.2f} s ({rng_s(c['cold_runs_s'])}) | "
                 f"{yes(c['met_cold'])} | {o['cold_s']:.2f} s ({rng_s(o['cold_runs_s'])}) |",
                 f"| first call, warm cache | — | {c['warm_s']:.2f} s ({rng_s(c['warm_runs_s'])}) | | "
                 f"{o['warm_s']:.2f} s ({rng_s(o['warm_runs_s'])}) |",
                 f"| repeat in the same process | ≤ 0.5 s | {c['repeat_s']:.2f} s ({rng_s(c['repeat_runs_s'])}) | "
                 f"{yes(c['met_repeat'])} | {o['repeat_s']:.2f} s ({rng_s(o['repeat_runs_s'])}) |"]
    return "\n".join(rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cases", help="comma-separated subset of " + ", ".join(WORKLOADS))
    ap.add_argument("--no-brainpy", action="store_true", help="dynanalysis only")
    ap.add_argument("--markdown", metavar="JSON", help="print the README's goal table from a results file and exit")
    ap.add_argument("--worker", choices=list(WORKLOADS), help=argparse.SUPPRESS)
    ap.add_argument("--repeat", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.markdown:
        with open(args.markdown) as f:
            print(markdown(json.load(f)))
        return
    if args.worker:
        print(json.dumps(worker(args.worker, args.repeat), default=float))
        return
    cases = args.cases.split(",") if args.cases else list(WORKLOADS)
    unknown = [c for c in cases if c not in WORKLOADS]
    if unknown:
        ap.error(f"--cases: unknown {unknown}; choose from {list(WORKLOADS)}")
    brainpy = not args.no_brainpy
    if brainpy and not os.path.exists(BRAINPY_PYTHON):
        ap.error(f"BrainPy's interpreter {BRAINPY_PYTHON} not found (set BRAINPY_PYTHON or pass --no-brainpy)")
    info = machine_info()
    if brainpy:
        info["brainpy"] = subprocess.run([BRAINPY_PYTHON, "-c", "import brainpy; print(brainpy.__version__)"],
                                         capture_output=True, text=True).stdout.strip()
    records = {c: [] for c in cases}
    t0 = time.perf_counter()
    for r in range(args.rounds):
        for case in cases:
            rec = measure(case, brainpy)
            records[case].append(rec)
            log(f"round {r + 1}/{args.rounds} {case}: " + ", ".join(
                f"{k} {rec[k]['seconds']:.2f} s" for k in ("brainpy", "cold", "warm") if k in rec)
                + (f", repeat {rec['cold']['repeat_s']:.2f} s" if "repeat_s" in rec["cold"] else "")
                + f" (load {rec['cold']['loadavg_1min_before']:.2f})")
    info["loadavg_end"] = list(os.getloadavg())
    res = {"machine": info, "rounds": args.rounds, "wall_s": time.perf_counter() - t0,
           "goals": {"ratio_cold": GOAL_COLD, "ratio_warm": GOAL_WARM, "hh_cold_s": GOAL_HH_COLD_S,
                     "hh_repeat_s": GOAL_HH_REPEAT_S},
           "cases": {c: summarise(c, records[c]) for c in cases},
           "measurements": records}
    print(write_json(res, args.out))


if __name__ == "__main__":
    main()
