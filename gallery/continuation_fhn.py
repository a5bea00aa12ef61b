"""FitzHugh–Nagumo by continuation: the cycle branch between the two Hopf points, and the Hopf
curves in the (I, a) plane.

Left: the equilibrium branch with its two subcritical Hopf points, and the periodic orbits born
there (collocation): small unstable cycles grow, turn at a fold of cycles (LPC) into the large
stable relaxation oscillation through a canard explosion (the branch is vertical in I to
~1e-9 there), and shrink back at the second Hopf point.  Right: each Hopf point continued in
(I, a): on the Hopf curves the equilibrium satisfies V² = 1 - b/tau, so I is affine in a.
"""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis import continuation as ct
from dynanalysis.models import FitzHughNagumo


def render(out_dir: Path) -> str:
    fhn = FitzHughNagumo()
    d = da.Bifurcation(fhn, {"I": (0.0, 2.0)}).compute()
    hopf = sorted(d.points("H"), key=lambda s: s.params["I"])
    bounds = {"I": (-1.0, 3.0), "a": (0.0, 1.6)}
    curves = [c for h in hopf for c in (ct.hopf_curve(h, "a", bounds=bounds, direction=+1),
                                        ct.hopf_curve(h, "a", bounds=bounds, direction=-1))]

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.2), layout="constrained")
    d.plot(ax=left, y="V")
    left.set_ylim(-2.6, 2.6)
    (cyc,) = d.of_kind("periodic")
    lpc = sorted(d.points("LPC"), key=lambda s: s.params["I"])
    left.set_title(f"a = 0.7: Hopf points at I = {hopf[0].params['I']:.6f}, {hopf[1].params['I']:.6f} (subcritical); "
                   f"\nfolds of cycles at I = " + ", ".join(f"{s.params['I']:.7f}" for s in lpc), fontsize=10)
    for i, c in enumerate(curves):
        c.plot(ax=right, legend=i == 0)
    right.axhline(0.7, color="gray", lw=0.8, ls=":")
    right.annotate("a = 0.7 (left panel)", (0.02, 0.72), xycoords=("axes fraction", "data"), fontsize="small",
                   color="gray")
    right.set_title("Hopf curves in (I, a): the stable rest state lies outside the band between them", fontsize=10)
    fig.savefig(Path(out_dir) / "continuation_fhn.png", dpi=110)
    # closed form on the Hopf curves: V = -+sqrt(1 - b / tau), w = (V + a) / b, I = w - V + V^3 / 3
    b, tau = fhn.parameters["b"], fhn.parameters["tau"]
    err = 0.0
    for c in curves:
        V = c.states["V"]
        err = max(err, float(np.max(np.abs(c.params["I"] - ((V + c.params["a"]) / b - V + V**3 / 3)))),
                  float(np.max(np.abs(V**2 - (1 - b / tau)))))
    at = ", ".join(f"{s.params['I']:.8f}" for s in lpc)
    return (f"FHN: {len(cyc)} cycles, {len(lpc)} LPC at I = {at}; "
            f"Hopf curves in (I, a): {sum(len(c) for c in curves)} points, max error against the closed form {err:.1e}")


if __name__ == "__main__":
    print(render(Path(".")))
