"""Bifurcation sweeps: folds, branch points and Hopf points against closed forms and SciPy."""
import numpy as np
import pytest
import jax
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

import dynanalysis as da
from dynanalysis import math as dm

sine = da.ode(lambda x, I=0.0: dm.sin(x) + I, name="sine")
cusp = da.ode(lambda x, mu=0.0, lam=0.0: mu + lam * x - x**3, name="cusp")


def test_sine_folds_exact_although_the_grid_is_coarse():
    d = da.Bifurcation1D(sine, {"I": (-1.5, 1.5)}, {"x": (-10, 10)},
                         resolutions={"I": 0.005, "x": 0.05}).compute()
    lp = d.points("LP")
    assert len(lp) == 6 and not d.points("BP")
    for s in lp:
        assert abs(abs(s.params["I"]) - 1.0) < 1e-9
        # at I = +1 the folds sit at x = -pi/2 mod 2 pi, at I = -1 at +pi/2 mod 2 pi
        target = -np.sign(s.params["I"]) * np.pi / 2
        assert abs(np.mod(s.states["x"] - target + np.pi, 2 * np.pi) - np.pi) < 1e-6
    # every grid value: the equilibria are the roots of sin x = -I (independent: arcsin)
    I = d.grid["I"]
    for j in (150, 200, 300, 450):  # |I| < 1: 6 or 7 simple roots
        roots = np.sort(np.concatenate([np.arcsin(-I[j]) + 2 * np.pi * np.arange(-2, 3),
                                        np.pi - np.arcsin(-I[j]) + 2 * np.pi * np.arange(-2, 3)]))
        roots = roots[(roots >= -10) & (roots <= 10)]
        got = d.equilibria.x[j, d.equilibria.valid[j], 0]
        np.testing.assert_allclose(got, roots, atol=1e-10)


def test_cusp_fold_curves():
    d = da.Bifurcation1D(cusp, {"lam": (0.05, 2.0), "mu": (-1.5, 1.5)}, {"x": (-2, 2)},
                         resolutions={"lam": 0.05, "mu": 0.05, "x": 0.02}).compute()
    lp = d.points("LP")
    assert len(lp) > 40
    for s in lp:
        assert abs(27 * s.params["mu"] ** 2 - 4 * s.params["lam"] ** 3) < 1e-8
        assert abs(s.states["x"] ** 2 - s.params["lam"] / 3) < 1e-8  # f_x = lam - 3 x^2 = 0


sincos = da.ode(lambda x, a=1.0, b=1.0: dm.sin(a * x) + dm.cos(b * x), name="sincos")


def _sincos_derivatives(a, b, x):
    """f, f_x, f_a, f_b of sin(a x) + cos(b x), written here (NumPy)."""
    return (np.sin(a * x) + np.cos(b * x), a * np.cos(a * x) - b * np.sin(b * x), x * np.cos(a * x),
            -x * np.sin(b * x))


def test_sincos_two_parameters_branch_points_not_folds():
    """BrainPy's ``sincos_1d``: x' = sin(a x) + cos(b x), a and b in [0.5, 1.5], x in [-pi, pi].

    The roots are exactly x = (pi/2 + 2 pi k) / (b - a) and x = (2 pi m - pi/2) / (a + b)
    (cos(b x) = cos(a x + pi/2)).  f = f_x = 0 forces cos(a x) = 0 (else b = +-a, no double
    root), so sin(a x) = +-1 and cos(b x) = -+1: there f_a = x cos(a x) = 0 and f_b = -x sin(b x)
    = 0 too, the whole gradient vanishes and f ~ ((b x - phi)^2 - (a x - theta)^2) / 2: two roots
    cross (transcritical branch points, never folds).  In this box the only such set is
    a x = pi/2, b x = pi: the line b = 2a at x = pi / b (b = 2a gives sin(ax) + cos(2ax) =
    -(2 sin(ax) + 1)(sin(ax) - 1): a double root where sin(ax) = 1), a = b / 2 >= 0.5 for
    b in [1, 1.5].  The a step 0.02 against b / 2 = 0.25 + 0.005 j puts the crossing on a grid
    value, or a quarter, half or three quarters of a step past one."""
    d = da.Bifurcation1D(sincos, {"a": (0.5, 1.5), "b": (0.5, 1.5)}, {"x": (-np.pi, np.pi)},
                         resolutions={"a": 0.02, "b": 0.01}).compute()
    sp = d.special_points
    assert sp and {s.kind for s in sp} == {"BP"}
    a, b, x = (np.array([s.params["a"] for s in sp]), np.array([s.params["b"] for s in sp]),
               np.array([s.states["x"] for s in sp]))
    # located by Newton on the branch-point system, which is regular there: to rounding
    np.testing.assert_allclose(b, 2 * a, rtol=0, atol=1e-12)
    np.testing.assert_allclose(x, np.pi / b, rtol=0, atol=1e-12)
    f, fx, fa, _ = _sincos_derivatives(a, b, x)
    assert np.max(np.abs(f)) < 1e-14 and np.max(np.abs(fx)) < 1e-12 and np.max(np.abs(fa)) < 1e-12
    # one point per grid line of b with a = b / 2 in the box, no near-duplicates; at b = 1 the
    # crossing is the corner (a, x) = (0.5, pi), where one of its branches leaves the box at once
    grid_b = d.grid["b"]
    per_line = np.array([np.sum(b == v) for v in grid_b])
    assert np.all(per_line[grid_b > 1 + 1e-9] == 1) and np.all(per_line[grid_b < 1 - 1e-9] == 0)
    assert per_line[np.isclose(grid_b, 1.0)].item() <= 1


def test_sincos_every_crossing_found_is_exact_on_a_wide_box():
    """The same model on x in [-10, 10]: the crossings lie on several lines, a x = pi/2 + 2 pi k,
    b x = pi + 2 pi m or a x = -pi/2 + 2 pi k, b x = 2 pi m (see above).  Every reported point is
    one of them, a branch point, located to rounding.  (A crossing within a grid step of the
    x range, whose two branches both leave the box there, can go unseen: no grid interval
    holds both its branches.)"""
    d = da.Bifurcation1D(sincos, {"a": (0.5, 1.5), "b": (0.5, 1.5)}, {"x": (-10, 10)},
                         resolutions={"a": 0.05, "b": 0.05, "x": 0.01}).compute()
    sp = d.special_points
    assert len(sp) > 90 and {s.kind for s in sp} == {"BP"}
    a, b, x = (np.array([s.params["a"] for s in sp]), np.array([s.params["b"] for s in sp]),
               np.array([s.states["x"] for s in sp]))
    # the closed form: sin(a x) = +-1 and cos(b x) = -+1
    assert np.max(np.abs(np.abs(np.sin(a * x)) - 1)) < 1e-14
    assert np.max(np.abs(np.sin(a * x) + np.cos(b * x))) < 1e-14
    f, fx, fa, fb = _sincos_derivatives(a, b, x)
    assert max(np.max(np.abs(fx)), np.max(np.abs(fa)), np.max(np.abs(fb))) < 1e-12
    # no point twice
    key = np.round(np.stack([a, b, x], 1), 6)
    assert len(np.unique(key, axis=0)) == len(sp)
    # and every crossing at least 1 from the x range's ends is found
    want = []
    for bj in d.grid["b"]:
        for k in range(-4, 5):
            for m in range(-4, 5):
                for theta, phi in ((np.pi / 2 + 2 * np.pi * k, np.pi + 2 * np.pi * m),
                                   (-np.pi / 2 + 2 * np.pi * k, 2 * np.pi * m)):
                    if phi and 0.5 <= theta * bj / phi <= 1.5 and abs(phi / bj) <= 9:
                        want.append((theta * bj / phi, bj, phi / bj))
    got = np.stack([a, b, x], 1)
    assert all(np.min(np.max(np.abs(got - w), axis=1)) < 1e-12 for w in want)


def fhn_field(V, w, I):
    return [V - V**3 / 3 - w + I, (V + 0.7 - 0.8 * w) / 12.5]


@pytest.fixture(scope="module")
def fhn_sweep():
    from dynanalysis.models import FitzHughNagumo
    b = da.Bifurcation2D(FitzHughNagumo(), {"I": (0.0, 1.6)}, {"V": (-3, 3), "w": (-3, 3)},
                         resolutions={"I": 0.01})
    b.limit_cycles(400.0)
    return b.compute()


def test_fhn_hopf_points_at_closed_form(fhn_sweep):
    h = fhn_sweep.points("H")
    assert [round(s.params["I"], 6) for s in h] == [0.331281, 1.418719]
    np.testing.assert_allclose([s.params["I"] for s in h], [0.331281337454746, 1.41871866254525], atol=1e-8)
    np.testing.assert_allclose([s.states["V"] for s in h], [-0.967470929795826, 0.967470929795826], atol=1e-7)
    np.testing.assert_allclose([s.data["frequency"] for s in h], 0.275506805723561, rtol=1e-7)
    # stability changes exactly there on the grid
    I, st = fhn_sweep.grid["I"], fhn_sweep.equilibria.stable[:, 0]
    assert np.all(st[(I < 0.3312) | (I > 1.4188)]) and not np.any(st[(I > 0.3314) & (I < 1.4186)])


def _scipy_cycle(I):
    """Independent: integrate long from two starts; return the period of the attractor or None."""
    ev = lambda t, y: y[0]  # noqa: E731
    ev.direction = 1
    sol = solve_ivp(lambda t, y: fhn_field(*y, I), (0, 1500), [2.0, 0.0], rtol=1e-10, atol=1e-12,
                    events=ev)
    times = sol.t_events[0]
    return np.diff(times)[-1] if len(times) > 5 and times[-1] > 1200 else None


@pytest.mark.parametrize("I", [0.1, 0.5, 1.0, 1.55])
def test_fhn_cycle_envelope_where_scipy_finds_cycles(fhn_sweep, I):
    j = int(np.argmin(np.abs(fhn_sweep.grid["I"] - I)))
    ref = _scipy_cycle(fhn_sweep.grid["I"][j])
    env = fhn_sweep.cycles
    assert bool(env.found[j]) == (ref is not None)
    if ref is not None:
        assert env.period[j] == pytest.approx(ref, rel=2e-3)  # by simulation: records every 0.1
        assert env.maximum["V"][j] > 1.5 and env.minimum["V"][j] < -1.5


FHN_HOPF = (0.331281337454746, 1.41871866254525)  # REFERENCE.md


@pytest.mark.parametrize("offset", [0.0, 3.1e-5, 2.7e-4, 9.9e-4])
def test_hopf_point_found_on_fine_grids_wherever_it_falls_between_grid_values(offset):
    """A grid step of 0.001 (BrainPy's tutorial workload), the Hopf point at several places between
    two grid values: it is located every time, to the reference value.  (Before the test function
    was evaluated at the corrected point, a fine bracket never met GTOL and the point was lost.)"""
    from dynanalysis.models import FitzHughNagumo
    lo = 0.300 + offset
    d = da.Bifurcation2D(FitzHughNagumo(), target_vars={"V": (-3, 3), "w": (-3, 3)},
                         target_pars={"I": (lo, lo + 0.06)}, resolutions={"I": 0.001}).compute()
    (h,) = d.points("H")
    assert h.params["I"] == pytest.approx(FHN_HOPF[0], abs=1e-10)


@pytest.fixture(scope="module")
def fhn_brainpy():
    """BrainPy's FitzHugh–Nagumo bifurcation example (I in [0, 2], default grid: step 0.01)."""
    from dynanalysis.models import FitzHughNagumo
    return da.Bifurcation2D(FitzHughNagumo(), target_vars={"V": [-3, 3], "w": [-3, 3]}, target_pars={"I": [0, 2]})


def test_fhn_cycle_envelope_from_brainpys_default_duration(fhn_brainpy):
    """``plot_limit_cycle_by_sim()`` with BrainPy's default duration 100: too short to decide
    (period ~39.5 after a transient of 50), so the undecided runs are simulated again with the
    duration doubled until decided.  Runs start only next to unstable equilibria, so cycles are
    found exactly where the one equilibrium is unstable, between the Hopf points.  (Both Hopf
    points are subcritical: at the outside grid values I = 0.33 and 1.42 the stable cycle
    coexists with the stable equilibrium, SciPy from (2, 0) finds it there and not at 0.32 and
    1.43; no start here is near it.)"""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import warnings
    fig, ax = plt.subplots()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # decided everywhere: nothing to warn about
        env = fhn_brainpy.plot_limit_cycle_by_sim(ax=ax).cycles
    I = fhn_brainpy.grids[0]
    np.testing.assert_array_equal(env.found, (I > FHN_HOPF[0]) & (I < FHN_HOPF[1]))
    assert not env.undecided.any()
    j = int(np.argmin(np.abs(I - 0.5)))
    # REFERENCE at I = 0.5.  Extremes are the largest / smallest of ~4000 records per run: a run
    # decided by duration 400 records every 0.1, and |V''| <= 0.19 at the extremes (V' = 0 there,
    # so V'' = -w' = -(V + a - b w) / tau), so the sampled extreme is off by at most
    # 0.19 (0.1 / 2)^2 / 2 = 2.4e-4
    assert abs(env.maximum["V"][j] - 1.85211747322) < 2.5e-4
    assert abs(env.minimum["V"][j] + 1.97040674814) < 2.5e-4
    assert env.period[j] == pytest.approx(39.4744149802, rel=1e-4)  # interpolated section crossings
    line = ax.get_lines()[0]
    assert np.all(np.isfinite(line.get_ydata()) == env.found) and np.nanmax(line.get_ydata()) > 1.8
    plt.close(fig)


def test_fhn_cycle_envelope_too_short_says_so(fhn_brainpy):
    """Without the doubling (``max_duration=duration``) duration 100 decides nothing: a warning
    names the grid values and suggests a duration, and ``undecided`` flags them."""
    with pytest.warns(RuntimeWarning, match=r"I=0\.34; I=0\.35;.*\(108 in all\).*undecided.*longer duration"):
        env = fhn_brainpy.limit_cycles(100.0, max_duration=100.0)
    I = fhn_brainpy.grids[0]
    assert not env.found.any()
    np.testing.assert_array_equal(env.undecided, (I > FHN_HOPF[0]) & (I < FHN_HOPF[1]))


def _ww_symmetric_antisymmetric(mu, s_bracket):
    """Wong–Wang at c = 0 written in the test: the symmetric equilibrium s1 = s2 = s in the given
    bracket (brentq) and the eigenvalue of the antisymmetric mode there."""
    g, tau, a, b, d = 0.641, 0.1, 270.0, 108.0, 0.154
    JE, JI, I0, JA = 0.2609, 0.0497, 0.3255, 0.00052
    r = lambda x: (a * x - b) / (1 - np.exp(-d * (a * x - b)))  # noqa: E731
    dr = lambda x, h=1e-7: (r(x + h) - r(x - h)) / (2 * h)  # noqa: E731
    x = lambda s: (JE - JI) * s + I0 + JA * mu  # noqa: E731
    s = brentq(lambda s: -s / tau + (1 - s) * g * r(x(s)), *s_bracket, xtol=1e-15)
    return -1 / tau - g * r(x(s)) + (1 - s) * g * dr(x(s)) * (JE + JI)


def test_decision_model_branch_points_where_scipy_says():
    from dynanalysis.models import WongWang
    d = da.Bifurcation2D(WongWang(), {"mu": (0, 60)}, {"s1": (0, 1), "s2": (0, 1)},
                         pars_update={"c": 0.0}, resolutions={"mu": 0.5}).compute()
    # independent: the antisymmetric eigenvalue vanishes on the symmetric branch
    mu1 = brentq(lambda m: _ww_symmetric_antisymmetric(m, (0.05, 0.25)), 5, 15, xtol=1e-12)
    mu2 = brentq(lambda m: _ww_symmetric_antisymmetric(m, (0.4, 0.7)), 35, 50, xtol=1e-12)
    bp = d.points("BP")
    np.testing.assert_allclose([s.params["mu"] for s in bp], [mu1, mu2], atol=1e-6)
    mu, counts = d.grid["mu"], d.equilibria.counts
    changes = mu[np.flatnonzero(counts[1:] != counts[:-1])]
    assert len(changes) == 2 and np.all(np.abs(changes + 0.25 - np.array([mu1, mu2])) <= 0.25)
    assert counts[0] == 5 and counts[-1] == 5 and counts[len(mu) // 2] == 3


def test_hodgkin_huxley_sweep():
    from dynanalysis.models import HodgkinHuxley
    d = da.Bifurcation(HodgkinHuxley(), {"I": (0, 200)}, resolutions={"I": 0.1}).compute("sweep")
    eq = d.equilibria
    assert np.all(eq.counts == 1)
    I, st = d.grid["I"], eq.stable[:, 0]
    lost = I[np.flatnonzero(st[:-1] & ~st[1:])]
    regained = I[np.flatnonzero(~st[:-1] & st[1:])]
    assert len(lost) == 1 and 9.7 <= lost[0] < 9.9
    assert len(regained) == 1 and 154 <= regained[0] < 155
    h = d.points("H")
    np.testing.assert_allclose([s.params["I"] for s in h], [9.78, 154.5], atol=0.03)


def test_one_compile_for_the_grid_and_chunking_does_not_change_results():
    traces = []

    def field(x, mu=0.0, lam=1.0):
        traces.append(1)
        return mu + lam * x - x**3

    m = da.ode(field, name="counted")
    base = len(traces)
    args = (m, {"mu": (-1, 1)}, {"x": (-2, 2)})
    a = da.Bifurcation1D(*args, resolutions={"mu": 0.01, "x": 0.05}, chunk_size=64).compute()
    after_first = len(traces)
    b = da.Bifurcation1D(*args, resolutions={"mu": 0.01, "x": 0.05}, chunk_size=64,
                         pars_update={"lam": 1.2}).compute()
    assert len(traces) == after_first  # new parameter values: no new trace of the sweep
    c = da.Bifurcation1D(*args, resolutions={"mu": 0.01, "x": 0.05}, chunk_size=37).compute()
    np.testing.assert_array_equal(a.equilibria.valid, c.equilibria.valid)
    np.testing.assert_array_equal(np.nan_to_num(a.equilibria.x), np.nan_to_num(c.equilibria.x))
    assert [s.params for s in a.special_points] == [s.params for s in c.special_points]
    assert not np.array_equal(np.nan_to_num(a.equilibria.x), np.nan_to_num(b.equilibria.x))
    assert after_first > base


def test_sweep_runs_without_host_transfers():
    from dynanalysis._equilibria import sweep
    _, p0 = cusp.flat_params()
    P = np.repeat(p0[None], 50, 0)
    P[:, 0] = np.linspace(-1, 1, 50)
    sweep.equilibria(cusp.flow, ("x",), P, np.array([-2.0]), np.array([2.0]), n_line=101)
    with jax.transfer_guard("disallow"):
        eq = sweep.equilibria(cusp.flow, ("x",), P + 0.01, np.array([-2.0]), np.array([2.0]), n_line=101)
    assert eq.x.shape[0] == 50


@pytest.mark.parametrize("kwargs,match", [
    (dict(target_pars={"J": (0, 1)}), "'J'"),
    (dict(target_pars={"mu": (0, 1)}, pars_update={"mu": 0.5}), "both"),
    (dict(target_pars={"mu": (1, 0)}), "reversed"),
    (dict(target_pars={"mu": (0, 1)}, resolutions={"mu": 1e-12}), "memory budget"),
    (dict(target_pars={"mu": (0, 1)}, target_vars={"y": (0, 1)}), "'y'"),
    (dict(target_pars={"mu": (0, 1), "lam": (0, 1), "x": (0, 1)}), "one or two"),
])
def test_bifurcation_bad_input(kwargs, match):
    args = dict(target_vars={"x": (-2, 2)})
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        da.Bifurcation1D(cusp, **args)


def test_hindmarsh_rose_fast_slow_folds_at_closed_form():
    from dynanalysis.models import HindmarshRose
    # fast subsystem at fixed z: y = c - d x^2 and x' = -x^3 - 2 x^2 + 3 - z (defaults a=1, b=3,
    # c=1, d=5, I=2): folds where 3 x^2 + 4 x = 0, i.e. (x, z) = (-4/3, 49/27) and (0, 3)
    fs = da.FastSlow2D(HindmarshRose(), fast_vars={"x": (-3, 3), "y": (-20, 3)},
                       slow_vars={"z": (1.0, 3.2)}, resolutions={"z": 0.01})
    d = fs.compute()
    lp = d.points("LP")
    np.testing.assert_allclose([s.params["z"] for s in lp], [49 / 27, 3.0], atol=1e-9)
    np.testing.assert_allclose([s.states["x"] for s in lp], [-4 / 3, 0.0], atol=1e-7)
    z = d.grid["z"]
    assert np.all(d.equilibria.counts[(z > 1.82) & (z < 2.99)] == 3)
    assert np.all(d.equilibria.counts[(z < 1.81) | (z > 3.01)] == 1)
    # the full system's trajectory bursts: it visits both sides of the folds in z
    tr = fs.trajectory({"x": -1.6, "y": -12.0, "z": 1.8}, 2000.0)
    zz = tr.states["z"][tr.t > 1000]
    assert zz.min() < 49 / 27 + 0.05 and zz.max() > 2.0


@pytest.mark.parametrize("kwargs,match", [
    (dict(slow_vars={"q": (0, 1)}), "'q'"),
    (dict(slow_vars={"x": (0, 1)}), "both slow and fast"),
    (dict(slow_vars={"z": (2, 1)}), "reversed"),
])
def test_fast_slow_bad_input(kwargs, match):
    from dynanalysis.models import HindmarshRose
    args = dict(fast_vars={"x": (-3, 3), "y": (-20, 3)}, slow_vars={"z": (1, 3)})
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        da.FastSlow2D(HindmarshRose(), **args)


def test_corrector_converges_from_close_guesses_and_reports_failure():
    """The fixed-step corrector behind every located special point: a regular root to float64
    precision, a double root (singular Jacobian: linear convergence) to its conditioning, and
    no root at all reported as not converged."""
    from dynanalysis._numerics.newton import correct
    with jax.enable_x64(True):
        run = jax.jit(lambda x0: correct(lambda x: jax.numpy.stack([x[0] ** 3 - 2.0, x[1] - x[0]]), x0,
                                         np.ones(2), iters=12))
        x, ok, res, J = run(np.array([1.1, 0.9]))
        assert bool(ok) and np.allclose(x, 2.0 ** (1 / 3), rtol=0, atol=1e-14)
        np.testing.assert_allclose(J, [[3 * 2.0 ** (2 / 3), 0.0], [-1.0, 1.0]], rtol=1e-12)
        double = jax.jit(lambda x0: correct(lambda x: (x - 0.3) ** 2, x0, np.ones(1), iters=40))
        x, ok, _, _ = double(np.array([0.35]))
        assert bool(ok) and abs(float(x[0]) - 0.3) < 1e-5
        none = jax.jit(lambda x0: correct(lambda x: x**2 + 1.0, x0, np.ones(1), iters=40))
        assert not bool(none(np.array([0.2]))[1])


kink = da.ode(lambda x, I=0.0: I - dm.where(x > 0, x, -2.0 * x), name="kink")


def test_a_fold_the_locator_cannot_pin_down_is_reported_not_dropped():
    """x' = I - max(x, -2x): two equilibria (x = I and x = -I/2) for I > 0, none for I < 0.  The
    fold at I = 0 is a corner (f_x jumps from +2 to -1), so the smooth fold test never vanishes
    and the locator cannot converge.  The sweep must still report a fold between the grid values
    that bracket I = 0, flagged unlocated, and say so."""
    with pytest.warns(RuntimeWarning, match=r"could not be located: LP between I=-0\.05 and 0\.05"):
        d = da.Bifurcation1D(kink, {"I": (-0.45, 0.55)}, {"x": (-1, 1)}, resolutions={"I": 0.1, "x": 0.01}).compute()
    (lp,) = d.points("LP")
    assert lp.data["located"] is False
    assert abs(lp.params["I"]) < 1e-12  # the middle of [-0.05, 0.05]
    # both branches are there: x = I (stable) and x = -I/2 (unstable), exactly
    I, eq = d.grid["I"], d.equilibria
    for j in np.flatnonzero(I > 0):
        np.testing.assert_allclose(np.sort(eq.x[j, eq.valid[j], 0]), [-I[j] / 2, I[j]], atol=1e-12)
    assert not eq.valid[I < 0].any()


def test_smooth_folds_are_all_located_and_nothing_is_flagged():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        d = da.Bifurcation1D(cusp, {"mu": (-1.0, 1.0)}, {"x": (-2, 2)}, pars_update={"lam": 1.0},
                             resolutions={"mu": 0.01, "x": 0.02}).compute()
    lp = d.points("LP")
    # 27 mu^2 = 4 lam^3: mu = +-2/sqrt(27)
    np.testing.assert_allclose(sorted(s.params["mu"] for s in lp), [-2 / 27**0.5, 2 / 27**0.5], atol=1e-10)
    assert all(s.data["located"] for s in lp)
