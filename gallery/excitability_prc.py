"""Excitability and phase: f–I curves with the bifurcations behind them, phase response curves,
and the phase locking of two coupled cells.

Top left: Hodgkin–Huxley's f–I curve, class 2.  Dots: the frequency a simulation from rest
settles on (a slow ramp would show hysteresis); lines: the cycles of the diagram by
continuation, stable solid, unstable dashed.  Firing starts at the fold of limit cycles (LPC) at a
non-zero frequency, the rest state loses stability at the subcritical Hopf point (H); between
them both are stable (shaded).  Top middle: Morris–Lecar's class-1 set (onset at a SNIC,
frequency from zero) and class-2 set (onset at a fold of cycles), ``da.excitability`` deciding
from the located bifurcations.  Top right: infinitesimal PRCs (adjoint method) of V, each
scaled to its largest value: HH, FitzHugh–Nagumo and the class-2 Morris–Lecar are type II (a
negative lobe), the class-1 Morris–Lecar type I (nearly non-negative).

Bottom left: the PRC of V along HH's whole branch of stable cycles (one vmapped computation), as
a surface over I and phase.  Bottom middle: the theta neuron's PRC measured by kicks against its
exact 1 - cos form.  Bottom right: two FitzHugh–Nagumo cells with gap junctions and with an
inhibitory synapse: the interaction function's odd part H(-psi) - H(psi), whose zeros are the
locked lags (filled stable, open unstable): in phase for the gap junction, anti-phase for the
synapse; the crosses are where a simulation of the coupled pair (``da.coupled_pair``, started
0.3 cycles apart) settles.
"""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis import math as dm
from dynanalysis.models import FitzHughNagumo, HodgkinHuxley, MorrisLecar, ThetaNeuron


def render(out_dir: Path) -> str:
    hh = HodgkinHuxley()
    fi = da.fI_curve(hh, "I", np.linspace(0.0, 20.0, 41))
    e_hh = da.excitability(hh, "I", (0.0, 20.0))
    ml = {name: (MorrisLecar(preset=name), da.excitability(MorrisLecar(preset=name), "I", (0.0, 150.0)))
          for name in ("snic", "hopf")}
    ml_fi = {name: da.fI_curve(m, "I", np.linspace(0.0, 150.0, 31), duration=4000.0) for name, (m, _) in ml.items()}
    start = {"V": -65.0, "m": 0.05, "h": 0.6, "n": 0.32}
    prcs = {"HH (I = 10)": da.phase_response(da.limit_cycle(HodgkinHuxley(I=10.0), start, 300.0)),
            "Morris–Lecar class 1 (I = 45)": da.phase_response(
                da.limit_cycle(ml["snic"][0].with_params(I=45.0), {"V": -20.0, "w": 0.1}, 2000.0)),
            "Morris–Lecar class 2 (I = 100)": da.phase_response(
                da.limit_cycle(ml["hopf"][0].with_params(I=100.0), {"V": -20.0, "w": 0.1}, 2000.0))}
    (branch,) = e_hh.diagram.of_kind("periodic")[:1]
    along = da.phase_response(branch, n=100)
    eta = 0.25
    theta = da.kicked_phase_response(ThetaNeuron(I=eta), {"theta": 1e-4}, initial={"theta": 0.0}, n=25, dt=1e-3)
    fhn = da.phase_response(da.limit_cycle(FitzHughNagumo(I=0.5), {"V": 0.0, "w": 0.0}, 400.0))
    prcs["FitzHugh–Nagumo (I = 0.5)"] = fhn
    locks = {name: da.phase_locking(fhn, coupling) for name, coupling in COUPLINGS.items()}

    simulated = {name: _pair_lag(name) for name in COUPLINGS}

    fig, axes = plt.subplots(2, 3, figsize=(19, 10), layout="constrained")
    (a, b, c), (d, e, f) = axes
    fi.plot(ax=a)
    for s, text in ((e_hh.onset, "LPC"), (e_hh.rest_end, "H")):
        a.axvline(s.params["I"], color="0.5", lw=0.8, ls=":")
        a.text(s.params["I"], a.get_ylim()[1] * 0.95, f" {text} {s.params['I']:.4f}", fontsize="small", color="0.3")
    a.set_title(f"Hodgkin–Huxley: class {e_hh.kind}, firing from {e_hh.onset_frequency:.1f} Hz at the fold of cycles",
                fontsize=10)
    for (name, (m, ex)), color in zip(ml.items(), ("tab:red", "tab:blue")):
        ml_fi[name].plot(ax=b, color=color)
        b.plot([], [], color=color, label=f"{name} set: class {ex.kind}, onset {ex.onset.kind} at I = "
                                          f"{ex.onset.params['I']:.2f}")
    handles, labels = b.get_legend_handles_labels()
    keep = [i for i, text in enumerate(labels) if text.endswith(tuple("0123456789")) or "set" in text]
    b.legend([handles[i] for i in keep], [labels[i] for i in keep], loc="upper left", fontsize="small")
    b.set_title("Morris–Lecar: class 1 (SNIC, frequency from zero) and class 2 (fold of cycles)", fontsize=10)
    for name, prc in prcs.items():
        z = prc.Z["V"]
        c.plot(prc.phase, z / np.max(np.abs(z)), lw=1.6, label=name)
    c.axhline(0.0, color="0.6", lw=0.8)
    c.set_xlabel("phase (0 at the spike's peak)")
    c.set_ylabel("Z_V, scaled to its maximum")
    c.legend(loc="lower left", fontsize="small")
    c.set_title("PRCs (adjoint): type II, a negative lobe (HH, FHN, class 2); type I (class 1)", fontsize=10)
    rows = along.Z["V"] / np.max(np.abs(along.Z["V"]), axis=1, keepdims=True)
    mesh = d.pcolormesh(along.phase, along.values, rows, shading="nearest", cmap="RdBu_r", vmin=-1, vmax=1)
    fig.colorbar(mesh, ax=d, label="Z_V scaled to each cycle's largest |Z_V|")
    d.set_xlabel("phase")
    d.set_ylabel("I (µA/cm²)")
    d.set_title(f"HH: the PRC along the branch of stable cycles ({len(along.values)} cycles; its size "
                f"{np.max(np.abs(along.Z['V'][0])):.2g} to {np.max(np.abs(along.Z['V'][-1])):.2g} rad/mV)", fontsize=10)
    cos = np.cos(2 * np.pi * theta.phase)
    fine = np.linspace(0, 1, 200)
    e.plot(fine, ((1 - np.cos(2 * np.pi * fine)) + eta * (1 + np.cos(2 * np.pi * fine))) / (2 * np.sqrt(eta)),
           color="0.4", lw=1.2, label="exact: ((1 - cos) + eta (1 + cos)) / (2 sqrt eta)")
    e.plot(theta.phase, theta.Z["theta"], "o", color="tab:orange", label="kicks of 1e-4 (simulation)")
    e.set_xlabel("phase (0 at the spike)")
    e.set_ylabel("phase advance per unit kick of theta (rad)")
    e.legend(loc="upper left", fontsize="small")
    e.set_title(f"theta neuron (I = {eta}): the type-I PRC", fontsize=10)
    for (name, lock), color in zip(locks.items(), ("tab:green", "tab:purple")):
        g = lock.G / np.max(np.abs(lock.G))
        f.plot(lock.phase, g, color=color, lw=1.8, label=f"{name} (scaled)")
        for psi, st in sorted(zip(lock.locked, lock.stable), key=lambda ps: ps[1]):  # stable ones on top
            f.plot(psi, 0.0, "o", markersize=11 if st else 8, markeredgecolor=color,
                   markerfacecolor=color if st else "white", zorder=6 if st else 5)
    for (name, g), color in zip(simulated.items(), ("tab:green", "tab:purple")):
        f.plot(g, 0.0, "x", color="black", markersize=12, mew=2, zorder=7,
               label="simulated pair, final lag" if name == "gap junction" else None)
    f.axhline(0.0, color="0.6", lw=0.8)
    f.set_xlabel("lag psi of cell 2 behind cell 1 (cycles)")
    f.set_ylabel("d psi / dt, scaled")
    f.legend(loc="upper right", fontsize="small")
    f.set_title("two coupled FitzHugh–Nagumo cells: locked lags (filled stable)", fontsize=10)
    fig.savefig(Path(out_dir) / "excitability_prc.png", dpi=110)

    stable = {name: [float(p) for p, s in zip(lock.locked, lock.stable) if s] for name, lock in locks.items()}
    return (f"HH class {e_hh.kind}: onset {e_hh.onset.kind} at I = {e_hh.onset.params['I']:.7f} "
            f"({e_hh.onset_frequency:.2f} Hz), rheobase {e_hh.rheobase:.6f}; Morris–Lecar snic class "
            f"{ml['snic'][1].kind} ({ml['snic'][1].onset.kind}), hopf class {ml['hopf'][1].kind} "
            f"({ml['hopf'][1].onset.kind}); PRC along HH branch: {len(along.values)} cycles, max normalisation error "
            f"{np.max(along.normalization_error):.1e}; locked lags {stable}, simulated pairs settle at "
            + ", ".join(f"{k} {v:.3f}" for k, v in simulated.items()))


COUPLINGS = {"gap junction": lambda me, other: {"V": other["V"] - me["V"]},
             "inhibitory synapse": lambda me, other: {"V": -(me["V"] + 2.0) / (1.0 + dm.exp(-10.0 * other["V"]))}}


def _pair_lag(name, lag0=0.3, periods=60):
    """The lag the simulated pair (``da.coupled_pair``, strength 0.02) settles on, from cells
    started 0.3 cycles apart on the cycle."""
    lc = da.limit_cycle(FitzHughNagumo(I=0.5), {"V": 0.0, "w": 0.0}, 400.0)
    T = lc.period
    i0 = int(np.argmax(lc.states["V"]))
    j0 = (i0 - int(round(lag0 * (len(lc.t) - 1)))) % (len(lc.t) - 1)
    start = {"V_1": lc.states["V"][i0], "w_1": lc.states["w"][i0], "V_2": lc.states["V"][j0], "w_2": lc.states["w"][j0]}
    pair = da.coupled_pair(FitzHughNagumo(I=0.5), COUPLINGS[name], 0.02)
    tr = da.simulate(pair, start, periods * T, dt=0.02)
    ups = [tr.t[1:][(tr.states[v][:-1] < 0) & (tr.states[v][1:] >= 0)] for v in ("V_1", "V_2")]
    return float(((ups[1][-1] - ups[0][-1]) / T) % 1.0)


if __name__ == "__main__":
    print(render(Path(".")))
