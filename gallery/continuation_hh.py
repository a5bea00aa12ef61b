"""Hodgkin–Huxley by continuation: the whole diagram over I in [0, 200] µA/cm².

``dynanalysis.Bifurcation(HodgkinHuxley(), {"I": (0, 200)}).compute()`` continues the rest state
(Hopf points near 9.78, subcritical, and 154.5, supercritical) and the periodic orbits born at
the first Hopf point (orthogonal collocation, adaptive mesh): the small unstable cycles grow
towards lower I, turn at the fold of cycles near I = 6.26 into the stable spiking cycle, which
shrinks back to the rest state at the second Hopf point.  Between the fold and the first Hopf
point rest and spiking coexist.  The unstable branch twists on its way (further folds and
period doublings of the unstable cycle, Guckenheimer & Labouriau 1993).
"""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import HodgkinHuxley


def render(out_dir: Path) -> str:
    d = da.Bifurcation(HodgkinHuxley(), {"I": (0.0, 200.0)}).compute()
    (cyc,) = d.of_kind("periodic")
    hopf = sorted(d.points("H"), key=lambda s: s.params["I"])
    lpc = min(d.points("LPC"), key=lambda s: s.params["I"])

    fig = plt.figure(figsize=(12, 8.4), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=[1.2, 1])
    full, zoom, period = fig.add_subplot(grid[0, :]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])
    d.plot(ax=full, y="V")
    full.set_ylim(-85, 45)
    full.axvspan(lpc.params["I"], hopf[0].params["I"], color="#fde3c8", zorder=0, label="rest and spiking coexist")
    full.legend(loc="upper right", fontsize="small", ncol=2, framealpha=0.95)
    full.set_title(f"Hodgkin–Huxley by continuation: Hopf points at I = {hopf[0].params['I']:.4f} "
                   f"({hopf[0].data['criticality']}) and {hopf[1].params['I']:.4f} ({hopf[1].data['criticality']}); "
                   f"fold of cycles at I = {lpc.params['I']:.5f} µA/cm²", fontsize=10)
    d.plot(ax=zoom, y="V", legend=False)
    zoom.axvspan(lpc.params["I"], hopf[0].params["I"], color="#fde3c8", zorder=0)
    zoom.set_xlim(5.5, 10.5)
    zoom.set_ylim(-80, 40)
    zoom.set_title("Zoom: the unstable cycles from the subcritical Hopf point turn at the fold of cycles", fontsize=10)

    I, T = cyc.params["I"], cyc.states["period"]
    from dynanalysis.plotting import stability_pieces
    for pv, tv, st in stability_pieces(I, T, cyc.stable):
        period.plot(pv, tv, color="tab:blue", lw=1.8 if st else 1.2, ls="-" if st else "--")
    period.plot([], [], color="tab:blue", lw=1.8, label="stable cycle")
    period.plot([], [], color="tab:blue", lw=1.2, ls="--", label="unstable cycle")
    for s in hopf:
        period.plot(s.params["I"], 2 * np.pi / s.data["frequency"], ls="none", marker="D", color="tab:green",
                    markeredgecolor="black", markersize=7)
    period.plot([], [], ls="none", marker="D", color="tab:green", markeredgecolor="black", label="2π/ω at Hopf points")
    period.plot(lpc.params["I"], lpc.data["period"], ls="none", marker="s", color="tab:orange", markeredgecolor="black",
                markersize=7, label="fold of cycles (LPC)")
    period.set_xscale("log")
    period.set_xlabel("I (µA/cm²)")
    period.set_ylabel("period (ms)")
    period.legend(fontsize="small")
    period.set_title("Period along the cycle branch", fontsize=10)
    fig.savefig(Path(out_dir) / "continuation_hh.png", dpi=110)
    return (f"HH: H at {hopf[0].params['I']:.5f} (l1 = {hopf[0].data['lyapunov']:+.3g}) and {hopf[1].params['I']:.5f}; "
            f"LPC at {lpc.params['I']:.6f} (period {lpc.data['period']:.4f} ms); {len(cyc)} cycles, "
            f"{len(d.points('LPC'))} LPC, {len(d.points('PD'))} PD on the branch")


if __name__ == "__main__":
    print(render(Path(".")))
