"""Cycle branches that end in a global bifurcation (SNIC, saddle homoclinic), against values
computed here with SciPy by other methods."""
import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq, minimize_scalar

import dynanalysis as da
from dynanalysis import continuation as ct
from dynanalysis.models import PersistentSodiumPotassium


def _inapk_fold():
    """The SNIC of I_Na,p + I_K is the fold of its rest state: the local maximum of the
    steady-state I-V curve, written out here with the model's default parameters."""
    gL, EL, gNa, ENa, gK, EK = 8.0, -80.0, 20.0, 60.0, 10.0, -90.0
    m = lambda V: 1 / (1 + np.exp((-20 - V) / 15))  # noqa: E731
    n = lambda V: 1 / (1 + np.exp((-25 - V) / 5))  # noqa: E731
    r = minimize_scalar(lambda V: -(gL * (V - EL) + gNa * m(V) * (V - ENa) + gK * n(V) * (V - EK)),
                        bounds=(-70, -50), method="bounded", options={"xatol": 1e-10})
    return -r.fun, r.x


def test_spiking_branch_ends_in_a_snic_at_the_fold_with_period_exponent_one_half():
    I_fold, V_fold = _inapk_fold()
    model = PersistentSodiumPotassium()
    lc = da.limit_cycle(model, {"V": -60.0, "n": 0.1}, 100.0, params={"I": 10.0})
    b = ct.periodic_orbits(lc, parameter="I", bounds=(0.0, 20.0), direction=-1, max_steps=500)
    assert b.status == "unbounded period"
    (snic,) = b.points("SNIC")
    assert abs(snic.params["I"] - I_fold) < 1e-5 and abs(snic.states["V"] - V_fold) < 1e-3
    assert abs(snic.data["period_scaling"]["exponent"] + 0.5) < 0.01  # -1/2 within 2 %
    assert "saddle-node on invariant circle" in b.message
    assert not b.points("HOM")


bt = da.ode(lambda x, y, b1=-0.5, b2=-1.0: (y, b1 + b2 * x + x**2 - x * y), name="Bogdanov-Takens")


def _bt_homoclinic(b2=-1.0):
    """b1 where the saddle's unstable manifold returns along its stable one: the first crossings
    of y = 0 by the two manifold branches that leave the saddle towards the focus, their
    difference zeroed by brentq (DOP853, rtol 1e-12)."""
    def f(t, u, b1):
        return [u[1], b1 + b2 * u[0] + u[0] ** 2 - u[0] * u[1]]

    def split(b1, eps=1e-7):
        xs = (-b2 + np.sqrt(b2 * b2 - 4 * b1)) / 2
        a = b2 + 2 * xs
        lu, ls = (-xs + np.sqrt(xs * xs + 4 * a)) / 2, (-xs - np.sqrt(xs * xs + 4 * a)) / 2
        event = lambda t, u, b1: u[1]  # noqa: E731
        event.terminal = True
        ends = [solve_ivp(f, (0, span), [xs - eps, -eps * lam], args=(b1,), events=event, rtol=1e-12, atol=1e-14,
                          method="DOP853").y_events[0][0][0] for span, lam in ((200, lu), (-200, ls))]
        return ends[0] - ends[1]

    return brentq(split, -0.22, -0.21, xtol=1e-13)


def test_cycle_branch_from_a_hopf_point_ends_in_a_saddle_homoclinic():
    """Bogdanov-Takens normal form at b2 = -1: the stable cycle born at the supercritical Hopf
    point b1 = 0 grows until it becomes the homoclinic loop of the saddle."""
    b = ct.equilibria(bt, "b1", bounds=(-0.6, 0.6), start={"x": (1 - np.sqrt(3)) / 2, "y": 0.0})
    (h,) = b.points("H")
    cyc = ct.periodic_orbits(h, bounds=(-0.6, 0.6), max_steps=1000)
    assert cyc.status == "unbounded period"
    (hom,) = cyc.points("HOM")
    ref = _bt_homoclinic()
    assert abs(hom.params["b1"] - ref) < 1e-7
    xs = (1 + np.sqrt(1 - 4 * ref)) / 2  # the saddle
    assert abs(hom.states["x"] - xs) < 1e-6 and abs(hom.states["y"]) < 1e-6
    law = hom.data["period_scaling"]
    assert abs(law["c_times_lambda_u"] - 1) < 0.05 and not cyc.points("SNIC")


def test_homoclinic_curve_of_the_bt_normal_form_meets_kuznetsovs_asymptotic():
    """The curve of homoclinic orbits (projection boundary-value problem) continued from b2 = -1
    towards the Bogdanov-Takens point:
    b1 = -(6/25) b2^2 + O(|b2|^3) (Kuznetsov, Elements of Applied Bifurcation Theory, sec. 8.4),
    and through the homoclinic value found above by SciPy at b2 = -1."""
    b = ct.equilibria(bt, "b1", bounds=(-0.6, 0.6), start={"x": (1 - np.sqrt(3)) / 2, "y": 0.0})
    (hom,) = ct.periodic_orbits(b.points("H")[0], bounds=(-0.6, 0.6), max_steps=1000).points("HOM")
    curve = ct.homoclinic_curve(hom, "b2", bounds={"b1": (-0.6, 0.6), "b2": (-1.5, -0.05)})
    assert curve.kind == "homoclinic" and curve.status == "bounds"
    b1, b2 = curve.params["b1"], curve.params["b2"]
    start = np.flatnonzero(b2 == -1.0)  # the curve starts at the orbit's b2, held in the first solve
    assert len(start) and abs(b1[start[0]] - _bt_homoclinic()) < 1e-7
    # the saddle along the curve: x = (-b2 + sqrt(b2^2 - 4 b1)) / 2, y = 0
    np.testing.assert_allclose(curve.states["x"], (-b2 + np.sqrt(b2**2 - 4 * b1)) / 2, atol=1e-10)
    near = (b2 > -0.4) & (b2 < -0.05)
    slope, intercept = np.polyfit(b2[near], b1[near] / b2[near] ** 2, 1)
    assert abs(intercept + 6 / 25) < 0.01 * 6 / 25


def test_fold_curve_is_a_snic_where_the_cycle_branch_ends_at_the_fold_and_not_where_it_ends_homoclinic():
    """Morris-Lecar (SNIC preset) in (I, phi): the fold of the rest state does not move with phi
    (phi scales only w's rate), but for phi = 1/15 it lies on the spiking cycle (class 1,
    Rinzel & Ermentrout) and for phi = 0.23 it does not: there the cycle ends in a saddle
    homoclinic orbit at I ~ 35 instead (Ermentrout & Terman, sec. 3.4).  Two methods must
    agree: the fold curve's SNIC test (simulation from the saddle-node) and the end of the cycle
    branch (continuation)."""
    from dynanalysis.models import MorrisLecar
    rest = ct.equilibria(MorrisLecar(preset="snic"), "I", bounds=(0.0, 150.0),
                         start={"V": -59.474, "w": 0.00027}, params={"I": 0.0})
    (lp,) = rest.points("LP")
    curve = ct.fold_curve(lp, "phi", bounds={"I": (0.0, 150.0), "phi": (0.05, 0.3)}, direction=+1)
    marked = ct.snic_segment(curve, duration=2000.0)
    phi, snic = marked.params["phi"], marked.tests["snic"]
    assert snic[np.argmin(np.abs(phi - 1 / 15))] and not snic[np.argmin(np.abs(phi - 0.23))]
    assert np.all(np.abs(marked.params["I"] - lp.params["I"]) < 1e-8)  # the fold does not move
    ends = {}
    for p in (1 / 15, 0.23):
        d = da.Bifurcation(MorrisLecar(preset="snic", phi=p), {"I": (0.0, 150.0)}).compute()
        ends[p] = [s.kind for s in d.special_points if s.kind in ("SNIC", "HOM")]
    assert ends == {1 / 15: ["SNIC"], 0.23: ["HOM"]}


def test_two_parameter_diagram_adds_the_homoclinic_curve_from_the_bt_point():
    d = da.Bifurcation2D(bt, {"b1": (-0.6, 0.6), "b2": (-1.5, 1.5)}, {"x": (-3, 3), "y": (-3, 3)},
                         method="continuation").compute(homoclinic=True)
    assert sorted(c.kind for c in d.branches) == ["fold", "homoclinic", "hopf"]
    (h,) = d.of_kind("homoclinic")
    assert h.origin.startswith("Bogdanov–Takens point")
    b1, b2 = h.params["b1"], h.params["b2"]
    nearest = np.argsort(np.abs(b2 + 1.0))[:4]  # a cubic through the curve's 4 points around b2 = -1
    assert abs(np.polyval(np.polyfit(b2[nearest], b1[nearest], 3), -1.0) - _bt_homoclinic()) < 1e-5
    near = (b2 > -0.4) & (b2 < -0.05)
    assert abs(np.polyfit(b2[near], b1[near] / b2[near] ** 2, 1)[1] + 6 / 25) < 0.01 * 6 / 25
    assert "saddle-node homoclinic" in h.message  # it ends where the saddle meets the fold, at BT
