"""AdEx phase planes for four Naud et al. (2008) firing patterns, as in the course notes.

Each panel: V- and w-nullclines, the vector field, the reset line V = V_reset, and one trajectory
from rest split into segments at every spike (a reset is a jump, not a path).  Tonic: no fixed
point, regular resets; adapting: w climbs with every spike; bursting: resets land above the
V-nullcline's knee, so spikes come in groups; transient: one spike, then the stable rest state.
"""
from pathlib import Path

import matplotlib.pyplot as plt

import dynanalysis as da
from dynanalysis.models import AdEx

PRESETS = ["tonic", "adapting", "regular_bursting", "transient"]
DURATION = 400.0


def render(out_dir: Path) -> str:
    fig, axes = plt.subplots(2, 2, figsize=(11, 9), layout="constrained")
    lines = []
    for ax, name in zip(axes.ravel(), PRESETS):
        model = AdEx(preset=name)
        p = model.parameters
        start = {"V": p["V_rest"], "w": 0.0}
        tr = da.simulate(model, start, DURATION, dt=0.02)
        w_lo, w_hi = min(tr["w"].min(), 0.0), tr["w"].max()
        pad = 0.15 * max(w_hi - w_lo, 10.0)
        pp = da.PhasePlane2D(model, target_vars={"V": (p["V_rest"] - 8, p["V_th"]),
                                                 "w": (w_lo - pad, w_hi + pad)},
                             resolutions={"V": 0.1, "w": (w_hi - w_lo + 2 * pad) / 300})
        pp.plot_vector_field(ax=ax)
        pp.plot_nullcline(ax=ax)
        fp = pp.plot_fixed_point(ax=ax)
        pp.plot_trajectory(start, DURATION, dt=0.02, ax=ax, color="tab:purple", lw=1.2)
        ax.set_title(f"{name.replace('_', ' ')}: {tr.spike_counts} spike(s) in {DURATION:g} ms, "
                     f"I = {p['I']:g} pA")
        ax.set_ylabel("w (pA)")
        ax.set_xlabel("V (mV)")
        ax.legend(loc="upper left", fontsize="x-small", framealpha=0.9)
        lines.append(f"{name} {tr.spike_counts} spike(s), {len(fp)} fixed point(s)")
    fig.suptitle("AdEx (Naud et al. 2008 presets): phase planes with spike-split trajectories")
    fig.savefig(Path(out_dir) / "phaseplane_adex.png", dpi=120)
    return "; ".join(lines)


if __name__ == "__main__":
    print(render(Path(".")))
