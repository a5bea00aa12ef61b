"""Bifurcation diagram of dx/dt = sin(x) + I: the equilibria x* (sin x* = -I) against I.

For |I| < 1 stable (cos x* < 0) and unstable (cos x* > 0) equilibria alternate along x; they meet
pairwise in saddle-node folds at I = +1 and I = -1 (three of each in x in [-10, 10]); for |I| > 1
there is no equilibrium and x drifts for ever.
"""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis import math as dm


@da.ode
def sine(x, I=0.0):
    return dm.sin(x) + I


def render(out_dir: Path) -> str:
    bif = da.Bifurcation1D(sine, target_pars={"I": (-1.5, 1.5)}, target_vars={"x": (-10, 10)},
                           resolutions={"I": 0.005, "x": 0.05})
    fig, ax = plt.subplots(figsize=(8, 6))
    d = bif.plot_bifurcation(ax=ax)
    lp = d.points("LP")
    for side in (-1, 1):
        ax.axvspan(side * 1.0, side * 1.5, color="0.93", zorder=0)
        ax.text(side * 1.25, 0.0, "no equilibrium:\nx drifts", ha="center", va="center",
                fontsize="small", color="0.35")
    ax.set_xlim(-1.5, 1.5)
    ax.set_ylim(-10.5, 10.5)
    ax.set_yticks(np.pi / 2 * np.arange(-6, 7, 2))
    ax.set_yticklabels(["0" if k == 0 else f"{'−' if k < 0 else ''}{abs(k) if abs(k) > 1 else ''}π"
                        for k in range(-3, 4)])
    # the library writes "LP" up-right of each fold; at I = -1 the branches leave to the right,
    # so put those labels on the free (left) side
    for text in ax.texts:
        if getattr(text, "xy", None) is not None and text.xy[0] < 0:
            text.xyann = (-8, -3)
            text.set_ha("right")
    ax.legend(loc="upper left", fontsize="small", framealpha=0.95)
    ax.set_xlabel("I (dimensionless input)")  # equilibria searched in x in [-10, 10]
    ax.set_ylabel("equilibrium x* (dimensionless)")
    ax.set_title(f"dx/dt = sin(x) + I: equilibria against I; {len(lp)} folds (saddle-nodes) at I = ±1")
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "bifurcation_sine.png", dpi=120)
    where = ", ".join(f"I = {s.params['I']:+.12f} (x = {s.states['x']:+.6f})" for s in lp)
    return f"{len(lp)} folds: {where}; no branch points" if not d.points("BP") else f"folds: {where}"


if __name__ == "__main__":
    print(render(Path(".")))
