"""Izhikevich (2003): the four cortical presets under the same current step, one batched run."""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import Izhikevich

DT, DURATION, ONSET, AMPLITUDE = 0.02, 300.0, 20.0, 10.0  # ms, ms, ms, model units
PEAK = 30.0  # mV: the spike cut-off of the model, where V is reset to c


def render(out_dir: Path) -> str:
    names = list(Izhikevich.presets)
    params = {k: np.array([Izhikevich.presets[n][k] for n in names]) for k in "abcd"}
    t_grid = DT * np.arange(int(round(DURATION / DT)))
    step = AMPLITUDE * (t_grid >= ONSET)
    v0 = -65.0
    tr = da.simulate(Izhikevich(), {"V": v0, "u": params["b"] * v0}, DURATION, dt=DT,
                     method="rk4", params=params, inputs={"I": step})

    fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), sharex=True, sharey=True)
    for i, (name, ax) in enumerate(zip(names, axes.ravel())):
        v = tr["V"][i]
        tr.plot(ax=ax, variables=["V"], member=i, color="k", lw=0.8)
        # V is reset on reaching 30 mV: draw each spike from the last record before it to 30 mV
        spikes = tr.spike_times[i]
        before = np.clip(np.searchsorted(tr.t, spikes) - 1, 0, len(tr.t) - 1)
        ax.vlines(spikes, np.minimum(v[before], PEAK), PEAK, color="k", lw=0.8)
        ax.axvline(ONSET, color="tab:orange", ls=":", lw=1.2)
        a, b, c, d = (Izhikevich.presets[name][k] for k in "abcd")
        rate = 1000.0 * tr.spike_counts[i] / (DURATION - ONSET)
        ax.set_title(f"{name.replace('_', ' ')} (a, b, c, d) = ({a:g}, {b:g}, {c:g}, {d:g})\n"
                     f"{tr.spike_counts[i]} spikes, mean rate {rate:.0f} Hz", fontsize=10)
        ax.set_ylim(-85, 38)
        ax.label_outer()
    fig.legend(axes[0, 0].lines[:2],
               ["V (membrane potential)", f"step I = {AMPLITUDE:g} switched on at {ONSET:g} ms"],
               loc="lower center", ncol=2, fontsize="small")
    fig.suptitle(f"Izhikevich (2003) neuron classes: V(t) under a step I = {AMPLITUDE:g} "
                 f"(spikes drawn up to the {PEAK:g} mV cut-off, where V is reset to c)",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.savefig(Path(out_dir) / "izhikevich_patterns.png", dpi=120)
    counts = ", ".join(f"{n} {int(k)}" for n, k in zip(names, tr.spike_counts))
    return f"Izhikevich: 4 presets, I = {AMPLITUDE:g}, spikes in {DURATION - ONSET:g} ms: {counts}"


if __name__ == "__main__":
    print(render(Path(".")))
