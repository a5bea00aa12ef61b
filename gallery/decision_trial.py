"""Wong–Wang (2006) decision trial: s1, s2 for three coherences in one batched simulation."""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import WongWang

DT, TRIAL, ON, OFF, MU = 5e-4, 2.0, 0.5, 1.5, 20.0  # s, s, s, s, Hz
DECIDED = 0.2  # |s1 - s2| at which the trial counts as decided (a display convention)
STIM_COLOUR = "#fff1c9"


def render(out_dir: Path) -> str:
    coherences = np.array([0.0, 12.8, 51.2])
    t_grid = DT * np.arange(int(round(TRIAL / DT)))
    mu = MU * ((t_grid >= ON) & (t_grid < OFF))  # the stimulus, on the step grid
    model = WongWang()
    tr = da.simulate(model, {"s1": 0.1, "s2": 0.1}, TRIAL, dt=DT, params={"c": coherences},
                     inputs={"mu": mu})

    fig, axes = plt.subplots(2, 2, figsize=(10.5, 7.5))
    trace_axes = [axes[0, 0], axes[0, 1], axes[1, 0]]
    phase = axes[1, 1]
    results = []
    for i, (c, ax) in enumerate(zip(coherences, trace_axes)):
        s1, s2 = tr["s1"][i], tr["s2"][i]
        ax.axvspan(ON, OFF, color=STIM_COLOUR, zorder=0, label=f"stimulus μ = {MU:g} Hz")
        ax.plot(tr.t, s1, color="tab:blue", lw=1.6, label="s1 (favoured by c > 0)")
        ax.plot(tr.t, s2, color="tab:red", lw=1.6, ls="--", label="s2")
        gap = np.abs(s1 - s2)
        if gap.max() > DECIDED:
            t_dec = float(tr.t[np.argmax(gap > DECIDED)])
            ax.axvline(t_dec, color="0.3", ls=":", lw=1.2,
                       label=f"|s1 - s2| > {DECIDED:g} at {t_dec:.3f} s")
            what = (f"population 1 wins {1000 * (t_dec - ON):.0f} ms after stimulus onset;\n"
                    f"the choice is held after the stimulus (s1 = {s1[-1]:.2f} at {TRIAL:g} s)")
            results.append(f"c = {c:g}%: decided {1000 * (t_dec - ON):.0f} ms after onset")
        else:
            what = "no evidence for either side: without noise\nno decision (s1 = s2 throughout)"
            results.append(f"c = {c:g}%: undecided, max |s1 - s2| = {gap.max():.1e}")
        ax.set_title(f"coherence c = {c:g} %: {what}", fontsize=9.5)
        ax.set_xlabel("t (s)")
        ax.set_ylabel("NMDA gating s (dimensionless)")
        ax.set_ylim(0, 0.8)
        ax.set_xlim(0, TRIAL)
        ax.legend(loc="upper left", fontsize="x-small", framealpha=0.95)
        phase.plot(s1, s2, lw=1.6, color=f"C{i + 2}", label=f"c = {c:g} %")
        phase.plot(s1[-1], s2[-1], "o", color=f"C{i + 2}", ms=6)
    phase.plot(0.1, 0.1, "k>", ms=7, label="start s1 = s2 = 0.1")
    phase.plot([0, 0.8], [0, 0.8], color="0.7", lw=0.8, ls=":", label="s1 = s2")
    phase.set_xlim(0, 0.8)
    phase.set_ylim(0, 0.8)
    phase.set_aspect("equal")
    phase.set_xlabel("s1")
    phase.set_ylabel("s2")
    phase.set_title("the same trials in the (s1, s2) plane\n(dot: state at the end of the trial)",
                    fontsize=9.5)
    phase.legend(loc="upper right", fontsize="x-small")
    fig.suptitle(f"Wong–Wang (2006) reduced model: one deterministic {TRIAL:g} s trial per "
                 f"coherence c, stimulus μ = {MU:g} Hz from {ON:g} to {OFF:g} s", fontsize=11)
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "decision_trial.png", dpi=120)
    return "Wong–Wang: " + "; ".join(results)


if __name__ == "__main__":
    print(render(Path(".")))
