"""One-dimensional phase line dx/dt = sin(x) + I: alternating equilibria at I = 0, and the
saddle-node (double) roots at I = 1, found by the tangency search."""
from pathlib import Path

import matplotlib.pyplot as plt

import dynanalysis as da
from dynanalysis import math as dm


@da.ode
def sine(x, I=0.0):
    return dm.sin(x) + I


def render(out_dir: Path) -> str:
    fig, axes = plt.subplots(1, 3, figsize=(15, 4), sharey=True, layout="constrained")
    out = []
    for ax, I in zip(axes, (0.0, 0.6, 1.0)):
        pp = da.PhasePlane1D(sine, target_vars={"x": (-10, 10)}, pars_update={"I": I}, resolutions=0.05)
        pp.plot_vector_field(ax=ax)
        fp = pp.plot_fixed_point(ax=ax)
        ax.set_title(f"dx/dt = sin(x) + {I:g}: {len(fp)} equilibria")
        out.append(f"I = {I:g}: {len(fp)} ({', '.join(sorted(set(fp.labels)))})")
    axes[1].set_ylabel("")
    axes[2].set_ylabel("")
    fig.savefig(Path(out_dir) / "phaseline_sine.png", dpi=120)
    return "; ".join(out)


if __name__ == "__main__":
    print(render(Path(".")))
