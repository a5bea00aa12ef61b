"""A GPU script (dynanalysis issue 15, part 4): three batched workloads on whatever devices JAX
sees, timed, and checked against the same work on the CPU.

  hh     Hodgkin–Huxley, RK4, dt = 0.01 ms, 100 ms (10^4 steps), a batch of 10^5 neurons with
         I spread over [0, 20] µA/cm² (``simulate``, only the start and the end recorded); in
         float64 and float32 (``simulate(dtype=...)``).  Speed in neuron-steps per second.
  fhn    FitzHugh–Nagumo's equilibria and Hopf points over two parameters, I in [0, 2] step
         0.002 and a in [0.5, 1] step 0.005 (1001 x 101 values, ``Bifurcation2D``, 100 Newton
         seeds per value).  Float64 only: every analysis runs in float64 (there is no dtype
         option; ``simulate`` is the one call with one).
  cann   ``FixedPointFinder(CANN1D(N=4096, A=0)).find`` from 64 noisy bumps (damped Newton with a
         dense LU per step, one vmapped batch in chunks that fit the memory budget).  Float64 only.

``--quick`` shrinks every size (HH batch 2000 x 50 ms, FHN 101 x 11 values, CANN N = 256) so
that the script runs to completion on a CPU in a few minutes.  Each workload is timed on its
first call (trace + compile + run) and on ``--repeats`` warm calls (median); batches are split
over all of ``jax.devices()`` (dynanalysis' default), and the argument shardings JAX logs when it
compiles the batched programs are recorded, so the JSON shows how many devices each program
was partitioned over.

The check: the same work on one CPU device (``jax.devices("cpu")[:1]``, through
``dynanalysis.config.using`` and ``jax.default_device``), on a subset where the full work would
take too long on a CPU (every k-th HH neuron, three values of a for FHN, the first seeds for
CANN): the largest absolute difference of the final HH states, of the FHN equilibria (and the
Hopf points), of the CANN fixed points (also of the magnitudes of their Fourier coefficients,
which do not depend on where a bump sits on the ring: with A = 0 the bump is a marginal
family, so two devices' roundings may stop Newton at slightly different positions along it).
Float32 HH is compared with the CPU's float32 and with the device's own float64.

    python benchmarks/gpu.py [--quick] [--repeats 3] [--only hh,fhn,cann] [--budget-gib 2] [--out FILE]
    XLA_FLAGS=--xla_force_host_platform_device_count=4 python benchmarks/gpu.py --quick   # 4 CPU devices

JSON goes to stdout (and ``--out``); progress to stderr.
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _common import machine_info, write_json  # noqa: E402

FULL = {"hh_batch": 100_000, "hh_ms": 100.0, "hh_check": 2048,
        "fhn_I_step": 0.002, "fhn_a_step": 0.005, "fhn_check_a": 3,
        "cann_N": 4096, "cann_seeds": 64, "cann_check": 4}
QUICK = {"hh_batch": 2000, "hh_ms": 50.0, "hh_check": 2000,
         "fhn_I_step": 0.02, "fhn_a_step": 0.05, "fhn_check_a": 3,
         "cann_N": 256, "cann_seeds": 64, "cann_check": 64}
HH_DT = 0.01
HH_REST = {"V": -65.0, "m": 0.05, "h": 0.6, "n": 0.32}  # as integrators.py
TOL_F64 = 1e-6  # float64 answers of two devices: the same arithmetic up to rounding order


def log(*a):
    print(*a, file=sys.stderr, flush=True)


class Shardings(logging.Handler):
    """The number of devices each compiled program's arguments are split over, from JAX's
    "Compiling <name> with global shapes and types ... Argument mapping: (...)" log line."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.phase = "device"
        self.programs = {"device": {}, "cpu_check": {}}  # phase -> program -> [devices per compile]

    def emit(self, record):
        m = re.match(r"Compiling (\S+) with global shapes and types .*?Argument mapping: (.*)\.$",
                     record.getMessage(), re.S)
        if m:
            sizes = [int(s) for s in re.findall(r"'batch': (\d+)", m.group(2))]
            self.programs[self.phase].setdefault(m.group(1), []).append(max(sizes) if sizes else 1)


SHARDINGS = Shardings()


@contextlib.contextmanager
def on_cpu():
    """dynanalysis and JAX both on one CPU device (the reference)."""
    import jax
    import dynanalysis as da
    cpu = jax.devices("cpu")[:1]
    SHARDINGS.phase = "cpu_check"
    try:
        with da.config.using(cpu), jax.default_device(cpu[0]):
            yield
    finally:
        SHARDINGS.phase = "device"


def timings(call, repeats):
    t = time.perf_counter()
    out = call()
    first = time.perf_counter() - t
    runs = []
    for _ in range(repeats):
        t = time.perf_counter()
        out = call()
        runs.append(time.perf_counter() - t)
    return {"first_s": first, "run_s": statistics.median(runs), "runs_s": runs}, out


# --------------------------------------------------------------------------- Hodgkin–Huxley
def hh_run(currents, duration, dtype):
    import dynanalysis as da
    from dynanalysis.models import HodgkinHuxley
    model = HodgkinHuxley()
    init = {v: np.full(len(currents), HH_REST[v]) for v in model.variables}
    steps = int(round(duration / HH_DT))
    tr = da.simulate(model, init, duration, dt=HH_DT, method="rk4", params={"I": currents},
                     record_every=steps, dtype=dtype)
    return np.stack([np.asarray(tr.states[v][:, -1], np.float64) for v in model.variables], -1), tr


def hh(size, repeats):
    B, T = size["hh_batch"], size["hh_ms"]
    steps = int(round(T / HH_DT))
    currents = np.linspace(0.0, 20.0, B)
    sub = np.unique(np.linspace(0, B - 1, min(size["hh_check"], B)).astype(int))
    out = {"batch": B, "duration_ms": T, "dt_ms": HH_DT, "steps": steps, "neuron_steps": B * steps}
    finals = {}
    for dtype in ("float64", "float32"):
        t, (x, tr) = timings(lambda: hh_run(currents, T, dtype), repeats)
        t["neuron_steps_per_s"] = B * steps / t["run_s"]
        t["diverged"] = int(np.sum(tr.diverged))
        finals[dtype] = x
        with on_cpu():
            ref, _ = hh_run(currents[sub], T, dtype)
        t["check_members"] = len(sub)
        t["max_abs_diff_vs_cpu"] = {v: float(np.max(np.abs(x[sub, i] - ref[:, i])))
                                    for i, v in enumerate(("V", "m", "h", "n"))}
        if dtype == "float64":
            t["ok"] = bool(t["max_abs_diff_vs_cpu"]["V"] <= TOL_F64 * 100)  # mV: 1e-6 relative to ~100 mV
        out[dtype] = t
        log(f"hh {dtype}: first {t['first_s']:.2f} s, run {t['run_s']:.3f} s, "
            f"{t['neuron_steps_per_s']:.3g} neuron-steps/s, max |dV| vs CPU {t['max_abs_diff_vs_cpu']['V']:.2e}")
    d = np.abs(finals["float32"][:, 0] - finals["float64"][:, 0])
    out["float32_vs_float64_V"] = {"max_abs": float(d.max()), "median_abs": float(np.median(d))}
    out["float32_speedup"] = out["float64"]["run_s"] / out["float32"]["run_s"]
    return out


# --------------------------------------------------------------------------- FitzHugh–Nagumo
def fhn_diagram(I_step, a_range, a_step):
    import dynanalysis as da
    from dynanalysis.models import FitzHughNagumo
    if a_step is None:  # one value of a (pars_update): a one-parameter sweep
        an = da.Bifurcation2D(FitzHughNagumo(), target_pars={"I": (0.0, 2.0)}, pars_update={"a": a_range},
                              target_vars={"V": (-3, 3), "w": (-3, 3)}, resolutions={"I": I_step})
    else:
        an = da.Bifurcation2D(FitzHughNagumo(), target_pars={"I": (0.0, 2.0), "a": a_range},
                              target_vars={"V": (-3, 3), "w": (-3, 3)}, resolutions={"I": I_step, "a": a_step})
    return an.compute()


def _roots(eq, index):
    """The valid roots at one grid index, sorted (slots may be ordered differently)."""
    x = eq.x[index][eq.valid[index]]
    return x[np.lexsort(x.T[::-1])]


def fhn(size, repeats):
    I_step, a_step = size["fhn_I_step"], size["fhn_a_step"]
    t, d = timings(lambda: fhn_diagram(I_step, (0.5, 1.0), a_step), repeats)
    nI, na = d.equilibria.valid.shape[:2]
    t.update({"grid": [nI, na], "values": nI * na, "values_per_s": nI * na / t["run_s"],
              "equilibria": int(d.equilibria.valid.sum()), "hopf_points": len(d.points("H"))})
    # the check: whole columns (one value of a each) on one CPU device
    a = d.grid["a"]
    cols = np.unique(np.linspace(0, na - 1, size["fhn_check_a"]).astype(int))
    worst, count_mismatch, hopf_worst = 0.0, 0, 0.0
    for j in cols:
        with on_cpu():
            ref = fhn_diagram(I_step, float(a[j]), None)
        for i in range(nI):
            got, want = _roots(d.equilibria, (i, j)), _roots(ref.equilibria, (i,))
            if len(got) != len(want):
                count_mismatch += 1
            elif len(got):
                worst = max(worst, float(np.max(np.abs(got - want))))
        h_dev = sorted(s.params["I"] for s in d.points("H") if abs(s.params["a"] - a[j]) < 1e-12)
        h_ref = sorted(s.params["I"] for s in ref.points("H"))
        if len(h_dev) != len(h_ref):
            count_mismatch += 1
        elif h_dev:
            hopf_worst = max(hopf_worst, float(np.max(np.abs(np.subtract(h_dev, h_ref)))))
    t.update({"check_a_values": a[cols].tolist(), "max_abs_diff_equilibria": worst,
              "max_abs_diff_hopf_I": hopf_worst, "grid_values_with_other_root_count": count_mismatch,
              "ok": bool(count_mismatch == 0 and worst <= TOL_F64 and hopf_worst <= TOL_F64), "dtype": "float64"})
    log(f"fhn {nI} x {na}: first {t['first_s']:.2f} s, run {t['run_s']:.3f} s, {t['hopf_points']} Hopf points, "
        f"max diff vs CPU {worst:.2e} (Hopf {hopf_worst:.2e}), {count_mismatch} count mismatches")
    return t


# --------------------------------------------------------------------------- CANN1D
def cann(size, repeats):
    import dynanalysis as da
    from dynanalysis.models import CANN1D
    from highdim import make_seeds
    N, k, kc = size["cann_N"], size["cann_seeds"], size["cann_check"]
    seeds = make_seeds(N, k)
    fpf = da.FixedPointFinder(CANN1D(N=N, A=0.0))
    t, fps = timings(lambda: fpf.find(seeds), repeats)
    t.update({"N": N, "seeds": k, "points": len(fps), "failed": int(fps.n_failed),
              "max_residual": float(np.max(fps.residuals)) if len(fps) else None})
    # the check: the solver's per-seed answers (no de-duplication) on the device and on one CPU device
    x_dev, fixed_dev, _ = fpf.solve(seeds[:kc])
    with on_cpu():
        x_cpu, fixed_cpu, _ = fpf.solve(seeds[:kc])
    both = fixed_dev & fixed_cpu
    raw = float(np.max(np.abs(x_dev[both] - x_cpu[both]))) if both.any() else None
    spec = lambda x: np.abs(np.fft.rfft(x, axis=-1)) / N  # noqa: E731  (shift-invariant)
    inv = float(np.max(np.abs(spec(x_dev[both]) - spec(x_cpu[both])))) if both.any() else None
    t.update({"check_seeds": kc, "converged_device": int(fixed_dev.sum()), "converged_cpu": int(fixed_cpu.sum()),
              "max_abs_diff": raw, "max_abs_diff_fourier_magnitudes": inv,
              "ok": bool(fixed_dev.sum() == fixed_cpu.sum() == kc and inv is not None and inv <= TOL_F64),
              "dtype": "float64"})
    log(f"cann N={N}: first {t['first_s']:.2f} s, run {t['run_s']:.3f} s, {len(fps)} points; vs CPU: "
        f"max |dx| {raw:.2e}, Fourier magnitudes {inv:.2e}")
    return t


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (a CPU finishes in a few minutes)")
    ap.add_argument("--repeats", type=int, default=None, help="warm calls per workload (default 3, --quick 2)")
    ap.add_argument("--only", help="comma-separated subset of hh, fhn, cann")
    ap.add_argument("--budget-gib", type=float, help="dynanalysis.budget.MEMORY_BUDGET in GiB (default 2): "
                    "a large GPU can take bigger batches (the CANN search runs 2 seeds per batch at N = 4096 "
                    "with 2 GiB)")
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    if args.budget_gib is not None:
        import dynanalysis as da
        da.budget.MEMORY_BUDGET = int(args.budget_gib * 2**30)
    work = {"hh": hh, "fhn": fhn, "cann": cann}
    chosen = args.only.split(",") if args.only else list(work)
    if any(c not in work for c in chosen):
        ap.error(f"--only: choose from {list(work)}")
    size = QUICK if args.quick else FULL
    repeats = args.repeats or (2 if args.quick else 3)

    import jax
    import dynanalysis  # noqa: F401
    jax_log = logging.getLogger("jax")
    jax_log.addHandler(SHARDINGS)
    jax_log.propagate = False
    jax.config.update("jax_log_compiles", True)  # this benchmark process only: records the shardings

    info = machine_info()
    info["devices"] = [f"{d.platform}:{d.id} {d.device_kind}" for d in jax.devices()]
    import dynanalysis as da
    res = {"machine": info, "quick": args.quick, "sizes": size, "repeats": repeats,
           "memory_budget_bytes": da.budget.MEMORY_BUDGET}
    log(f"devices: {info['devices']}")
    t0 = time.perf_counter()
    for name in chosen:
        res[name] = work[name](size, repeats)
    res["wall_s"] = time.perf_counter() - t0
    res["devices_per_program"] = SHARDINGS.programs
    res["machine"]["loadavg_end"] = list(os.getloadavg())
    res["all_checks_ok"] = all(v.get("ok", True) for name in chosen
                               for v in ([res[name]] if name != "hh" else [res[name]["float64"]]))
    print(write_json(res, args.out))


if __name__ == "__main__":
    main()
