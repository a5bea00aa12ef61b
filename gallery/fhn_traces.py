"""FitzHugh–Nagumo: relaxation oscillation (I = 0.5) and rest (I = 0.2), one batched run."""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import FitzHughNagumo

DURATION, DT = 300.0, 0.05  # model time units


def render(out_dir: Path) -> str:
    currents = np.array([0.5, 0.2])
    model = FitzHughNagumo()
    # start from the resting state at I = 0 (w = (V + a)/b on the V-nullcline)
    start = {"V": -1.19941, "w": -0.62426}
    tr = da.simulate(model, start, DURATION, dt=DT, params={"I": currents})
    hopf = model.parameters["b"] / model.parameters["tau"]

    fig, axes = plt.subplots(2, 1, figsize=(9, 6), sharex=True, sharey=True)
    summaries = []
    for i, (I, ax) in enumerate(zip(currents, axes)):
        v, w = tr["V"][i], tr["w"][i]
        ax.plot(tr.t, v, color="k", lw=1.2, label="V (fast, voltage-like)")
        ax.plot(tr.t, w, color="tab:blue", lw=1.2, label="w (slow recovery)")
        # upward crossings of V = 0 in the second half: one per oscillation cycle
        half = tr.t >= DURATION / 2
        up = tr.t[1:][(v[:-1] < 0) & (v[1:] >= 0) & half[1:]]
        if len(up) > 1:
            period = float(np.mean(np.diff(up)))
            what = (f"relaxation oscillation, period {period:.1f}, V from {v[half].min():.2f} "
                    f"to {v[half].max():.2f}")
            summaries.append(f"I = {I:g}: period {period:.2f}")
        else:
            n = int(np.sum((v[:-1] < 0) & (v[1:] >= 0)))
            spikes = "one excitable spike" if n == 1 else f"{n} excitable spikes"
            what = (f"{spikes} after the switch from I = 0, then rest at "
                    f"V = {v[-1]:.3f}, w = {w[-1]:.3f} (I below the Hopf point)")
            summaries.append(f"I = {I:g}: rest at V = {v[-1]:.3f}")
        ax.set_title(f"I = {I:g}: {what}", fontsize=10)
        ax.set_ylabel("V, w (model units)")
        ax.axhline(0.0, color="0.8", lw=0.8, zorder=0)
        ax.legend(loc="upper right", fontsize="small", ncol=2, framealpha=0.95)
    axes[-1].set_xlabel("t (model time units)")
    axes[0].set_ylim(-2.4, 3.2)
    fig.suptitle("FitzHugh–Nagumo (a = 0.7, b = 0.8, τ = 12.5), started from the I = 0 rest "
                 f"state\n(Hopf at I = 0.331: V = -√(1 - b/τ) = {-np.sqrt(1 - hopf):.3f})",
                 fontsize=11)
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "fhn_traces.png", dpi=120)
    return "FitzHugh–Nagumo: " + "; ".join(summaries)


if __name__ == "__main__":
    print(render(Path(".")))
