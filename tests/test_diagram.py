"""Whole diagrams by continuation (Bifurcation*.compute(method="continuation")) against closed forms
and independent SciPy values."""
import numpy as np

import dynanalysis as da
from dynanalysis import math as dm
from dynanalysis.models import FitzHughNagumo, WongWang

# the decision model's pitchforks at c = 0: SciPy (fsolve on the symmetric equilibrium and brentq
# on the antisymmetric eigenvalue, tests/test_bifurcation.py::_ww_symmetric_antisymmetric)
WW_BP = (10.6768057592, 43.0181867821)


def test_sine_one_branch_through_every_fold_inside_the_box():
    # no equilibrium exists at either end (|I| = 1.5): the branch is found from inside the range
    # and ends where it leaves the box |x| <= 10, through the six folds x = pi/2 + k pi
    sine = da.ode(lambda x, I=0.0: dm.sin(x) + I, name="sine")
    d = da.Bifurcation1D(sine, {"I": (-1.5, 1.5)}, {"x": (-10, 10)}, method="continuation").compute()
    (b,) = d.branches
    lp = d.points("LP")
    assert len(lp) == 6 and all(abs(abs(s.params["I"]) - 1) < 1e-10 for s in lp)
    assert np.allclose(sorted(s.states["x"] for s in lp), np.pi / 2 + np.pi * np.arange(-3, 3), atol=1e-5)
    assert abs(abs(b.states["x"][0]) - 10) < 1e-9 and abs(abs(b.states["x"][-1]) - 10) < 1e-9
    assert b.status == "bounds" and d.status == "converged" and "ended by design" in d.message


def test_decision_model_branches_and_pitchforks():
    d = da.Bifurcation2D(WongWang(), {"mu": (0, 80)}, {"s1": (0, 1), "s2": (0, 1)}, method="continuation").compute()
    bp = sorted(s.params["mu"] for s in d.points("BP"))
    assert len(bp) == 2 and np.allclose(bp, WW_BP, atol=1e-7)
    lp = d.points("LP")  # the two mirror decision branches fold at one mu, at mirrored states
    assert len(lp) == 2 and abs(lp[0].params["mu"] - lp[1].params["mu"]) < 1e-8
    assert abs(lp[0].states["s1"] - lp[1].states["s2"]) < 1e-7
    # at mu = 0, the REFERENCE stable symmetric state lies on a branch, stable there
    sym = [b for b in d.branches if np.any(np.abs(b.params["mu"]) < 1e-12)]
    at0 = [(b.states["s1"][i], b.states["s2"][i], b.stable[i]) for b in sym for i in np.flatnonzero(np.abs(b.params["mu"]) < 1e-12)]
    assert any(abs(s1 - 0.1026512495649) < 1e-9 and abs(s2 - 0.1026512495649) < 1e-9 and st for s1, s2, st in at0)


def test_cusp_in_two_parameters_one_curve_through_the_cusp():
    cusp = da.ode(lambda x, mu=0.0, lam=1.0: mu + lam * x - x**3, name="cusp")
    d = da.Bifurcation1D(cusp, {"mu": (-1, 1), "lam": (-0.5, 1.5)}, {"x": (-2, 2)}, method="continuation").compute()
    (curve,) = d.branches  # both folds at lam = 1 lie on one curve, traced once
    mu, lam = curve.params["mu"], curve.params["lam"]
    assert np.max(np.abs(27 * mu**2 - 4 * lam**3)) < 1e-9  # REFERENCE: 27 mu^2 = 4 lambda^3
    (cp,) = d.points("CP")
    assert abs(cp.params["mu"]) < 1e-8 and abs(cp.params["lam"]) < 1e-8


def test_fitzhugh_nagumo_hopf_curves_in_two_parameters():
    fhn = FitzHughNagumo()
    d = da.Bifurcation2D(fhn, {"I": (0, 2), "a": (0.5, 1.0)}, method="continuation").compute()
    assert len(d.branches) == 2 and all(c.kind == "hopf" for c in d.branches)
    b, tau = fhn.parameters["b"], fhn.parameters["tau"]
    for c in d.branches:  # on the Hopf curves V^2 = 1 - b / tau and I = (V + a) / b - V + V^3 / 3
        V, a, I = c.states["V"], c.params["a"], c.params["I"]
        assert np.max(np.abs(V**2 - (1 - b / tau))) < 1e-9
        assert np.max(np.abs(I - ((V + a) / b - V + V**3 / 3))) < 1e-9
