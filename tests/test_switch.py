"""Branch switching at branch points (continuation.switch) against closed forms and the decision
model's reference values."""
import numpy as np
import pytest

import dynanalysis as da
from dynanalysis import continuation as ct
from dynanalysis import math as dm
from dynanalysis.continuation import SpecialPoint
from dynanalysis.models import WongWang

# the decision model at c = 0: pitchforks of the symmetric branch (SciPy, tests/test_diagram.py)
# and the fold of the decision states (issue 16's reference)
WW_BP = (10.6768057592, 43.0181867821)
WW_FOLD = 65.6819861
LOW = {"s1": 0.1026512495649, "s2": 0.1026512495649}       # REFERENCE.md, mu = 0
SADDLE = (0.3138449242650, 0.0557853305247)                 # REFERENCE.md, mu = 0

transcritical = da.ode(lambda x, a=-1.0: a * x - x**2, name="transcritical")
pitchfork = da.ode(lambda x, a=-1.0: a * x - x**3, name="pitchfork")
# x = 0, a, 2a, 3a cross at the origin, where f is a quartic form (no second derivatives)
quadruple = da.ode(lambda x, a=-1.0: x * (x - a) * (x - 2 * a) * (x - 3 * a), name="quadruple")


def _bp(model, bounds=(-1.0, 1.0)):
    (bp,) = ct.equilibria(model, "a", bounds=bounds, start={"x": 0.0}).points("BP")
    assert abs(bp.params["a"]) < 1e-10 and abs(bp.states["x"]) < 1e-10
    return bp


@pytest.mark.parametrize("model,exact", [(transcritical, lambda a: a), (pitchfork, None)])
def test_the_other_branch_through_a_simple_branch_point(model, exact):
    (b,) = ct.switch(_bp(model), bounds=(-1.0, 1.0))
    a, x = b.params["a"], b.states["x"]
    assert "switch at BP" in b.origin and b.status == "bounds"
    if exact is not None:  # transcritical: x = a, through the point both ways
        np.testing.assert_allclose(x, exact(a), atol=1e-10)
        assert a.min() < -0.99 and a.max() > 0.99
    else:  # pitchfork: x = +-sqrt(a), both halves, to a = 1
        np.testing.assert_allclose(x**2, a, atol=1e-10)
        assert x.min() < -0.99 and x.max() > 0.99 and a.min() > -1e-10
    # stability: the crossing branches exchange it (x = a stable for a > 0; +-sqrt(a) stable)
    assert np.all(b.stable[a > 0.05])


def test_degenerate_crossing_found_by_deflation():
    """x' = x (x - a)(x - 2a)(x - 3a): four branches cross at the origin, where f is a quartic
    form and every coefficient of the bifurcation equation vanishes: the deflated search finds
    them all (the point given by hand, with no known branch to skip)."""
    bp = SpecialPoint("BP", {"a": 0.0}, {"x": 0.0}, {"located": True}, quadruple.with_params(a=0.0))
    new = ct.switch(bp, bounds=(-1.0, 1.0))
    assert all("deflation" in b.origin for b in new)
    slopes = []
    for b in new:
        a, x = b.params["a"], b.states["x"]
        slope = np.median(x[np.abs(a) > 0.1] / a[np.abs(a) > 0.1])
        np.testing.assert_allclose(x, slope * a, atol=1e-10)
        assert a.min() < -0.99 and a.max() > 0.99  # through the crossing, both ways
        slopes.append(slope)
    np.testing.assert_allclose(sorted(slopes), [0.0, 1.0, 2.0, 3.0], atol=1e-10)


def test_decision_model_pitchforks_switch_to_the_asymmetric_branches():
    ww = WongWang()
    sym = ct.equilibria(ww, "mu", bounds=(0.0, 80.0), start=LOW)
    bp = sorted(sym.points("BP"), key=lambda s: s.params["mu"])
    np.testing.assert_allclose([s.params["mu"] for s in bp], WW_BP, atol=1e-7)
    # from the second pitchfork: the asymmetric saddles, through the folds of the decision states
    (up,) = ct.switch(bp[1], bounds=(0.0, 80.0))
    lp = up.points("LP")
    assert len(lp) == 2
    for s in lp:
        assert abs(s.params["mu"] - WW_FOLD) < 1e-6
    assert abs(lp[0].states["s1"] - lp[1].states["s2"]) < 1e-8 and abs(lp[0].states["s2"] - lp[1].states["s1"]) < 1e-8
    # past the folds it comes back as the stable decision states, to mu = 0 (REFERENCE.md)
    ends = {(round(up.states["s1"][i], 9), round(up.states["s2"][i], 9)) for i in (0, -1)}
    assert all(abs(up.params["mu"][i]) < 1e-9 for i in (0, -1))
    assert ends == {(0.566987181, 0.03189142), (0.03189142, 0.566987181)}
    # from the first: the saddles of mu = 0 (REFERENCE.md), both mirror images, on one branch
    (down,) = ct.switch(bp[0], bounds=(0.0, 80.0))
    at0 = sorted((down.states["s1"][i], down.states["s2"][i]) for i in (0, -1))
    np.testing.assert_allclose(at0, [SADDLE[::-1], SADDLE], atol=1e-9)
    assert not down.stable[np.abs(down.params["mu"] - WW_BP[0]) > 1e-6].any()  # saddles, but at the pitchfork


def test_a_closed_branch_ends_where_it_started():
    # with mu down to -60 the asymmetric states form one closed curve through both pitchforks
    ww = WongWang()
    sym = ct.equilibria(ww, "mu", bounds=(-60.0, 80.0), start=LOW, params={"mu": 0.0})
    bp = min(sym.points("BP"), key=lambda s: s.params["mu"])
    (loop,) = ct.switch(bp, bounds=(-60.0, 80.0))
    assert loop.status == "closed"
    first = np.array([loop.states["s1"][0], loop.states["s2"][0], loop.params["mu"][0]])
    last = np.array([loop.states["s1"][-1], loop.states["s2"][-1], loop.params["mu"][-1]])
    np.testing.assert_array_equal(first, last)
    assert sorted(round(s.params["mu"], 6) for s in loop.points("BP")) == [round(WW_BP[0], 6), round(WW_BP[1], 6)]
    assert len(loop.points("LP")) == 4  # two folds at 65.68, two at negative mu


def test_switch_bad_input():
    bp = _bp(pitchfork)
    (lp,) = ct.equilibria(da.ode(lambda x, a=-1.0: a - x**2, name="fold"), "a", bounds=(-1.0, 1.0),
                          start={"x": -1.0}, params={"a": 1.0}, direction=-1).points("LP")
    with pytest.raises(ValueError, match="branch point"):
        ct.switch(lp, bounds=(-1.0, 1.0))
    with pytest.raises(ValueError, match="outside bounds"):
        ct.switch(bp, bounds=(0.5, 1.0))
    with pytest.raises(ValueError, match="SpecialPoint"):
        ct.switch({"a": 0.0}, bounds=(-1.0, 1.0))
    with pytest.raises(ValueError, match="unknown option"):
        ct.switch(bp, bounds=(-1.0, 1.0), step=0.1)


def test_diagram_follows_the_branch_no_seed_reached():
    """x' = a x - x^2 in the box |x| <= 1/2 over a in [-1, 1]: at the two ends of the range the
    search finds only x = 0 (the other root, x = a, lies outside the box), so the branch x = a
    is reached only by switching at the transcritical point."""
    d = da.Bifurcation1D(transcritical, {"a": (-1.0, 1.0)}, {"x": (-0.5, 0.5)}, method="continuation").compute(seeds=2)
    origins = sorted(b.origin.split(" (")[0] for b in d.branches)
    assert origins == ["seed search at a = -1", "switch at BP a = 0"]
    (new,) = [b for b in d.branches if b.origin.startswith("switch")]
    np.testing.assert_allclose(new.states["x"], new.params["a"], atol=1e-10)
    np.testing.assert_allclose([new.states["x"].min(), new.states["x"].max()], [-0.5, 0.5], atol=1e-9)
    (bp,) = d.points("BP")
    assert abs(bp.params["a"]) < 1e-10
    lines = d.describe().splitlines()  # one line per branch: what it is and how it was started
    assert len(lines) == 2 and "switch at BP a = 0" in lines[1] and "ended: bounds" in lines[1]


rossler = da.ode(lambda x, y, z, a=0.2, b=0.2, c=2.5: (-y - z, x + a * y, b + z * (x - c)), name="Rossler")
# SciPy shooting with variational equations, written independently of the package:
# benchmarks/references/cycles_reference.py (first PD) and rossler_pd2.py (second PD), each
# agreeing with itself at rtol 1e-10 to 1e-9 or better
ROSSLER_PD = (2.8324450278498405, 5.769820016506277)
ROSSLER_PD2 = (3.837358168391874, 11.572688804464942)


def test_rossler_period_doubling_switches_to_the_period_two_branch():
    lc = da.limit_cycle(rossler, {"x": 1.0, "y": 1.0, "z": 0.0}, 600.0, params={"c": 2.5})
    one = ct.periodic_orbits(lc, parameter="c", bounds=(2.0, 4.0), ntst=40, max_steps=200)
    (pd,) = one.points("PD")
    assert abs(pd.params["c"] - ROSSLER_PD[0]) < 1e-7 and abs(pd.data["period"] - ROSSLER_PD[1]) < 1e-7
    two, four = ct.switch(pd, bounds=(2.0, 4.2), depth=2)  # and on to the period-4 branch
    assert two.origin.startswith("switch at PD") and two.kind == "periodic"
    # it starts at twice the period, next to the PD point, and is stable until its own PD
    assert abs(two.period[0] - 2 * ROSSLER_PD[1]) < 1e-3 and abs(two.params["c"][0] - ROSSLER_PD[0]) < 1e-3
    (pd2,) = two.points("PD")
    assert abs(pd2.params["c"] - ROSSLER_PD2[0]) < 1e-6 and abs(pd2.data["period"] - ROSSLER_PD2[1]) < 1e-6
    c = two.params["c"]
    assert np.all(two.stable[(c > ROSSLER_PD[0] + 0.01) & (c < ROSSLER_PD2[0] - 0.01)])
    assert not np.any(two.stable[c > ROSSLER_PD2[0] + 0.01])
    # the cascade's next level starts at PD2 with twice its period, stable, and doubles again
    assert "switch at PD c = 3.8373" in four.origin
    assert abs(four.period[0] - 2 * ROSSLER_PD2[1]) < 1e-3 and four.stable[1]
    (pd4,) = four.points("PD")
    assert ROSSLER_PD2[0] < pd4.params["c"] < 4.2 and abs(pd4.data["period"] - 4 * ROSSLER_PD[1]) < 0.2


def test_cycles_from_any_point_of_a_hopf_curve_in_either_parameter():
    """FitzHugh-Nagumo's Hopf curve in (I, a): on it V = -sqrt(1 - b/tau) and the frequency is
    omega = sqrt((1 - b^2/tau) / tau) whatever a is (closed form), so the cycles born at any of
    its points start with period 2 pi / omega, continued in I or in a."""
    from dynanalysis.models import FitzHughNagumo
    b, tau = 0.8, 12.5
    sym = ct.equilibria(FitzHughNagumo(), "I", bounds=(0.0, 2.0), start={"V": -1.1994, "w": -0.6243},
                        params={"I": 0.0})
    curve = ct.hopf_curve(sym.points("H")[0], "a", bounds={"I": (-1.0, 3.0), "a": (0.0, 1.6)}, direction=+1)
    pt = curve.point(int(np.argmin(np.abs(curve.params["a"] - 0.9))))
    assert pt.kind == "H" and abs(pt.states["V"] + np.sqrt(1 - b / tau)) < 1e-9
    period = 2 * np.pi / np.sqrt((1 - b * b / tau) / tau)
    for par, other in (("I", "a"), ("a", "I")):
        c = ct.periodic_orbits(pt, parameter=par, bounds=(-1.0, 3.0), max_steps=5)
        assert abs(c.period[0] - period) < 1e-2 * period
        assert np.all(c.params[par][1:] != c.params[par][0])  # it moves in its parameter ...
        assert c.model.parameters[other] == pt.params[other]  # ... with the other held at the point's value
    with pytest.raises(ValueError, match="fold and Hopf curves"):
        sym.point(0)


def test_an_isola_between_the_seed_values_is_found_from_the_fold_curve():
    """x' = b - r^2 exp(-r^2), r^2 = x^2 + a^2: for 0 < b < 1/e the equilibria are two circles
    r = r1 < 1 < r2 in (a, x), two closed branches.  At b = 0.05 no seed value of a crosses the
    small one (|a| <= r1 = 0.23, seeds at a = -3, -1.65, -0.3, 1.05, 2.4), so only the large one is
    found; its folds (a = +-r2, x = 0) continued in (a, b) lie on b = a^2 exp(-a^2), which comes
    back to b = 0.05 at a = +-r1: the folds of the small circle, from which it is continued."""
    from scipy.optimize import brentq
    rings = da.ode(lambda x, a=0.0, b=0.05: b - (x**2 + a**2) * dm.exp(-(x**2 + a**2)), name="rings")
    r1, r2 = (brentq(lambda r: r * r * np.exp(-r * r) - 0.05, lo, hi, xtol=1e-15) for lo, hi in ((0, 1), (1, 3)))
    B = da.Bifurcation1D(rings, {"a": (-3.0, 2.4)}, {"x": (-3.0, 3.0)}, method="continuation")
    (outer,) = B.compute().branches
    assert outer.status == "closed"
    np.testing.assert_allclose(np.hypot(outer.states["x"], outer.params["a"]), r2, atol=1e-9)
    outer_again, inner = B.compute(isolas={"b": (0.0, 0.5)}).branches
    assert "fold curve in (a, b)" in inner.origin and inner.status == "closed"
    np.testing.assert_allclose(np.hypot(inner.states["x"], inner.params["a"]), r1, atol=1e-9)
    np.testing.assert_allclose(sorted(s.params["a"] for s in inner.points("LP")), [-r1, r1], atol=1e-8)


d4 = da.ode(lambda x, y, a=-1.0: (a * x - x**3 - 3 * x * y**2, a * y - y**3 - 3 * x**2 * y), name="D4")


def test_branch_point_with_a_two_dimensional_kernel_and_all_its_branches():
    """x' = a x - x^3 - 3 x y^2, y' = a y - y^3 - 3 x^2 y (the symmetry of a square): at a = 0
    both eigenvalues of the origin cross zero together (det f_x = a^2 keeps its sign), and four
    branches cross there: the axes, x^2 = a (y = 0) and y^2 = a, and the diagonals, x = +-y with
    x^2 = a / 4.  The reduced equations are cubic (no quadratic terms), so the branches come from
    the deflated search along the kernel directions and their diagonals."""
    (bp,) = ct.equilibria(d4, "a", bounds=(-1.0, 1.0), start={"x": 0.0, "y": 0.0}).points("BP")
    assert abs(bp.params["a"]) < 1e-10 and bp.data["kernel_dimension"] == 2 and bp.data["located"]
    found = set()
    for b in ct.switch(bp, bounds=(-1.0, 1.0)):
        a, x, y = b.params["a"], b.states["x"], b.states["y"]
        if np.max(np.abs(y)) < 1e-12:
            np.testing.assert_allclose(x**2, a, atol=1e-10)
            found.add("x axis")
        elif np.max(np.abs(x)) < 1e-12:
            np.testing.assert_allclose(y**2, a, atol=1e-10)
            found.add("y axis")
        else:
            np.testing.assert_allclose(np.abs(x), np.abs(y), atol=1e-10)
            np.testing.assert_allclose(4 * x**2, a, atol=1e-10)
            found.add("diagonal" if np.all(x * y >= -1e-12) else "antidiagonal")
        assert x.min() < -0.49 and x.max() > 0.49 or y.min() < -0.99  # both halves, through the point
    assert found == {"x axis", "y axis", "diagonal", "antidiagonal"}


def test_two_dimensional_kernel_branches_found_whatever_the_orientation():
    """The same square-symmetric system rotated by 20 degrees: the kernel's basis says nothing
    about where the branches lie, which are now at -20, 25, 70 and 115 degrees (mod 180)."""
    th = np.radians(20.0)
    c, s = np.cos(th), np.sin(th)

    def f(u, v, a=-1.0):
        x, y = c * u - s * v, s * u + c * v
        fx, fy = a * x - x**3 - 3 * x * y**2, a * y - y**3 - 3 * x**2 * y
        return c * fx + s * fy, -s * fx + c * fy

    (bp,) = ct.equilibria(da.ode(f, name="D4 rotated"), "a", bounds=(-1.0, 1.0), start={"u": 0.0, "v": 0.0}).points("BP")
    angles = []
    for b in ct.switch(bp, bounds=(-1.0, 1.0)):
        i = np.argmax(b.params["a"])
        angles.append(np.degrees(np.arctan2(b.states["v"][i], b.states["u"][i])) % 180.0)
    np.testing.assert_allclose(sorted(angles), [25.0, 70.0, 115.0, 160.0], atol=1e-6)
