"""Result conventions: every result has ``variables``, a JSON-safe ``to_dict()``, ``.plot(ax=None,
**style)`` returning the Axes, ``stable`` by one rule, ``status``/``message`` where it can fail,
and its renamed attributes as deprecated aliases.  Values are checked against closed forms of the
Hopf normal form r' = mu r - r^3, theta' = b (cycle radius sqrt(mu), period 2 pi / b, non-trivial
Floquet multiplier exp(-2 mu T), Hopf point at mu = 0 with frequency b) and of x' = a - x^2."""
import json
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import dynanalysis as da  # noqa: E402
from dynanalysis import continuation as ct  # noqa: E402
from dynanalysis._model.results import plain  # noqa: E402
from dynanalysis._numerics.spectra import stable_cycle  # noqa: E402
from dynanalysis._numerics.status import Status  # noqa: E402

HOPF = da.ode(lambda x, y, mu=-1.0, b=1.0: (mu * x - b * y - x * (x * x + y * y),
                                            b * x + mu * y - y * (x * x + y * y)), name="hopf-normal-form")
FOLD = da.ode(lambda x, a=0.5: a - x * x, name="fold-normal-form")
BOX = {"x": (-1.0, 1.0), "y": (-1.0, 1.0)}


def dumped(result) -> dict:
    """``to_dict`` through JSON and back: it must be plain data."""
    return json.loads(json.dumps(result.to_dict(), allow_nan=False))


def draws(result, **style):
    fig = plt.figure()
    try:
        assert isinstance(result.plot(**style), matplotlib.axes.Axes)
        ax = fig.add_subplot()
        assert result.plot(ax=ax, **style) is ax
    finally:
        plt.close(fig)


@pytest.fixture(scope="module")
def branch():
    return ct.equilibria(HOPF, "mu", start={"x": 0.0, "y": 0.0}, params={"mu": -0.4}, bounds=(-0.5, 0.5))


@pytest.fixture(scope="module")
def hopf(branch):
    (h,) = branch.points("H")
    return h


def test_plain_converts_numpy_nan_complex_and_nesting():
    data = {"a": np.array([1.0, np.nan, np.inf]), "b": np.complex128(1 - 2j), 3: [np.int64(4), (np.bool_(True),)],
            "c": np.array([[1 + 1j]]), "d": Status.CONVERGED, "e": np.array(["s", "u"], dtype=object)}
    assert plain(data) == {"a": [1.0, None, None], "b": [1.0, -2.0], "3": [4, [True]], "c": [[[1.0, 1.0]]],
                           "d": "converged", "e": ["s", "u"]}
    with pytest.raises(TypeError, match="cannot convert a object"):
        plain(object())


def test_trajectory(recwarn):
    mu, r0, T = 0.25, 0.1, 10.0
    tr = da.simulate(HOPF, {"x": r0, "y": 0.0}, T, dt=0.01, params={"mu": mu})
    r = np.sqrt(mu / (1 + (mu / r0**2 - 1) * np.exp(-2 * mu * T)))  # closed form of r' = mu r - r^3
    d = dumped(tr)
    assert d["variables"] == ["x", "y"] == list(tr.variables) == list(HOPF.variables)
    assert d["model"] == "hopf-normal-form"
    assert abs(d["states"]["x"][-1] - r * np.cos(T)) < 1e-8 and abs(d["t"][-1] - T) < 1e-12
    draws(tr)


def test_fixed_points_and_their_aliases():
    pp = da.PhasePlane2D(HOPF, target_vars=BOX, pars_update={"mu": -1.0}, resolutions=0.1)
    fp = pp.fixed_points()
    assert fp.variables == HOPF.variables and fp.status == Status.CONVERGED and "0 of" in fp.message
    d = dumped(fp)
    (point,) = d["points"]
    assert abs(point["x"]) < 1e-12 and abs(point["y"]) < 1e-12 and point["label"] == "stable focus"
    # the linearisation at the origin is [[mu, -b], [b, mu]]: eigenvalues mu +- i b
    assert np.allclose(sorted(map(tuple, point["eigenvalues"])), [(-1.0, -1.0), (-1.0, 1.0)], atol=1e-12)
    assert d["stable"] == [True] and d["status"] == "converged"
    with pytest.warns(DeprecationWarning, match="FixedPoints.values is deprecated; use FixedPoints.states"):
        old = fp.values
    assert old is fp.states
    draws(fp)
    nc = pp.nullclines()
    dn = dumped(nc)
    assert nc.variables == HOPF.variables and set(dn["curves"]) == {"x", "y"}
    for cx, cy in dn["curves"]["x"][0]:  # on dx/dt = 0
        assert abs(-cx - cy - cx * (cx * cx + cy * cy)) < 1e-8
    draws(nc)
    vf = pp.vector_field()
    dv = dumped(vf)
    X, Y, U = (np.array(dv[k]) for k in "XYU")
    assert vf.variables == HOPF.variables
    np.testing.assert_allclose(U, -X - Y - X * (X * X + Y * Y), atol=1e-12)
    draws(vf)


def test_line_field():
    lf = da.PhasePlane1D(FOLD, target_vars={"x": (-2.0, 2.0)}).vector_field()
    d = dumped(lf)
    assert lf.variables == ("x",) == FOLD.variables
    np.testing.assert_allclose(d["dx"], 0.5 - np.array(d["x"]) ** 2, atol=1e-14)
    draws(lf)


def test_limit_cycle_status_multipliers_and_aliases():
    mu = 0.25
    lc = da.limit_cycle(HOPF, {"x": 0.5, "y": 0.0}, 100.0, params={"mu": mu})
    assert lc.status == Status.CONVERGED and lc.found and lc.message == lc.reason == ""
    assert lc.variables == HOPF.variables
    d = dumped(lc)
    assert abs(d["period"] - 2 * np.pi) < 1e-8 and abs(d["maximum"]["x"] - np.sqrt(mu)) < 1e-6
    mult = np.array(d["multipliers"])  # [re, im] pairs where complex (eigvals of a real matrix)
    mods = np.abs(mult) if mult.ndim == 1 else np.hypot(*mult.T)
    assert np.allclose(sorted(mods), [np.exp(-2 * mu * 2 * np.pi), 1.0], atol=1e-6)
    assert d["stable"] is True and lc.stable == stable_cycle(lc.multipliers)
    with pytest.warns(DeprecationWarning, match="LimitCycle.floquet_multipliers"):
        assert lc.floquet_multipliers is lc.multipliers
    with pytest.warns(DeprecationWarning, match="LimitCycle.orbit"):
        assert lc.orbit is lc.states
    with pytest.warns(DeprecationWarning, match=r"LimitCycle\(floquet_multipliers=\.\.\.\) is deprecated"):
        built = da.LimitCycle(True, 1.0, floquet_multipliers=np.array([1.0, 0.5]))
    assert built.multipliers[1] == 0.5 and built.status == Status.CONVERGED
    draws(lc)
    none = da.limit_cycle(HOPF, {"x": 0.5, "y": 0.0}, 100.0, params={"mu": -0.5})
    assert not none.found and none.status == Status.NOT_FOUND and none.message == none.reason != ""
    assert dumped(none)["status"] == "not found"


def test_stable_cycle_rule():
    assert stable_cycle(np.array([1.0 + 1e-9, 0.5, -0.2j])) is True
    assert stable_cycle(np.array([1.0, 1.2])) is False
    np.testing.assert_array_equal(stable_cycle(np.array([[1.0, 0.3], [1.0, -1.5]])), [True, False])
    assert stable_cycle(None) is None


def test_equilibrium_branch_special_point_and_alias(branch, hopf):
    assert branch.variables == HOPF.variables
    d = dumped(branch)
    (h,) = [s for s in d["special_points"] if s["kind"] == "H"]
    # Hopf point of the normal form: mu = 0, frequency b = 1
    assert abs(h["params"]["mu"]) < 1e-10 and abs(h["data"]["frequency"] - 1.0) < 1e-10
    assert h["state"] == h["states"] and abs(h["states"]["x"]) < 1e-10
    # complex data as [re, im]: eigenvalues +- i b; first Lyapunov coefficient 2 s / b = -2 (s = -1)
    assert np.allclose(sorted(map(tuple, h["data"]["eigenvalues"])), [(0.0, -1.0), (0.0, 1.0)], atol=1e-10)
    assert abs(h["data"]["lyapunov"] + 2.0) < 1e-8 and h["data"]["criticality"] == "supercritical"
    assert hopf.variables == HOPF.variables and dumped(hopf)["model"] == "hopf-normal-form"
    with pytest.warns(DeprecationWarning, match="SpecialPoint.state is deprecated"):
        assert hopf.state is hopf.states
    draws(branch)
    draws(hopf)
    with pytest.raises(AttributeError, match="only a periodic branch"):
        branch.period  # noqa: B018


def test_periodic_branch_fields(hopf):
    c = ct.periodic_orbits(hopf, bounds=(-0.5, 0.5), ntst=20)
    mu = c.params["mu"]
    assert np.max(np.abs(c.period - 2 * np.pi)) < 1e-9 and c.period is c.states["period"]
    big = mu > 0.01
    np.testing.assert_allclose(c.maximum["x"][big], np.sqrt(mu[big]), rtol=1e-6)
    np.testing.assert_allclose(c.minimum["y"][big], -np.sqrt(mu[big]), rtol=1e-6)
    assert set(c.maximum) == set(c.minimum) == set(HOPF.variables)
    assert c.multipliers is c.eigenvalues
    np.testing.assert_array_equal(c.stable[big], stable_cycle(c.multipliers[big], 1e-6))
    d = dumped(c)
    assert np.allclose(d["period"], 2 * np.pi) and d["maximum"]["x"] == d["states"]["x_max"]
    assert len(d["multipliers"]) == len(c) and len(d["multipliers"][0]) == 2  # n = 2 per point
    draws(c)


def test_hopf_curve(hopf):
    curve = ct.hopf_curve(hopf, "b", bounds={"mu": (-1.0, 1.0), "b": (0.5, 1.5)})
    d = dumped(curve)
    assert curve.variables == HOPF.variables
    np.testing.assert_allclose(d["tests"]["frequency"], d["params"]["b"], atol=1e-8)  # omega = b
    assert np.max(np.abs(d["params"]["mu"])) < 1e-8
    draws(curve)


def test_sweep_diagram_and_its_parts():
    diagram = da.Bifurcation1D(FOLD, target_pars={"a": (-1.0, 1.0)}, target_vars={"x": (-2.0, 2.0)},
                               resolutions={"a": 0.01}).compute()
    d = dumped(diagram)
    assert diagram.variables == FOLD.variables and d["variables"] == ["x"]
    (lp,) = [s for s in d["special_points"] if s["kind"] == "LP"]
    assert abs(lp["params"]["a"]) < 1e-8 and abs(lp["states"]["x"]) < 1e-4  # fold of a - x^2 at (0, 0)
    a = np.array(d["grid"]["a"])
    assert d["counts"] == np.where(a > 0, 2, np.where(a < 0, 0, 1)).tolist() or abs(a).min() > 0
    eq = diagram.equilibria
    assert eq.variables == ("x",) and eq.states["x"].shape == eq.valid.shape
    # stable: the root +sqrt(a) (f_x = -2 x < 0) by the one label rule
    np.testing.assert_array_equal(eq.stable[eq.valid], eq.x[..., 0][eq.valid] > 0)
    dumped(eq)
    draws(diagram)


def test_continuation_diagram():
    diagram = da.Bifurcation(HOPF, {"mu": (-0.5, 0.5)}, target_vars=BOX, method="continuation").compute()
    d = dumped(diagram)
    assert diagram.variables == HOPF.variables and d["model"] == "hopf-normal-form"
    (h,) = [s for s in d["special_points"] if s["kind"] == "H"]
    assert abs(h["params"]["mu"]) < 1e-8 and abs(h["data"]["frequency"] - 1.0) < 1e-8
    draws(diagram)


def test_finder_results():
    finder = da.FixedPointFinder(HOPF)
    fps = finder.find(np.array([[0.1, 0.2], [-0.3, 0.05]]))
    assert fps.variables == HOPF.variables and fps.status == Status.CONVERGED
    d = dumped(fps)
    assert np.allclose(d["points"], [[0.0, 0.0]], atol=1e-10) and d["stable"] == [True]
    assert np.allclose(sorted(map(tuple, d["eigenvalues"][0])), [(-1.0, -1.0), (-1.0, 1.0)], atol=1e-10)
    draws(fps)
    ps = finder.sweep("mu", np.linspace(-1.0, -0.1, 10), {"x": 0.0, "y": 0.0})
    assert ps.variables == HOPF.variables and ps.status == Status.CONVERGED
    dp = dumped(ps)
    np.testing.assert_allclose(np.array(dp["eigenvalues"])[:, 0, 0], dp["values"], atol=1e-12)  # Re = mu
    draws(ps)


def test_workflow_triggers_no_deprecation_warning(branch):
    """The package's own code uses the new names: a small workflow with warnings as errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        pp = da.PhasePlane2D(HOPF, target_vars=BOX, pars_update={"mu": 0.25}, resolutions=0.1)
        fig, ax = plt.subplots()
        pp.plot_vector_field(ax=ax)
        pp.plot_nullcline(ax=ax)
        pp.plot_fixed_point(ax=ax)
        (lc,) = pp.limit_cycle({"x": [0.5], "y": [0.0]}, 100.0)
        lc.plot(ax=ax)
        json.dumps(lc.to_dict())
        h = branch.points("H")[0]
        c = ct.periodic_orbits(h, bounds=(-0.5, 0.5), ntst=12, max_steps=20)
        c.plot(ax=ax)
        json.dumps(c.to_dict())
        branch.plot(ax=ax)
        plt.close(fig)
