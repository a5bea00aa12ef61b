"""The cusp: x' = mu + lam x - x^3 over two parameters.

Left: the fold (saddle-node) points located on every mu line of a (lam, mu) grid trace the two
fold curves 27 mu^2 = 4 lam^3 (drawn exactly for comparison); between them there are three
equilibria (two stable), outside one.  Right: the equilibria against mu at lam = 1, a one-
parameter sweep: sweeping mu up and down the state jumps at different folds (hysteresis).
"""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da

LAM = 1.0  # the one-parameter cut (right panel)


@da.ode
def cusp(x, mu=0.0, lam=0.0):
    return mu + lam * x - x**3


def render(out_dir: Path) -> str:
    # the same variable grid and chunk size in both sweeps: one compiled sweep program
    two = da.Bifurcation1D(cusp, target_pars={"lam": (0.05, 2.0), "mu": (-1.5, 1.5)},
                           target_vars={"x": (-2, 2)}, resolutions={"lam": 0.1, "mu": 0.01, "x": 0.04},
                           chunk_size=601).compute()
    one = da.Bifurcation1D(cusp, target_pars={"mu": (-1.5, 1.5)}, target_vars={"x": (-2, 2)},
                           pars_update={"lam": LAM}, resolutions={"mu": 0.005, "x": 0.04},
                           chunk_size=601).compute()
    lp = two.points("LP")
    lam_lp = np.array([s.params["lam"] for s in lp])
    mu_lp = np.array([s.params["mu"] for s in lp])
    err = np.abs(27 * mu_lp**2 - 4 * lam_lp**3)

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.4), layout="constrained")
    lam = np.linspace(0.0, 2.0, 400)
    edge = 2 * (lam / 3) ** 1.5
    left.fill_between(lam, -edge, edge, color="#dbe9f6", zorder=0, label="3 equilibria (2 stable)")
    two.plot(ax=left)
    left.plot(lam, edge, color="k", lw=0.7, label="exact: 27 mu² = 4 lam³")
    left.plot(lam, -edge, color="k", lw=0.7)
    left.axvline(LAM, color="0.5", ls=":", lw=1.2, label=f"lam = {LAM:g} (right panel)")
    left.text(1.55, -0.25, "3 equilibria", ha="center", fontsize="small", color="0.25")
    left.text(0.45, -1.0, "1 equilibrium", ha="center", fontsize="small", color="0.25")
    left.set_xlim(0.0, 2.0)
    left.set_ylim(-1.5, 1.5)
    left.set_xlabel("lam (dimensionless)")
    left.set_ylabel("mu (dimensionless)")
    left.legend(loc="upper left", fontsize="small", framealpha=0.95)
    left.set_title(f"Fold curves in the (lam, mu) plane: {len(lp)} located folds\n"
                   f"max |27 mu² − 4 lam³| = {err.max():.1e}", fontsize=10)

    one.plot(ax=right)
    folds = sorted(one.points("LP"), key=lambda s: s.params["mu"])
    # hysteresis: the lower stable branch ends at the right fold, the upper one at the left fold
    for s, target in zip(folds, (-1, 1)):
        mu0, x0 = s.params["mu"], s.states["x"]
        x1 = np.sort(np.roots([-1, 0, LAM, mu0]).real)[0 if target < 0 else -1]  # the far branch
        right.annotate("", xy=(mu0, x1), xytext=(mu0, x0),
                       arrowprops=dict(arrowstyle="-|>", color="tab:orange", lw=1.6))
        right.text(mu0 + 0.04 * target, 0.5 * (x0 + x1), "mu ↓" if target < 0 else "mu ↑",
                   ha="right" if target < 0 else "left", va="center", color="tab:orange")
    right.plot([], [], color="tab:orange", lw=1.6, label="jump (hysteresis)")
    right.set_xlim(-1.5, 1.5)
    right.set_xlabel("mu (dimensionless)")
    right.set_ylabel("equilibrium x* (dimensionless)")
    right.legend(loc="upper left", fontsize="small", framealpha=0.95)
    right.set_title(f"Equilibria against mu at lam = {LAM:g}: folds at mu = "
                    f"{folds[0].params['mu']:+.6f} and {folds[1].params['mu']:+.6f}", fontsize=10)
    fig.suptitle("Cusp normal form x' = mu + lam x − x³")
    fig.savefig(Path(out_dir) / "bifurcation_cusp.png", dpi=120)
    return (f"{len(lp)} folds located in (lam, mu) = [0.05, 2] x [-1.5, 1.5], max |27 mu^2 - 4 lam^3| "
            f"= {err.max():.2e}; at lam = {LAM:g} folds at mu = "
            + ", ".join(f"{s.params['mu']:+.10f} (x = {s.states['x']:+.6f})" for s in folds)
            + f" (exact ±{2 / (3 * np.sqrt(3)):.10f})")


if __name__ == "__main__":
    print(render(Path(".")))
