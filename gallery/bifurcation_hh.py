"""Hodgkin–Huxley: the resting equilibrium, its Hopf points and the spiking limit cycle against I.

The unique equilibrium loses stability in a subcritical Hopf bifurcation near I = 9.78 µA/cm²
and regains it near 154.5 µA/cm².  The stable spiking cycle (max / min V measured by batched
simulation, started near the unstable equilibrium and from rest) already exists from I ≈ 6.3:
between there and the first Hopf point rest and repetitive spiking coexist (bistability).
"""
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import HodgkinHuxley

REST = {"V": [-65.0], "m": [0.05], "h": [0.6], "n": [0.32]}  # the resting state at I = 0
DURATION = 200.0  # ms of simulation per grid value (the second half measured)
# mV: smaller "cycles" are decaying oscillations around the stable rest state that the detector
# accepts (peak-to-peak ~1e-4 mV at I = 4 from the start at the box centre): not counted
MIN_AMPLITUDE = 1.0


def render(out_dir: Path) -> str:
    bif = da.Bifurcation(HodgkinHuxley(), {"I": (0, 200)}, resolutions={"I": 0.5}, method="sweep")
    with warnings.catch_warnings():  # undecided values (slow convergence by the Hopf point) go in the summary
        warnings.simplefilter("ignore", RuntimeWarning)
        env = bif.limit_cycles(DURATION, initials=REST)
    d = bif.compute()
    hopf = d.points("H")
    I = d.grid["I"]
    stable = d.equilibria.stable[:, 0]
    spiking = env.found & (env.maximum["V"] - env.minimum["V"] > MIN_AMPLITUDE)
    bistable = I[spiking & stable]

    fig = plt.figure(figsize=(11, 8.2), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=[1.25, 1])
    full, zoom, rate = fig.add_subplot(grid[0, :]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])
    for ax in (full, zoom):
        d.plot(ax=ax, y="V")
        ax.set_ylabel("V (mV)")
        if len(bistable):
            ax.axvspan(bistable.min(), hopf[0].params["I"], color="#fde3c8", zorder=0,
                       label="rest and spiking coexist")
    full.set_xlim(0, 200)
    full.set_ylim(-85, 50)
    full.legend(loc="upper right", fontsize="small", framealpha=0.95, ncol=2)
    at = ", ".join(f"I = {s.params['I']:.3f} µA/cm² (V = {s.states['V']:.2f} mV)" for s in hopf)
    full.set_title(f"Hodgkin–Huxley: equilibrium V against I, Hopf points at {at};\n"
                   f"blue: max / min V of the stable spiking cycle (simulation, {DURATION:g} ms per value)",
                   fontsize=10)
    zoom.set_xlim(0, 20)
    zoom.set_ylim(-85, 50)
    zoom.get_legend().remove()
    zoom.set_title(f"Zoom: bistability for I in [{bistable.min():.1f}, {hopf[0].params['I']:.2f}] "
                   "(grid step 0.5)", fontsize=10)
    rate.plot(I, np.where(spiking, 1000.0 / env.period, np.nan), color="tab:blue", lw=1.5,
              label="spiking cycle (simulation)")
    for s in hopf:
        rate.plot(s.params["I"], 1000.0 * s.data["frequency"] / (2 * np.pi), linestyle="none", marker="D",
                  color="tab:green", markersize=7)
    rate.plot([], [], linestyle="none", marker="D", color="tab:green", label="ω / 2π at the Hopf points")
    rate.set_xlim(0, 200)
    rate.set_xlabel(full.get_xlabel())
    rate.set_ylabel("firing rate 1 / period (Hz)")
    rate.legend(loc="lower right", fontsize="small", framealpha=0.95)
    rate.set_title("Firing rate of the spiking cycle", fontsize=10)
    fig.savefig(Path(out_dir) / "bifurcation_hh.png", dpi=120)
    f = 1000.0 / env.period[spiking]
    return ("HH Hopf points at " + ", ".join(
        f"I = {s.params['I']:.6f} (V = {s.states['V']:.4f} mV, frequency {s.data['frequency']:.6f} rad/ms)"
        for s in hopf)
        + f"; spiking cycle found for I in [{I[spiking].min():g}, {I[spiking].max():g}], rate "
          f"{f.min():.1f} to {f.max():.1f} Hz; bistable (stable rest and spiking) at I = "
          f"{bistable.min():g} to {bistable.max():g}; undecided by simulation at I = "
          f"{', '.join(f'{v:g}' for v in I[env.undecided]) or 'none'}")


if __name__ == "__main__":
    print(render(Path(".")))
