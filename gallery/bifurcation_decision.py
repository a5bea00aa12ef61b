"""Wong–Wang decision model: the equilibria (NMDA gating s1) against stimulus strength and coherence.

Left, zero coherence: the symmetric spontaneous state loses stability in a subcritical pitchfork
(branch point BP) as mu grows, leaving only the two decision states (winner-take-all); at a
second branch point the symmetric state regains stability, and the decision states disappear in
folds (LP) at strong stimuli.  Right, mu = 30 Hz: coherence breaks the symmetry; the decision for
the weaker population (low s1) disappears in a fold.
"""
from pathlib import Path

import matplotlib.pyplot as plt

import dynanalysis as da
from dynanalysis.models import WongWang

MU, C = 30.0, 0.0  # fixed stimulus of the right panel, fixed coherence of the left one
BOX = {"s1": (0, 1), "s2": (0, 1)}


def render(out_dir: Path) -> str:
    # the same chunk size (= grid size) in both sweeps: one compiled sweep program
    over_mu = da.Bifurcation2D(WongWang(), target_pars={"mu": (0, 80)}, target_vars=BOX,
                               pars_update={"c": C}, resolutions={"mu": 0.5}, chunk_size=161).compute()
    over_c = da.Bifurcation2D(WongWang(), target_pars={"c": (0, 100)}, target_vars=BOX,
                              pars_update={"mu": MU}, resolutions={"c": 0.625}, chunk_size=161).compute()
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.4), sharey=True, layout="constrained")
    over_mu.plot(ax=left, y="s1")
    left.set_title(f"c = {C:g} %: equilibria against the stimulus strength mu", fontsize=10)
    over_c.plot(ax=right, y="s1")
    right.set_ylabel("")
    right.set_title(f"mu = {MU:g} Hz: equilibria against the coherence c", fontsize=10)
    small = dict(fontsize="small", color="0.3")
    left.text(12, 0.66, "choice 1 (s1 high)", **small)
    left.text(22, 0.003, "choice 2 (s1 low)", **small)
    left.text(29, 0.33, "symmetric state s1 = s2", **small)
    left.text(0.5, 0.325, "saddles", **small)
    right.text(30, 0.72, "choice 1 (s1 high)", **small)
    right.text(30, 0.02, "choice 2 (s1 low)", **small)
    right.text(20, 0.40, "saddle (boundary between the choices)", **small)
    left.set_ylabel("s1 (NMDA gating, dimensionless)")
    for ax in (left, right):
        ax.set_ylim(0, 0.9)
        ax.legend(loc="upper left", fontsize="small", framealpha=0.95)
    fig.suptitle("Wong–Wang reduced decision model: NMDA gating s1 of population 1 at the equilibria")
    fig.savefig(Path(out_dir) / "bifurcation_decision.png", dpi=120)
    pts = lambda d, p: ", ".join(f"{s.kind} {p} = {s.params[p]:.6f}" for s in d.special_points)  # noqa: E731
    return f"c = {C:g} %: {pts(over_mu, 'mu')}; mu = {MU:g} Hz: {pts(over_c, 'c')}"


if __name__ == "__main__":
    print(render(Path(".")))
