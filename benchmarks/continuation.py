"""Continuation benchmark: the full Hodgkin–Huxley diagram over I in [0, 200] µA/cm².

Work: ``dynanalysis.Bifurcation(HodgkinHuxley(), {"I": (0, 200)}).compute()`` (the rest state at
both ends of the range by the fixed-point search, the equilibrium branch, both Hopf points with
their first Lyapunov coefficients, the cycle branch from the first Hopf point by collocation
with its folds of cycles) and, for comparison, the brute-force sweep of the same range
(``method="sweep"``, 201 values, every equilibrium and the Hopf points located between grid
values).

First calls run in a fresh process each (compilation included, the import not timed); repeats in
one process with another model instance (the compiled programs are reused, nothing is cached
in the result).  Accuracy: the fold of cycles against the SciPy shooting reference of
``benchmarks/references/cycles_reference.json``, the Hopf points of sweep and continuation
against each other.  Where ``JAXCONT_PYTHON`` names an interpreter with ``jaxcont`` installed,
its equilibrium continuation of the same model is timed in the same run
(``benchmarks/jaxcont_hh.py``; benchmark only, never a dependency).

    [JAXCONT_PYTHON=...] python benchmarks/continuation.py [--out FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = json.loads((HERE / "references" / "cycles_reference.json").read_text())


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def diagram(I_max=200.0):
    import dynanalysis as da
    from dynanalysis.models import HodgkinHuxley
    return da.Bifurcation(HodgkinHuxley(), {"I": (0.0, I_max)}).compute()


def sweep(I_max=200.0):
    import dynanalysis as da
    from dynanalysis.models import HodgkinHuxley
    return da.Bifurcation(HodgkinHuxley(), {"I": (0.0, I_max)}, resolutions={"I": I_max / 200}, method="sweep").compute()


CASES = {"diagram": diagram, "sweep": sweep}


def first_call(case: str) -> float:
    out = subprocess.run([sys.executable, __file__, "--first", case], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def peer() -> dict | None:
    python = os.environ.get("JAXCONT_PYTHON")
    if not python:
        return None
    out = subprocess.run([python, str(HERE / "jaxcont_hh.py")], capture_output=True, text=True)
    if out.returncode:
        return {"error": out.stderr.strip().splitlines()[-1:]}
    return json.loads(out.stdout)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out")
    ap.add_argument("--first", choices=list(CASES), help="time one first call of a case and exit")
    args = ap.parse_args(argv)
    if args.first:
        import dynanalysis  # noqa: F401  (the import is not timed)
        print(timed(CASES[args.first])[0])
        return
    import jax
    res = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "jax": jax.__version__}}
    res["diagram_first_s"] = first_call("diagram")
    res["sweep_first_s"] = first_call("sweep")
    diagram(), sweep()  # compile in this process
    res["diagram_repeat_s"], d = timed(diagram)
    res["sweep_repeat_s"], s = timed(sweep)
    (cyc,) = d.of_kind("periodic")
    lpc = min(d.points("LPC"), key=lambda p: p.params["I"])
    ref = REFERENCE["hodgkin_huxley"]
    hopf_c = sorted(p.params["I"] for p in d.points("H"))
    hopf_s = sorted(p.params["I"] for p in s.points("H"))
    res["hopf_continuation"] = hopf_c
    res["hopf_sweep"] = hopf_s
    res["hopf_sweep_vs_continuation"] = max(abs(a - b) for a, b in zip(hopf_c, hopf_s)) if len(hopf_c) == len(hopf_s) else None
    res["lyapunov"] = [p.data["lyapunov"] for p in sorted(d.points("H"), key=lambda p: p.params["I"])]
    lpc_ref = ref["LPC"]["I_LPC"]
    res["lpc"] = lpc.params["I"]
    res["lpc_reference"] = lpc_ref
    res["lpc_error"] = abs(lpc.params["I"] - lpc_ref)
    res["cycle_points"] = len(cyc)
    res["equilibrium_points"] = sum(len(b) for b in d.of_kind("equilibrium"))
    res["special_points"] = [repr(p) for p in d.special_points]
    res["ratio_sweep_to_diagram_repeat"] = res["sweep_repeat_s"] / res["diagram_repeat_s"]
    res["jaxcont"] = peer()
    text = json.dumps(res, indent=2, default=float)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
