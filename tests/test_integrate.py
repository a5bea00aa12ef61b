"""Integrators and simulate(): each checked against an independent reference."""
import numpy as np
import pytest
import jax
from scipy.integrate import solve_ivp
from scipy.linalg import expm

import dynanalysis as da

# A non-normal linear system: exact solution expm(A t) x0; no method is exact on it.
A = np.array([[-0.5, 2.0], [-1.0, -0.3]])
X0 = np.array([1.0, -0.5])


@da.ode
def linear(x, y, a11=-0.5, a12=2.0, a21=-1.0, a22=-0.3):
    return a11 * x + a12 * y, a21 * x + a22 * y


def _error(method, dt, T=2.0):
    tr = da.simulate(linear, {"x": X0[0], "y": X0[1]}, T, dt=dt, method=method,
                     record_every=int(round(T / dt)))
    exact = expm(A * T) @ X0
    return np.hypot(tr["x"][-1] - exact[0], tr["y"][-1] - exact[1])


@pytest.mark.parametrize("method,order,dt", [("euler", 1, 0.01), ("heun", 2, 0.02),
                                             ("rk4", 4, 0.05), ("exp_euler", 1, 0.01)])
def test_observed_convergence_order(method, order, dt):
    # Halving dt divides the error by ~2^p; the band allows the O(dt^(p+1)) correction.
    ratio = _error(method, dt) / _error(method, dt / 2)
    assert 2**order * 0.8 < ratio < 2**order * 1.25, ratio


def test_exp_euler_is_exact_for_a_scalar_linear_equation():
    decay = da.ode(lambda x, k=-0.7, c=1.3: k * x + c, name="decay")
    tr = da.simulate(decay, {"x": 2.0}, 3.0, dt=0.5, method="exp_euler")
    exact = -1.3 / -0.7 + (2.0 - 1.3 / 0.7) * np.exp(-0.7 * tr.t)
    np.testing.assert_allclose(tr["x"], exact, rtol=1e-12)


def _fhn_scipy(I, y0, T):
    f = lambda t, y: [y[0] - y[0] ** 3 / 3 - y[1] + I, (y[0] + 0.7 - 0.8 * y[1]) / 12.5]  # noqa
    return solve_ivp(f, (0, T), y0, rtol=1e-11, atol=1e-12, dense_output=True)


@da.ode
def fhn(V, w, I=0.5, a=0.7, b=0.8, tau=12.5):
    return V - V**3 / 3 - w + I, (V + a - b * w) / tau


def test_dopri5_matches_scipy_on_fitzhugh_nagumo():
    tr = da.simulate(fhn, {"V": -1.0, "w": 1.0}, 200.0, dt=0.5, method="dopri5",
                     rtol=1e-10, atol=1e-12)
    ref = _fhn_scipy(0.5, [-1.0, 1.0], 200.0).sol(tr.t)
    assert np.max(np.abs(tr["V"] - ref[0])) < 1e-6
    assert np.max(np.abs(tr["w"] - ref[1])) < 1e-6


def test_rk4_matches_scipy_on_fitzhugh_nagumo():
    tr = da.simulate(fhn, {"V": -1.0, "w": 1.0}, 100.0, dt=0.01, record_every=100)
    ref = _fhn_scipy(0.5, [-1.0, 1.0], 100.0).sol(tr.t)
    assert np.max(np.abs(tr["V"] - ref[0])) < 1e-7


# --------------------------------------------------------------------------- hybrid models
lif = da.ode(lambda V, V_rest=0.0, V_reset=-5.0, V_th=20.0, R=1.0, tau=10.0, t_ref=5.0, I=0.0:
             (-(V - V_rest) + R * I) / tau,
             spike=lambda s, p: s["V"] > p["V_th"], reset=lambda s, p: {"V": p["V_reset"]},
             refractory="t_ref", name="lif")


def lif_rate(I, V_rest=0.0, V_reset=-5.0, V_th=20.0, R=1.0, tau=10.0, t_ref=5.0):
    """Closed form (REFERENCE.md): T = tau ln((R I + V_rest - V_reset) / (R I + V_rest - V_th))."""
    T = tau * np.log((R * I + V_rest - V_reset) / (R * I + V_rest - V_th))
    return 1.0 / (T + t_ref)


@pytest.mark.parametrize("model", ["local", "zoo"])
def test_lif_rate_matches_closed_form(model):
    m = lif if model == "local" else __import__("dynanalysis.models").models.LIF()
    currents = np.linspace(21.0, 80.0, 12)
    tr = da.simulate(m, {"V": -5.0}, 400.0, dt=0.01, params={"I": currents}, record_every=1000)
    for I, times in zip(currents, tr.spike_times):
        rate = 1.0 / np.mean(np.diff(times))
        assert abs(rate / lif_rate(I) - 1) < 5e-3, (I, rate, lif_rate(I))
    # below rheobase (V_th - V_rest) / R = 20: no spike at all
    below = da.simulate(m, {"V": 0.0}, 500.0, dt=0.01, params={"I": np.array([5.0, 19.9])})
    assert below.spike_counts.tolist() == [0, 0]


def test_refractory_holds_the_reset_value():
    tr = da.simulate(lif, {"V": 19.0}, 20.0, dt=0.01, params={"I": 40.0})
    t_spike = tr.spike_times[0]
    held = (tr.t > t_spike + 0.02) & (tr.t < t_spike + 5.0 - 0.02)
    assert np.all(tr["V"][held] == -5.0)
    assert tr["V"][np.searchsorted(tr.t, t_spike + 5.1)] > -5.0


def _hh_numpy(t, y, I):
    """Hodgkin–Huxley written independently from MODELS.md (NumPy, with 0/0 guarded)."""
    V, m, h, n = y
    am = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
    bm = 4 * np.exp(-(V + 65) / 18)
    ah = 0.07 * np.exp(-(V + 65) / 20)
    bh = 1 / (1 + np.exp(-(V + 35) / 10))
    an = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
    bn = 0.125 * np.exp(-(V + 65) / 80)
    dV = -120 * m**3 * h * (V - 50) - 36 * n**4 * (V + 77) - 0.3 * (V + 54.387) + I
    return [dV, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]


def _upward_crossings(t, v, level=0.0):
    i = np.nonzero((v[:-1] < level) & (v[1:] >= level))[0]
    return t[i] + (level - v[i]) * (t[i + 1] - t[i]) / (v[i + 1] - v[i])


def test_hodgkin_huxley_spike_times_match_scipy():
    HH = pytest.importorskip("dynanalysis.models").HodgkinHuxley
    y0 = {"V": -65.0, "m": 0.05, "h": 0.6, "n": 0.32}
    ref = solve_ivp(_hh_numpy, (0, 200), list(y0.values()), args=(10.0,), rtol=1e-10,
                    atol=1e-10, dense_output=True, method="DOP853")
    tt = np.linspace(0, 200, 400001)
    ref_spikes = _upward_crossings(tt, ref.sol(tt)[0])
    tr = da.simulate(HH(I=10.0), y0, 200.0, dt=0.01)
    spikes = _upward_crossings(tr.t, tr["V"])
    assert len(spikes) == len(ref_spikes) >= 10
    np.testing.assert_allclose(spikes, ref_spikes, atol=2e-3)


# --------------------------------------------------------------------------- batching
def test_batch_equals_single_runs_and_does_not_recompile():
    traces = []

    def field(V, w, I=0.5, a=0.7, b=0.8, tau=12.5):
        traces.append(1)  # runs only while JAX traces
        return V - V**3 / 3 - w + I, (V + a - b * w) / tau

    m = da.ode(field)
    currents = np.linspace(0.0, 1.5, 64)
    batch = da.simulate(m, {"V": -1.0, "w": 1.0}, 20.0, dt=0.05, params={"I": currents})
    n_traced = len(traces)
    singles = [da.simulate(m, {"V": -1.0, "w": 1.0}, 20.0, dt=0.05, params={"I": I})["V"]
               for I in currents[::9]]
    np.testing.assert_allclose(batch["V"][::9], np.array(singles), rtol=0, atol=1e-12)
    n_after_singles = len(traces)
    again = da.simulate(m, {"V": -1.0, "w": 1.0}, 20.0, dt=0.05, params={"I": currents + 0.1})
    assert len(traces) == n_after_singles  # new values, same shapes: no new trace
    assert not np.allclose(again["V"], batch["V"])
    # a copy of the model with other defaults shares the compiled code as well
    da.simulate(m.with_params(a=0.6), {"V": -1.0, "w": 1.0}, 20.0, dt=0.05,
                params={"I": currents})
    assert len(traces) == n_after_singles
    assert n_traced > 0


def test_batched_simulation_runs_without_host_transfers():
    initial = {"V": np.linspace(-2, 2, 32), "w": 0.0}
    da.simulate(fhn, initial, 5.0, dt=0.05)  # compile outside the guard
    with jax.transfer_guard("disallow"):
        tr = da.simulate(fhn, initial, 5.0, dt=0.05, params={"I": np.linspace(0, 1, 32)})
    assert tr["V"].shape == (32, 101)


def test_batch_shapes_broadcast_and_time_inputs():
    # 2-D batch: 3 initial V x 4 currents
    tr = da.simulate(fhn, {"V": np.array([-1.0, 0.0, 1.0])[:, None], "w": 0.0}, 1.0, dt=0.1,
                     params={"I": np.arange(4.0)})
    assert tr["V"].shape == (3, 4, 11) and tr.batch_shape == (3, 4)
    # an input on the step grid equal to a constant gives the constant's result
    const = da.simulate(fhn, {"V": 0.1, "w": 0.0}, 5.0, dt=0.05, params={"I": 0.3})
    grid = da.simulate(fhn, {"V": 0.1, "w": 0.0}, 5.0, dt=0.05, inputs={"I": np.full(100, 0.3)})
    func = da.simulate(fhn, {"V": 0.1, "w": 0.0}, 5.0, dt=0.05, inputs={"I": lambda t: 0.3 + 0 * t})
    np.testing.assert_allclose(grid["V"], const["V"], atol=1e-14)
    np.testing.assert_allclose(func["V"], const["V"], atol=1e-14)


def test_time_dependent_input_function_matches_scipy():
    drive = lambda t: 0.5 * np.sin(0.2 * t) if isinstance(t, float) else 0.5 * jax.numpy.sin(0.2 * t)  # noqa
    tr = da.simulate(fhn, {"V": -1.0, "w": 1.0}, 50.0, dt=0.01, inputs={"I": drive},
                     record_every=50)
    f = lambda t, y: [y[0] - y[0] ** 3 / 3 - y[1] + 0.5 * np.sin(0.2 * t),  # noqa
                      (y[0] + 0.7 - 0.8 * y[1]) / 12.5]
    ref = solve_ivp(f, (0, 50), [-1.0, 1.0], rtol=1e-11, atol=1e-12, dense_output=True).sol(tr.t)
    assert np.max(np.abs(tr["V"] - ref[0])) < 1e-7


def test_float32_mode_is_close_and_global_config_untouched():
    tr32 = da.simulate(fhn, {"V": -1.0, "w": 1.0}, 20.0, dt=0.01, dtype="float32")
    tr64 = da.simulate(fhn, {"V": -1.0, "w": 1.0}, 20.0, dt=0.01)
    assert tr32["V"].dtype == np.float32 and tr64["V"].dtype == np.float64
    assert np.max(np.abs(tr32["V"] - tr64["V"])) < 1e-3
    assert jax.config.jax_enable_x64 is False


def test_divergence_is_reported_not_hidden():
    blowup = da.ode(lambda x, c=1.0: c * x**2, name="blowup")
    with pytest.warns(RuntimeWarning, match="diverged"):
        tr = da.simulate(blowup, {"x": np.array([0.1, 2.0])}, 2.0, dt=0.01)
    assert tr.diverged.tolist() == [False, True]


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(initial={"V": 0.0, "w": 0.0, "z": 1.0}), ValueError, "'z'"),
    (dict(initial={"V": 0.0}), ValueError, "'w'"),
    (dict(params={"J": 1.0}), ValueError, "'J'"),
    (dict(dt=0.0), ValueError, "dt"),
    (dict(dt=-0.1), ValueError, "dt"),
    (dict(duration=0.0), ValueError, "duration"),
    (dict(method="rk45"), ValueError, "method"),
    (dict(initial={"V": np.zeros(3), "w": np.zeros(4)}), ValueError, "batch shapes"),
    (dict(initial={"V": np.nan, "w": 0.0}), ValueError, "'V'"),
    (dict(inputs={"I": np.zeros(7)}), ValueError, "'I'"),
    (dict(inputs={"q": 1.0}), ValueError, "'q'"),
    (dict(record_every=0), ValueError, "record_every"),
])
def test_bad_input_names_the_culprit(kwargs, exc, match):
    args = dict(initial={"V": 0.0, "w": 0.0}, duration=1.0, dt=0.1)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        da.simulate(fhn, args.pop("initial"), args.pop("duration"), **args)


def test_wrong_number_of_components_is_caught_at_definition():
    with pytest.raises(ValueError, match="returned 1 derivative"):
        da.ode(lambda x, y, a=1.0: x * a, name="bad")
    with pytest.raises(ValueError, match="shape"):
        da.ode(lambda u, a=1.0: a * u[:2], sizes={"u": 5}, name="bad_shape")


def test_memory_budget_is_enforced():
    with pytest.raises(ValueError, match="record_every"):
        da.simulate(fhn, {"V": np.zeros(10**5), "w": 0.0}, 1e4, dt=0.01)


# --------------------------------------------------------------------------- the last step
decay = da.ode(lambda x, k=1.0: -k * x, name="decay")


def _rk4_factor(h):
    """RK4's amplification on x' = -x: the degree-4 Taylor polynomial of exp(-h)."""
    return 1 - h + h**2 / 2 - h**3 / 6 + h**4 / 24


def test_last_step_is_shortened_to_end_at_the_duration():
    tr = da.simulate(decay, {"x": 1.0}, 1.0, dt=0.3)
    np.testing.assert_allclose(tr.t, [0.0, 0.3, 0.6, 0.9, 1.0], rtol=0, atol=1e-15)
    assert tr.t[-1] == 1.0
    # steps 0.3, 0.3, 0.3, 0.1: the state is RK4's polynomial applied step by step
    assert tr["x"][-1] == pytest.approx(_rk4_factor(0.3) ** 3 * _rk4_factor(0.1), rel=1e-14)
    # and exp(-1) within RK4's global error: |exp(-h) - R(-h)| <= h^5/120 (alternating series,
    # terms decreasing for h <= 1) and propagation only damps (|R|, exp(-t) <= 1), so the error is
    # at most 3 * 0.3^5/120 + 0.1^5/120 = 6.1e-5; stopping at t = 0.9 would be off by 0.039
    bound = (3 * 0.3**5 + 0.1**5) / 120
    assert abs(tr["x"][-1] - np.exp(-1.0)) < bound


def test_step_longer_than_the_duration_is_one_shortened_step():
    tr = da.simulate(decay, {"x": 1.0}, 1.0, dt=1.5)
    assert tr.t.tolist() == [0.0, 1.0]
    assert tr["x"][-1] == pytest.approx(_rk4_factor(1.0), rel=1e-14)  # 3/8, one RK4 step of 1


def test_last_record_of_a_partial_stride_ends_at_the_duration():
    # 10 steps of 0.1 recorded every 3: records after steps 3, 6, 9 and the last one (not 12)
    tr = da.simulate(decay, {"x": 1.0}, 1.0, dt=0.1, record_every=3)
    np.testing.assert_allclose(tr.t, [0.0, 0.3, 0.6, 0.9, 1.0], rtol=0, atol=1e-15)
    np.testing.assert_allclose(tr["x"], _rk4_factor(0.1) ** np.array([0, 3, 6, 9, 10]), rtol=1e-13)


def test_dopri5_last_record_is_at_the_duration():
    tr = da.simulate(decay, {"x": 1.0}, 1.0, dt=0.3, method="dopri5", rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tr.t, [0.0, 0.3, 0.6, 0.9, 1.0], rtol=0, atol=1e-15)
    np.testing.assert_allclose(tr["x"], np.exp(-tr.t), rtol=1e-8)


def test_step_grid_input_holds_its_last_sample_over_the_short_step():
    # x' = -x + I, exp_euler is exact on each step with I held: x <- I + (x - I) exp(-h)
    drive = da.ode(lambda x, I=0.0: -x + I, name="drive")
    samples = np.array([1.0, 0.0, 2.0, 3.0])  # ceil(1.0 / 0.3) = 4 steps: 0.3, 0.3, 0.3, 0.1
    tr = da.simulate(drive, {"x": 0.5}, 1.0, dt=0.3, method="exp_euler", inputs={"I": samples})
    x = 0.5
    for I, h in zip(samples, [0.3, 0.3, 0.3, 0.1]):
        x = I + (x - I) * np.exp(-h)
    assert tr.t[-1] == 1.0 and tr["x"][-1] == pytest.approx(x, rel=1e-13)
    with pytest.raises(ValueError, match=r"'I'.*= 4"):
        da.simulate(drive, {"x": 0.5}, 1.0, dt=0.3, inputs={"I": samples[:3]})


def test_hybrid_model_ends_at_the_duration_after_a_spike():
    # from V = 19 with I = 40: V = 40 - 21 exp(-t/10) crosses 20 at ts = 10 ln(21/20); after the
    # 5 ms refractory period at -5, V = 40 - 45 exp(-(t - ts - 5)/10).  10.003 is 1000.3 steps.
    T = 10.003
    tr = da.simulate(lif, {"V": 19.0}, T, dt=0.01, params={"I": 40.0})
    ts = 10 * np.log(21 / 20)
    assert tr.t[-1] == T and len(tr.spike_times) == 1
    assert abs(tr.spike_times[0] - ts) < 1e-5  # linear interpolation within a step: O(dt^2)
    # a spike-time error d moves V(T) by 4.5 exp(-s/10) d < 1e-5; RK4's error is far smaller
    assert tr["V"][-1] == pytest.approx(40 - 45 * np.exp(-(T - ts - 5.0) / 10), abs=1e-4)
    # ending inside the refractory period: the state is still the reset value
    held = da.simulate(lif, {"V": 19.0}, 3.005, dt=0.01, params={"I": 40.0})
    assert held.t[-1] == 3.005 and held["V"][-1] == -5.0


def test_a_new_duration_with_the_same_record_count_does_not_recompile():
    traces = []

    def field(x, k=1.0):
        traces.append(1)
        return -k * x

    m = da.ode(field, name="traced")
    a = da.simulate(m, {"x": 1.0}, 1.0, dt=0.3)
    n = len(traces)
    b = da.simulate(m, {"x": 1.0}, 0.95, dt=0.3)  # also 4 steps, the last one 0.05
    assert len(traces) == n
    assert a.t[-1] == 1.0 and b.t[-1] == 0.95
    assert b["x"][-1] == pytest.approx(_rk4_factor(0.3) ** 3 * _rk4_factor(0.05), rel=1e-14)


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(duration="1.0"), TypeError, "duration must be a positive finite number"),
    (dict(dt="0.1"), TypeError, "dt must be a positive finite number"),
    (dict(dt=None), TypeError, "dt"),
    (dict(duration=np.inf), ValueError, "duration"),
    (dict(dt=np.nan), ValueError, "dt"),
    (dict(duration=[1.0]), TypeError, "duration"),
    (dict(record_every="2"), TypeError, "record_every must be a positive integer"),
    (dict(record_every=1.5), ValueError, "record_every"),
    (dict(rtol="tight"), TypeError, "rtol"),
    (dict(atol=-1e-9), ValueError, "atol"),
    (dict(t0="0"), TypeError, "t0"),
    (dict(max_spikes=0), ValueError, "max_spikes"),
])
def test_non_numbers_name_the_argument(kwargs, exc, match):
    args = dict(duration=1.0, dt=0.1)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        da.simulate(fhn, {"V": 0.0, "w": 0.0}, args.pop("duration"), **args)
