"""The model zoo, checked against references it did not compute itself.

References: MODELS.md (names, defaults), REFERENCE.md (FitzHugh–Nagumo and Wong–Wang equilibria
and eigenvalues, LIF closed form), sympy's exact Jacobian of each model's own definition
evaluated in 100-digit arithmetic, closed forms (theta-neuron period), an independent dense-matrix
NumPy implementation of the CANN, and the firing patterns of Naud et al. (2008), Fig. 4.
"""
import doctest
import functools

import jax
import jax.numpy as jnp
import mpmath
import numpy as np
import pytest
import sympy

import dynanalysis as da
import dynanalysis.models as zoo
from dynanalysis.models import (ZOO, AdaptiveCANN1D, AdEx, CANN1D, FitzHughNagumo,
                                HodgkinHuxley, Izhikevich, LIF, ThetaNeuron, WongWang)

CONTRACT = ["HodgkinHuxley", "MorrisLecar", "PersistentSodiumPotassium", "LIF", "QIF", "ThetaNeuron", "ExpIF", "AdEx",
            "Izhikevich", "GIF",
            "FitzHughNagumo", "HindmarshRose", "WongWang", "CANN1D", "AdaptiveCANN1D"]

N_SMALL = 8  # CANN size for the exact (symbolic) checks


def make(name, **params):
    return ZOO[name](N=N_SMALL, **params) if "CANN" in name else ZOO[name](**params)


# physiological ranges of each variable, for random states
RANGES = {
    "HodgkinHuxley": {"V": (-80, 40), "m": (0, 1), "h": (0, 1), "n": (0, 1)},
    "MorrisLecar": {"V": (-70, 40), "w": (0, 1)},
    "PersistentSodiumPotassium": {"V": (-80, 20), "n": (0, 1)},
    "LIF": {"V": (-10, 20)},
    "QIF": {"V": (-80, -30)},
    "ThetaNeuron": {"theta": (-np.pi, np.pi)},
    "ExpIF": {"V": (-80, -30)},
    "AdEx": {"V": (-80, -30), "w": (-100, 300)},
    "Izhikevich": {"V": (-80, 30), "u": (-20, 10)},
    "GIF": {"V": (-80, -45), "Theta": (-60, -40), "I1": (-2, 2), "I2": (-2, 2)},
    "FitzHughNagumo": {"V": (-3, 3), "w": (-3, 3)},
    "HindmarshRose": {"x": (-2, 2.5), "y": (-20, 2), "z": (1, 3)},
    "WongWang": {"s1": (0, 1), "s2": (0, 1)},
    "CANN1D": {"u": (-0.5, 3)},
    "AdaptiveCANN1D": {"u": (-0.5, 3), "v": (-0.5, 1)},
}


@functools.lru_cache(maxsize=None)
def exact(name):
    """sympy view of the model, and its rhs and Jacobian as 100-digit mpmath functions."""
    model = make(name)
    sym = model.symbolic()
    args = list(sym.state) + [sym.params[n] for n in model.flow.param_names]
    rhs = sympy.lambdify(args, sympy.Matrix(sym.rhs), modules="mpmath")
    jac = sympy.lambdify(args, sym.jacobian, modules="mpmath")
    return model, sym, rhs, jac


def mp_eval(fn, x, p, dps=100):
    with mpmath.workdps(dps):
        return np.array(fn(*x, *p).tolist(), dtype=float)


@functools.lru_cache(maxsize=None)
def _rhs_and_jacfwd(flow):
    def both(x, p):
        f = lambda y: flow.rhs(y, p, 0.0)  # noqa: E731
        return f(x), jax.jacfwd(f)(x)
    return jax.jit(both)


def jax_rhs_and_jacobian(model, x, p):
    with jax.enable_x64(True):
        f, J = _rhs_and_jacfwd(model.flow)(jnp.asarray(x, jnp.float64), jnp.asarray(p, jnp.float64))
        return np.asarray(f), np.asarray(J)


def assert_rows_close(J, J_ref, rtol):
    """Each entry within rtol of the largest entry of its own row (equation).

    Entries of one Jacobian span many orders (mV equations beside gating variables; exact zeros
    next to entries of 1e4), so elementwise relative error is meaningless on zeros and near
    cancellations; the error that matters for eigenvalues and Newton steps is relative to the
    size of the equation, i.e. the row.  Scaling per row (not by the global maximum) keeps a
    mistake in a small equation (a gating variable's) from hiding behind a large one.
    """
    scale = np.max(np.abs(J_ref), axis=1, keepdims=True)
    err = np.abs(J - J_ref)
    assert np.all(err <= rtol * scale), (np.max(err / np.where(scale > 0, scale, 1.0)), J, J_ref)


def random_state(name, model, rng):
    parts = []
    for var, size in model.sizes.items():
        lo, hi = RANGES[name][var]
        parts.append(rng.uniform(lo, hi, size))
    return np.concatenate(parts)


# --------------------------------------------------------------------------- contract
def test_zoo_is_the_contract_in_order():
    assert list(ZOO) == CONTRACT
    assert set(CONTRACT) <= set(zoo.__all__) and "ZOO" in zoo.__all__
    for name in CONTRACT:
        model = make(name)
        assert isinstance(model, da.ODE) and model.name == name
        assert getattr(zoo, name) is ZOO[name]


def test_variable_names_and_sizes():
    expected = {
        "HodgkinHuxley": ("V", "m", "h", "n"), "LIF": ("V",), "QIF": ("V",),
        "ThetaNeuron": ("theta",), "ExpIF": ("V",), "AdEx": ("V", "w"), "Izhikevich": ("V", "u"),
        "GIF": ("V", "Theta", "I1", "I2"), "FitzHughNagumo": ("V", "w"),
        "HindmarshRose": ("x", "y", "z"), "WongWang": ("s1", "s2"), "CANN1D": ("u",),
        "AdaptiveCANN1D": ("u", "v")}
    for name, variables in expected.items():
        assert make(name).variables == variables, name
    assert CANN1D().sizes == {"u": 512}
    assert AdaptiveCANN1D(N=16).sizes == {"u": 16, "v": 16}


# Defaults transcribed from MODELS.md (and the brief for the ones it leaves open: I = 0,
# t_ref = 0 for QIF/ExpIF/AdEx, Izhikevich I = 10).
MODELS_MD_DEFAULTS = {
    "HodgkinHuxley": dict(C=1, gNa=120, gK=36, gL=0.3, ENa=50, EK=-77, EL=-54.387),
    "QIF": dict(V_rest=-65, V_reset=-68, V_th=-30, V_c=-50, a0=0.07, R=1, tau=10, t_ref=0, I=0),
    "ExpIF": dict(V_rest=-65, V_reset=-68, V_th=-30, V_T=-59.9, delta_T=3.48, R=1, tau=10,
                  t_ref=0, I=0),
    "AdEx": dict(V_rest=-65, V_reset=-68, V_th=-30, V_T=-59.9, delta_T=3.48, a=1, b=1, R=1,
                 tau_m=10, tau_w=30, t_ref=0, I=0),
    "Izhikevich": dict(a=0.02, b=0.2, c=-65, d=8, I=10),
    "ThetaNeuron": dict(beta=0, I=0),
    "FitzHughNagumo": dict(a=0.7, b=0.8, tau=12.5, I=0),
    "HindmarshRose": dict(a=1, b=3, c=1, d=5, s=4, x_r=-1.6, r=0.001, I=2),
    "WongWang": dict(gamma=0.641, tau=0.1, a=270, b=108, d=0.154, JE=0.2609, JI=0.0497,
                     I0=0.3255, JAext=0.00052, mu=0, c=0),
    "CANN1D": dict(tau=1, k=8.1, a=0.5, A=10, J0=4, z=0),
    "AdaptiveCANN1D": dict(tau=1, k=8.1, a=0.5, A=10, J0=4, z=0, m=0.1, tau_v=10),
}


def test_lif_defaults_are_models_md():
    assert LIF().parameters == dict(I=0.0, V_rest=0.0, V_reset=-5.0, V_th=20.0, R=1.0,
                                    tau=10.0, t_ref=5.0)


@pytest.mark.parametrize("name", list(MODELS_MD_DEFAULTS))
def test_defaults_are_models_md(name):
    pars = make(name).parameters
    for k, v in MODELS_MD_DEFAULTS[name].items():
        assert pars[k] == v, (name, k, pars[k], v)


@pytest.mark.parametrize("name", CONTRACT)
def test_keyword_overrides_and_unknown_names(name):
    model = make(name)
    k = model.flow.param_names[-1]
    assert make(name, **{k: 0.125}).parameters[k] == 0.125
    assert model.parameters[k] != 0.125  # the default is untouched
    with pytest.raises(ValueError, match="not_a_parameter"):
        make(name, not_a_parameter=1.0)


# --------------------------------------------------------------------------- exact Jacobians
@pytest.mark.parametrize("name", CONTRACT)
def test_autodiff_jacobian_equals_exact_sympy_jacobian(name):
    model, sym, rhs, jac = exact(name)
    rng = np.random.default_rng(CONTRACT.index(name))
    for _ in range(3):
        # parameters perturbed off their defaults, so that no term vanishes by accident
        # (GIF's a = 0, the theta neuron's beta + I = 0 ...)
        pars = {k: v * (1 + 0.1 * rng.uniform(-1, 1)) + 0.1 * rng.uniform(-1, 1)
                for k, v in model.parameters.items()}
        _, p = model.flat_params(pars)
        x = random_state(name, model, rng)
        f, J = jax_rhs_and_jacobian(model, x, p)
        f_ref, J_ref = mp_eval(rhs, x, p).ravel(), mp_eval(jac, x, p)
        np.testing.assert_allclose(f, f_ref, rtol=1e-12, atol=1e-12 * np.max(np.abs(f_ref)))
        assert J.shape == (model.dim, model.dim)
        assert_rows_close(J, J_ref, 1e-10)


# --------------------------------------------------------------------------- singular points
# Independent 100-digit implementations of MODELS.md's equations, constants as exact decimals.
# (sympy's view cannot serve here: it folds exp(-(V + 40.0)/10) into 0.0183156388887342 *
# exp(-0.1 V), a 16-digit constant, so its 0/0 no longer cancels at V = -40.)
def hh_mp(V, m, h, n):
    e, q = mpmath.exp, mpmath.mpf
    am = q("0.1") * (V + 40) / (1 - e(-(V + 40) / 10))
    bm = 4 * e(-(V + 65) / 18)
    ah = q("0.07") * e(-(V + 65) / 20)
    bh = 1 / (1 + e(-(V + 35) / 10))
    an = q("0.01") * (V + 55) / (1 - e(-(V + 55) / 10))
    bn = q("0.125") * e(-(V + 65) / 80)
    dV = -120 * m**3 * h * (V - 50) - 36 * n**4 * (V + 77) - q("0.3") * (V + q("54.387"))
    return [dV, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]


def ww_mp(s1, s2):
    q = mpmath.mpf
    gamma, tau, a, b, d = q("0.641"), q("0.1"), 270, 108, q("0.154")
    JE, JI, I0 = q("0.2609"), q("0.0497"), q("0.3255")
    x1, x2 = JE * s1 - JI * s2 + I0, JE * s2 - JI * s1 + I0  # mu = 0
    r1, r2 = ((a * x - b) / (1 - mpmath.exp(-d * (a * x - b))) for x in (x1, x2))
    return [-s1 / tau + (1 - s1) * gamma * r1, -s2 / tau + (1 - s2) * gamma * r2]


def _limit_check(model, f_mp, x, i_sing):
    """Value and Jacobian at a removable singularity vs the limit (the 100-digit field a
    distance 1e-30 off the singular point, and its 100-digit numerical derivatives), and
    column i_sing vs a central finite difference of the float64 vector field."""
    _, p = model.flat_params()
    f, J = jax_rhs_and_jacobian(model, x, p)
    assert np.all(np.isfinite(f)) and np.all(np.isfinite(J))
    n = len(x)
    with mpmath.workdps(100):
        xm = [mpmath.mpf(float(v)) for v in x]
        xm[i_sing] += mpmath.mpf("1e-30")

        def partial(i, j):
            return mpmath.diff(lambda t: f_mp(*xm[:j], t, *xm[j + 1:])[i], xm[j])

        f_ref = np.array(f_mp(*xm), dtype=float)
        J_ref = np.array([[partial(i, j) for j in range(n)] for i in range(n)], dtype=float)
    np.testing.assert_allclose(f, f_ref, rtol=1e-12)
    assert_rows_close(J, J_ref, 1e-10)
    h = 1e-4 * max(1.0, abs(x[i_sing]))
    e = np.zeros_like(x)
    e[i_sing] = h
    fd = (jax_rhs_and_jacobian(model, x + e, p)[0] - jax_rhs_and_jacobian(model, x - e, p)[0])
    np.testing.assert_allclose(J[:, i_sing], fd / (2 * h), rtol=1e-6, atol=1e-9)
    return f


@pytest.mark.parametrize("V", [-40.0, -55.0])
def test_hodgkin_huxley_at_its_removable_singularities(V):
    _limit_check(HodgkinHuxley(), hh_mp, np.array([V, 0.3, 0.5, 0.4]), 0)


def test_wong_wang_transfer_function_at_a_x_equal_b():
    ww = WongWang().parameters
    s2 = 0.1
    s1 = (ww["b"] / ww["a"] - ww["I0"] + ww["JI"] * s2) / ww["JE"]  # a x1 = b at mu = 0
    f = _limit_check(WongWang(), ww_mp, np.array([s1, s2]), 0)
    # r1 -> 1/d there
    expected = -s1 / ww["tau"] + (1 - s1) * ww["gamma"] / ww["d"]
    assert f[0] == pytest.approx(expected, rel=1e-12)


# --------------------------------------------------------------------------- REFERENCE.md
def _eig(model, state, params):
    _, x = model.flat_state(state)
    _, p = model.flat_params(params)
    return np.linalg.eigvals(jax_rhs_and_jacobian(model, x, p)[1])


def test_fitzhugh_nagumo_equilibrium_and_hopf_from_reference():
    fhn = FitzHughNagumo()
    eq = {"V": -0.272900958997298, "w": 0.533873801253378}
    res = fhn.vector_field(eq, {"I": 0.8})
    assert abs(res["V"]) < 1e-12 and abs(res["w"]) < 1e-12
    np.testing.assert_allclose(np.sort(_eig(fhn, eq, {"I": 0.8}).real), [0.024819, 0.836706],
                               atol=1e-6)
    hopf = {"V": -0.967470929795826, "w": -0.334338662244783}
    res = fhn.vector_field(hopf, {"I": 0.331281337454746})
    assert abs(res["V"]) < 1e-12 and abs(res["w"]) < 1e-12
    lam = _eig(fhn, hopf, {"I": 0.331281337454746})
    np.testing.assert_allclose(lam.real, 0.0, atol=1e-12)
    np.testing.assert_allclose(np.sort(lam.imag), [-0.275506805723561, 0.275506805723561],
                               rtol=1e-12)


WW_EQUILIBRIA = {  # REFERENCE.md, c = 0
    0.0: [(0.5669871805570, 0.0318914198205), (0.1026512495649, 0.1026512495649),
          (0.0318914198205, 0.5669871805570), (0.3138449242650, 0.0557853305247),
          (0.0557853305247, 0.3138449242650)],
    20.0: [(0.637846417940, 0.042808882035), (0.042808882035, 0.637846417940),
           (0.220220931331, 0.220220931331)],
}


@pytest.mark.parametrize("mu", list(WW_EQUILIBRIA))
def test_wong_wang_equilibria_from_reference(mu):
    model = WongWang(mu=mu)
    digits = 1e-13 if mu == 0.0 else 1e-12  # precision of the printed states
    for s1, s2 in WW_EQUILIBRIA[mu]:
        res = model.vector_field({"s1": s1, "s2": s2})
        # |J| <= ~60/s here, so a state rounded to `digits` leaves a residual below 100 digits
        assert max(abs(res["s1"]), abs(res["s2"])) < 100 * digits, (s1, s2, res)
    if mu == 0.0:
        lam = _eig(model, {"s1": 0.1026512495649, "s2": 0.1026512495649}, {})
        np.testing.assert_allclose(np.sort(lam.real), [-5.10586829810, -2.26408677845],
                                   rtol=1e-9)


# --------------------------------------------------------------------------- hybrid models
def test_lif_period_matches_closed_form():
    p = LIF().parameters
    I = 30.0
    T = p["tau"] * np.log((p["R"] * I + p["V_rest"] - p["V_reset"])
                          / (p["R"] * I + p["V_rest"] - p["V_th"]))
    tr = da.simulate(LIF(I=I), {"V": p["V_reset"]}, 100.0, dt=0.01)
    assert tr.spike_times[0] == pytest.approx(T, rel=1e-6)
    np.testing.assert_allclose(np.diff(tr.spike_times), T + p["t_ref"], rtol=1e-6)


def test_theta_neuron_period_is_pi_over_sqrt_drive():
    tr = da.simulate(ThetaNeuron(beta=0.1, I=0.15), {"theta": -np.pi}, 50.0, dt=0.01)
    np.testing.assert_allclose(np.diff(tr.spike_times), np.pi / np.sqrt(0.25), rtol=1e-6)
    assert np.all(np.abs(tr.states["theta"]) <= np.pi + 1e-9)  # the wrap keeps it on the circle


def test_spike_and_reset_maps():
    def fire(model, state):
        f = model.flow
        pars = model.parameters
        return f.spike(state, pars), {**state, **f.reset(state, pars)}

    g, new = fire(AdEx(b=7.0), {"V": -29.0, "w": 3.0})
    assert g > 0 and new == {"V": -68.0, "w": 10.0}
    g, new = fire(Izhikevich(preset="chattering"), {"V": 31.0, "u": -3.0})
    assert g > 0 and new == {"V": -50.0, "u": -1.0}
    g, new = fire(ThetaNeuron(), {"theta": 3.2})  # the circle's wrap
    assert g > 0 and new["theta"] == pytest.approx(3.2 - 2 * np.pi)
    gif = zoo.GIF(R1=0.5, A1=0.2, R2=2.0, A2=-0.1)
    for theta, theta_new in [(-45.0, -45.0), (-65.0, -60.0)]:  # Theta <- max(Theta_reset, Theta)
        g, new = fire(gif, {"V": theta + 1.0, "Theta": theta, "I1": 1.0, "I2": 3.0})
        assert g > 0
        assert new == pytest.approx({"V": -70.0, "Theta": theta_new, "I1": 0.7, "I2": 5.9})
    g, _ = fire(LIF(), {"V": 19.0})
    assert g < 0
    assert LIF().flow.refractory == "t_ref" and AdEx().flow.refractory == "t_ref"


# --------------------------------------------------------------------------- presets
# Naud et al. (2008) Table 1 rows 4a-e, h, and P. Müller's corrected rows f, g (Brian2):
# C, gL, EL, VT, DeltaT, a, tau_w, b, Vr, I
NAUD = {
    "tonic": (200, 10, -70, -50, 2, 2, 30, 0, -58, 500),
    "adapting": (200, 12, -70, -50, 2, 2, 300, 60, -58, 500),
    "initial_burst": (130, 18, -58, -50, 2, 4, 150, 120, -50, 400),
    "regular_bursting": (200, 10, -58, -50, 2, 2, 120, 100, -46, 210),
    "delayed_accelerating": (200, 12, -70, -50, 2, -10, 300, 0, -58, 300),
    "delayed_regular_bursting": (100, 10, -65, -50, 2, -10, 90, 30, -47, 110),
    "transient": (100, 10, -65, -50, 2, 10, 90, 100, -47, 180),
    "irregular": (100, 12, -60, -50, 2, -11, 130, 30, -48, 160),
}


def test_adex_presets_are_the_documented_numbers():
    assert list(AdEx.presets) == list(NAUD)
    for name, (C, gL, EL, VT, DT, a, tau_w, b, Vr, I) in NAUD.items():
        expected = dict(tau_m=C / gL, R=1 / gL, V_rest=EL, V_T=VT, delta_T=DT, a=a, tau_w=tau_w,
                        b=b, V_reset=Vr, I=I)
        assert AdEx.presets[name] == pytest.approx(expected, rel=1e-15), name
        pars = AdEx(preset=name).parameters
        assert {k: pars[k] for k in expected} == pytest.approx(expected, rel=1e-15)
        assert pars["V_th"] == -30.0 and pars["t_ref"] == 0.0
    assert AdEx(preset="tonic", b=5.0).parameters["b"] == 5.0  # overrides win
    with pytest.raises(ValueError, match="no_such_pattern"):
        AdEx(preset="no_such_pattern")


def test_izhikevich_presets_are_the_documented_numbers():
    table = {"regular_spiking": (0.02, 0.2, -65, 8), "intrinsically_bursting": (0.02, 0.2, -55, 4),
             "chattering": (0.02, 0.2, -50, 2), "fast_spiking": (0.1, 0.2, -65, 2)}
    assert list(Izhikevich.presets) == list(table)
    for name, (a, b, c, d) in table.items():
        pars = Izhikevich(preset=name).parameters
        assert (pars["a"], pars["b"], pars["c"], pars["d"], pars["I"]) == (a, b, c, d, 10.0)
    assert Izhikevich().parameters == Izhikevich(preset="regular_spiking").parameters


def test_adex_presets_fire_their_patterns():
    """Qualitative firing patterns of Naud et al. (2008), Fig. 4, in one batched simulation."""
    names = list(AdEx.presets)
    params = {k: np.array([AdEx.presets[n][k] for n in names]) for k in AdEx.presets["tonic"]}
    tr = da.simulate(AdEx(), {"V": params["V_rest"], "w": 0.0}, 500.0, dt=0.02,
                     method="exp_euler", params=params, record_every=500)
    spikes = dict(zip(names, tr.spike_times))
    isi = {n: np.diff(s) for n, s in spikes.items()}
    assert not np.any(tr.diverged)

    late = isi["tonic"][-10:]
    assert late.std() / late.mean() < 0.01                      # regular
    assert np.all(np.diff(isi["adapting"]) > -0.05)              # ISIs grow ...
    assert isi["adapting"][-1] > 4 * isi["adapting"][0]          # ... a lot
    ib = isi["initial_burst"]
    assert np.all(ib[:2] < 10) and np.all(ib[2:] > 50)           # burst, then slow tonic
    for n in ("regular_bursting", "delayed_regular_bursting"):   # bimodal ISIs, repeating
        short, long_ = isi[n][isi[n] < 10], isi[n][isi[n] > 40]
        assert len(short) >= 3 and len(long_) >= 3 and len(short) + len(long_) == len(isi[n])
    assert spikes["delayed_regular_bursting"][0] > 40            # delayed onset
    da_isi = isi["delayed_accelerating"]
    assert spikes["delayed_accelerating"][0] > 25 and np.all(np.diff(da_isi) < 0)
    assert 1 <= len(spikes["transient"]) and spikes["transient"][-1] < 100  # then silent
    irr = isi["irregular"][5:]
    assert irr.std() / irr.mean() > 0.3 and len(np.unique(np.round(irr))) > 10


# --------------------------------------------------------------------------- CANN
def test_cann_matches_an_independent_dense_implementation():
    rng = np.random.default_rng(1)
    for N, z in [(16, 3.0), (33, -2.9)]:  # z near +-pi exercises the ring wrap
        pars = dict(tau=1.3, k=0.4, a=0.6, A=2.0, J0=1.5, z=z, m=0.3, tau_v=7.0)
        u, v = rng.uniform(-0.5, 2, N), rng.uniform(-0.5, 1, N)
        x = np.array([-np.pi + 2 * np.pi * i / N for i in range(N)])
        dist = np.abs(x[:, None] - x[None, :])
        dist = np.minimum(dist, 2 * np.pi - dist)
        J = pars["J0"] / (np.sqrt(2 * np.pi) * pars["a"]) * np.exp(-dist**2 / (2 * pars["a"]**2))
        dz = np.abs(x - z)
        dz = np.minimum(dz, 2 * np.pi - dz)
        I_ext = pars["A"] * np.exp(-dz**2 / (4 * pars["a"]**2))
        r = u**2 / (1 + pars["k"] * np.sum(u**2))
        du = (-u + J @ r + I_ext) / pars["tau"]
        cann = {k: pars[k] for k in ("tau", "k", "a", "A", "J0", "z")}
        np.testing.assert_allclose(CANN1D(N=N, **cann).vector_field({"u": u})["u"], du,
                                   rtol=1e-12, atol=1e-12)
        f = AdaptiveCANN1D(N=N, **pars).vector_field({"u": u, "v": v})
        np.testing.assert_allclose(f["u"], du - v / pars["tau"], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(f["v"], (-v + pars["m"] * u) / pars["tau_v"], rtol=1e-12)


def test_cann_compiled_code_is_shared_per_N():
    assert CANN1D(N=8).flow is CANN1D(N=8, k=0.1, J0=1.0).flow
    assert CANN1D(N=8).flow != CANN1D(N=9).flow
    assert AdaptiveCANN1D(N=8).flow is AdaptiveCANN1D(N=8, m=0.3).flow
    assert "N" not in CANN1D(N=8).parameters
    for bad in (0, 2.5, -3):
        with pytest.raises(ValueError, match="N must be"):
            CANN1D(N=bad)


# --------------------------------------------------------------------------- documentation
@pytest.mark.parametrize("name", CONTRACT)
def test_docstring_has_equations_units_source_and_example(name):
    doc = ZOO[name].__doc__
    for part in (".. math::", "Units", "Source", "Example", ">>> "):
        assert part in doc, (name, part)
    assert make(name).__doc__ == doc


@pytest.mark.parametrize("name", CONTRACT)
def test_docstring_example_runs(name):
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(ZOO[name], name, globs={}):
        runner.run(test)
    assert runner.failures == 0 and runner.tries > 0
