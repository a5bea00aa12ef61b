"""Where cycle branches go on: a period-doubling cascade, and branches that end in a global
bifurcation with an infinite period.

Top: the Rössler system (a = b = 0.2) against c.  The period-1 cycle, continued from a measured
orbit, doubles its period at c = 2.832; ``continuation.switch`` at each PD point starts the
period-2 branch and then the period-4 branch (``depth=2``), each with its own PD point, on the
way to chaos (the spacing of the PD points shrinks by Feigenbaum's factor ~4.7).  Left, the
largest x of each orbit; right, the period.

Bottom: the Morris–Lecar class-1 set (``MorrisLecar(preset="snic")``), its whole diagram from
``Bifurcation(...).compute()``.  Left, the equilibria against the injected current (an S-shaped
curve) and the periodic orbits (max and min of V) born at the Hopf point of the upper branch:
they turn at a fold of cycles into the stable spiking orbits, which continue down until their
period grows without bound: the branch ends in a saddle-node on an invariant circle (SNIC) at
the lower fold.  Right, the period against
I - I* on logarithmic axes: it follows C |I - I*|^(-1/2), the SNIC's law (the fitted exponent
is printed), which is why the neuron can fire arbitrarily slowly (class-1 excitability).

Right: the same model with faster recovery (phi = 0.23, bottom) ends its spiking branch in a
saddle homoclinic orbit below the fold instead.  Top right, the (I, phi) plane: the fold of the
rest state (it does not depend on phi) is a SNIC on its thick segment (``continuation.snic_segment``:
the orbit that leaves the saddle-node comes back to it), and the homoclinic orbit continued in
(I, phi) (``continuation.homoclinic_curve``) ends on the fold where that segment ends: a
saddle-node homoclinic point.
"""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis import continuation as ct
from dynanalysis.models import MorrisLecar
from dynanalysis.plotting import unique_legend

rossler = da.ode(lambda x, y, z, a=0.2, b=0.2, c=2.5: (-y - z, x + a * y, b + z * (x - c)), name="Rössler")


def render(out_dir: Path) -> str:
    lc = da.limit_cycle(rossler, {"x": 1.0, "y": 1.0, "z": 0.0}, 600.0, params={"c": 2.5})
    one = ct.periodic_orbits(lc, parameter="c", bounds=(2.0, 4.3), ntst=30, max_steps=300)
    (pd,) = one.points("PD")
    cascade = [one] + ct.switch(pd, bounds=(2.0, 4.3), depth=2)

    ml = MorrisLecar(preset="snic")
    diagram = da.Bifurcation(ml, {"I": (0.0, 150.0)}).compute()  # equilibria, and cycles from the Hopf point
    (spiking,) = diagram.of_kind("periodic")
    (snic,) = diagram.points("SNIC")
    law = snic.data["period_scaling"]
    # with faster recovery (phi = 0.23) the spiking branch ends in a saddle homoclinic orbit instead;
    # in (I, phi): the fold line with its SNIC segment, and the homoclinic curve that meets it
    fast = da.Bifurcation(MorrisLecar(preset="snic", phi=0.23), {"I": (0.0, 150.0)}).compute()
    (hom,) = fast.points("HOM")
    plane = {"I": (0.0, 60.0), "phi": (0.02, 0.35)}
    folds = [ct.snic_segment(ct.fold_curve(diagram.points("LP")[0], "phi", bounds=plane, direction=d), duration=2000.0)
             for d in (+1, -1)]
    homoclinic = ct.homoclinic_curve(hom, "phi", bounds=plane)

    fig, axes = plt.subplots(2, 3, figsize=(19, 10), layout="constrained")
    (a, b, e), (c, d, g) = axes
    colors = ["black", "tab:blue", "tab:orange"]
    for k, (br, color) in enumerate(zip(cascade, colors)):
        br.plot(ax=a, y="x", color=color, legend=False)
        b.plot(br.params["c"], br.period, color=color, lw=1.5, label=f"period-{2 ** k} cycles")
        for s in br.points("PD"):
            b.plot(s.params["c"], s.data["period"], "v", color="tab:brown", markeredgecolor="black", markersize=7)
    a.plot([], [], "k-", lw=1.8, label="stable cycles (max / min x)")
    a.plot([], [], "k--", lw=1.2, label="unstable cycles")
    unique_legend(a, "upper left")
    a.set_title("Rössler, a = b = 0.2: period doublings, each switched to the doubled branch", fontsize=10)
    b.plot([], [], "v", color="tab:brown", markeredgecolor="black", label="period doubling (PD)")
    b.set_yscale("log", base=2)
    b.set_yticks([6, 12, 24, 48], ["6", "12", "24", "48"])
    b.set_xlabel("c")
    b.set_ylabel("period")
    b.legend(loc="upper left", fontsize="small")
    b.set_title("the period doubles at each PD point (log scale)", fontsize=10)

    diagram.plot(ax=c, y="V")
    c.set_xlim(0, 150)
    unique_legend(c, "upper left")
    c.set_title(f"Morris–Lecar class-1 set: spiking ends in a SNIC at I = {snic.params['I']:.6f} µA/cm²", fontsize=10)

    keep = spiking.stable  # the spiking orbits (not the unstable ones between the Hopf point and the LPC)
    I, T = spiking.params["I"][keep], spiking.period[keep]
    dI = I - snic.params["I"]
    d.loglog(dI, T, color="tab:blue", lw=1.8, label="period of the stable spiking orbits")
    fit = np.geomspace(dI.min(), dI.max(), 200)
    d.loglog(fit, law["C"] * fit ** law["exponent"] + law["T1"], "k--", lw=1.0,
             label=f"fit C |I - I*|^e + T1: e = {law['exponent']:.4f}")
    d.loglog(fit, law["C"] * fit ** -0.5, ":", color="0.5", lw=1.0, label="C |I - I*|^(-1/2)")
    d.set_xlabel("I - I*  (µA/cm²)")
    d.set_ylabel("period (ms)")
    d.legend(loc="upper right", fontsize="small")
    d.set_title("near the SNIC the period grows as |I - I*|^(-1/2): arbitrarily slow firing", fontsize=10)
    fast.plot(ax=g, y="V")
    g.set_xlim(0, 80)
    g.set_title(f"Morris–Lecar, phi = 0.23: spiking ends in a saddle\nhomoclinic orbit (HOM) at I = "
                f"{hom.params['I']:.5f} µA/cm²", fontsize=10)
    unique_legend(g, "upper left")
    for fold in folds:
        fold.plot(ax=e, legend=False)
    homoclinic.plot(ax=e, legend=False)
    for p, text in ((1 / 15, "class-1 set (bottom)"), (0.23, "phi = 0.23 (right)")):
        e.axhline(p, color="0.6", lw=0.8, ls=":")
        e.text(1.0, p + 0.004, text, fontsize="small", color="0.35")
    on = np.concatenate([f.params["phi"][f.tests["snic"]] for f in folds])
    e.set_xlim(*plane["I"])
    unique_legend(e, "upper left")
    e.set_title(f"(I, phi): the rest state's fold is a SNIC for phi < {on.max():.3f}; above, the cycle\n"
                "ends on the homoclinic curve, which meets the fold in a saddle-node homoclinic point", fontsize=10)
    fig.savefig(Path(out_dir) / "continuation_global.png", dpi=110)

    pds = [s.params["c"] for br in cascade for s in br.points("PD")]
    return (f"Rössler PD cascade at c = " + ", ".join(f"{v:.7f}" for v in pds)
            + f"; Morris–Lecar class 1: SNIC at I = {snic.params['I']:.7f}, period exponent {law['exponent']:.4f}; "
            f"phi = 0.23: HOM at I = {hom.params['I']:.6f}; fold a SNIC for phi up to {on.max():.4f}, "
            f"homoclinic curve {len(homoclinic)} points")


if __name__ == "__main__":
    print(render(Path(".")))
