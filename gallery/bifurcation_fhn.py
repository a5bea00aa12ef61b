"""FitzHugh–Nagumo: equilibrium, Hopf points and the limit-cycle envelope against I.

The single equilibrium loses stability in a Hopf bifurcation near I = 0.331 and regains it near
I = 1.419; in between the trajectories settle on a relaxation oscillation, whose max / min V
(measured by batched simulation from near every unstable equilibrium) is drawn as the envelope.
"""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import FitzHughNagumo

I_RANGE = (0.0, 1.6)  # both Hopf points (0.331, 1.419) inside


def render(out_dir: Path) -> str:
    bif = da.Bifurcation2D(FitzHughNagumo(), target_pars={"I": I_RANGE},
                           target_vars={"V": (-3, 3), "w": (-3, 3)}, resolutions={"I": 0.005})
    # starts near every unstable equilibrium and one far start (V, w) = (2, 0): close to a Hopf point
    # the focus repels too slowly for the former, and where the equilibrium is stable only a far
    # start can find a coexisting cycle
    env = bif.limit_cycles(400.0, initials={"V": [2.0], "w": [0.0]})
    d = bif.compute()
    hopf = d.points("H")
    I = d.grid["I"]

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7.5), sharex=True,
                                      gridspec_kw={"height_ratios": [2.3, 1]}, layout="constrained")
    d.plot(ax=top, y="V")
    top.set_ylim(-2.6, 2.9)
    top.set_xlabel("")
    top.set_ylabel("V (model units)")
    top.legend(loc="upper left", fontsize="small", framealpha=0.95, ncol=2)
    omegas = sorted({round(s.data["frequency"], 4) for s in hopf})
    freq = ("both with " if len(hopf) > 1 and len(omegas) == 1 else "") + ", ".join(f"ω = {w:.4f}" for w in omegas)
    at = ", ".join(f"{s.params['I']:.4f}" for s in hopf)
    top.set_title("FitzHugh–Nagumo (a = 0.7, b = 0.8, τ = 12.5): equilibrium V against I, Hopf points "
                  f"at I = {at}\n"
                  f"({freq}); blue: max / min V of the stable limit cycle (simulation, 400 time units)",
                  fontsize=10)
    bottom.plot(I, env.period, color="tab:blue", lw=1.5, label="limit cycle (simulation)")
    for s in hopf:
        bottom.plot(s.params["I"], 2 * np.pi / s.data["frequency"], linestyle="none", marker="D",
                    color="tab:green", markersize=7)
    bottom.plot([], [], linestyle="none", marker="D", color="tab:green",
                label="2π / ω at the Hopf points")
    bottom.set_ylabel("period (model time units)")
    bottom.set_xlabel("I (model units)")
    bottom.set_xlim(*I_RANGE)
    bottom.legend(loc="upper center", fontsize="small", framealpha=0.95)
    found = I[env.found]
    stable_eq = d.equilibria.stable[:, 0]
    both = I[env.found & stable_eq]
    bottom.set_title(f"Period of the stable limit cycle: it exists for I in [{found.min():.3f}, "
                     f"{found.max():.3f}] on the grid,\nslightly beyond the Hopf points: there it coexists with the "
                     f"stable equilibrium ({len(both)} grid values)", fontsize=10)
    fig.savefig(Path(out_dir) / "bifurcation_fhn.png", dpi=120)
    return ("FHN Hopf points at " + ", ".join(
        f"I = {s.params['I']:.10f} (V = {s.states['V']:+.8f}, frequency {s.data['frequency']:.10f})" for s in hopf)
        + f"; cycles found for I in [{found.min():.3f}, {found.max():.3f}], period "
          f"{np.nanmin(env.period):.2f} to {np.nanmax(env.period):.2f}, V from "
          f"{np.nanmin(env.minimum['V']):.3f} to {np.nanmax(env.maximum['V']):.3f}; bistable (cycle and stable "
          f"equilibrium) at I = {', '.join(f'{v:.3f}' for v in both)}")


if __name__ == "__main__":
    print(render(Path(".")))
