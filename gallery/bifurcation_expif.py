"""Exponential integrate-and-fire: rest and threshold equilibria of the continuous flow against I.

tau dV/dt = -(V - V_rest) + delta_T exp((V - V_T)/delta_T) + R I has a stable rest state and an
unstable threshold state (beyond it V escapes to the spike cut-off); they merge in a saddle-node
fold at the rheobase current, above which the neuron fires repetitively.  The located fold is
checked against the closed form V = V_T, I = (V_T - V_rest - delta_T) / R.  (Spike cut-off and
reset are not part of the flow's equilibria.)
"""
from pathlib import Path

import matplotlib.pyplot as plt

import dynanalysis as da
from dynanalysis.models import ExpIF

I_RANGE = (-10.0, 10.0)


def render(out_dir: Path) -> str:
    model = ExpIF()
    p = model.parameters
    bif = da.Bifurcation1D(model, target_pars={"I": I_RANGE}, target_vars={"V": (-90, -40)},
                           resolutions={"I": 0.02, "V": 0.1})
    fig, ax = plt.subplots(figsize=(8, 5.6))
    d = bif.plot_bifurcation(ax=ax)
    (fold,) = d.points("LP")
    I_fold, V_fold = fold.params["I"], fold.states["V"]
    I_exact = (p["V_T"] - p["V_rest"] - p["delta_T"]) / p["R"]
    agree = abs(I_fold - I_exact) < 1e-8 and abs(V_fold - p["V_T"]) < 1e-6
    ax.axvspan(I_fold, I_RANGE[1], color="0.93", zorder=0)
    ax.text(0.5 * (I_fold + I_RANGE[1]), -66, "I > rheobase:\nno equilibrium,\nrepetitive firing",
            ha="center", va="center", fontsize="small", color="0.3")
    ax.axhline(p["V_T"], color="0.5", ls=":", lw=1, label=f"V_T = {p['V_T']:g} mV")
    ax.text(-7.0, -70.2, "rest (stable)", fontsize="small", rotation=17)
    ax.text(-8.0, -53.0, "threshold (unstable)", fontsize="small", rotation=-3)
    ax.set_xlim(*I_RANGE)
    ax.set_ylim(-77, -47)
    ax.set_xlabel(f"I (input; R I in mV, R = {p['R']:g})")
    ax.set_ylabel("equilibrium V* (mV)")
    ax.legend(loc="upper right", fontsize="small", framealpha=0.95)
    verdict = "agrees with" if agree else "DIFFERS from"
    ax.set_title(f"ExpIF: rest and threshold merge at the rheobase, fold at I = {I_fold:.6f}\n"
                 f"{verdict} the closed form I = (V_T − V_rest − Δ_T)/R = {I_exact:.6f}, V = V_T",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "bifurcation_expif.png", dpi=120)
    return (f"ExpIF fold (rheobase) at I = {I_fold:.12f}, V = {V_fold:.9f} mV; closed form I = "
            f"{I_exact:.12f}, V_T = {p['V_T']:g}: {'agree' if agree else 'DISAGREE'} "
            f"(|dI| = {abs(I_fold - I_exact):.1e})")


if __name__ == "__main__":
    print(render(Path(".")))
