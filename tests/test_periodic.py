"""Periodic-orbit continuation: closed forms (Hopf normal form, a torus bifurcation), published
Hodgkin–Huxley values, SciPy measurements, and the whole diagram."""
import numpy as np
import pytest
from scipy.integrate import solve_ivp

import dynanalysis as da
from dynanalysis import continuation as ct
from dynanalysis.models import FitzHughNagumo, HodgkinHuxley


HOPF = da.ode(lambda x, y, a=-0.49, s=-1.0: (a * x - y + s * x * (x * x + y * y), x + a * y + s * y * (x * x + y * y)),
              name="hopf", ranges={"x": (-1.0, 1.0), "y": (-1.0, 1.0)})


# benchmarks/references/cycles_reference.py (SciPy shooting, DOP853 rtol 1e-12, variational
# equations; independent of this package): values with their error estimates below 1e-8
HH_LPC = 6.260321274513687
HH_PERIOD_10 = 14.636209989831476
ROSSLER_PD = 2.8324450278498405


def hopf_normal_form(s):
    # w' = (a + i) w + s w |w|^2 in x = Re w, y = Im w: cycles of radius sqrt(-a / s), period 2 pi,
    # non-trivial Floquet multiplier exp(-2 a 2 pi) (radial eigenvalue a + 3 s r^2 = -2 a)
    return HOPF.with_params(s=s)


@pytest.mark.parametrize("s", [-1.0, 1.0])
def test_hopf_normal_form_cycles_radius_period_and_multiplier(s):
    m = hopf_normal_form(s)
    (h,) = ct.equilibria(m, "a", start={"x": 0.0, "y": 0.0}, bounds=(-0.5, 0.5)).points("H")
    c = ct.periodic_orbits(h, bounds=(-0.5, 0.5), ntst=20)
    a = c.params["a"]
    assert c.kind == "periodic" and c.status == "bounds" and abs(a[-1] - (0.5 if s < 0 else -0.5)) < 1e-12
    err = np.abs(c.orbits["x"] ** 2 + c.orbits["y"] ** 2 - (-a / s)[:, None])
    assert np.max(err[:, ::4]) < 1e-10  # mesh points (every ncol-th node): superconvergent, O(h^2m)
    assert np.max(err) < 1e-7  # interior nodes: O(h^(m+1))
    assert np.max(np.abs(c.states["period"] - 2 * np.pi)) < 1e-9
    big = np.abs(a) > 0.01
    ev = c.eigenvalues
    mu = ev[np.arange(len(ev)), np.argmax(np.abs(ev - 1), axis=1)].real  # the non-trivial multiplier
    np.testing.assert_allclose(mu[big], np.exp(-4 * np.pi * a[big]), rtol=1e-6)
    assert np.all(c.stable[big] == (s < 0))  # supercritical: stable cycles; subcritical: unstable
    assert not c.special_points


def test_neimark_sacker_of_a_torus_bifurcation_at_closed_form():
    # oscillator 1 (radius 1, period 2 pi) drives oscillator 2 at rest: in the (u, v) plane the cycle's
    # multipliers are exp((b + c) 2 pi) exp(+-i w 2 pi), a complex pair crossing the unit circle at b = -c
    c_, w = 0.3, 0.37

    def field(x, y, u, v, b=-0.6):
        r2 = x * x + y * y
        return (x - y - x * r2, x + y - y * r2, (b + c_ * r2) * u - w * v, w * u + (b + c_ * r2) * v)

    m = da.ode(field, name="torus", ranges={"x": (-1, 1), "y": (-1, 1), "u": (-1, 1), "v": (-1, 1)})
    cyc = da.limit_cycle(m, {"x": 1.0, "y": 0.0, "u": 0.0, "v": 0.0}, 60.0)
    br = ct.periodic_orbits(cyc, parameter="b", bounds=(-0.6, 0.2), ntst=16, max_steps=200)
    (ns,) = br.points("NS")
    assert abs(ns.params["b"] + c_) < 1e-8
    assert abs(ns.data["period"] - 2 * np.pi) < 1e-9
    assert br.stable[0] and not br.stable[-1]


def _hh_rhs(model):
    """Hodgkin–Huxley in plain NumPy (MODELS.md), independent of the package's definition."""
    I = model.parameters["I"]

    def exprel(u):  # u / (1 - exp(-u)), 1 at u = 0
        return u / -np.expm1(-u) if abs(u) > 1e-9 else 1.0 + u / 2

    def f(t, x):
        V, m, h, n = x
        am, bm = exprel((V + 40) / 10), 4 * np.exp(-(V + 65) / 18)
        ah, bh = 0.07 * np.exp(-(V + 65) / 20), 1 / (1 + np.exp(-(V + 35) / 10))
        an, bn = 0.1 * exprel((V + 55) / 10), 0.125 * np.exp(-(V + 65) / 80)
        dV = -120 * m**3 * h * (V - 50) - 36 * n**4 * (V + 77) - 0.3 * (V + 54.387) + I
        return [dV, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]

    return f


def _scipy_period(model, x0, t_end):
    """Independent: solve_ivp (rtol 1e-11), upward crossings of V = -20 mV by event location."""
    ev = lambda t, x: x[0] + 20.0  # noqa: E731
    ev.direction = 1.0
    sol = solve_ivp(_hh_rhs(model), (0.0, t_end), x0, method="DOP853", rtol=1e-11, atol=1e-11, events=ev)
    t = sol.t_events[0]
    return np.diff(t[len(t) // 2:]).mean()


def test_hodgkin_huxley_diagram_hopf_points_fold_of_cycles_and_period():
    import jax
    d = da.Bifurcation(HodgkinHuxley(), {"I": (0.0, 200.0)}).compute()
    (eq,) = d.of_kind("equilibrium")
    (cyc,) = d.of_kind("periodic")
    h = sorted(d.points("H"), key=lambda s: s.params["I"])
    assert len(h) == 2 and h[0].data["criticality"] == "subcritical"
    # published (Rinzel & Miller 1980; Guckenheimer & Labouriau 1993): fold of cycles near 6.26
    lpc = min(d.points("LPC"), key=lambda s: s.params["I"])
    assert abs(lpc.params["I"] - 6.26) < 0.01 and abs(lpc.params["I"] - HH_LPC) < 1e-5
    # a second multiplier at 1 there (a Jordan block: an error d in the monodromy moves it by sqrt(d))
    assert lpc.data["period"] > 15 and abs(np.sort(np.abs(lpc.data["multipliers"]))[-2] - 1) < 2e-2
    # the branch starts at the subcritical Hopf point, ends at the other one, stable above the LPC
    assert cyc.status == "special point" and "Hopf point" in cyc.message and abs(cyc.params["I"][-1] - h[1].params["I"]) < 0.5
    I = cyc.params["I"]
    top = np.argmax(cyc.states["V_max"])  # on the spiking (stable) part
    assert cyc.stable[top] and cyc.states["V_max"][top] > 20
    assert not cyc.stable[1]  # the small cycles born at the subcritical Hopf point are unstable
    # the stable cycle nearest I = 10 on the branch: collocation period against SciPy
    stable = cyc.stable & (np.arange(len(I)) > top - 5)
    j = np.flatnonzero(stable)[np.argmin(np.abs(I[stable] - 10.0))]
    model = HodgkinHuxley(I=float(I[j]))
    x0 = [cyc.orbits[v][j, 0] for v in model.variables]
    with jax.enable_x64(True):
        T_ref = _scipy_period(model, x0, 8 * cyc.states["period"][j])
    assert abs(cyc.states["period"][j] / T_ref - 1) < 1e-4


def test_hodgkin_huxley_period_at_10_from_a_simulated_cycle():
    import jax
    hh = HodgkinHuxley(I=10.0)
    lc = da.limit_cycle(hh, {"V": -65.0, "m": 0.05, "h": 0.6, "n": 0.32}, 200.0)
    c = ct.periodic_orbits(lc, parameter="I", bounds=(9.0, 11.0), max_steps=2)
    assert c.params["I"][0] == 10.0 and c.stable[0]
    x0 = [c.orbits[v][0, 0] for v in hh.variables]
    with jax.enable_x64(True):
        T_ref = _scipy_period(hh, x0, 10 * lc.period)
    assert abs(c.states["period"][0] / T_ref - 1) < 1e-4
    assert abs(c.states["period"][0] / HH_PERIOD_10 - 1) < 1e-7


def test_rossler_period_doubling_located():
    # x' = -y - z, y' = x + a y, z' = b + z (x - c), a = b = 0.2: the period-1 cycle doubles its
    # period at c = 2.83244502785 (SciPy reference above); a multiplier passes through -1
    m = da.ode(lambda x, y, z, a=0.2, b=0.2, c=2.5: (-y - z, x + a * y, b + z * (x - c)), name="rossler",
               ranges={"x": (-6, 6), "y": (-6, 6), "z": (0, 4)})
    lc = da.limit_cycle(m, {"x": -3.7, "y": 0.0, "z": 0.03}, 300.0)
    br = ct.periodic_orbits(lc, parameter="c", bounds=(2.5, 3.0), ntst=30)
    (pd,) = br.points("PD")
    assert abs(pd.params["c"] - ROSSLER_PD) < 1e-4
    assert np.min(np.abs(pd.data["multipliers"] + 1)) < 1e-4
    assert br.stable[0] and not br.stable[-1] and br.status == "bounds"


def test_fitzhugh_nagumo_cycle_at_reference():
    fhn = FitzHughNagumo(I=0.5)
    lc = da.limit_cycle(fhn, {"V": -1.0, "w": 1.0}, 400.0)
    c = ct.periodic_orbits(lc, parameter="I", bounds=(0.4, 0.6), max_steps=1)
    # REFERENCE.md: period 39.4744149802, V between -1.97040674814 and 1.85211747322
    assert abs(c.states["period"][0] - 39.4744149802) < 1e-7
    assert abs(c.states["V_max"][0] - 1.85211747322) < 1e-3  # max over sampled points of the mesh
    assert abs(c.states["V_min"][0] + 1.97040674814) < 1e-3


def test_repeat_with_other_values_does_not_recompile(compilations):
    m = hopf_normal_form(-1.0)
    (h,) = ct.equilibria(m, "a", start={"x": 0.0, "y": 0.0}, bounds=(-0.5, 0.5)).points("H")
    ct.periodic_orbits(h, bounds=(-0.5, 0.5), ntst=20, max_steps=5)
    with compilations() as new:
        m2 = hopf_normal_form(-2.0)
        (h2,) = ct.equilibria(m2, "a", start={"x": 0.0, "y": 0.0}, bounds=(-0.49, 0.3)).points("H")
        ct.periodic_orbits(h2, bounds=(-0.49, 0.3), ntst=20, max_steps=5, ds=0.02)
    assert new.count == 0


def test_bad_input():
    m = hopf_normal_form(-1.0)
    b = ct.equilibria(m, "a", start={"x": 0.0, "y": 0.0}, bounds=(-0.5, 0.5))
    (h,) = b.points("H")
    with pytest.raises(ValueError, match="Hopf SpecialPoint or a LimitCycle"):
        ct.periodic_orbits({"x": 0.0}, bounds=(0, 1))
    with pytest.raises(ValueError, match="outside bounds"):
        ct.periodic_orbits(h, bounds=(0.1, 0.5))
    with pytest.raises(ValueError, match="reversed"):
        ct.periodic_orbits(h, bounds=(0.5, -0.5))
    with pytest.raises(ValueError, match="ntst must be an integer"):
        ct.periodic_orbits(h, bounds=(-0.5, 0.5), ntst=1)
    with pytest.raises(ValueError, match="memory budget"):
        ct.periodic_orbits(h, bounds=(-0.5, 0.5), ntst=200_000)
    lc = da.limit_cycle(FitzHughNagumo(I=0.5), {"V": -1.0, "w": 1.0}, 400.0)
    with pytest.raises(ValueError, match="give parameter="):
        ct.periodic_orbits(lc, bounds=(0, 1))
    with pytest.raises(ValueError, match="'J' is not a parameter"):
        ct.periodic_orbits(lc, parameter="J", bounds=(0, 1))
    c = ct.periodic_orbits(h, bounds=(-0.5, 0.5), ntst=10, max_steps=3)
    assert c.status == "max_steps" and len(c) == 4
