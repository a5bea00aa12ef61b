"""Izhikevich regular-spiking neuron: phase plane with spike-split trajectory and reset line."""
from pathlib import Path

import matplotlib.pyplot as plt

import dynanalysis as da
from dynanalysis.models import Izhikevich


def render(out_dir: Path) -> str:
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), layout="constrained")
    out = []
    for ax, I in zip(axes, (0.0, 10.0)):
        model = Izhikevich(preset="regular_spiking", I=I)
        pp = da.PhasePlane2D(model, target_vars={"V": (-80, 30), "u": (-20, 10)},
                             resolutions={"V": 0.1, "u": 0.05})
        pp.plot_vector_field(ax=ax)
        pp.plot_nullcline(ax=ax)
        fp = pp.plot_fixed_point(ax=ax)
        tr = pp.plot_trajectory({"V": [-65.0], "u": [-13.0]}, 300.0, dt=0.02, ax=ax,
                                color="tab:purple")
        n_spikes = int(tr.spike_counts.sum())
        rate = 1000.0 * n_spikes / 300.0
        ax.set_title(f"regular spiking, I = {I:g}: {len(fp)} fixed point(s), {rate:.0f} Hz")
        ax.set_ylabel("u (recovery variable, mV/ms)")
        ax.legend(loc="lower right", fontsize="x-small", framealpha=0.9)
        points = [f"{l} at V = {v:.4f}" for l, v in zip(fp.labels, fp.states["V"])] or ["no fixed point"]
        out.append(f"I = {I:g}: {', '.join(points)}, {n_spikes} spikes")
    fig.suptitle("Izhikevich (2003) neuron: V-nullcline (parabola), u-nullcline (line), reset V = c")
    fig.savefig(Path(out_dir) / "phaseplane_izhikevich.png", dpi=120)
    return "; ".join(out)


if __name__ == "__main__":
    print(render(Path(".")))
