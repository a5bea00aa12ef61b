"""BrainPy compatibility layer: scripts written for BrainPy, with only the imports changed.

Every number is checked against a reference the code did not compute: closed forms,
REFERENCE.md values, or SciPy computations written independently here.
"""
import jax
import numpy as np
import pytest
from scipy.optimize import fsolve

import dynanalysis.brainpy as bp
import dynanalysis.brainpy.math as bm

bm.enable_x64()  # as BrainPy scripts do; must not change JAX's global flag (checked below)


@pytest.fixture(autouse=True)
def _close_figures():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    yield
    plt.close("all")


# --------------------------------------------------------------------------- models as users write them
@bp.odeint
def int_x(x, t, Iext):
    return bp.math.sin(x) + Iext


class FitzHughNagumoModel(bp.DynamicalSystem):  # BrainPy's tutorial class, unchanged
    def __init__(self, method='exp_auto'):
        super(FitzHughNagumoModel, self).__init__()
        self.a = 0.7
        self.b = 0.8
        self.tau = 12.5
        self.V = bm.Variable(bm.zeros(1))
        self.w = bm.Variable(bm.zeros(1))
        self.Iext = bm.Variable(bm.zeros(1))

        def dV(V, t, w, Iext=0.):
            return V - V * V * V / 3 - w + Iext

        def dw(w, t, V, a=0.7, b=0.8):
            return (V + a - b * w) / self.tau

        self.int_V = bp.odeint(dV, method=method)
        self.int_w = bp.odeint(dw, method=method)

    def update(self, tdi):
        self.V.value = self.int_V(self.V, tdi.t, self.w, self.Iext, tdi.dt)
        self.w.value = self.int_w(self.w, tdi.t, self.V, self.a, self.b, tdi.dt)
        self.Iext[:] = 0.


FHN_TAU, FHN_B = 12.5, 0.8
V_HOPF = np.sqrt(1 - FHN_B / FHN_TAU)  # trace 1 - V^2 - b/tau = 0


# --------------------------------------------------------------------------- dx/dt = sin(x) + I
def test_sin_phase_line_equilibria_at_k_pi_odd_stable():
    pp = bp.analysis.PhasePlane1D(model=int_x, target_vars={'x': [-10, 10]}, pars_update={'Iext': 0.},
                                  resolutions={'x': 0.01})
    pp.plot_vector_field()
    fps = pp.plot_fixed_point(with_return=True)
    k = np.arange(-3, 4)
    assert fps.shape == (7,)
    np.testing.assert_allclose(np.sort(fps), k * np.pi, atol=1e-12)
    fp = pp.fixed_points()
    order = np.argsort(fp.states['x'])
    stable = fp.stable[order]
    np.testing.assert_array_equal(stable, k % 2 == 1)  # eigenvalue cos(k pi) < 0 for odd k


def test_sin_bifurcation_tutorial_call_fold_at_one():
    bif = bp.analysis.Bifurcation1D(model=int_x, target_vars={'x': [-10, 10]}, target_pars={'Iext': [0., 1.5]},
                                    resolutions={'Iext': 0.005, 'x': 0.05})
    xs, (pars,), dfdx = bif.plot_bifurcation(with_return=True)
    folds = bif.compute().points('LP')
    # x = -pi/2 mod 2 pi inside [-10, 10]: -5 pi/2, -pi/2, 3 pi/2, all at I = 1 exactly
    assert len(folds) == 3
    np.testing.assert_allclose([s.params['Iext'] for s in folds], 1.0, atol=1e-9)
    np.testing.assert_allclose(sorted(s.states['x'] for s in folds), [-2.5 * np.pi, -0.5 * np.pi, 1.5 * np.pi],
                               atol=1e-6)
    # BrainPy's return value: every equilibrium with its parameter and slope, all on the curve
    assert xs.shape == pars.shape == dfdx.shape
    np.testing.assert_allclose(np.sin(xs) + pars, 0.0, atol=1e-10)
    np.testing.assert_allclose(dfdx, np.cos(xs), atol=1e-10)


# --------------------------------------------------------------------------- FitzHugh–Nagumo class model
def test_fhn_class_phase_plane_fixed_point_reference():
    model = FitzHughNagumoModel()
    pp = bp.analysis.PhasePlane2D(model, target_vars={'V': [-3, 3], 'w': [-3., 3.]}, pars_update={'Iext': 0.8},
                                  resolutions={'V': 0.01, 'w': 0.01})
    nc = pp.plot_nullcline(x_style={'fmt': '-'}, y_style={'fmt': '-'}, with_return=True)
    pp.plot_vector_field()
    fps = pp.plot_fixed_point(with_return=True)
    mon = pp.plot_trajectory({'V': [-2.8], 'w': [-1.8]}, duration=100., with_return=True)
    pp.show_figure()
    assert fps.shape == (1, 2)  # BrainPy's (k, 2) array, columns (V, w)
    np.testing.assert_allclose(fps[0], [-0.272900958997298, 0.533873801253378], atol=1e-10)
    # nullcline points lie on V - V^3/3 - w + I = 0 and V + a - b w = 0
    V, w = nc['V']
    np.testing.assert_allclose(V - V ** 3 / 3 - w + 0.8, 0, atol=1e-8)
    V, w = nc['w']
    np.testing.assert_allclose(V + 0.7 - 0.8 * w, 0, atol=1e-8)
    assert mon['V'].shape == (len(mon.ts), 1) and mon.ts[-1] == pytest.approx(100.)
    assert model.int_V.f(0.5, 0., 0.1, 0.8) == pytest.approx(0.5 - 0.5 ** 3 / 3 - 0.1 + 0.8)


def test_fhn_class_bifurcation_hopf_points_reference():
    bif = bp.analysis.Bifurcation2D(FitzHughNagumoModel(), target_vars={'V': [-3, 3], 'w': [-3., 3.]},
                                    target_pars={'Iext': [0., 2.]}, resolutions={'Iext': 0.05})
    fps, pars, jac = bif.plot_bifurcation(num_rank=10, with_return=True)
    hopf = bif.compute().points('H')
    np.testing.assert_allclose(sorted(s.params['Iext'] for s in hopf), [0.331281337454746, 1.41871866254525],
                               atol=1e-8)
    for s in hopf:
        assert s.data['frequency'] == pytest.approx(0.275506805723561, abs=1e-8)
    # BrainPy's arrays: one row per equilibrium (exactly one per parameter value here)
    assert fps.shape == (41, 2) and pars.shape == (41, 1) and jac.shape == (41, 2, 2)
    V, w, I = fps[:, 0], fps[:, 1], pars[:, 0]
    np.testing.assert_allclose(V - V ** 3 / 3 - w + I, 0, atol=1e-10)
    np.testing.assert_allclose(jac[:, 0, 0], 1 - V ** 2, atol=1e-10)


def test_fhn_cycles_by_simulation_between_the_hopf_points():
    bif = bp.analysis.Bifurcation2D(FitzHughNagumoModel(), target_vars={'V': [-3, 3], 'w': [-3., 3.]},
                                    target_pars={'Iext': [0., 2.]}, resolutions={'Iext': 0.05})
    bif.plot_bifurcation()
    vs, (ps,) = bif.plot_limit_cycle_by_sim(duration=400., with_return=True)
    # started next to the unstable equilibria, which exist only between the Hopf points
    assert ps.min() > 0.331281337454746 and ps.max() < 1.41871866254525 and len(ps) >= 20
    i = np.argmin(np.abs(ps - 0.5))
    assert ps[i] == pytest.approx(0.5)
    # REFERENCE: at I = 0.5 the cycle spans V in [-1.97040674814, 1.85211747322]
    assert vs[0]['min'][i] == pytest.approx(-1.97040674814, abs=2e-3)
    assert vs[0]['max'][i] == pytest.approx(1.85211747322, abs=2e-3)


def test_fhn_codim2_hopf_points_on_closed_form():
    bif = bp.analysis.Bifurcation2D(FitzHughNagumoModel(), target_vars=dict(V=[-3, 3], w=[-3., 3.]),
                                    target_pars=dict(a=[0.5, 1.], Iext=[0., 1.]),
                                    resolutions={'a': 0.05, 'Iext': 0.05})
    bif.plot_bifurcation(num_rank=10, tol_aux=1e-9)
    d = bif.compute()
    hopf = d.points('H')
    assert len(hopf) >= 10 and not d.points('LP')  # b = 0.8 < 1: one equilibrium, no fold
    for s in hopf:
        V, w, a, I = s.states['V'], s.states['w'], s.params['a'], s.params['Iext']
        assert abs(V) == pytest.approx(V_HOPF, abs=1e-8)          # trace zero
        assert V - V ** 3 / 3 - w + I == pytest.approx(0, abs=1e-9)  # an equilibrium
        assert V + a - FHN_B * w == pytest.approx(0, abs=1e-9)
        # the Hopf curve I(a) = V^3/3 - V + (V + a)/b at V = -sqrt(1 - b/tau) (this box)
        Vh = -V_HOPF
        assert I == pytest.approx(Vh ** 3 / 3 - Vh + (Vh + a) / FHN_B, abs=1e-8)


# --------------------------------------------------------------------------- decision making (Wong–Wang)
gamma, tau, a, b, d = 0.641, 0.1, 270., 108., 0.154
JE, JI, JAext, Ib = 0.2609, -0.0497, 0.00052, 0.3255  # the tutorial's signed JI: x1 = JE s1 + JI s2 + ...


@bp.odeint
def int_s1(s1, t, s2, coh=0.5, mu=20.):
    I1 = JE * s1 + JI * s2 + Ib + JAext * mu * (1. + coh)
    r1 = (a * I1 - b) / (1. - bm.exp(-d * (a * I1 - b)))
    return - s1 / tau + (1. - s1) * gamma * r1


@bp.odeint
def int_s2(s2, t, s1, coh=0.5, mu=20.):
    I2 = JE * s2 + JI * s1 + Ib + JAext * mu * (1. - coh)
    r2 = (a * I2 - b) / (1. - bm.exp(-d * (a * I2 - b)))
    return - s2 / tau + (1. - s2) * gamma * r2


def test_decision_model_five_equilibria_reference():
    # REFERENCE.md uses MODELS.md's x1 = JE s1 - JI s2 + I0 with JI = +0.0497: the same system
    pp = bp.analysis.PhasePlane2D(model=[int_s1, int_s2], target_vars={'s1': [0, 1], 's2': [0, 1]},
                                  pars_update={'mu': 0.}, resolutions=0.005)
    pp.plot_nullcline(coords=dict(s2='s2-s1'), x_style={'fmt': '-'}, y_style={'fmt': '-'})
    fps = pp.plot_fixed_point(with_return=True)
    ref = np.array([[0.5669871805570, 0.0318914198205], [0.1026512495649, 0.1026512495649],
                    [0.0318914198205, 0.5669871805570], [0.3138449242650, 0.0557853305247],
                    [0.0557853305247, 0.3138449242650]])
    assert fps.shape == (5, 2)
    key = lambda p: np.lexsort(p.T[::-1])  # noqa: E731
    np.testing.assert_allclose(fps[key(fps)], ref[key(ref)], atol=1e-8)
    labels = dict(zip(map(tuple, np.round(pp.fixed_points().points, 6)), pp.fixed_points().labels))
    assert labels[(0.102651, 0.102651)] == 'stable node' and 'saddle' in labels[(0.313845, 0.055785)]


# --------------------------------------------------------------------------- I_Na,p + I_K (Izhikevich 2007, ch. 4)
C, I_ext, E_L, g_L, g_Na, g_K, E_Na, E_K = 1., 0., -80., 8., 20., 10., 60., -90.


def m_inf(V):
    return 1. / (1. + bm.exp((-20. - V) / 15.))


def n_inf(V):
    return 1. / (1. + bm.exp((-25. - V) / 5.))


@bp.odeint
def int_V(V, t, n, I=I_ext):
    return (I - g_L * (V - E_L) - g_Na * m_inf(V) * (V - E_Na) - g_K * n * (V - E_K)) / C


@bp.odeint
def int_n(n, t, V, tau_n=1.):
    return (n_inf(V) - n) / tau_n


def test_nak_model_equilibria_match_scipy():
    pp = bp.analysis.PhasePlane2D([int_V, int_n], target_vars={'V': [-90., 20.], 'n': [-0.1, 1.]},
                                  resolutions={'V': 0.1, 'n': 0.002})
    fps = pp.plot_fixed_point(with_return=True)

    # independent: on the n-nullcline n = n_inf(V) the V equation is one equation in V
    def g(V):
        n = 1 / (1 + np.exp((-25 - V) / 5))
        return I_ext - g_L * (V - E_L) - g_Na / (1 + np.exp((-20 - V) / 15)) * (V - E_Na) - g_K * n * (V - E_K)
    grid = np.linspace(-90, 20, 1101)
    sign = np.flatnonzero(np.sign(g(grid[:-1])) != np.sign(g(grid[1:])))
    ref = np.array([fsolve(g, 0.5 * (grid[i] + grid[i + 1]), xtol=1e-12)[0] for i in sign])
    ref = np.stack([ref, 1 / (1 + np.exp((-25 - ref) / 5))], axis=1)
    assert len(ref) == 3  # stable node, saddle, unstable focus (Izhikevich Fig. 4.x, I = 0)
    assert fps.shape == ref.shape
    np.testing.assert_allclose(fps[np.argsort(fps[:, 0])], ref[np.argsort(ref[:, 0])], atol=1e-8)


# --------------------------------------------------------------------------- Hindmarsh–Rose fast-slow
HR = dict(a=1., b=3., c=1., d=5., s=4., x_r=-1.6, r=0.001)


@bp.odeint
def hr_x(x, t, y, z, Isyn):
    return y - HR['a'] * x ** 3 + HR['b'] * x * x - z + Isyn


@bp.odeint
def hr_y(y, t, x):
    return HR['c'] - HR['d'] * x * x - y


@bp.odeint
def hr_z(z, t, x):
    return HR['r'] * (HR['s'] * (x - HR['x_r']) - z)


def test_hindmarsh_rose_fast_folds_closed_form():
    fs = bp.analysis.FastSlow2D([hr_x, hr_y, hr_z], fast_vars={'x': [-3, 3], 'y': [-10., 5.]},
                                slow_vars={'z': [-5., 5.]}, pars_update={'Isyn': 0.5}, resolutions={'z': 0.02})
    fs.plot_bifurcation(num_rank=20)
    mon = fs.plot_trajectory({'x': [1.], 'y': [0.], 'z': [0.]}, duration=50., plot_durations=[10, 50],
                             with_return=True)
    # fast equilibria: y = c - d x^2, z = y - a x^3 + b x^2 + I; folds where dz/dx = 0:
    # -3 a x^2 + 2 (b - d) x = 0 -> x = 0 and x = 2 (b - d) / (3 a)
    a_, b_, c_, d_, I = HR['a'], HR['b'], HR['c'], HR['d'], 0.5
    xf = np.array([2 * (b_ - d_) / (3 * a_), 0.0])
    yf = c_ - d_ * xf ** 2
    zf = yf - a_ * xf ** 3 + b_ * xf ** 2 + I
    folds = sorted(fs.compute().points('LP'), key=lambda s: s.params['z'])
    assert len(folds) == 2
    np.testing.assert_allclose([s.params['z'] for s in folds], zf, atol=1e-9)
    np.testing.assert_allclose([s.states['x'] for s in folds], xf, atol=1e-6)
    np.testing.assert_allclose([s.states['y'] for s in folds], yf, atol=1e-5)
    assert set(mon) == {'x', 'y', 'z'} and mon['z'].shape == (len(mon.ts), 1)


# --------------------------------------------------------------------------- BrainPy semantics and shapes
def test_state_variable_in_pars_update_is_held_fixed():
    pp = bp.analysis.PhasePlane1D(FitzHughNagumoModel(), target_vars={'V': [-3, 3]},
                                  pars_update={'w': 0.5, 'Iext': 0.8})
    assert pp.fixed_vars == {'w': 0.5} and pp.pars_update == {'Iext': 0.8}
    fps = np.sort(pp.plot_fixed_point(with_return=True))
    # V - V^3/3 - 0.5 + 0.8 = 0
    ref = np.sort(np.roots([-1 / 3, 0, 1, 0.3]).real)
    np.testing.assert_allclose(fps, ref, atol=1e-10)


def test_state_variable_swept_as_parameter():
    # BrainPy lets target_pars name another integrator's variable (here w, with only V analysed)
    bif = bp.analysis.Bifurcation1D(FitzHughNagumoModel(), target_pars={'w': [-1., 1.]},
                                    target_vars={'V': [-3, 3]}, pars_update={'Iext': 0.},
                                    resolutions={'w': 0.01})
    folds = bif.compute().points('LP')
    # V - V^3/3 - w = 0 folds at V = +-1, w = +-2/3
    np.testing.assert_allclose(sorted(s.params['w'] for s in folds), [-2 / 3, 2 / 3], atol=1e-9)


def test_with_return_shapes_as_brainpy():
    pp = bp.analysis.PhasePlane2D(FitzHughNagumoModel(), target_vars={'V': [-3, 3], 'w': [-3., 3.]},
                                  pars_update={'Iext': 0.8}, resolutions=0.05)
    dx, dy = pp.plot_vector_field(with_return=True, plot_method='quiver')
    assert dx.shape == dy.shape and dx.ndim == 2
    assert pp.plot_fixed_point(with_plot=False) is None
    none = bp.analysis.PhasePlane2D(FitzHughNagumoModel(), target_vars={'V': [2, 3], 'w': [2., 3.]},
                                    pars_update={'Iext': 0.8})
    assert none.plot_fixed_point(with_return=True).shape == (0, 2)
    pp1 = bp.analysis.PhasePlane1D(int_x, target_vars={'x': [-1, 1]}, pars_update={'Iext': 0.})
    assert pp1.plot_vector_field(with_return=True).shape == (201,)
    assert pp.x_var == 'V' and pp.y_var == 'w'
    assert pp.F_fx(0.5, 0.1) == pytest.approx(0.5 - 0.5 ** 3 / 3 - 0.1 + 0.8)
    assert pp.F_fy(0.5, 0.1) == pytest.approx((0.5 + 0.7 - 0.8 * 0.1) / 12.5)


def test_refusals_name_the_feature_and_point_to_simulate():
    model = FitzHughNagumoModel()
    with pytest.raises(bp.OutOfScopeError, match=r"bp\.DSRunner.*dynanalysis\.simulate"):
        bp.DSRunner(model, monitors=['V', 'w'], inputs=['Iext', 0.8])
    with pytest.raises(bp.OutOfScopeError, match=r"bp\.neurons\.HH.*HodgkinHuxley.*dynanalysis\.simulate"):
        bp.neurons.HH(1)
    with pytest.raises(bp.OutOfScopeError, match=r"bp\.dyn\.ExpIF.*dynanalysis\.simulate"):
        class MyExpIF(bp.dyn.ExpIF):
            pass
    with pytest.raises(bp.OutOfScopeError, match=r"bp\.share.*dynanalysis\.simulate"):
        bp.share['t']
    with pytest.raises(bp.OutOfScopeError, match="dynanalysis.simulate"):
        model(0.)
    assert issubclass(bp.dyn.NeuDyn, bp.DynamicalSystem)  # a base class, for model classes


def test_unknown_keywords_still_raise():
    with pytest.raises(TypeError):
        bp.analysis.PhasePlane2D(FitzHughNagumoModel(), target_vars={'V': [-3, 3], 'w': [-3., 3.]}, foo=1)
    pp = bp.analysis.PhasePlane1D(int_x, target_vars={'x': [-1, 1]}, pars_update={'Iext': 0.})
    with pytest.raises(TypeError):
        pp.plot_fixed_point(tol_unknown=1)
    with pytest.raises(TypeError):
        bp.odeint(lambda x, t: -x, nonsense=True)
    with pytest.raises(ValueError, match="select_candidates"):
        bp.analysis.PhasePlane2D(FitzHughNagumoModel(), target_vars={'V': [-3, 3], 'w': [-3., 3.]},
                                 pars_update={'Iext': 0.8}).plot_fixed_point(select_candidates='best')
    with pytest.raises(ValueError, match="target_pars"):
        bp.analysis.PhasePlane2D(FitzHughNagumoModel(), target_vars={'V': [-3, 3], 'w': [-3., 3.]},
                                 target_pars={'Iext': [0, 1]})
    # BrainPy's accepted-but-unused options
    bp.analysis.Bifurcation2D(FitzHughNagumoModel(), target_vars={'V': [-3, 3], 'w': [-3., 3.]},
                              target_pars={'Iext': [0., 1.]}, resolutions={'Iext': 0.1},
                              options={bp.analysis.C.y_by_x_in_fy: lambda V, a=0.7, b=0.8: (V + a) / b})


# --------------------------------------------------------------------------- integrators, JointEq, to_ode, bm
def test_odeint_call_does_one_step_of_its_method():
    h = 0.1
    assert int_x(0.5, 0., 0.1, dt=h) == pytest.approx(0.5 + h * (np.sin(0.5) + 0.1), rel=1e-6)
    rk4 = bp.odeint(lambda x, t: -x, method='rk4')
    assert rk4(1.0, 0., dt=h) == pytest.approx(1 - h + h ** 2 / 2 - h ** 3 / 6 + h ** 4 / 24, rel=1e-6)
    ee = bp.odeint(lambda V, t, I: (-V + I) / 10., method='exp_auto')
    assert isinstance(ee, bp.ode.ExponentialEuler)
    assert ee(0.0, 0., 2.0, dt=h) == pytest.approx(2.0 * (1 - np.exp(-h / 10.)), rel=1e-6)  # exact if linear
    with pytest.raises(bp.OutOfScopeError, match="rk2"):
        bp.odeint(lambda x, t: -x, method='rk2')(1.0, 0.)
    with pytest.raises(ValueError, match="unknown ODE method"):
        bp.odeint(lambda x, t: -x, method='magic')


def test_joint_eq_and_multivariable_functions_convert():
    def dV(V, t, w, I):
        return V - V ** 3 / 3 - w + I

    def dw(w, t, V, a=0.7, b=0.8):
        return (V + a - b * w) / 12.5

    joint = bp.JointEq([dV, dw])
    assert list(joint(1., 2., 0., 0.5)) == pytest.approx([dV(1., 0., 2., 0.5), dw(2., 0., 1.)])

    def both(V, w, t, I, a=0.7, b=0.8):
        return dV(V, t, w, I), dw(w, t, V, a, b)

    for model in (bp.odeint(joint), bp.odeint(both), [bp.odeint(dV), bp.odeint(dw)]):
        ode = bp.to_ode(model)
        assert ode.variables == ('V', 'w')
        f = ode.vector_field({'V': 0.3, 'w': -0.2}, {'I': 0.5})
        assert f['V'] == pytest.approx(dV(0.3, 0, -0.2, 0.5), abs=1e-12)
        assert f['w'] == pytest.approx(dw(-0.2, 0, 0.3), abs=1e-12)


def test_to_ode_sizes_from_variables_and_target_vars():
    class Ring(bp.NeuGroup):
        def __init__(self, num):
            super().__init__(size=num)
            self.x = bm.linspace(-bm.pi, bm.pi, num)
            self.W = bm.cos(self.x.reshape((-1, 1)) - self.x)
            self.u = bm.Variable(bm.zeros(num))
            self.v = bm.Variable(bm.ones(1) * 0.25)
            self.integral = bp.odeint(bp.JointEq([self.du, self.dv]))

        def du(self, u, t, v, Iext):
            return -u + bm.dot(self.W, bm.tanh(u)) / self.num - v + Iext

        def dv(self, v, t, u):
            return bm.sum(u) - v

    ring = Ring(8)
    assert ring.W.dtype == np.float64  # built in float64 although JAX's x64 flag is off
    ode = bp.to_ode(ring)
    assert ode.sizes == {'u': 8, 'v': 1}
    held = bp.to_ode(ring, target_vars={'u': ring.u})
    assert held.variables == ('u',) and held.parameters['v'] == 0.25
    u = np.linspace(-1, 1, 8)
    f = held.vector_field({'u': u}, {'Iext': 0.1})['u']
    np.testing.assert_allclose(f, -u + ring.W @ np.tanh(u) / 8 - 0.25 + 0.1, atol=1e-12)


def test_math_namespace_never_flips_x64_and_is_seeded():
    before = jax.config.jax_enable_x64
    bm.enable_x64()
    bm.set_platform('cpu')
    assert jax.config.jax_enable_x64 == before  # no-ops: JAX's global flag is never changed
    bm.random.seed(3)
    a = bm.random.normal(0., 2., (4, 2))
    bm.random.seed(3)
    np.testing.assert_array_equal(a, bm.random.normal(0., 2., (4, 2)))
    assert bm.random.uniform(-2, 2, 5).shape == (5,) and bm.random.rand(3, 2).shape == (3, 2)
    assert bm.arange(-10, 10, 0.001).dtype == np.float64
    assert float(bm.relu(-1.0)) == 0.0 and bm.square(bm.asarray([2.0]))[0] == 4.0
    var = bm.Variable(bm.zeros(3))
    var[1] = 2.0
    assert list(var.value) == [0., 2., 0.] and var.shape == (3,) and (var + 1)[1] == 3.0
