"""Wong–Wang decision model: the stimulus removes the symmetric stable state.

Left: no stimulus, three attractors (low symmetric state, two decisions) split by two saddles.
Middle: mu = 20 Hz at zero coherence, the symmetric state is gone; only the two decisions remain.
Right: coherence 51.2 % tilts the plane towards choice 1.
"""
from pathlib import Path

import matplotlib.pyplot as plt

import dynanalysis as da
from dynanalysis.models import WongWang

CASES = [(0.0, 0.0), (20.0, 0.0), (20.0, 51.2)]


def render(out_dir: Path) -> str:
    fig, axes = plt.subplots(1, 3, figsize=(15, 5.4), sharey=True, layout="constrained")
    counts = []
    for ax, (mu, c) in zip(axes, CASES):
        pp = da.PhasePlane2D(WongWang(), target_vars={"s1": (0, 0.8), "s2": (0, 0.8)},
                             pars_update={"mu": mu, "c": c}, resolutions=0.002)
        pp.plot_vector_field(ax=ax)
        pp.plot_nullcline(ax=ax)
        fp = pp.plot_fixed_point(ax=ax)
        pp.plot_trajectory({"s1": [0.1, 0.1], "s2": [0.1001, 0.0999]}, duration=8.0, dt=2e-3,
                           ax=ax, color="tab:purple", lw=1.5)
        counts.append(f"{len(fp)} ({sum(fp.stable)} stable)")
        ax.set_title(f"mu = {mu:g} Hz, c = {c:g} %")
        ax.set_aspect("equal")
        ax.legend(loc="upper right", fontsize="x-small", framealpha=0.9)
    axes[1].set_ylabel("")
    axes[2].set_ylabel("")
    fig.suptitle("Wong–Wang reduced decision model: NMDA gating s1, s2 (trajectories from s1 = s2 = 0.1)")
    fig.savefig(Path(out_dir) / "phaseplane_decision.png", dpi=120)
    return "equilibria for (mu, c) = " + ", ".join(f"({mu:g}, {c:g}): {n}" for (mu, c), n in zip(CASES, counts))


if __name__ == "__main__":
    print(render(Path(".")))
