"""Hindmarsh–Rose: square-wave bursting of the fast variable x, driven by the slow variable z."""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import HindmarshRose

TRANSIENT, WINDOW, DT = 1000.0, 2000.0, 0.05  # model time units
SPIKE_LEVEL = 1.0  # x crosses this upwards once per spike


def render(out_dir: Path) -> str:
    model = HindmarshRose()
    tr = da.simulate(model, {"x": -1.6, "y": -10.0, "z": 2.0}, TRANSIENT + WINDOW, dt=DT,
                     record_every=2)
    keep = tr.t >= TRANSIENT
    t, x, z = tr.t[keep], tr["x"][keep], tr["z"][keep]

    # spikes: upward crossings of x = SPIKE_LEVEL; a burst ends at an interval > 5x the median
    spikes = t[1:][(x[:-1] < SPIKE_LEVEL) & (x[1:] >= SPIKE_LEVEL)]
    isi = np.diff(spikes)
    new_burst = np.r_[True, isi > 5 * np.median(isi)]
    starts = spikes[new_burst]
    ends = spikes[np.r_[new_burst[1:], True]]  # last spike of each burst
    per_burst = np.diff(np.r_[np.flatnonzero(new_burst), len(spikes)])
    complete = per_burst[1:-1] if len(per_burst) > 2 else per_burst
    period = float(np.mean(np.diff(starts))) if len(starts) > 1 else float("nan")

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 5.8), sharex=True,
                                      gridspec_kw={"height_ratios": [2, 1]})
    for ax in (top, bottom):
        for a, b in zip(starts, ends):
            ax.axvspan(a, b, color="#fde3c8", zorder=0)
    top.plot(t, x, color="k", lw=0.7, label="x (fast variable, membrane potential)")
    top.axvspan(0, 0, color="#fde3c8", label=f"burst (first to last spike), period {period:.0f}")
    top.set_ylabel("x (model units)")
    top.set_ylim(-2.0, 2.75)
    top.legend(loc="upper right", fontsize="small", ncol=2, framealpha=0.95)
    top.set_title(f"x(t): bursts of {int(np.median(complete))} spikes every {period:.0f} time "
                  f"units (spike: x crosses {SPIKE_LEVEL:g} upwards)", fontsize=10)
    bottom.plot(t, z, color="tab:blue", lw=1.2)
    bottom.set_ylabel("z (model units)")
    bottom.set_xlabel(f"t (model time units; the first {TRANSIENT:g} are a discarded transient)")
    bottom.set_title("z(t), the slow adaptation variable: rises during each burst (a step per "
                     "spike) and decays in the silent phase", fontsize=10)
    bottom.set_xlim(t[0], t[-1])
    p = model.parameters
    fig.suptitle(f"Hindmarsh–Rose bursting (defaults: I = {p['I']:g}, r = {p['r']:g}, "
                 f"s = {p['s']:g}, x_r = {p['x_r']:g})", fontsize=11)
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "hindmarsh_rose_bursting.png", dpi=120)
    return (f"Hindmarsh–Rose: {len(starts)} bursts in {WINDOW:g} time units, "
            f"{int(np.median(complete))} spikes per burst, burst period {period:.1f}, "
            f"z in [{z.min():.3f}, {z.max():.3f}]")


if __name__ == "__main__":
    print(render(Path(".")))
