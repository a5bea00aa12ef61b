"""Two-parameter continuation: fold and Hopf curves with their codimension-two points.

A fold (LP) or Hopf (H) point found along an equilibrium branch is continued in a second
parameter (``dynanalysis.continuation.fold_curve`` / ``hopf_curve``).  Top left: the cusp normal
form x' = mu + lam x - x^3, whose two fold curves 27 mu^2 = 4 lam^3 meet in the cusp point CP.
Top right: the Bogdanov–Takens normal form x' = y, y' = b1 + b2 x + x^2 - x y: the fold curve
b1 = b2^2 / 4 and the Hopf curve b1 = 0 (b2 < 0) meet at BT, where the Hopf curve goes on as a
curve of neutral saddles.  The cycle born at the Hopf point at b2 = -1 grows until it becomes a
homoclinic orbit (the periodic branch ends there, "HOM"); that orbit continued in (b1, b2)
(``continuation.homoclinic_curve``, a boundary-value problem with projection boundary
conditions at the saddle) gives the homoclinic curve, which meets BT tangentially to
Kuznetsov's asymptotic b1 = -6 b2² / 25.  Bottom: the Wong–Wang decision model.  Left, at zero coherence, the
symmetric state against the stimulus mu and the asymmetric branches that cross it at its two
pitchforks (``dynanalysis.continuation.switch`` at each BP): the decision states disappear in
folds at mu = 65.7 Hz, where they meet the saddles born at the second pitchfork.  Right, every fold continued in
(mu, c): coherence c unfolds the two pitchforks of the symmetric state at c = 0 into cusps; a
decision is possible (a second stable state) between the fold curves.
"""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis import continuation as ct
from dynanalysis.models import WongWang
from dynanalysis.plotting import unique_legend

cusp = da.ode(lambda x, mu=0.0, lam=1.0: mu + lam * x - x**3, name="cusp")
bogdanov_takens = da.ode(lambda x, y, b1=-0.5, b2=-1.0: (y, b1 + b2 * x + x**2 - x * y), name="Bogdanov–Takens")
DECISION = {"s1": 0.5669871805570, "s2": 0.0318914198205}  # a decision state at mu = 0 (REFERENCE.md)
LOW = {"s1": 0.1026512495649, "s2": 0.1026512495649}      # the spontaneous state at mu = 0


def render(out_dir: Path) -> str:
    # cusp: the fold at lam = 1 continued both ways: down its fold curve, through CP and up the
    # other one; and up to the bound
    lp = ct.equilibria(cusp, "mu", bounds=(-1.5, 1.5), start={"x": -1.0}).points("LP")
    cusp_bounds = {"mu": (-1.0, 1.0), "lam": (-0.5, 2.0)}
    c_cusps = [ct.fold_curve(lp[0], "lam", bounds=cusp_bounds, direction=d) for d in (-1, 1)]
    c_cusp = c_cusps[0]

    # Bogdanov–Takens: the branch at b2 = -1 has a Hopf point (b1 = 0) and a fold (b1 = 1/4)
    b = ct.equilibria(bogdanov_takens, "b1", bounds=(-1.0, 1.0), start={"x": (1 - np.sqrt(3)) / 2, "y": 0.0})
    bt_bounds = {"b1": (-0.6, 0.6), "b2": (-1.5, 1.5)}
    c_folds = [ct.fold_curve(b.points("LP")[0], "b2", bounds=bt_bounds, direction=d) for d in (1, -1)]
    c_fold = c_folds[0]
    c_hopf = [ct.hopf_curve(b.points("H")[0], "b2", bounds=bt_bounds, direction=d) for d in (1, -1)]
    # the cycle born at the Hopf point ends in a homoclinic orbit; continued in (b1, b2)
    (hom,) = ct.periodic_orbits(b.points("H")[0], bounds=(-1.0, 1.0), max_steps=1000).points("HOM")
    c_hom = ct.homoclinic_curve(hom, "b2", bounds={"b1": bt_bounds["b1"], "b2": (-1.5, -0.02)})

    # Wong–Wang: folds of the decision branch at c = 0, and of every branch at c = 5 %
    ww = WongWang()
    symmetric = ct.equilibria(ww, "mu", bounds=(0.0, 80.0), start=LOW)
    switched = [b for bp in symmetric.points("BP") for b in ct.switch(bp, bounds=(0.0, 80.0))]
    folds = [s for start in (DECISION, LOW, {"s1": DECISION["s2"], "s2": DECISION["s1"]})
             for s in ct.equilibria(ww.with_params(c=5.0), "mu", bounds=(0.0, 80.0), start=start).points("LP")]
    ww_bounds = {"mu": (0.0, 80.0), "c": (-20.0, 20.0)}
    c_ww = [ct.fold_curve(s, "c", bounds=ww_bounds, direction=d) for s in folds for d in (1, -1)]

    fig, axes = plt.subplots(2, 2, figsize=(13, 10), layout="constrained")
    (a, bb), (c, d) = axes
    for cv in c_cusps:
        cv.plot(ax=a)
    a.set_title("cusp normal form x' = mu + lam x - x³: fold curves 27 mu² = 4 lam³", fontsize=10)
    a.text(0.0, 1.2, "three equilibria\n(two stable)", ha="center", fontsize="small", color="0.3")
    a.text(0.6, 0.35, "one (stable) equilibrium", ha="center", fontsize="small", color="0.3")
    a.text(-0.6, 0.35, "one (stable) equilibrium", ha="center", fontsize="small", color="0.3")
    for cv in c_folds + c_hopf + [c_hom]:
        cv.plot(ax=bb, legend=False)
    b2s = np.linspace(-1.5, 0.0, 100)
    bb.plot(-6 * b2s**2 / 25, b2s, ":", color="0.4", lw=1.2, label="Kuznetsov: b1 = -6 b2² / 25")
    bb.set_xlim(*bt_bounds["b1"])
    bb.legend(loc="upper left", fontsize="small")
    bb.set_title("Bogdanov–Takens normal form x' = y, y' = b1 + b2 x + x² - x y", fontsize=10)
    small = dict(fontsize="small", color="0.3")
    bb.text(0.02, -1.15, "stable equilibrium\n+ saddle", **small)
    bb.text(-0.5, 0.25, "unstable equilibrium + saddle", **small)
    bb.text(0.35, 0.1, "no equilibria", **small)
    bb.annotate("supercritical Hopf: a stable cycle exists\nbetween it and the homoclinic curve",
                (-0.1, -0.9), xytext=(-0.58, -0.45), arrowprops=dict(arrowstyle="->", color="0.5"), **small)
    for br in [symmetric] + switched:
        br.plot(ax=c, y="s1", legend=False)
    c.plot([], [], color="black", lw=1.8, label="stable equilibria")
    c.plot([], [], color="black", lw=1.2, ls="--", label="unstable equilibria")
    unique_legend(c, "center right")
    c.set_ylabel("s1 (NMDA gating of population 1)")
    c.set_xlim(0.0, 80.0)
    c.text(55.0, 0.5, "symmetric state\n(s1 = s2)", **small)
    c.text(25.0, 0.62, "decision for 1", **small)
    c.text(25.0, 0.012, "decision for 2", **small)
    c.set_title("Wong–Wang, c = 0 %: the symmetric state and, switched at its pitchforks (BP),\n"
                "the asymmetric branches through the folds of the decision states", fontsize=10)
    for i, cv in enumerate(c_ww):
        cv.plot(ax=d, legend=False)
    d.axhline(0.0, color="0.6", lw=0.8, ls=":")
    d.text(20.0, 0.6, "c = 0 (left panel)", **small)
    d.legend(loc="upper left", fontsize="small")
    d.set_ylabel("c (coherence, %)")
    d.set_title("Wong–Wang: fold curves in (mu, c); the c = 0 pitchforks are cusps", fontsize=10)
    fig.savefig(Path(out_dir) / "continuation_curves.png", dpi=110)

    cp = sorted({(round(s.params["mu"], 6), round(s.params["c"], 9)) for cv in c_ww for s in cv.points("CP")})
    err = max(float(np.max(np.abs(27 * cv.params["mu"] ** 2 - 4 * cv.params["lam"] ** 3))) for cv in c_cusps)
    (bt,), (cp0,) = c_fold.points("BT"), c_cusp.points("CP")
    near = (c_hom.params["b2"] > -0.3)
    ratio = float(np.polyfit(c_hom.params["b2"][near], c_hom.params["b1"][near] / c_hom.params["b2"][near] ** 2, 1)[1])
    return (f"cusp: CP at ({cp0.params['mu']:.1e}, {cp0.params['lam']:.1e}), "
            f"max |27 mu^2 - 4 lam^3| = {err:.1e}; BT at (b1, b2) = ({bt.params['b1']:.1e}, {bt.params['b2']:.1e}), "
            f"homoclinic curve b1 / b2^2 -> {ratio:.4f} (Kuznetsov -0.24); "
            f"Wong-Wang: {len(switched)} branches switched at the pitchforks mu = "
            + ", ".join(f"{s.params['mu']:.6f}" for s in symmetric.points("BP")) + " Hz, folds at mu = "
            + ", ".join(f"{s.params['mu']:.7f}" for b in switched for s in b.points("LP")) + " Hz; "
            f"{len(c_ww)} fold curves, cusps at mu = " + ", ".join(f"{m:.6f}" for m, _ in cp) + " Hz (c = 0)")


if __name__ == "__main__":
    print(render(Path(".")))
