"""Excitability and phase toolkit (issue 17): the PRC along Hodgkin–Huxley's whole branch of
stable cycles, and the batched f–I curve of 10 000 AdEx cells.

Each in one process, first call (trace + compile + run) and warm repeats, against a baseline
measured in the same run:

* PRC along the branch: ``da.phase_response(branch)`` (all stable cycles in one program: mapped
  one after another on a CPU, vmapped on accelerators) against the same single-cycle program
  called from a Python loop, one cycle per call.
* f–I of AdEx: ``da.fI_curve(AdEx(preset="tonic"), "I", values)`` for 10 000 currents (one
  batched RK4 simulation, spikes interpolated) against a vectorised NumPy forward-Euler loop
  over the same cells and steps (the classic hand-written baseline), same duration and dt.

    python benchmarks/excitability.py [--quick] [--out benchmarks/results/excitability.json]
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

from _common import machine_info, timed


def prc_branch(quick: bool):
    import dynanalysis as da
    from dynanalysis.models import HodgkinHuxley
    (branch,) = da.Bifurcation(HodgkinHuxley(), {"I": (0.0, 200.0)}).compute().of_kind("periodic")
    first, prc = timed(da.phase_response, branch, n=100)
    warm, _ = timed(da.phase_response, branch, n=100)
    # baseline: the same cycles one at a time through the single-cycle program
    from dynanalysis._analysis.phase import _many
    from dynanalysis.continuation._engine import _scales
    from dynanalysis._model.xla import scope
    model = branch.model
    keep = np.flatnonzero(branch.stable)[:4 if quick else None]
    X0 = np.stack([branch.orbits[v][keep, 0] for v in model.variables], -1)
    P = np.repeat(np.asarray(model.flat_params()[1], float)[None], len(X0), axis=0)
    P[:, list(model.flow.param_names).index("I")] = branch.params["I"][keep]

    def loop():
        with scope():
            return [np.asarray(_many(model.flow, 0, 8192, 100, X0[i:i + 1], branch.period[keep][i:i + 1], P[i:i + 1],
                                     _scales(model, X0.mean(0)))[0]) for i in range(len(X0))]

    loop()  # compiled once (batch of 1)
    looped, _ = timed(loop)
    per_cycle_loop = looped / len(X0)
    per_cycle_batch = warm / len(prc.values)
    return {"cycles": int(len(prc.values)), "first_s": first, "warm_s": warm,
            "loop_per_cycle_s": per_cycle_loop, "batch_per_cycle_s": per_cycle_batch,
            "ratio_loop_over_batch": per_cycle_loop / per_cycle_batch,
            "max_normalization_error": float(np.max(prc.normalization_error))}


def fi_adex(quick: bool):
    import dynanalysis as da
    from dynanalysis.models import AdEx
    model = AdEx(preset="tonic")
    n = 1000 if quick else 10000
    values = np.linspace(0.0, 1000.0, n)
    duration, dt = 500.0, 0.02
    first, fi = timed(da.fI_curve, model, "I", values, initial={"V": -70.0, "w": 0.0}, duration=duration, dt=dt)
    warm, fi = timed(da.fI_curve, model, "I", values, initial={"V": -70.0, "w": 0.0}, duration=duration, dt=dt)
    p = model.parameters

    def numpy_euler():
        V, w = np.full(n, -70.0), np.zeros(n)
        count = np.zeros(n, int)
        for _ in range(int(duration / dt)):
            dV = (-(V - p["V_rest"]) + p["delta_T"] * np.exp((V - p["V_T"]) / p["delta_T"]) - p["R"] * w
                  + p["R"] * values) / p["tau_m"]
            dw = (p["a"] * (V - p["V_rest"]) - w) / p["tau_w"]
            V, w = V + dt * dV, w + dt * dw
            spike = V > p["V_th"]
            count += spike
            V = np.where(spike, p["V_reset"], V)
            w = np.where(spike, w + p["b"], w)
        return count

    base, counts = timed(numpy_euler)
    steps = n * int(duration / dt)
    return {"cells": n, "duration_ms": duration, "dt_ms": dt, "first_s": first, "warm_s": warm,
            "numpy_euler_s": base, "ratio_numpy_over_warm": base / warm,
            "neuron_steps_per_s_warm": steps / warm, "firing_cells": int(np.sum(fi.frequency > 0)),
            "spike_count_agreement": float(np.corrcoef(fi.spike_count, counts)[0, 1])}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out")
    args = ap.parse_args()
    t = time.time()
    out = {"machine": machine_info(), "prc_branch": prc_branch(args.quick), "fi_adex": fi_adex(args.quick)}
    out["wall_s"] = time.time() - t
    text = json.dumps(out, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text + "\n")


if __name__ == "__main__":
    main()
