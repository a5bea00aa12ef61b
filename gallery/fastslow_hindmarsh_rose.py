"""Hindmarsh–Rose bursting explained by fast–slow analysis.

Freezing the slow variable z turns the fast subsystem (x, y) into a one-parameter family: its
equilibria against z form the critical manifold (a Z-shaped curve with folds), and its stable
limit cycles (the spiking states) an envelope.  During a burst the full trajectory spikes around
that envelope while z slowly grows, falls off the end of the spiking cycles onto the lower stable
branch, and drifts back along it (z decreasing) until the lower fold, where it jumps to spiking
again: square-wave (fold / homoclinic) bursting.
"""
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import HindmarshRose

START = {"x": -1.6, "y": -12.0, "z": 1.8}
TRANSIENT, WINDOW = 1000.0, 2000.0  # model time units


def render(out_dir: Path) -> str:
    fs = da.FastSlow2D(HindmarshRose(), fast_vars={"x": (-3, 3), "y": (-20, 3)},
                       slow_vars={"z": (1.0, 3.2)}, resolutions={"z": 0.01})
    with warnings.catch_warnings():  # undecided values (critical slowing at the fold) go in the summary
        warnings.simplefilter("ignore", RuntimeWarning)
        env = fs.limit_cycles(200.0)
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 5.8), layout="constrained",
                                      gridspec_kw={"width_ratios": [1.15, 1]})
    tr = fs.plot_trajectory(START, TRANSIENT + WINDOW, ax=left, transient=TRANSIENT, lw=0.6)
    d = fs.plot_bifurcation(ax=left, y="x")
    lp, hopf = d.points("LP"), d.points("H")
    z = d.grid["z"]
    left.set_xlim(1.0, 3.2)
    left.set_ylim(-2.6, 2.6)
    left.set_xlabel("z (slow variable, model units)")
    left.set_ylabel("x (fast variable, model units)")
    left.legend(loc="upper right", fontsize="small", framealpha=0.95, ncol=2)
    fold = min(lp, key=lambda q: q.params["z"])
    spike_end = z[env.found & (z < fold.params["z"] + 0.5)].max()  # last spiking cycle before the gap
    small = dict(fontsize="small", color="0.25")
    left.annotate(f"burst starts after the lower fold\n(z = {fold.params['z']:.4f}), passed slowly",
                  (fold.params["z"], fold.states["x"]),
                  xytext=(1.25, -2.35), arrowprops=dict(arrowstyle="->", color="0.4", lw=0.8), **small)
    left.annotate(f"burst ends: spiking cycles\nend near z = {spike_end:.2f}",
                  (spike_end, env.maximum["x"][np.flatnonzero(z == spike_end)[0]]),
                  xytext=(2.2, 1.3), arrowprops=dict(arrowstyle="->", color="0.4", lw=0.8), **small)
    left.set_title("Critical manifold of the fast subsystem (x, y) with z frozen, its spiking cycles\n"
                   f"(blue: max / min x, simulation) and the full bursting trajectory (t > {TRANSIENT:g})",
                   fontsize=10)

    keep = tr.t >= TRANSIENT
    right.plot(tr.t[keep], tr.states["x"][keep], color="tab:orange", lw=0.7)
    right.set_xlim(TRANSIENT, TRANSIENT + WINDOW)
    right.set_xlabel("t (model time units)")
    right.set_ylabel("x (fast variable, model units)")
    zt = right.twinx()
    zt.plot(tr.t[keep], tr.states["z"][keep], color="tab:blue", lw=1.2)
    zt.set_ylabel("z (slow variable, model units)", color="tab:blue")
    zt.tick_params(axis="y", colors="tab:blue")
    right.set_title("Full system: x(t) (orange) bursts while z(t) (blue) ramps up and down",
                    fontsize=10)
    p = fs.full_model.parameters
    fig.suptitle(f"Hindmarsh–Rose square-wave bursting, fast–slow analysis (I = {p['I']:g}, "
                 f"r = {p['r']:g}, s = {p['s']:g})")
    fig.savefig(Path(out_dir) / "fastslow_hindmarsh_rose.png", dpi=120)
    zz = tr.states["z"][keep]
    spiking = z[env.found]
    return ("HR fast subsystem: folds at " + ", ".join(f"z = {s.params['z']:.9f} (x = {s.states['x']:+.6f})" for s in lp)
            + "; Hopf at " + ", ".join(f"z = {s.params['z']:.6f} (frequency {s.data['frequency']:.6f})" for s in hopf)
            + f"; fast cycles found for z in [{spiking.min():.2f}, {spiking.max():.2f}] (grid 0.01); "
              f"bursting trajectory z in [{zz.min():.4f}, {zz.max():.4f}]; undecided by simulation at z = "
              f"{', '.join(f'{v:g}' for v in z[env.undecided]) or 'none'}")


if __name__ == "__main__":
    print(render(Path(".")))
