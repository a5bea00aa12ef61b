"""FitzHugh–Nagumo phase plane at I = 0.8: nullclines, vector field, the unstable node, a
trajectory and the stable limit cycle it approaches."""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import FitzHughNagumo


def render(out_dir: Path) -> str:
    pp = da.PhasePlane2D(FitzHughNagumo(), target_vars={"V": (-3, 3), "w": (-3, 3)},
                         pars_update={"I": 0.8}, resolutions=0.01)
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    pp.plot_vector_field(ax=ax)
    pp.plot_nullcline(ax=ax)
    fp = pp.plot_fixed_point(ax=ax)
    pp.plot_trajectory({"V": [-2.8], "w": [-1.8]}, duration=100.0, ax=ax, color="tab:purple")
    (lc,) = pp.plot_limit_cycle_by_sim({"V": [-2.8], "w": [-1.8]}, duration=400.0, ax=ax)
    ax.set_title("FitzHugh–Nagumo, I = 0.8")
    ax.legend(loc="upper left", fontsize="small", framealpha=0.9)
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "phaseplane_fhn.png", dpi=120)
    V, w = fp.states["V"][0], fp.states["w"][0]
    return (f"FHN I = 0.8: {fp.labels[0]} at (V, w) = ({V:.10f}, {w:.10f}); stable cycle, "
            f"period {lc.period:.8f}, |Floquet multipliers| {np.round(np.sort(np.abs(lc.multipliers)), 9)}")


if __name__ == "__main__":
    print(render(Path(".")))
