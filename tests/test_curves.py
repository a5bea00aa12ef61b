"""Two-parameter continuation of fold and Hopf points: curves and codimension-two points against
closed forms (cusp, Bogdanov–Takens and Bautin normal forms, FitzHugh–Nagumo) and an independent
SciPy computation (Wong–Wang)."""
import numpy as np
import pytest
from scipy.optimize import brentq, fsolve

import dynanalysis as da
from dynanalysis import continuation as ct
from dynanalysis.models import FitzHughNagumo, WongWang

cusp = da.ode(lambda x, mu=0.0, lam=1.0: mu + lam * x - x**3, name="cusp")
CUSP_BOUNDS = {"mu": (-1.0, 1.0), "lam": (-0.5, 2.0)}


# s = +-1 is a parameter: both signs share one compiled program
bogdanov_takens = da.ode(lambda x, y, b1=-0.5, b2=-1.0, s=-1.0: (y, b1 + b2 * x + x**2 + s * x * y),
                         name="Bogdanov-Takens")


def _cusp_lp(lam=1.0):
    b = ct.equilibria(cusp, "mu", bounds=(-1.5, 1.5), start={"x": -np.sqrt(lam)}, params={"mu": 0.0, "lam": lam})
    return b.points("LP")


def test_cusp_fold_curves_and_cusp_point():
    lp = _cusp_lp()
    assert len(lp) == 2
    # from the fold at mu = +2 / (3 sqrt 3) (x = -1/sqrt 3) towards smaller lam: down one fold
    # branch, through the cusp, up the other one
    c = ct.fold_curve(lp[0], "lam", bounds=CUSP_BOUNDS, direction=-1)
    assert c.kind == "fold" and c.parameter == "lam" and list(c.params) == ["mu", "lam"]
    assert c.status == "bounds"
    mu, lam, x = c.params["mu"], c.params["lam"], c.states["x"]
    # closed form: f = f_x = 0 <=> lam = 3 x^2, mu = -2 x^3, i.e. 27 mu^2 = 4 lam^3
    assert np.max(np.abs(27 * mu**2 - 4 * lam**3)) < 1e-9
    assert np.max(np.abs(lam - 3 * x**2)) < 1e-9 and np.max(np.abs(mu + 2 * x**3)) < 1e-9
    assert mu.min() < -0.9 and mu.max() > 0.38 and np.all(lam >= 0)  # both branches
    (cp,) = c.special_points
    assert cp.kind == "CP" and cp.data["located"]
    assert abs(cp.params["mu"]) < 1e-8 and abs(cp.params["lam"]) < 1e-8 and abs(cp.states["x"]) < 1e-8
    assert set(cp.params) == {"mu", "lam"} and cp.model.parameters["lam"] == cp.params["lam"]
    assert np.all(c.stable)  # no eigenvalue besides the critical one
    # the same curve from a brute-force sweep's fold point (less sharply located: refined first)
    sweep = da.Bifurcation1D(cusp, {"mu": (-1.0, 1.0)}, {"x": (-2, 2)}, pars_update={"lam": 1.0},
                             resolutions={"mu": 0.05, "x": 0.02}).compute()
    lp_sweep = min(sweep.points("LP"), key=lambda s: s.params["mu"])  # mu = -2 / (3 sqrt 3)
    c2 = ct.fold_curve(lp_sweep, "lam", bounds=CUSP_BOUNDS, direction=-1, max_steps=30)
    assert np.max(np.abs(27 * c2.params["mu"] ** 2 - 4 * c2.params["lam"] ** 3)) < 1e-9
    assert [s.kind for s in c2.special_points] == ["CP"] and abs(c2.special_points[0].params["lam"]) < 1e-8


@pytest.mark.parametrize("s", [-1.0, 1.0])
def test_bogdanov_takens_normal_form(s):
    m = bogdanov_takens.with_params(s=s)
    # at b2 = -1: a Hopf point at b1 = 0 (x = 0: trace s x = 0, det -b2 > 0) and a fold at
    # b1 = 1/4 (x = 1/2), both exact (the equilibria-born starts are tested on the cusp and FHN)
    h = da.SpecialPoint("H", {"b1": 0.0}, {"x": 0.0, "y": 0.0}, {}, m.with_params(b1=0.0))
    lp = da.SpecialPoint("LP", {"b1": 0.25}, {"x": 0.5, "y": 0.0}, {}, m.with_params(b1=0.25))
    bounds = {"b1": (-1.0, 1.0), "b2": (-1.5, 1.5)}

    fold = ct.fold_curve(lp, "b2", bounds=bounds)
    b1, b2, x = fold.params["b1"], fold.params["b2"], fold.states["x"]
    assert fold.status == "bounds" and b2.min() < -0.99 and b2.max() > 1.49
    assert np.max(np.abs(b1 - b2**2 / 4)) < 1e-12  # closed form: b1 = b2^2 / 4, x = -b2 / 2
    assert np.max(np.abs(x + b2 / 2)) < 1e-12 and np.max(np.abs(fold.states["y"])) < 1e-12
    (bt,) = fold.special_points
    assert bt.kind == "BT" and bt.data["located"]
    assert abs(bt.params["b1"]) < 1e-8 and abs(bt.params["b2"]) < 1e-8 and abs(bt.states["x"]) < 1e-8
    assert np.max(np.abs(bt.data["eigenvalues"])) < 1e-8  # a double zero eigenvalue
    # the other eigenvalue is the trace s x: stable where s x < 0
    inner = np.abs(x) > 1e-6
    assert np.array_equal(fold.stable[inner], s * x[inner] < 0)

    hopf = ct.hopf_curve(h, "b2", bounds=bounds)
    assert hopf.kind == "hopf" and hopf.status == "bounds"
    b1, b2 = hopf.params["b1"], hopf.params["b2"]
    assert np.max(np.abs(b1)) < 1e-12 and np.max(np.abs(hopf.states["x"])) < 1e-12  # closed form: b1 = 0
    assert b2[0] == pytest.approx(-1.0, abs=1e-12) and b2[-1] == pytest.approx(1.5, abs=1e-12)
    (bt,) = hopf.special_points
    assert bt.kind == "BT" and abs(bt.params["b1"]) < 1e-8 and abs(bt.params["b2"]) < 1e-8
    # kappa = lambda_1 lambda_2 = det J = -b2: omega^2 on the Hopf part (b2 < 0), neutral saddles beyond
    np.testing.assert_allclose(hopf.tests["kappa"], -b2, atol=1e-12)
    hp = b2 < -1e-6
    np.testing.assert_allclose(hopf.tests["frequency"][hp], np.sqrt(-b2[hp]), rtol=1e-10)
    assert np.all(np.isnan(hopf.tests["frequency"][b2 > 1e-6]))
    # towards more negative b2 the curve meets nothing
    other = ct.hopf_curve(h, "b2", bounds=bounds, direction=-1)
    assert other.special_points == [] and other.params["b2"][-1] == pytest.approx(-1.5, abs=1e-12)

    # drawn in the (b1, b2) plane: fold solid, Hopf dashed, neutral saddles dotted, BT marked once
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    _, ax = plt.subplots()
    for curve in (fold, hopf, other):
        curve.plot(ax=ax)
    assert ax.get_xlabel() == "b1" and ax.get_ylabel() == "b2"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sorted(labels) == sorted(["fold curve (LP)", "Bogdanov–Takens (BT)", "Hopf curve (H)", "neutral saddles"])
    styles = {line.get_label(): line.get_linestyle() for line in ax.get_lines()}
    assert styles["fold curve (LP)"] == "-" and styles["Hopf curve (H)"] == "--" and styles["neutral saddles"] == ":"
    plt.close("all")


def test_bautin_normal_form_generalised_hopf_point():
    # z' = (b1 + i) z + b2 z |z|^2 - z |z|^4 in real form, shifted to the equilibrium
    # (u, v) = (b2, b2^2): Hopf curve b1 = 0, first Lyapunov coefficient l1 = 2 b2 / omega with
    # omega = 1 (|q| = 1, see dynanalysis.normalform), GH at b2 = 0
    def bautin(u, v, b1=-0.5, b2=-0.5):
        x, y = u - b2, v - b2**2
        r2 = x * x + y * y
        g = b2 * r2 - r2 * r2
        return b1 * x - y + g * x, x + b1 * y + g * y

    m = da.ode(bautin, name="bautin")
    h = da.SpecialPoint("H", {"b1": 0.0}, {"u": -0.5, "v": 0.25}, {}, m.with_params(b1=0.0))  # exact
    c = ct.hopf_curve(h, "b2", bounds={"b1": (-1.0, 1.0), "b2": (-0.5, 0.6)})
    assert c.status == "bounds" and c.params["b2"][-1] == pytest.approx(0.6, abs=1e-12)
    b2 = c.params["b2"]
    assert np.max(np.abs(c.params["b1"])) < 1e-12
    assert np.max(np.abs(c.states["u"] - b2)) < 1e-12 and np.max(np.abs(c.states["v"] - b2**2)) < 1e-12
    np.testing.assert_allclose(c.tests["lyapunov"], 2 * b2, atol=1e-9)
    np.testing.assert_allclose(c.tests["frequency"], 1.0, atol=1e-12)
    (gh,) = c.special_points
    assert gh.kind == "GH" and gh.data["located"] and abs(gh.params["b2"]) < 1e-10 and abs(gh.params["b1"]) < 1e-12
    assert abs(gh.data["lyapunov"]) < 1e-9 and gh.data["frequency"] == pytest.approx(1.0, abs=1e-12)


def test_zero_hopf_points_on_hopf_and_fold_curves():
    # (x, y): Hopf normal form with a = b1 + z (l1 = -2 with |q| = 1); z' = b2 - z^2.
    # Equilibria (0, 0, z), z^2 = b2; eigenvalues a +- i and -2 z.  Hopf curve: b1 = -z, b2 = z^2;
    # fold curve: z = 0, b2 = 0.  Both meet at the zero-Hopf point (b1, b2) = (0, 0).
    def field(x, y, z, b1=-1.0, b2=1.0):
        a, r2 = b1 + z, x * x + y * y
        return a * x - y - x * r2, x + a * y - y * r2, b2 - z * z

    m = da.ode(field, name="zero-Hopf")
    h = da.SpecialPoint("H", {"b1": -1.0}, {"x": 0.0, "y": 0.0, "z": 1.0}, {}, m)  # exact
    c = ct.hopf_curve(h, "b2", bounds={"b1": (-2.0, 2.0), "b2": (-1.0, 2.0)}, direction=-1)
    z = c.states["z"]
    assert c.status == "bounds" and z.min() < -1.0
    assert np.max(np.abs(c.params["b1"] + z)) < 1e-12 and np.max(np.abs(c.params["b2"] - z**2)) < 1e-12
    np.testing.assert_allclose(c.tests["lyapunov"], -2.0, atol=1e-9)
    (zh,) = c.special_points
    assert zh.kind == "ZH" and zh.data["located"] and abs(zh.params["b1"]) < 1e-10 and abs(zh.params["b2"]) < 1e-10
    assert zh.data["frequency"] == pytest.approx(1.0, abs=1e-10)
    inner = np.abs(z) > 1e-6  # the other eigenvalue -2 z decides stability
    assert np.array_equal(c.stable[inner], z[inner] > 0)

    lp = da.SpecialPoint("LP", {"b2": 0.0}, {"x": 0.0, "y": 0.0, "z": 0.0}, {}, m.with_params(b2=0.0))
    f = ct.fold_curve(lp, "b1", bounds={"b1": (-1.0, 1.0), "b2": (-1.0, 2.0)})
    b1 = f.params["b1"]
    assert f.status == "bounds" and b1[-1] == pytest.approx(1.0, abs=1e-12)
    assert np.max(np.abs(f.params["b2"])) < 1e-12 and np.max(np.abs(f.states["z"])) < 1e-12
    (zh,) = f.special_points
    assert zh.kind == "ZH" and abs(zh.params["b1"]) < 1e-10 and abs(zh.params["b2"]) < 1e-10
    # the other eigenvalues b1 +- i: unstable pair beyond the zero-Hopf point
    inner = np.abs(b1) > 1e-6
    assert np.array_equal(f.n_unstable[inner], np.where(b1[inner] > 0, 2, 0))


def test_fitzhugh_nagumo_hopf_curve_in_I_and_a():
    fhn = FitzHughNagumo()
    (b, tau) = fhn.parameters["b"], fhn.parameters["tau"]
    h = sorted(ct.equilibria(fhn, "I", bounds=(0.0, 2.0), start=None).points("H"), key=lambda s: s.params["I"])
    c = ct.hopf_curve(h[0], "a", bounds={"I": (-1.0, 2.0), "a": (0.0, 1.5)}, direction=-1)
    assert c.status == "bounds" and c.params["a"][-1] == pytest.approx(0.0, abs=1e-12)
    c2 = ct.hopf_curve(h[0], "a", bounds={"I": (-1.0, 2.0), "a": (0.0, 1.5)})
    # closed form: trace J = 1 - V^2 - b / tau = 0 fixes V = -sqrt(1 - b / tau) on this branch;
    # the equilibrium equations give w = (V + a) / b and I = w - V + V^3 / 3: affine in a
    V = -np.sqrt(1 - b / tau)
    for cv in (c, c2):
        a = cv.params["a"]
        assert np.max(np.abs(cv.params["I"] - ((V + a) / b - V + V**3 / 3))) < 1e-8
        assert np.max(np.abs(cv.states["V"] - V)) < 1e-8 and np.max(np.abs(cv.states["w"] - (V + a) / b)) < 1e-8
        # J does not depend on a: the frequency (REFERENCE.md) and l1 stay, no codim-2 point
        np.testing.assert_allclose(cv.tests["frequency"], 0.275506805723561, atol=1e-9)
        assert np.all(cv.tests["lyapunov"] > 0) and cv.special_points == []
    assert c2.params["a"][-1] == pytest.approx(1.5, abs=1e-12)


def _ww_numpy(s, mu, c):
    """Wong–Wang (MODELS.md defaults) written in the test with NumPy; complex arguments allowed
    (complex-step Jacobian)."""
    g, tau, a, b, d = 0.641, 0.1, 270.0, 108.0, 0.154
    JE, JI, I0, JA = 0.2609, 0.0497, 0.3255, 0.00052
    s1, s2 = s
    x1 = JE * s1 - JI * s2 + I0 + JA * mu * (1 + c / 100)
    x2 = JE * s2 - JI * s1 + I0 + JA * mu * (1 - c / 100)
    r = lambda x: (a * x - b) / (1 - np.exp(-d * (a * x - b)))  # noqa: E731  (a x != b here)
    return np.array([-s1 / tau + (1 - s1) * g * r(x1), -s2 / tau + (1 - s2) * g * r(x2)])


def _ww_fold_scipy(c, guess):
    """Independent: fsolve on f = 0, det f_x = 0 in (s1, s2, mu) at fixed c; f_x by complex step."""
    def F(z):
        s, mu = z[:2], z[2]
        J = np.stack([_ww_numpy(s + 1e-30j * e, mu, c).imag / 1e-30 for e in np.eye(2)], axis=1)
        return np.r_[_ww_numpy(s, mu, c), np.linalg.det(J)]

    z, info, ok, msg = fsolve(F, guess, xtol=1e-13, full_output=True)
    assert ok == 1, msg
    return z


def _ww_pitchfork():
    """Independent (as in test_bifurcation): at c = 0 the antisymmetric eigenvalue of the
    symmetric state s1 = s2 = s vanishes (brentq in mu)."""
    g, tau, a, b, d = 0.641, 0.1, 270.0, 108.0, 0.154
    JE, JI, I0, JA = 0.2609, 0.0497, 0.3255, 0.00052
    r = lambda x: (a * x - b) / (1 - np.exp(-d * (a * x - b)))  # noqa: E731
    dr = lambda x: (r(x + 1e-30j)).imag / 1e-30  # noqa: E731

    def antisym(mu):
        x = lambda s: (JE - JI) * s + I0 + JA * mu  # noqa: E731
        s = brentq(lambda s: -s / tau + (1 - s) * g * r(x(s)), 0.05, 0.25, xtol=1e-15)
        return -1 / tau - g * r(x(s)) + (1 - s) * g * dr(x(s)) * (JE + JI)

    return brentq(antisym, 5, 15, xtol=1e-13)


def test_wong_wang_fold_curve_against_scipy_and_cusp_at_the_pitchfork():
    # at c = 5 % the low state's branch folds near mu = 8.8 Hz (the imperfect pitchfork); its fold
    # curve towards c = 0 ends in the cusp where the c = 0 pitchfork sits, then goes on as its
    # mirror image.  The start is SciPy's fold point (an asymmetric guess near the pitchfork),
    # given as a user-built SpecialPoint.
    s1, s2, mu = _ww_fold_scipy(5.0, np.array([0.15, 0.13, 10.0]))
    lp = da.SpecialPoint("LP", {"mu": mu}, {"s1": s1, "s2": s2}, {}, WongWang(c=5.0, mu=mu))
    c = ct.fold_curve(lp, "c", bounds={"mu": (0.0, 80.0), "c": (-20.0, 20.0)}, direction=-1)
    assert c.status == "bounds" and c.params["c"][-1] == pytest.approx(-20.0, abs=1e-10)
    # every third point, away from the cusp (near c = 0 two folds at one c coalesce and SciPy's
    # fold system at fixed c is singular)
    idx = np.flatnonzero(np.abs(c.params["c"]) > 1.0)[::3]
    for i in idx:
        z = np.r_[c.states["s1"][i], c.states["s2"][i], c.params["mu"][i]]
        ref = _ww_fold_scipy(c.params["c"][i], z + np.array([2e-3, -2e-3, 0.2]))
        assert np.max(np.abs(z - ref) / np.array([1.0, 1.0, 80.0])) < 1e-7, (c.params["c"][i], z, ref)
    (cp,) = c.special_points
    assert cp.kind == "CP" and abs(cp.params["c"]) < 1e-8
    assert abs(cp.params["mu"] - _ww_pitchfork()) < 1e-6
    assert abs(cp.states["s1"] - cp.states["s2"]) < 1e-8
    assert c.params["c"][idx].min() < -10 and c.params["c"][idx].max() > 0  # both sides of the cusp


def test_bad_input_exhausted_steps_and_no_recompilation(compilations):
    lp = _cusp_lp()
    with pytest.raises(ValueError, match=r"both parameters 'mu' and 'lam': missing \['lam'\]"):
        ct.fold_curve(lp[0], "lam", bounds={"mu": (-1, 1)})
    with pytest.raises(ValueError, match="reversed"):
        ct.fold_curve(lp[0], "lam", bounds={"mu": (-1, 1), "lam": (2, 0)})
    with pytest.raises(ValueError, match=r"lam = 1 lies outside bounds\['lam'\]"):
        ct.fold_curve(lp[0], "lam", bounds={"mu": (-1, 1), "lam": (1.5, 2)})
    with pytest.raises(ValueError, match="second_parameter 'nu' is not a parameter of cusp"):
        ct.fold_curve(lp[0], "nu", bounds={"mu": (-1, 1), "nu": (0, 2)})
    with pytest.raises(ValueError, match="hopf_curve starts from a H point; got a 'LP' point"):
        ct.hopf_curve(lp[0], "lam", bounds=CUSP_BOUNDS)
    with pytest.raises(ValueError, match="direction must be"):
        ct.fold_curve(lp[0], "lam", bounds=CUSP_BOUNDS, direction=0)
    with pytest.raises(ValueError, match="needs a SpecialPoint"):
        ct.fold_curve({"mu": 0.38}, "lam", bounds=CUSP_BOUNDS)
    moved = da.SpecialPoint("LP", {"mu": 0.3}, {"x": -0.2}, {}, cusp.with_params(mu=0.3))
    with pytest.raises(ValueError, match="not a fold point"):
        ct.fold_curve(moved, "lam", bounds=CUSP_BOUNDS)
    c = ct.fold_curve(lp[0], "lam", bounds=CUSP_BOUNDS, max_steps=3)
    assert c.status == "max_steps" and len(c) == 4 and 1.0 < c.params["lam"][-1] < 2.0  # direction +1
    # parameters, starts, bounds and steps are data: a repeat with other values compiles nothing
    with compilations() as new:
        lp2 = _cusp_lp(lam=1.5)
        c2 = ct.fold_curve(lp2[1], "lam", bounds={"mu": (-1.2, 1.2), "lam": (-1.0, 2.5)}, ds=0.02, max_steps=5)
    assert new.count == 0
    assert c2.params["lam"][0] == pytest.approx(1.5, abs=1e-12)
    # Hopf curves too (the step and the batched Lyapunov coefficients)
    bounds = {"b1": (-1.0, 1.0), "b2": (-1.5, 1.5)}
    m = bogdanov_takens.with_params(b2=-1.0)
    ct.hopf_curve(da.SpecialPoint("H", {"b1": 0.0}, {"x": 0.0, "y": 0.0}, {}, m.with_params(b1=0.0)), "b2",
                  bounds=bounds, max_steps=5)
    with compilations() as new:
        m2 = bogdanov_takens.with_params(b2=-0.5, s=1.0)
        c3 = ct.hopf_curve(da.SpecialPoint("H", {"b1": 0.0}, {"x": 0.0, "y": 0.0}, {}, m2.with_params(b1=0.0)), "b2",
                           bounds={"b1": (-2.0, 2.0), "b2": (-1.0, 1.0)}, ds=0.02, direction=-1, max_steps=7)
    assert new.count == 0
    assert len(c3) == 8 and np.all(np.diff(c3.params["b2"]) < 0)
    assert np.max(np.abs(27 * c2.params["mu"] ** 2 - 4 * c2.params["lam"] ** 3)) < 1e-9
