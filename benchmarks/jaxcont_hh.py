"""JaxCont 0.4.0 on the Hodgkin–Huxley diagram over I in [0, 200] µA/cm²: the peer timing for
``benchmarks/continuation.py``.  Benchmark only; jaxcont is never a dependency of dynanalysis.

    python3 -m venv /work/jcvenv && /work/jcvenv/bin/pip install jaxcont==0.4.0
    /work/jcvenv/bin/python benchmarks/jaxcont_hh.py [--case all|first|repeat] [--ntst 40] [--ncol 4]

Prints one JSON object on stdout (progress and anything else on stderr).  float64 is enabled the
way jaxcont's own examples do it (``jax.config.update("jax_enable_x64", True)`` before the import).
Imports and the start-point refinement are not timed.

What is timed, all through jaxcont's public surface (``bif_problem`` + ``continuation``):

* ``equilibria_first_s`` / ``equilibria_repeat_s``: ``jc.continuation(bif_problem(hh, u_rest, 0),
  PseudoArclength(), p_span=(0, 200), settings=ContinuationPar(ds=1.0, ds_max=5.0,
  max_steps=500), events=[jc.Hopf()])`` -- the compiled whole-loop pseudo-arclength engine, the
  eigenvalue post-pass, Hopf detection and refinement on the extended system with the first
  Lyapunov coefficient.  Everything else is jaxcont's default (``ds_min=1e-5``, ``newton_tol=1e-6``,
  ``newton_max_iter=20``, adaptive steps, stability on, dense solvers).  ``ds``/``ds_max`` are
  arclength in the unscaled (V, m, h, n, I) space, where I dominates: with the default
  ``ds_max=0.1`` the 200-unit range would need > 2000 steps (the default ``max_steps`` is 1000);
  ``ds_max=5`` gives ~44 points.  The repeat is the same call again in the same process.
  ``continuation()`` passes a freshly made ``lambda u, p: f(u, p, args)`` as the *static* argument
  of its jitted engine, and each Hopf refinement builds new closures, so the repeat compiles again
  (the number of XLA compilations of every timed call is reported).
* Cycles from the first Hopf point.  jaxcont 0.4.0 continues periodic orbits
  (``jaxcont.problems.periodic.periodic_orbit_problem``: fixed uniform Gauss–Legendre collocation
  mesh, no mesh adaptation, phase condition against the starting guess) but has no start from a
  Hopf point: it takes a caller-supplied trajectory guess ("JaxCont does not integrate ODEs
  itself").  A forward simulation cannot reach the unstable cycles of the subcritical first Hopf
  point, so the guess is built, as jaxcont's own MatCont torBPC validation case does, from the Hopf
  eigenvector: ``jc.hopf_point`` at the detected point gives q1 + i q2 and omega0; at
  I0 = I_H - 0.05 the small cycle u(t) = u_eq(I0) + 2 r (q1 cos w t - q2 sin w t), T = 2 pi / w,
  with r^2 = -Re lambda(I0) / (2 omega0 l1) (jaxcont's l1 is half Kuznetsov's: it returns -1 for
  z' = (mu + i) z - |z|^2 z, whose cycle radius is sqrt(mu); Re lambda from the branch
  eigenvalues at the detection bracket).  This gives a ~1.3 mV cycle that jaxcont's own Newton
  refinement in ``periodic_orbit_problem`` converges.  Mesh ``Collocation(ntst=40, ncol=4)`` (the
  dynanalysis default and a usual AUTO/MatCont size; 801 unknowns), continued with
  ``p_span=(I0, 0)`` (jaxcont orients the first tangent along sign(p_end - p0); the cycles of the
  subcritical point lie below I_H), ``ContinuationPar(ds=1.0, ds_max=20.0, max_steps=200)``,
  other settings default (``newton_tol=1e-6`` is reached in float64; the 1e-5 that jaxcont's
  docstring recommends is for float32), Floquet multipliers on (default), and
  ``events=[jc.Fold()]``, which the docstring names as the fold-of-cycles (LPC) detector.  The
  arclength includes all 801 unknowns (mV-sized), so a step of 20 moves I by ~0.01 near the Hopf
  point and up to ~7 on the large cycles; with the default ``ds_max=0.1`` the branch would need
  > 10^4 steps.  ``max_steps=200`` is a bound chosen in advance: jaxcont has no stop at the
  terminal Hopf point (the branch comes within ~2-3 of the second Hopf point after ~100 steps,
  turns there and retraces the same cycles -- same period at the same I -- back down, past the
  LPC, and turns again near the first Hopf point), and p_end = 0 is never reached because the
  branch turns at the LPC.
  ``cycles_first_s``/``cycles_repeat_s`` time the whole pipeline (``hopf_point`` for the
  eigenvector, the guess, ``periodic_orbit_problem``, ``continuation``), split in
  ``cycles_*_parts``.  If the call with ``Fold()`` raises (at ntst=40 its refinement -- a dense
  extended system of 2*801+1 unknowns whose Jacobian is taken by reverse over forward mode -- asks
  XLA for ~46 GB on this 23 GB machine; at ``--ntst 20`` it fits, ~7 GB peak), the error goes to ``cycles_error``, the time until the error is still reported
  as ``cycles_first_s`` (with ``cycles_first_ok: false``), the branch is recomputed with
  ``events=[]`` and the fold of cycles is read off it unrefined: the branch point of smallest I and
  the bracket where jaxcont's own ``Fold().test_function`` (sign of dI/ds) changes sign.  The
  repeat then times the ``events=[]`` call (the failing call is not repeated).

``--case first``: first calls only (the equilibrium one in a fresh process; the cycle one follows
it in the same process, since it needs the Hopf point).  ``--case repeat``: every call once
untimed, then the timed repeats.  ``--case all`` (default, what ``continuation.py`` runs): first
calls then repeats, one process.  The machine may be shared: the load average is reported.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import sys
import time

import jax

jax.config.update("jax_enable_x64", True)

import jax.monitoring  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from scipy.optimize import fsolve  # noqa: E402

import jaxcont as jc  # noqa: E402
from jaxcont.core.collocation import Collocation  # noqa: E402
from jaxcont.problems.periodic import periodic_orbit_problem  # noqa: E402

P = dict(C=1.0, gNa=120.0, gK=36.0, gL=0.3, ENa=50.0, EK=-77.0, EL=-54.387)
I_SPAN = (0.0, 200.0)
HOPF_REF = (9.7754, 154.5224)
LPC_REF = 6.260321274513687  # benchmarks/references/cycles_reference.json (SciPy shooting)
EQ_SETTINGS = dict(ds=1.0, ds_max=5.0, max_steps=500)
CYC_SETTINGS = dict(ds=1.0, ds_max=20.0, max_steps=200)
CYC_OFFSET = 0.05  # start the cycle branch at I_H - 0.05


# ----------------------------------------------------------------------------- model
def _xexp(x):
    """x / (1 - exp(-x / 10)), removable singularity at x = 0 (limit 10)."""
    small = jnp.abs(x) < 1e-7
    xs = jnp.where(small, 1.0, x)
    return jnp.where(small, 10.0, xs / (1.0 - jnp.exp(-xs / 10.0)))


def hh(u, I, args=None):
    V, m, h, n = u[0], u[1], u[2], u[3]
    am = 0.1 * _xexp(V + 40.0)      # 0.1 (V+40) / (1 - exp(-(V+40)/10)) -> 1.0 at V = -40
    bm = 4.0 * jnp.exp(-(V + 65.0) / 18.0)
    ah = 0.07 * jnp.exp(-(V + 65.0) / 20.0)
    bh = 1.0 / (1.0 + jnp.exp(-(V + 35.0) / 10.0))
    an = 0.01 * _xexp(V + 55.0)     # 0.01 (V+55) / (1 - exp(-(V+55)/10)) -> 0.1 at V = -55
    bn = 0.125 * jnp.exp(-(V + 65.0) / 80.0)
    dV = (-P["gNa"] * m**3 * h * (V - P["ENa"]) - P["gK"] * n**4 * (V - P["EK"])
          - P["gL"] * (V - P["EL"]) + I) / P["C"]
    return jnp.stack([dV, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n])


def hh_np(u, I):
    """NumPy twin for the untimed SciPy refinement of the start point (keeps JAX cold)."""
    V, m, h, n = u
    am = 0.1 * (V + 40.0) / (1.0 - math.exp(-(V + 40.0) / 10.0)) if abs(V + 40.0) > 1e-7 else 1.0
    bm = 4.0 * math.exp(-(V + 65.0) / 18.0)
    ah = 0.07 * math.exp(-(V + 65.0) / 20.0)
    bh = 1.0 / (1.0 + math.exp(-(V + 35.0) / 10.0))
    an = 0.01 * (V + 55.0) / (1.0 - math.exp(-(V + 55.0) / 10.0)) if abs(V + 55.0) > 1e-7 else 0.1
    bn = 0.125 * math.exp(-(V + 65.0) / 80.0)
    dV = (-P["gNa"] * m**3 * h * (V - P["ENa"]) - P["gK"] * n**4 * (V - P["EK"])
          - P["gL"] * (V - P["EL"]) + I) / P["C"]
    return [dV, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]


# ----------------------------------------------------------------------------- helpers
class Compiles:
    """Counts XLA backend compilations (public jax.monitoring events) during a block."""

    def __init__(self):
        self.n, self.s = 0, 0.0
        jax.monitoring.register_event_duration_secs_listener(self._on)

    def _on(self, event, duration, **kw):
        if event == "/jax/core/compile/backend_compile_duration":
            self.n += 1
            self.s += duration

    def snapshot(self):
        return self.n, self.s


COMPILES = None


def timed(label, fn):
    n0, s0 = COMPILES.snapshot()
    t = time.perf_counter()
    try:
        out, err = fn(), None
    except Exception as e:  # noqa: BLE001 - any jaxcont failure is a result to report
        msg = re.sub(r"(Error dispatching computation: )+", "Error dispatching computation: ", str(e))
        out, err = None, f"{type(e).__name__}: {msg[:400]}"
    dt = time.perf_counter() - t
    n1, s1 = COMPILES.snapshot()
    info = {"s": dt, "xla_compilations": n1 - n0, "xla_compile_s": s1 - s0}
    print(f"[jaxcont_hh] {label}: {dt:.2f} s, {n1 - n0} compilations"
          + (f", ERROR {err}" if err else ""), file=sys.stderr)
    return out, err, info


def fnum(x):
    x = float(x)
    return x if math.isfinite(x) else None


# ----------------------------------------------------------------------------- work
def rest_state():
    u = fsolve(lambda u: hh_np(u, 0.0), [-65.0, 0.0529, 0.596, 0.3177], xtol=1e-13)
    return np.asarray(u, dtype=np.float64)


def equilibria(u0):
    prob = jc.bif_problem(hh, jnp.asarray(u0), I_SPAN[0], state_names=("V", "m", "h", "n"), param_name="I")
    return jc.continuation(prob, jc.PseudoArclength(), p_span=I_SPAN,
                           settings=jc.ContinuationPar(**EQ_SETTINGS), events=[jc.Hopf()])


def cycle_guess(eq, hit, parts):
    """Small cycle near the first Hopf point from jaxcont's Hopf data (see the module docstring)."""
    t = time.perf_counter()
    uH, IH, q1, q2, w, conv = jc.hopf_point(hh, hit.u, hit.p)
    l1 = float(jc.lyapunov_coefficient(hh, uH, IH, q1, q2, w))
    IH, w = float(IH), float(w)
    q1, q2, uH = np.asarray(q1), np.asarray(q2), np.asarray(uH)
    i, j = hit.index
    ev = np.asarray(eq.branch.eigenvalues)
    p = np.asarray(eq.branch.params)
    re = [ev[k][np.argmin(np.abs(ev[k] - 1j * w))].real for k in (i, j)]
    dre = (re[1] - re[0]) / (p[j] - p[i])            # d Re(lambda) / dI at the Hopf point
    tan = np.asarray(eq.branch.tangents[i])
    I0 = IH - CYC_OFFSET
    u_eq = uH + (I0 - IH) * tan[:-1] / tan[-1]         # equilibrium at I0 along the branch tangent
    r = math.sqrt(max(-dre * (I0 - IH) / (2.0 * w * l1), 0.0))
    T0 = 2.0 * math.pi / w
    tt = np.linspace(0.0, T0, 201)
    traj = u_eq[None, :] + 2.0 * r * (np.outer(np.cos(w * tt), q1) - np.outer(np.sin(w * tt), q2))
    parts["hopf_point_s"] = time.perf_counter() - t
    return dict(traj=traj, t=tt, T0=T0, I0=I0, r=r, l1=l1, hopf_converged=bool(conv),
                V_amplitude_guess=float(traj[:, 0].max() - traj[:, 0].min()))


def cycles(eq, hit, mesh, events):
    parts = {}
    g = cycle_guess(eq, hit, parts)
    t = time.perf_counter()
    prob = periodic_orbit_problem(hh, jnp.asarray(g["traj"]), jnp.asarray(g["t"]), g["T0"], g["I0"], mesh)
    prob.u0.block_until_ready()
    parts["periodic_orbit_problem_s"] = time.perf_counter() - t
    parts["seed_residual"] = float(jnp.linalg.norm(prob.f(prob.u0, prob.p0, prob.args)))
    t = time.perf_counter()
    res = jc.continuation(prob, jc.PseudoArclength(), p_span=(g["I0"], 0.0),
                          settings=jc.ContinuationPar(**CYC_SETTINGS), events=events)
    parts["continuation_s"] = time.perf_counter() - t
    return res, g, parts


def summarize_cycles(res, g, n_state=4):
    """Branch facts; turning points from the sign of dI/ds (the test function of jc.Fold())."""
    b = res.branch
    p = np.asarray(b.params)
    S = np.asarray(b.states)
    T = S[:, -1]
    prof = S[:, :-1].reshape(len(p), -1, n_state)  # mesh + collocation points
    test = np.asarray(b.tangents)[:, -1]
    turns = []
    for k in range(len(p) - 1):
        if test[k] * test[k + 1] < 0:
            pair = (k, k + 1)
            kk = min(pair, key=lambda i: p[i]) if test[k] < 0 else max(pair, key=lambda i: p[i])
            turns.append({"bracket_I": [float(p[k]), float(p[k + 1])], "I": float(p[kk]), "index": kk,
                          "T": float(T[kk]),
                          "V_range": [float(prof[kk, :, 0].min()), float(prof[kk, :, 0].max())]})
    flips = []
    if b.stable is not None:
        st = np.asarray(b.stable).astype(bool)
        flips = [float(0.5 * (p[k] + p[k + 1])) for k in range(len(p) - 1) if st[k] != st[k + 1]]
    k_min = int(np.argmin(p))
    return {
        "cycle_points": int(len(p)),
        "cycle_I_range": [float(p.min()), float(p.max())],
        "cycle_T_range": [float(T.min()), float(T.max())],
        "cycle_start": {"I0": g["I0"], "r": g["r"], "V_amplitude_guess": g["V_amplitude_guess"],
                        "T0": g["T0"], "l1_at_hopf_point": g["l1"], "hopf_point_converged": g["hopf_converged"]},
        "cycle_turning_points_unrefined": turns,
        "cycle_stability_changes_I": flips,
        "lpc_unrefined": float(p[k_min]),
        "lpc_unrefined_T": float(T[k_min]),
        "lpc_unrefined_error": abs(float(p[k_min]) - LPC_REF),
    }


def main(argv=None):
    global COMPILES
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--case", choices=["all", "first", "repeat"], default="all")
    ap.add_argument("--ntst", type=int, default=40)
    ap.add_argument("--ncol", type=int, default=4)
    ap.add_argument("--no-cycles", action="store_true")
    args = ap.parse_args(argv)
    COMPILES = Compiles()
    do_first, do_repeat = args.case in ("all", "first"), args.case in ("all", "repeat")
    mesh = Collocation(ntst=args.ntst, ncol=args.ncol)

    out = {
        "jaxcont_version": jc.__version__, "jax_version": jax.__version__,
        "case": args.case, "dtype": str(jnp.zeros(1).dtype),
        "devices": [str(d) for d in jax.devices()], "cpus": os.cpu_count(),
        "load_avg_start": list(os.getloadavg()), "xla_flags": os.environ.get("XLA_FLAGS"),
        "equilibrium_settings": dict(EQ_SETTINGS, alg="PseudoArclength", events=["Hopf"], p_span=list(I_SPAN)),
    }
    u0 = rest_state()  # not timed
    out["rest_state"] = u0.tolist()
    real_stdout = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):
        run(out, u0, mesh, args, do_first, do_repeat)
    out["load_avg_end"] = list(os.getloadavg())
    print(json.dumps(out, indent=2, default=str), file=real_stdout)


def run(out, u0, mesh, args, do_first, do_repeat):
    eq, err, info = timed("equilibria first" if do_first else "equilibria warm-up (untimed)",
                          lambda: equilibria(u0))
    if do_first:
        out["equilibria_first_s"], out["equilibria_first"] = info["s"], info
    if err:
        out["equilibria_error"] = err
        return
    if do_repeat:
        eq2, err2, info = timed("equilibria repeat", lambda: equilibria(u0))
        out["equilibria_repeat_s"], out["equilibria_repeat"] = info["s"], info
        if err2:
            out["equilibria_repeat_error"] = err2
        else:
            out["repeat_same_result"] = bool(len(eq2.branch.params) == len(eq.branch.params)
                                             and np.allclose(eq2.branch.params, eq.branch.params))
    out["points"] = int(eq.branch.n_valid)
    out["equilibrium_I_range"] = [float(eq.branch.params[0]), float(eq.branch.params[-1])]
    hopfs = sorted((h for h in eq.events if h.kind == "hopf"), key=lambda h: h.p)
    out["hopf"] = [{"I": h.p, "omega0": fnum(h.info.get("omega0")), "l1": fnum(h.info.get("l1")),
                    "criticality": h.info.get("criticality"), "converged": h.info.get("converged"),
                    "V": float(h.u[0])} for h in hopfs]
    out["hopf_I"] = [h.p for h in hopfs]
    if len(hopfs) == len(HOPF_REF):
        out["hopf_error_vs_4_decimals"] = max(abs(h.p - r) for h, r in zip(hopfs, HOPF_REF))
    out["other_events"] = [[h.kind, h.p] for h in eq.events if h.kind != "hopf"]
    if args.no_cycles:
        return
    if not hopfs:
        out["cycles_error"] = "no Hopf point detected on the equilibrium branch"
        return
    hit = hopfs[0]
    out["cycle_settings"] = dict(CYC_SETTINGS, alg="PseudoArclength", events=["Fold"], ntst=args.ntst,
                                 ncol=args.ncol, unknowns=args.ntst * (args.ncol + 1) * 4 + 1,
                                 start_offset_below_hopf=CYC_OFFSET, p_span=["I_H - 0.05", 0.0],
                                 compute_stability=True)
    out["lpc_reference"] = LPC_REF
    summary = None
    label = "cycles first (events=[Fold()])" if do_first else "cycles warm-up, events=[Fold()] (untimed)"
    res, err, info = timed(label, lambda: cycles(eq, hit, mesh, [jc.Fold()]))
    if do_first:
        out["cycles_first_s"], out["cycles_first"] = info["s"], info
        out["cycles_first_ok"] = err is None
    if err is None:
        r, g, parts = res
        out["cycles_first_parts" if do_first else "cycles_warmup_parts"] = parts
        summary = summarize_cycles(r, g)
        out["lpc_events"] = [{"I": e.p, "converged": e.info.get("converged")}
                             for e in sorted(r.events, key=lambda e: e.p)]
        below = [e.p for e in sorted(r.events, key=lambda e: e.p) if e.kind == "fold" and e.p < hit.p]
        if below:
            out["lpc"] = below[0]
            out["lpc_error"] = abs(below[0] - LPC_REF)
        repeat_call, events = "events=[Fold()]", [jc.Fold()]
    else:
        out["cycles_error"] = f"jc.continuation(periodic problem, events=[jc.Fold()]) raised {err}"
        res, err2, info = timed("cycles, events=[] (branch only)", lambda: cycles(eq, hit, mesh, []))
        out["cycles_noevents"] = info
        if err2 is None:
            out["cycles_noevents_parts"] = res[2]
            summary = summarize_cycles(res[0], res[1])
        else:
            out["cycles_noevents_error"] = err2
        repeat_call, events = "events=[]", []
    if do_repeat:
        res, err, info = timed(f"cycles repeat ({repeat_call})", lambda: cycles(eq, hit, mesh, events))
        out["cycles_repeat_s"], out["cycles_repeat"] = info["s"], info
        out["cycles_repeat_call"] = repeat_call
        if err is None:
            out["cycles_repeat_parts"] = res[2]
            if summary is None:
                summary = summarize_cycles(res[0], res[1])
        else:
            out["cycles_repeat_error"] = err
    if summary:
        out.update(summary)


if __name__ == "__main__":
    main()
