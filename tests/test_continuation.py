"""Equilibrium continuation: special points against closed forms, published values and SciPy."""
import numpy as np
import pytest
from scipy.optimize import brentq, fsolve

import dynanalysis as da
from dynanalysis import continuation as ct
from dynanalysis import math as dm
from dynanalysis._numerics import normalform
from dynanalysis.models import FitzHughNagumo, HodgkinHuxley

sine = da.ode(lambda x, I=0.0: dm.sin(x) + I, name="sine")
saddle_node = da.ode(lambda x, mu=-1.0: mu + x**2, name="saddle-node")

FHN_HOPF = ((0.331281337454746, -0.967470929795826, -0.334338662244783),
            (1.41871866254525, 0.967470929795826, 2.08433866224478))
FHN_OMEGA = 0.275506805723561


def test_sine_folds_to_1e10_and_the_branch_turns_back_through_them():
    b = ct.equilibria(sine, "I", start={"x": 0.0}, params={"I": 0.0}, bounds=(-1.5, 1.5), max_steps=150)
    lp = b.points("LP")
    assert len(lp) >= 2 and b.status == "max_steps"
    for s in lp:
        assert abs(abs(s.params["I"]) - 1.0) < 1e-10
        assert abs(np.cos(s.states["x"])) < 1e-5  # sin x = -I = -+1 there: cos x = 0
    # through a fold the parameter turns while the state goes on: x is monotone (the branch is
    # x -> I = -sin x; starting towards larger I from x = 0 it decreases), I is not
    x, I = b.states["x"], b.params["I"]
    assert np.all(np.diff(x) < 0) and np.any(np.diff(I) > 0) and np.any(np.diff(I) < 0)
    assert np.max(np.abs(np.sin(x) + I)) < 1e-10
    # stability flips at every fold: f'(x) = cos x
    inner = np.abs(np.cos(x)) > 1e-3
    assert np.all(b.stable[inner] == (np.cos(x[inner]) < 0))


def test_saddle_node_normal_form_fold_at_zero():
    b = ct.equilibria(saddle_node, "mu", start={"x": -1.0}, bounds=(-1.0, 0.5))
    (lp,) = b.points("LP")
    assert abs(lp.params["mu"]) < 1e-10 and abs(lp.states["x"]) < 1e-5
    # came back: the branch ends at the lower bound on the other (positive, unstable) side
    assert b.status == "bounds" and b.params["mu"][-1] == pytest.approx(-1.0, abs=1e-12)
    assert b.states["x"][-1] == pytest.approx(1.0, abs=1e-9) and not b.stable[-1] and b.stable[0]


def test_fitzhugh_nagumo_hopf_points_frequency_and_criticality():
    b = ct.equilibria(FitzHughNagumo(), "I", bounds=(0.0, 2.0), start=None)
    h = b.points("H")
    assert len(h) == 2 and b.status == "bounds"
    for s, (I, V, w) in zip(sorted(h, key=lambda s: s.params["I"]), FHN_HOPF):
        assert abs(s.params["I"] - I) < 1e-8
        assert abs(s.states["V"] - V) < 1e-7 and abs(s.states["w"] - w) < 1e-7
        assert abs(s.data["frequency"] - FHN_OMEGA) < 1e-8
        assert s.data["lyapunov"] > 0 and s.data["criticality"] == "subcritical"  # REFERENCE: both subcritical
    # stable outside [I_H1, I_H2], unstable inside
    I = b.params["I"]
    assert np.all(b.stable[(I < FHN_HOPF[0][0] - 1e-3) | (I > FHN_HOPF[1][0] + 1e-3)])
    assert not np.any(b.stable[(I > FHN_HOPF[0][0] + 1e-3) & (I < FHN_HOPF[1][0] - 1e-3)])


@pytest.mark.parametrize("sigma, omega", [(-0.37, 2.0), (0.8, 0.5)])
def test_hopf_normal_form_lyapunov_coefficient(sigma, omega):
    # x' = a x - w y + s x r^2, y' = w x + a y + s y r^2, i.e. w' = (a + i w) w + s w |w|^2:
    # with |q| = 1 the first Lyapunov coefficient is 2 s / w (see dynanalysis.normalform)
    m = da.ode(lambda x, y, a=-0.5, s=sigma, w=omega: (a * x - w * y + s * x * (x * x + y * y),
                                                      w * x + a * y + s * y * (x * x + y * y)), name="hopf")
    b = ct.equilibria(m, "a", start={"x": 0.0, "y": 0.0}, bounds=(-0.5, 0.5))
    (h,) = b.points("H")
    assert abs(h.params["a"]) < 1e-10
    assert abs(h.data["lyapunov"] - 2 * sigma / omega) < 1e-6
    assert abs(h.data["frequency"] - omega) < 1e-10


def test_lyapunov_coefficient_with_quadratic_terms_against_guckenheimer_holmes():
    # x' = -w y + f(x, y), y' = w x + g(x, y): Guckenheimer & Holmes (1983, eq. 3.4.11) give
    # a = (f_xxx + f_xyy + g_xxy + g_yyy) / 16
    #     + (f_xy (f_xx + f_yy) - g_xy (g_xx + g_yy) - f_xx g_xx + f_yy g_yy) / (16 w),
    # and with |q| = 1 the first Lyapunov coefficient is l1 = 2 a / w.
    w = 1.2
    f2, f3, g2, g3 = (0.3, 0.5, -0.2), 0.1, (-0.4, 0.2, 0.6), -0.3

    def field(x, y):
        f = f2[0] * x * x + f2[1] * x * y + f2[2] * y * y + f3 * x**3
        g = g2[0] * x * x + g2[1] * x * y + g2[2] * y * y + g3 * y**3
        return -w * y + f, w * x + g

    fxx, fxy, fyy, fxxx = 2 * f2[0], f2[1], 2 * f2[2], 6 * f3
    gxx, gxy, gyy, gyyy = 2 * g2[0], g2[1], 2 * g2[2], 6 * g3
    a = (fxxx + gyyy) / 16 + (fxy * (fxx + fyy) - gxy * (gxx + gyy) - fxx * gxx + fyy * gyy) / (16 * w)
    m = da.ode(field, name="quadratic-hopf")
    l1, omega = normalform.first_lyapunov(m.flow, np.zeros(2), m.flat_params()[1])
    assert abs(omega - w) < 1e-12 and abs(l1 - 2 * a / w) < 1e-10


def _hh_scipy_hopf(model, bracket):
    """Independent: SciPy equilibrium + central-difference Jacobian, brentq on the real part of
    the leading eigenvalue."""
    p = dict(model.parameters)

    def f(x, I):
        return np.asarray(model.flow.rhs(np.asarray(x), np.asarray([dict(p, I=I)[k] for k in model.flow.param_names])))

    def re(I):
        x = fsolve(lambda y: f(y, I), [-60.0, 0.1, 0.5, 0.4], xtol=1e-13)
        h = 1e-6 * np.maximum(1.0, np.abs(x))
        J = np.stack([(f(x + h[i] * e, I) - f(x - h[i] * e, I)) / (2 * h[i]) for i, e in enumerate(np.eye(4))], 1)
        return np.max(np.linalg.eigvals(J).real)

    return brentq(re, *bracket, xtol=1e-10)


def test_hodgkin_huxley_equilibrium_branch_hopf_points():
    import jax
    hh = HodgkinHuxley()
    b = ct.equilibria(hh, "I", bounds=(0.0, 200.0), start=None)
    h = sorted(b.points("H"), key=lambda s: s.params["I"])
    assert len(h) == 2 and not b.points("LP") and b.status == "bounds"
    # published (Rinzel & Miller 1980): subcritical Hopf near 9.78, second Hopf near 154.5
    assert abs(h[0].params["I"] - 9.78) < 0.01 and h[0].data["lyapunov"] > 0
    assert abs(h[1].params["I"] - 154.5) < 0.05  # published to one decimal
    with jax.enable_x64(True):
        ref = [_hh_scipy_hopf(hh, (9.0, 11.0)), _hh_scipy_hopf(hh, (150.0, 160.0))]
    assert abs(h[0].params["I"] - ref[0]) < 1e-5 and abs(h[1].params["I"] - ref[1]) < 1e-5


def test_repeat_with_other_values_does_not_recompile(compilations):
    ct.equilibria(FitzHughNagumo(), "I", bounds=(0.0, 1.0), start=None)
    with compilations() as new:
        ct.equilibria(FitzHughNagumo(a=0.75), "I", bounds=(0.2, 0.9), params={"I": 0.3}, start=None, ds=0.02)
    assert new.count == 0


def test_bad_input_and_exhausted_steps():
    fhn = FitzHughNagumo()
    with pytest.raises(ValueError, match="not an equilibrium.*residual"):
        ct.equilibria(fhn, "I", start={"V": 1.0, "w": 1.0}, bounds=(0, 1))
    with pytest.raises(ValueError, match="'J' is not a parameter"):
        ct.equilibria(fhn, "J", bounds=(0, 1))
    with pytest.raises(ValueError, match="outside bounds"):
        ct.equilibria(fhn, "I", params={"I": 2.0}, bounds=(0, 1))
    with pytest.raises(ValueError, match="reversed"):
        ct.equilibria(fhn, "I", bounds=(1, 0))
    with pytest.raises(ValueError, match="start: unknown variable"):
        ct.equilibria(fhn, "I", start={"v": 0.0, "w": 0.0}, bounds=(0, 1))
    b = ct.equilibria(fhn, "I", bounds=(0, 2), start=None, max_steps=5)
    assert b.status == "max_steps" and len(b) == 6 and b.params["I"][-1] < 2.0
