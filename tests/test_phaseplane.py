"""Phase planes: fixed points, stability labels, nullclines, limit cycles (independent references)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.integrate import solve_ivp

import dynanalysis as da
from dynanalysis import math as dm
from dynanalysis._numerics import spectra as stability


@da.ode
def sine(x, I=0.0):
    return dm.sin(x) + I


def fhn_field(V, w, I=0.0, a=0.7, b=0.8, tau=12.5):
    return V - V**3 / 3 - w + I, (V + a - b * w) / tau


fhn = da.ode(fhn_field, name="fhn")


# --------------------------------------------------------------------------- 1-D
def test_sine_roots_are_k_pi_with_alternating_stability():
    fp = da.PhasePlane1D(sine, {"x": (-10, 10)}, resolutions=0.05).fixed_points()
    k = np.arange(-3, 4)
    np.testing.assert_allclose(fp.states["x"], k * np.pi, atol=1e-12)
    assert list(fp.labels) == ["stable" if kk % 2 else "unstable" for kk in k]
    np.testing.assert_allclose(fp.eigenvalues[:, 0].real, np.cos(k * np.pi), atol=1e-12)


@pytest.mark.parametrize("I,roots", [(1.0, [-2.5 * np.pi, -0.5 * np.pi, 1.5 * np.pi]),
                                     (-1.0, [-1.5 * np.pi, 0.5 * np.pi, 2.5 * np.pi])])
def test_sine_double_roots_found_by_tangency(I, roots):
    fp = da.PhasePlane1D(sine, {"x": (-10, 10)}, pars_update={"I": I}, resolutions=0.05).fixed_points()
    # a double root is only determined to sqrt(machine epsilon) by its residual
    np.testing.assert_allclose(fp.states["x"], roots, atol=1e-7)
    assert list(fp.labels) == ["saddle-node"] * 3


def test_close_root_pair_inside_one_grid_cell_is_not_missed():
    # sin(x) + 0.99999 has two roots 0.009 apart near -pi/2: one grid cell of 0.05 holds both
    fp = da.fixed_points(sine, {"x": (-3, 0)}, params={"I": 0.99999}, resolution=61)
    exact = np.sort([-np.pi / 2 - np.arccos(0.99999), -np.pi / 2 + np.arccos(0.99999)])
    np.testing.assert_allclose(fp.states["x"], exact, atol=1e-12)


def test_roots_at_grid_points_and_box_edges_are_reported_once():
    line = da.ode(lambda x, c=0.0: (x - c) * (x - 1.0) * (x + 1.0), name="cubic")
    fp = da.fixed_points(line, {"x": (-1.0, 1.0)}, resolution=21)  # 0 and both ends on the grid
    np.testing.assert_allclose(fp.states["x"], [-1.0, 0.0, 1.0], atol=1e-14)


# --------------------------------------------------------------------------- FitzHugh–Nagumo
def test_fhn_fixed_point_matches_closed_form():
    pp = da.PhasePlane2D(fhn, {"V": (-3, 3), "w": (-3, 3)}, pars_update={"I": 0.8}, resolutions=0.01)
    fp = pp.fixed_points()
    assert len(fp) == 1
    assert fp.states["V"][0] == pytest.approx(-0.272900958997298, abs=1e-10)
    assert fp.states["w"][0] == pytest.approx(0.533873801253378, abs=1e-10)
    assert fp.labels[0] == "unstable node"
    np.testing.assert_allclose(np.sort(fp.eigenvalues[0].real), [0.024819, 0.836706], atol=1e-6)


@pytest.mark.parametrize("I,label", [(0.331281337454746 - 0.01, "stable focus"),
                                     (0.331281337454746 + 0.01, "unstable focus"),
                                     (1.41871866254525 - 0.01, "unstable focus"),
                                     (1.41871866254525 + 0.01, "stable focus")])
def test_fhn_labels_change_at_the_hopf_points(I, label):
    fp = da.fixed_points(fhn, {"V": (-3, 3), "w": (-3, 3)}, params={"I": I})
    assert list(fp.labels) == [label]


def _scipy_period(I, y0=(-1.0, 1.0)):
    """Period of the attracting cycle from successive upward crossings of V = 0 (SciPy events)."""
    f = lambda t, y: fhn_field(y[0], y[1], I)  # noqa: E731
    ev = lambda t, y: y[0]  # noqa: E731
    ev.direction = 1
    sol = solve_ivp(f, (0, 800), y0, rtol=1e-12, atol=1e-12, events=ev, method="DOP853")
    return np.diff(sol.t_events[0])[-1]


def test_fhn_limit_cycle_period_matches_scipy():
    pp = da.PhasePlane2D(fhn, {"V": (-3, 3), "w": (-3, 3)}, pars_update={"I": 0.5})
    (lc,) = pp.limit_cycle({"V": [-1.0], "w": [1.0]}, 400.0)
    assert lc.found and lc.converged and lc.stable
    assert lc.period == pytest.approx(_scipy_period(0.5), rel=1e-6)
    assert lc.period == pytest.approx(39.4744149802, rel=1e-9)      # REFERENCE.md
    assert lc.minimum["V"] == pytest.approx(-1.97040674814, abs=1e-7)
    assert lc.maximum["V"] == pytest.approx(1.85211747322, abs=1e-7)
    mult = np.sort(np.abs(lc.multipliers))
    assert mult[1] == pytest.approx(1.0, abs=1e-6) and mult[0] < 1e-3


def test_no_cycle_is_reported_as_not_found():
    lc = da.limit_cycle(fhn, {"V": -1.0, "w": 1.0}, 400.0, params={"I": 0.0})
    assert not lc.found and "equilibrium" in lc.reason


# --------------------------------------------------------------------------- decision model
def test_decision_model_five_fixed_points_at_zero_stimulus():
    from dynanalysis.models import WongWang
    pp = da.PhasePlane2D(WongWang(), {"s1": (0, 1), "s2": (0, 1)}, pars_update={"mu": 0.0, "c": 0.0},
                         resolutions=0.002)
    fp = pp.fixed_points()
    ref = np.array([[0.0318914198205, 0.5669871805570], [0.0557853305247, 0.3138449242650],
                    [0.1026512495649, 0.1026512495649], [0.3138449242650, 0.0557853305247],
                    [0.5669871805570, 0.0318914198205]])
    assert len(fp) == 5
    np.testing.assert_allclose(fp.points, ref, atol=1e-10)
    assert list(fp.labels) == ["stable node", "saddle", "stable node", "saddle", "stable node"]
    sym = fp.points[2]
    assert abs(sym[0] - sym[1]) < 1e-10
    np.testing.assert_allclose(np.sort(fp.eigenvalues[2].real), [-5.10586829810, -2.26408677845], rtol=1e-8)


# --------------------------------------------------------------------------- nullclines
def test_horizontal_and_vertical_nullclines():
    m = da.ode(lambda x, y, a=0.5, b=-0.25: (y - a, x - b), name="lines")  # dx=0: y = a; dy=0: x = b
    nc = da.PhasePlane2D(m, {"x": (-1, 1), "y": (-1, 1)}, resolutions=0.01).nullclines()
    (hx,), (vy,) = nc.curves["x"], nc.curves["y"]
    np.testing.assert_allclose(hx[:, 1], 0.5, atol=1e-12)
    np.testing.assert_allclose(vy[:, 0], -0.25, atol=1e-12)
    assert np.ptp(hx[:, 0]) > 1.9 and np.ptp(vy[:, 1]) > 1.9  # they span the box


def test_separate_nullcline_branches_stay_separate():
    # dx/dt = x^2 - y^2 + 0.25 - ... : the x-nullcline y^2 - x^2 = 0.25 is a hyperbola (two branches)
    m = da.ode(lambda x, y, c=0.25: (y**2 - x**2 - c, -y), name="hyperbola")
    nc = da.PhasePlane2D(m, {"x": (-2, 2), "y": (-2, 2)}, resolutions=0.01).nullclines()
    branches = nc.curves["x"]
    assert len(branches) == 2
    for b in branches:
        np.testing.assert_allclose(b[:, 1] ** 2 - b[:, 0] ** 2, 0.25, atol=1e-10)
        assert np.all(np.sign(b[:, 1]) == np.sign(b[0, 1]))  # each branch on one side
        assert np.max(np.hypot(*np.diff(b, axis=0).T)) < 0.05  # no long joining segment


def test_pole_is_not_drawn_as_a_nullcline():
    m = da.ode(lambda x, y, c=1.0: (1.0 / x - y, -y), name="pole")  # sign change across x = 0
    nc = da.PhasePlane2D(m, {"x": (-2, 2), "y": (-3, 3)}, resolutions=0.01).nullclines()
    for b in nc.curves["x"]:
        np.testing.assert_allclose(b[:, 1], 1.0 / b[:, 0], rtol=1e-9)


def test_fhn_nullclines_are_exact():
    nc = da.PhasePlane2D(fhn, {"V": (-3, 3), "w": (-3, 3)}, pars_update={"I": 0.8},
                         resolutions=0.02).nullclines()
    (cv,), (cw,) = nc.curves["V"], nc.curves["w"]
    np.testing.assert_allclose(cv[:, 1], cv[:, 0] - cv[:, 0] ** 3 / 3 + 0.8, atol=1e-12)
    np.testing.assert_allclose(cw[:, 1], (cw[:, 0] + 0.7) / 0.8, atol=1e-12)


# --------------------------------------------------------------------------- stability
@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=4, max_size=4))
def test_random_linear_systems_labels_match_eigenvalues(a):
    A = np.array(a).reshape(2, 2)
    ev = np.linalg.eigvals(A)
    scale = np.max(np.abs(A))
    tol = 1e-6 * max(scale, 1e-300)
    if scale < 1e-3 or np.any(np.abs(ev.real) < tol) or np.any(np.abs(np.abs(ev.imag) - tol) < tol):
        return  # borderline cases are the labels' tolerance band, not a sign question
    lab = stability.label(stability.eigenvalues(A), scale)
    re = ev.real
    if np.all(re < 0):
        assert lab.startswith("stable")
    elif np.all(re > 0):
        assert lab.startswith("unstable")
    else:
        assert lab == "saddle"
    if lab != "saddle":
        assert lab.endswith("focus") == bool(np.any(np.abs(ev.imag) > 1e-8 * scale))


# x' = -lam1 (x - cx) + (y - cy), y' = -lam2 (y - cy): a stable node at (cx, cy).  Defined once:
# every example reuses the compiled code (parameters are runtime data).
shifted_linear = da.ode(lambda x, y, l1=1.0, l2=1.0, cx=0.0, cy=0.0: (-l1 * (x - cx) + (y - cy), -l2 * (y - cy)),
                        name="shifted_linear")


@settings(max_examples=30, deadline=None)
@given(st.floats(-3, 3), st.floats(-3, 3), st.floats(0.2, 3), st.floats(0.2, 3))
def test_random_linear_system_fixed_point_and_eigenvalues(cx, cy, lam1, lam2):
    fp = da.fixed_points(shifted_linear, {"x": (-4, 4), "y": (-4, 4)}, params=dict(l1=lam1, l2=lam2, cx=cx, cy=cy))
    assert len(fp) == 1
    np.testing.assert_allclose(fp.points[0], [cx, cy], atol=1e-12)
    np.testing.assert_allclose(np.sort(fp.eigenvalues[0].real), np.sort([-lam1, -lam2]), rtol=1e-9)


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs,match", [
    (dict(target_vars={"V": (-3, 3), "q": (0, 1)}), "'q'"),
    (dict(target_vars={"V": (3, -3), "w": (-3, 3)}), "reversed"),
    (dict(target_vars={"V": (1, 1), "w": (-3, 3)}), "empty"),
    (dict(target_vars={"V": (-np.inf, 3), "w": (-3, 3)}), "finite"),
    (dict(resolutions=0.0), "positive"),
    (dict(resolutions=-0.1), "positive"),
    (dict(resolutions=1e-5), "memory budget"),
    (dict(pars_update={"J": 1.0}), "'J'"),
    (dict(target_vars={"V": (-3, 3)}), "'w'"),
])
def test_phase_plane_bad_input(kwargs, match):
    args = dict(target_vars={"V": (-3, 3), "w": (-3, 3)})
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        da.PhasePlane2D(fhn, **args)


def test_missing_fixed_var_for_a_bigger_model():
    from dynanalysis.models import HodgkinHuxley
    with pytest.raises(ValueError, match=r"\['h', 'n'\]"):
        da.PhasePlane2D(HodgkinHuxley(), {"V": (-80, 40), "m": (0, 1)})
    pp = da.PhasePlane2D(HodgkinHuxley(), {"V": (-80, 60), "m": (0, 1)},
                         fixed_vars={"h": 0.596, "n": 0.3177}, resolutions={"V": 0.5, "m": 0.005})
    fp = pp.fixed_points()

    def reduced(V, m):  # the HH field written in the test, h and n held
        am = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
        bm = 4 * np.exp(-(V + 65) / 18)
        dV = -120 * m**3 * 0.596 * (V - 50) - 36 * 0.3177**4 * (V + 77) - 0.3 * (V + 54.387)
        return dV, am * (1 - m) - bm * m, am / (am + bm)

    for V, m in fp.points:
        dV, dm_, _ = reduced(V, m)
        assert abs(dV) < 1e-9 and abs(dm_) < 1e-12
    # independent count: sign changes of dV(V, m_inf(V)) on a fine grid
    Vg = np.linspace(-80, 60, 200001) + 1e-7
    g = reduced(Vg, reduced(Vg, 0.0)[2])[0]
    assert len(fp) == np.sum(np.sign(g[1:]) != np.sign(g[:-1])) == 3
