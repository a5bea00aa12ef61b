"""AdEx: the eight firing patterns of Naud et al. (2008) under a current step, one batched run."""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import AdEx

DT, DURATION, ONSET = 0.02, 500.0, 50.0  # ms
SPIKE_TOP = 20.0  # mV: drawn height of a spike (the model resets at V_th)


def draw_spikes(ax, t, v, spikes, v_th, top=SPIKE_TOP):
    """A vertical line at each spike time, from the last recorded V before it (at most V_th:
    the upswing between the last record and the threshold crossing is faster than a step) to top."""
    before = np.clip(np.searchsorted(t, spikes) - 1, 0, len(t) - 1)
    ax.vlines(spikes, np.minimum(v[before], v_th), top, color="k", lw=0.8)


def render(out_dir: Path) -> str:
    names = list(AdEx.presets)
    # the presets differ only in parameter values: one model, parameters batched over presets
    keys = [k for k in AdEx.presets[names[0]] if k != "I"]
    params = {k: np.array([AdEx.presets[n][k] for n in names]) for k in keys}
    amps = np.array([AdEx.presets[n]["I"] for n in names])
    t_grid = DT * np.arange(int(round(DURATION / DT)))
    step = amps[:, None] * (t_grid >= ONSET)  # the preset's step current, on at ONSET
    model = AdEx()
    tr = da.simulate(model, {"V": params["V_rest"], "w": 0.0}, DURATION, dt=DT, method="rk4",
                     params=params, inputs={"I": step})
    v_th = model.parameters["V_th"]

    fig, axes = plt.subplots(4, 2, figsize=(11, 10.5), sharex=True)
    for i, (name, ax) in enumerate(zip(names, axes.T.ravel())):
        tr.plot(ax=ax, variables=["V"], member=i, color="k", lw=0.8)
        draw_spikes(ax, tr.t, tr["V"][i], tr.spike_times[i], v_th)
        ax.axvline(ONSET, color="tab:orange", ls=":", lw=1.2)
        ax.set_ylim(-80, 28)
        ax.set_title(f"{name.replace('_', ' ')}: I = {amps[i]:g} pA, "
                     f"{tr.spike_counts[i]} spike{'' if tr.spike_counts[i] == 1 else 's'}", fontsize=10)
        if i % 4 != 3:
            ax.set_xlabel("")
    quiet = axes.T.ravel()[names.index("transient")]  # the panel with room for a legend
    quiet.legend(quiet.lines[:2], ["V", f"step on (t = {ONSET:g} ms)"], loc="upper right",
                 fontsize="small")
    fig.suptitle("AdEx firing patterns (Naud et al. 2008, Table 1): V(t) under a current step\n"
                 f"the model resets at V_th = {v_th:g} mV; each spike is drawn as a vertical line "
                 f"up to {SPIKE_TOP:g} mV at its (interpolated) spike time", fontsize=11)
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "adex_patterns.png", dpi=120)
    counts = "/".join(str(int(c)) for c in tr.spike_counts)
    return f"AdEx: {len(names)} patterns in {DURATION:g} ms, spike counts {counts} ({', '.join(names)})"


if __name__ == "__main__":
    print(render(Path(".")))
