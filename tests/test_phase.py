"""Phase response curves (adjoint method) against closed forms and a direct perturbation
computation written here with SciPy."""
import numpy as np
import pytest
from scipy.integrate import solve_ivp

import dynanalysis as da
from dynanalysis.models import FitzHughNagumo

hopf_nf = da.ode(lambda x, y, mu=1.0, om=2.0: (mu * x - om * y - x * (x * x + y * y),
                                                 om * x + mu * y - y * (x * x + y * y)), name="Hopf normal form")


@pytest.mark.parametrize("mu,om", [(1.0, 2.0), (0.25, 1.0)])
def test_hopf_normal_form_prc_in_closed_form(mu, om):
    """r = sqrt(mu), theta' = om: the phase is the polar angle, so Z = grad theta =
    (-sin theta, cos theta) / r, with theta = 2 pi phase (phase 0 at the maximum of x)."""
    lc = da.limit_cycle(hopf_nf, {"x": 0.5, "y": 0.0}, 60.0, params={"mu": mu, "om": om})
    prc = da.phase_response(lc)
    r, th = np.sqrt(mu), 2 * np.pi * prc.phase
    assert abs(prc.period - 2 * np.pi / om) < 1e-9 and abs(prc.frequency - om) < 1e-9
    np.testing.assert_allclose(prc.Z["x"], -np.sin(th) / r, atol=1e-6 / r)
    np.testing.assert_allclose(prc.Z["y"], np.cos(th) / r, atol=1e-6 / r)
    np.testing.assert_allclose(prc.orbit["x"], r * np.cos(th), atol=1e-6)


def _fhn(t, u, I=0.5, a=0.7, b=0.8, tau=12.5):
    V, w = u
    return [V - V**3 / 3 - w + I, (V + a - b * w) / tau]


def _maxima(u0, t_end):
    """Times of the maxima of V (dV/dt = 0 going down) from u0, DOP853 at rtol 1e-11."""
    ev = lambda t, u: _fhn(t, u)[0]  # noqa: E731
    ev.direction = -1
    sol = solve_ivp(_fhn, (0, t_end), u0, method="DOP853", rtol=1e-11, atol=1e-12, events=ev, dense_output=True)
    return sol.t_events[0], sol


def test_fhn_prc_matches_kicks_computed_with_scipy_and_is_normalised():
    prc = da.phase_response(da.limit_cycle(FitzHughNagumo(I=0.5), {"V": 0.0, "w": 0.0}, 400.0), n=200)
    assert prc.normalization_error < 1e-8  # Z . f = omega along the whole discrete orbit
    # the unkicked cycle, from SciPy: a maximum of V after the transient is phase 0
    t_max, sol = _maxima([0.0, 0.0], 1200.0)
    T = np.mean(np.diff(t_max[-6:]))
    t0 = t_max[-6]
    assert abs(T - prc.period) < 1e-7
    for j in range(0, 200, 10):  # 20 phases: kick V by +-eps, measure the asymptotic shift
        phase = prc.phase[j]
        start = sol.sol(t0 + phase * T)
        shifts = []
        for eps in (1e-4, -1e-4):
            times, _ = _maxima(start + np.array([eps, 0.0]), 8.5 * T)
            late = times[-3:]  # maxima long after the kick, against the unkicked times
            k = np.round((late + phase * T) / T)
            shifts.append(np.mean(k * T - (late + phase * T)) / T * 2 * np.pi)  # advance in radians
        direct = (shifts[0] - shifts[1]) / 2e-4  # central difference: O(eps^2)
        assert abs(direct - prc.Z["V"][j]) < 1e-3 * np.max(np.abs(prc.Z["V"])), (phase, direct, prc.Z["V"][j])


def test_theta_neuron_prc_by_kicks_in_closed_form():
    """theta' = 1 - cos theta + (1 + cos theta) eta (hybrid: the spike wraps theta): with
    u = tan(theta / 2), u' = u^2 + eta, so from a spike at phase 0, u = -sqrt(eta) cot(pi phase)
    and Z_theta = omega / theta' = ((1 - cos 2 pi phase) + eta (1 + cos 2 pi phase)) / (2 sqrt eta),
    the canonical 1 - cos PRC of type-I neurons (exact, not only for small eta)."""
    from dynanalysis.models import ThetaNeuron
    eta = 0.25
    prc = da.kicked_phase_response(ThetaNeuron(I=eta), {"theta": 1e-4}, initial={"theta": 0.0}, n=20, dt=1e-3)
    c = np.cos(2 * np.pi * prc.phase)
    exact = ((1 - c) + eta * (1 + c)) / (2 * np.sqrt(eta))
    assert abs(prc.period - np.pi / np.sqrt(eta)) < 1e-6
    np.testing.assert_allclose(prc.Z["theta"], exact, rtol=2e-3)


def test_kicks_and_adjoint_agree_on_a_smooth_cycle():
    model = FitzHughNagumo(I=0.5)
    kicked = da.kicked_phase_response(model, {"V": 1e-4}, initial={"V": 0.0, "w": 0.0}, n=20, dt=0.01, warmup=400.0)
    adjoint = da.phase_response(da.limit_cycle(model, {"V": 0.0, "w": 0.0}, 400.0), n=400)
    at = np.interp(kicked.phase, adjoint.phase, adjoint.Z["V"], period=1.0)
    np.testing.assert_allclose(kicked.Z["V"], at, atol=5e-3 * np.max(np.abs(at)))
    assert np.isnan(kicked.normalization_error) and kicked.pulse == {"V": 1e-4}


def _pair_lag(coupling, eps, lag0, periods=60):
    """Two FitzHugh-Nagumo cells (I = 0.5) with weak coupling eps * coupling(V_me, V_other) on V,
    simulated with SciPy from the cycle with cell 2 lagging by lag0 cycles; the final lag (from
    the last maxima of V)."""
    t_max, sol = _maxima([0.0, 0.0], 1200.0)
    T = np.mean(np.diff(t_max[-4:]))
    u1, u2 = sol.sol(t_max[-4]), sol.sol(t_max[-4] - lag0 * T)

    def rhs(t, u):
        a, b = _fhn(t, u[:2]), _fhn(t, u[2:])
        return [a[0] + eps * coupling(u[0], u[2]), a[1], b[0] + eps * coupling(u[2], u[0]), b[1]]

    ev1 = lambda t, u: rhs(t, u)[0]  # noqa: E731
    ev2 = lambda t, u: rhs(t, u)[2]  # noqa: E731
    ev1.direction = ev2.direction = -1
    s = solve_ivp(rhs, (0, periods * T), np.r_[u1, u2], method="DOP853", rtol=1e-9, atol=1e-10, events=(ev1, ev2))
    m1, m2 = s.t_events
    m1, m2 = m1[s.y_events[0][:, 0] > 0], m2[s.y_events[1][:, 2] > 0]  # the spikes' maxima
    return ((m2[-1] - m1[-1]) / np.mean(np.diff(m1[-4:]))) % 1.0


@pytest.mark.parametrize("name,coupling,expected", [
    ("gap junction", lambda me, other: other - me, 0.0),
    ("inhibitory synapse", lambda me, other: -(me + 2.0) / (1.0 + np.exp(-10.0 * other)), 0.5),
])
def test_phase_locking_predicts_the_coupled_pair(name, coupling, expected):
    prc = da.phase_response(da.limit_cycle(FitzHughNagumo(I=0.5), {"V": 0.0, "w": 0.0}, 400.0), n=200)
    lock = da.phase_locking(prc, lambda me, other: {"V": coupling(me["V"], other["V"])})
    stable = lock.locked[lock.stable]
    assert len(stable) == 1 and abs(stable[0] - expected) < 1e-9, (name, lock.locked, lock.stable)
    lag = _pair_lag(coupling, 0.02, 0.3)  # SciPy: the pair started 0.3 cycles apart
    assert min(abs(lag - expected), 1 - abs(lag - expected)) < 0.02, (name, lag)


def test_prc_along_the_hodgkin_huxley_branch():
    """Every stable cycle of HH's branch at once (one vmapped program): normalised to 1e-8, type II
    everywhere (a negative lobe: an early kick delays the next spike), and each equal to the PRC
    of the same cycle found by simulation."""
    from dynanalysis.models import HodgkinHuxley
    (branch,) = da.Bifurcation(HodgkinHuxley(), {"I": (0.0, 200.0)}).compute().of_kind("periodic")
    prc = da.phase_response(branch, n=100)
    assert prc.Z["V"].shape == (int(branch.stable.sum()), 100)
    assert np.all(prc.normalization_error < 1e-8)
    assert np.all(prc.Z["V"].min(axis=1) < 0) and np.all(prc.Z["V"].max(axis=1) > 0)
    k = len(prc.values) // 2
    lc = da.limit_cycle(HodgkinHuxley(I=float(prc.values[k])), {"V": -65.0, "m": 0.05, "h": 0.6, "n": 0.32}, 300.0)
    one = da.phase_response(lc, n=100)
    assert abs(one.period - prc.period[k]) < 1e-8
    np.testing.assert_allclose(prc.Z["V"][k], one.Z["V"], atol=1e-4 * np.max(np.abs(one.Z["V"])))


def test_a_point_of_a_periodic_branch_is_a_cycle_with_its_prc():
    d = da.Bifurcation(FitzHughNagumo(), {"I": (0.0, 2.0)}).compute()
    (branch,) = d.of_kind("periodic")
    k = int(np.flatnonzero(branch.stable)[len(np.flatnonzero(branch.stable)) // 2])
    cycle = branch.point(k)
    assert cycle.found and cycle.stable and cycle.period == branch.period[k]
    prc = da.phase_response(cycle, n=100)
    I = cycle.params["I"]
    ref = da.phase_response(da.limit_cycle(FitzHughNagumo(I=I), {"V": 0.0, "w": 0.0}, 20 * cycle.period), n=100)
    assert abs(prc.period - ref.period) < 1e-8
    np.testing.assert_allclose(prc.Z["V"], ref.Z["V"], atol=1e-5 * np.max(np.abs(ref.Z["V"])))


def test_coupled_pair_settles_where_phase_locking_predicts():
    from dynanalysis import math as dm
    model = FitzHughNagumo(I=0.5)
    synapse = lambda me, other: {"V": -(me["V"] + 2.0) / (1.0 + dm.exp(-10.0 * other["V"]))}  # noqa: E731
    lock = da.phase_locking(da.phase_response(da.limit_cycle(model, {"V": 0.0, "w": 0.0}, 400.0)), synapse)
    pair = da.coupled_pair(model, synapse, 0.02)
    assert pair.variables == ("V_1", "w_1", "V_2", "w_2") and pair.parameters["strength"] == 0.02
    tr = da.simulate(pair, {"V_1": 1.0, "w_1": 0.5, "V_2": -1.5, "w_2": 0.0}, 2400.0, dt=0.02)
    ups = [tr.t[1:][(tr.states[v][:-1] < 0) & (tr.states[v][1:] >= 0)] for v in ("V_1", "V_2")]
    lag = ((ups[1][-1] - ups[0][-1]) / np.mean(np.diff(ups[0][-4:]))) % 1.0
    (stable,) = lock.locked[lock.stable]
    assert abs(lag - stable) < 0.02
