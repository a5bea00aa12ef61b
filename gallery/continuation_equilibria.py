"""Equilibrium continuation: branches followed through folds, Hopf points with their criticality.

Pseudo-arclength continuation (``dynanalysis.continuation.equilibria``) follows one equilibrium
branch as a curve, so it turns back at folds (sin x + I: the branch x -> I = -sin x passes every
fold at I = ±1), and locates each special point between two branch points to float64 precision.
Hopf points carry their frequency and first Lyapunov coefficient l1 (l1 > 0: subcritical,
an unstable cycle is born; l1 < 0: supercritical).
"""
from pathlib import Path

import matplotlib.pyplot as plt

import dynanalysis as da
from dynanalysis import continuation as ct
from dynanalysis import math as dm
from dynanalysis.models import FitzHughNagumo, HodgkinHuxley


def render(out_dir: Path) -> str:
    sine = da.ode(lambda x, I=0.0: dm.sin(x) + I, name="sine", units={"x": "", "I": ""})
    b_sine = ct.equilibria(sine, "I", start={"x": 0.0}, bounds=(-1.5, 1.5), max_steps=260, direction=-1)
    b_fhn = ct.equilibria(FitzHughNagumo(), "I", bounds=(0.0, 2.0), start=None)
    b_hh = ct.equilibria(HodgkinHuxley(), "I", bounds=(0.0, 200.0), start=None, ds_max=0.01)

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), layout="constrained")
    b_sine.plot(ax=axes[0], y="x")
    axes[0].set_title(f"dx/dt = sin x + I: one branch through {len(b_sine.points('LP'))} folds", fontsize=10)
    b_fhn.plot(ax=axes[1], y="V")
    axes[1].set_title("FitzHugh–Nagumo: two subcritical Hopf points", fontsize=10)
    b_hh.plot(ax=axes[2], y="V")
    axes[2].set_title("Hodgkin–Huxley: Hopf points of the rest state", fontsize=10)
    fig.savefig(Path(out_dir) / "continuation_equilibria.png", dpi=120)
    hopf = lambda b: ", ".join(f"I = {s.params['I']:.8f} (l1 = {s.data['lyapunov']:+.4g}, "  # noqa: E731
                               f"{s.data['criticality']})" for s in b.points("H"))
    return (f"sine: {len(b_sine.points('LP'))} folds at |I| = 1; FHN Hopf {hopf(b_fhn)}; HH Hopf {hopf(b_hh)}; "
            f"{len(b_sine) + len(b_fhn) + len(b_hh)} continuation points")


if __name__ == "__main__":
    print(render(Path(".")))
