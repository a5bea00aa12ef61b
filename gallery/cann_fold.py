"""CANN1D: the bump continued in the inhibition strength k up to the fold where it disappears."""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import CANN1D

N = 512
LEADING = 4  # eigenvalues drawn besides the translation mode


def render(out_dir: Path) -> str:
    model = CANN1D(N=N, A=0.0)
    p = model.parameters
    rho, a, J0 = N / (2 * np.pi), p["a"], p["J0"]
    k_c = rho * J0**2 / (8 * np.sqrt(2 * np.pi) * a)
    x = -np.pi + 2.0 * np.pi * np.arange(N) / N
    seed = 0.3 * np.exp(-x**2 / (4 * a * a)) + 0.02 * np.random.default_rng(1).standard_normal(N)
    finder = da.FixedPointFinder(model)
    bump = finder.find(seed)
    branch = finder.continuation(bump.points[0], "k", (p["k"], 1.5 * k_c), ds_max=0.1)
    fold = branch.points("LP")[0]
    k = branch.params["k"]
    u = branch.states["u"]
    def peak(v):  # maximum of the trigonometric interpolant (not of the grid samples)
        return np.max(np.fft.irfft(np.fft.rfft(v, axis=-1), n=32 * N, axis=-1), axis=-1) * 32

    height = peak(u)
    upper = np.arange(len(k)) <= np.argmax(k)  # the branch until it turns back at the fold

    fig, (hx, ex) = plt.subplots(1, 2, figsize=(13, 5.2), layout="constrained")
    kt = np.geomspace(p["k"] / k_c, 1.0, 400) * k_c
    for sign, name in ((+1, "u0+ (stable in theory)"), (-1, "u0− (unstable in theory)")):
        u0 = J0 * (1 + sign * np.sqrt(1 - kt / k_c)) / (4 * np.sqrt(np.pi) * a * kt)
        hx.plot(kt, u0, color="tab:orange", lw=5, alpha=0.35, ls="-" if sign > 0 else "--",
                label=f"continuum theory {name}")
    st = branch.stable
    hx.plot(np.where(st, k, np.nan), np.where(st, height, np.nan), color="tab:blue", lw=1.8,
            label="continued bump: stable (one neutral mode)")
    hx.plot(np.where(~st, k, np.nan), np.where(~st, height, np.nan), color="tab:red", lw=1.8, ls="--",
            label="continued bump: unstable (1 unstable)")
    hf = peak(np.asarray(fold.states["u"]))
    hx.plot([fold.params["k"]], [hf], "D", ms=9, mfc="w", mec="k", mew=1.6,
            label=f"fold LP at k = {fold.params['k']:.8g}")
    hx.axvline(k_c, color="0.4", ls=":", lw=1.2, label=f"k_c = ρ J0² / (8 √(2π) a) = {k_c:.8g}")
    hx.set_xlabel("global inhibition k")
    hx.set_ylabel("bump height max u (model units)")
    hx.set_xscale("log")
    hx.set_yscale("log")
    hx.legend(fontsize="small", loc="lower left")
    hx.set_title(f"bump height along the branch; fold / k_c − 1 = {fold.params['k'] / k_c - 1:.1e}\n"
                 "(independent of N: the ring's finite extent, not the discretisation)", fontsize=10)

    ev = branch.eigenvalues.real
    neutral = np.argmin(np.abs(ev), axis=1)  # the translation mode, 0 to rounding everywhere
    rest = np.stack([np.delete(r, j) for r, j in zip(ev, neutral)])
    ex.plot(k, ev[np.arange(len(k)), neutral], color="k", lw=1.2, label="translation mode (neutral)")
    for j in range(LEADING):
        c = f"C{j}"
        ex.plot(np.where(upper, k, np.nan), rest[:, j], color=c, lw=1.6, marker=".", ms=4,
                label=f"eigenvalue {j + 1}: upper branch")
        ex.plot(np.where(~upper, k, np.nan), rest[:, j], color=c, lw=1.6, ls="--", marker=".", ms=4,
                label="lower branch" if j == 0 else None)
    ex.axhline(0, color="0.3", lw=0.8)
    ex.axvline(fold.params["k"], color="0.4", ls=":", lw=1.2, label="fold")
    ex.set_xscale("log")
    ex.set_xlabel("global inhibition k")
    ex.set_ylabel("Re λ (1 / τ)")
    ex.legend(fontsize="small", loc="lower left")
    ex.set_title("leading eigenvalues along the branch: one reaches 0 at the fold\n"
                 "and is positive on the lower (unstable) branch", fontsize=10)
    fig.suptitle(f"CANN1D, N = {N} (a = {a:g}, J0 = {J0:g}, no stimulus): pseudo-arclength continuation "
                 "of the bump in k, its phase pinned against the translation mode", fontsize=11)
    fig.savefig(Path(out_dir) / "cann_fold.png", dpi=110)
    return (f"CANN1D N = {N}: fold of the bump at k = {fold.params['k']:.10g} (theory k_c = {k_c:.10g}, "
            f"relative difference {fold.params['k'] / k_c - 1:.1e}), {len(k)} branch points")


if __name__ == "__main__":
    print(render(Path(".")))
