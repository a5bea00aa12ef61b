"""Regression tests for the trust issues found with BrainPy's scripts and edge inputs: swept
parameters without defaults, hybrid models' equilibria beyond the threshold, non-autonomous
fields, degenerate 1-D roots, non-numeric input, plots on the current axes.  References are
closed forms the code does not compute."""
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import dynanalysis as da  # noqa: E402
from dynanalysis import continuation as ct  # noqa: E402
from dynanalysis import math as dm  # noqa: E402
from dynanalysis.models import LIF, FitzHughNagumo  # noqa: E402


def int_x(x, t, Iext):  # BrainPy's first bifurcation tutorial: Iext has no default
    return dm.sin(x) + Iext


# --------------------------------------------------------------------------- required parameters
def test_brainpy_tutorial_sweep_of_a_parameter_without_default():
    bif = da.Bifurcation1D(model=int_x, target_vars={"x": [-10, 10]}, target_pars={"Iext": [0., 1.5]},
                           resolutions={"Iext": 0.005, "x": 0.05})
    d = bif.compute()
    lp = d.points("LP")
    # folds of sin(x) + I at I = 1, x = -pi/2 mod 2 pi: three in [-10, 10]
    np.testing.assert_allclose([p.params["Iext"] for p in lp], 1.0, atol=1e-9)
    np.testing.assert_allclose(sorted(p.states["x"] for p in lp), [-2.5 * np.pi, -0.5 * np.pi, 1.5 * np.pi], atol=1e-6)
    # at Iext = 0 the equilibria are k pi; beyond Iext = 1 there are none
    assert d.equilibria.counts[0] == 7 and d.equilibria.counts[-1] == 0


def test_continuation_and_curves_of_parameters_without_default():
    def fold(x, t, mu, lam):          # the cusp: mu + lam x - x^3, no defaults
        return mu + lam * x - x**3
    b = ct.equilibria(fold, "mu", start={"x": -1.3247}, bounds=(-1, 1), params={"lam": 1.0})
    # with mu free the branch starts at its lower bound; folds at mu = +-2/(3 sqrt 3)
    assert b.params["mu"][0] == -1.0
    np.testing.assert_allclose(sorted(p.params["mu"] for p in b.points("LP")), [-2 / 3**1.5, 2 / 3**1.5], atol=1e-9)
    d2 = da.Bifurcation1D(fold, {"mu": (-1, 1), "lam": (0.5, 1.5)}, {"x": (-3, 3)},
                          resolutions={"mu": 0.02, "lam": 0.05}).compute()
    pts = d2.points("LP")
    assert pts
    mu, lam = (np.array([p.params[k] for p in pts]) for k in ("mu", "lam"))
    np.testing.assert_allclose(27 * mu**2, 4 * lam**3, rtol=1e-7)


# --------------------------------------------------------------------------- hybrid models
def test_lif_equilibrium_beyond_threshold_is_excluded():
    fp = da.fixed_points(LIF(I=30.0), {"V": (-10, 40)})
    assert len(fp) == 0                              # V = R I = 30 > V_th = 20: the cell fires
    np.testing.assert_allclose(fp.excluded, [[30.0]], atol=1e-9)
    below = da.fixed_points(LIF(I=10.0), {"V": (-10, 40)})
    np.testing.assert_allclose(below.states["V"], [10.0], atol=1e-9)
    assert list(below.labels) == ["stable"]


def test_lif_sweep_and_continuation_stop_at_the_threshold():
    d = da.Bifurcation1D(LIF(), {"I": (0, 40)}, {"V": (-10, 40)}, resolutions={"I": 0.5}).compute()
    I = d.grid["I"]
    # rest V = V_rest + R I exists exactly while it is below V_th = 20
    np.testing.assert_array_equal(d.equilibria.counts, (I <= 20).astype(int))
    np.testing.assert_array_equal(d.equilibria.excluded, (I > 20).astype(int))
    V = d.equilibria.x[..., 0, 0]
    np.testing.assert_allclose(V[I <= 20], I[I <= 20], atol=1e-9)
    b = ct.equilibria(LIF(I=0.0), "I", start={"V": 0.0}, bounds=(0, 40))
    assert "spike condition" in b.status
    assert 19.0 < b.params["I"][-1] <= 20.0
    assert np.all(b.states["V"] <= 20.0)


# --------------------------------------------------------------------------- non-autonomous fields
def forced(x, t, I=1.0):
    return -x + I * dm.sin(t)


def step_input(V, w, t, I=0.5):
    return V - V**3 / 3 - w + I * (t > 10.0), (V + 0.7 - 0.8 * w) / 12.5


@pytest.mark.parametrize("call", [
    lambda: da.fixed_points(forced, {"x": (-2, 2)}),
    lambda: da.PhasePlane1D(forced, {"x": (-2, 2)}).plot_vector_field(),
    lambda: da.PhasePlane2D(step_input, {"V": (-3, 3), "w": (-3, 3)}).nullclines(),
    lambda: da.PhasePlane2D(step_input, {"V": (-3, 3), "w": (-3, 3)}).vector_field(),
    lambda: da.Bifurcation1D(forced, {"I": (0, 1)}, {"x": (-2, 2)}).compute(),
    lambda: ct.equilibria(forced, "I", start={"x": 0.0}, bounds=(0, 1)),
])
def test_non_autonomous_fields_are_refused(call):
    with pytest.raises(ValueError, match="non-autonomous"):
        call()


def test_time_argument_that_is_unused_is_autonomous():
    def dV(V, t, w, Iext=0.8):
        return V - V**3 / 3 - w + Iext

    def dw(w, t, V, a=0.7, b=0.8):
        return (V + a - b * w) / 12.5
    fp = da.PhasePlane2D([dV, dw], {"V": (-3, 3), "w": (-3, 3)}).fixed_points()
    np.testing.assert_allclose(fp.states["V"], [-0.272900958997298], atol=1e-10)   # REFERENCE.md
    # trajectories of a non-autonomous model are fine: only the frozen-field analyses refuse
    tr = da.PhasePlane2D(step_input, {"V": (-3, 3), "w": (-3, 3)}).trajectory({"V": [0.0], "w": [0.0]}, 1.0)
    assert np.isfinite(tr.states["V"]).all()


# --------------------------------------------------------------------------- 1-D labels
@pytest.mark.parametrize("rhs,label", [(lambda x: -x**3, "degenerate stable"),
                                       (lambda x: x**3, "degenerate unstable"),
                                       (lambda x: x**2, "saddle-node"),
                                       (lambda x: -(x - 0.3)**5, "degenerate stable"),
                                       (lambda x: -x, "stable")])
def test_one_dimensional_non_hyperbolic_roots_are_told_apart(rhs, label):
    def model(x, a=0.0):
        return rhs(x) + a
    fp = da.fixed_points(da.ode(model), {"x": (-1, 2)})
    assert list(fp.labels) == [label]
    assert fp.stable[0] == (label in ("degenerate stable", "stable"))


def test_degenerate_label_in_a_sweep_only_at_the_degenerate_value():
    def model(x, a=0.0):
        return a - x**3
    d = da.Bifurcation1D(model, {"a": (-1, 1)}, {"x": (-2, 2)}, resolutions={"a": 0.25}).compute()
    labels = d.equilibria.labels[:, 0]
    a = d.grid["a"]
    assert labels[a == 0][0] == "degenerate stable"
    assert set(labels[a != 0]) == {"stable"}


# --------------------------------------------------------------------------- input checks
@pytest.mark.parametrize("kwargs,match", [
    (dict(resolutions="0.01"), r"resolutions for 'V' must be a positive step \(a number\), got '0.01'"),
    (dict(resolutions={"V": "0.1", "w": 0.1}), "resolutions for 'V'"),
    (dict(target_vars={"V": ("-3", 3), "w": (-3, 3)}), r"target_vars\['V'\] must be a pair of numbers"),
])
def test_strings_where_numbers_belong_are_named(kwargs, match):
    args = {"target_vars": {"V": (-3, 3), "w": (-3, 3)}, **kwargs}
    with pytest.raises(ValueError, match=match):
        da.PhasePlane2D(FitzHughNagumo(), **args)


def test_bifurcation_resolution_string_is_named():
    with pytest.raises(ValueError, match="resolutions for 'I'"):
        da.Bifurcation2D(FitzHughNagumo(), {"I": (0, 1)}, {"V": (-3, 3), "w": (-3, 3)}, resolutions={"I": "fine"})


# --------------------------------------------------------------------------- plots
def test_plot_calls_draw_one_portrait_on_the_current_axes():
    plt.close("all")
    pp = da.PhasePlane2D(FitzHughNagumo(), {"V": (-3, 3), "w": (-3, 3)}, pars_update={"I": 0.8}, resolutions=0.05)
    pp.plot_vector_field()
    pp.plot_nullcline()
    pp.plot_fixed_point()
    pp.plot_trajectory({"V": [-2.8], "w": [-1.8]}, duration=50.0)
    assert plt.get_fignums() == [1]
    ax = plt.gca()
    assert len(ax.lines) >= 3 and ax.collections          # nullclines, point, trajectory; streamlines
    fig, own = plt.subplots()
    pp.plot_fixed_point(ax=own)                           # an explicit ax still wins
    assert len(plt.get_fignums()) == 2 and own.lines
    plt.close("all")


def test_one_variable_transcritical_is_a_branch_point_in_continuation_and_sweep():
    def tc(x, p=-1.0):                  # x' = p x - x^2: the branches x = 0 and x = p cross at p = 0
        return p * x - x**2
    b = ct.equilibria(tc, "p", start={"x": 0.0}, bounds=(-1, 1))
    (pt,) = b.special_points
    assert pt.kind == "BP" and abs(pt.params["p"]) < 1e-9 and abs(pt.states["x"]) < 1e-9
    sweep = da.Bifurcation1D(tc, {"p": (-1, 1)}, {"x": (-2, 2)}, resolutions={"p": 0.1}).compute()
    assert [s.kind for s in sweep.special_points] == ["BP"]
    assert abs(sweep.special_points[0].params["p"]) < 1e-9


def test_fixed_point_finder_refuses_a_non_autonomous_model():
    with pytest.raises(ValueError, match="non-autonomous"):
        da.FixedPointFinder(da.ode(forced))
