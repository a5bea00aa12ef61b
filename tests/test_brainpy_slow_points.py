"""bp.analysis.SlowPointFinder on dynanalysis, used as BrainPy's tutorials use it.

References are computed in the tests, independently of the finder: SciPy's fsolve from each
point found, a dense scan of sign changes along a nullcline, the CANN's continuum theory, NumPy
iterations of maps and NumPy eigen-decompositions, and closed forms.
"""
import numpy as np
import pytest
import scipy.optimize

import dynanalysis.brainpy as bp
import dynanalysis.brainpy.math as bm


# --------------------------------------------------------------------------- decision model
# nb_highdim_analysis.py: the reduced decision-making model, its parameter set
gamma, tau, a, b, d = 0.641, 0.06, 270., 108., 0.154
JE, JI, JAext, Ib1, Ib2 = 0.3725, -0.1137, 0.00117, 0.3297, 0.3297


@bp.odeint
def int_s1(s1, t, s2, coh=0.5, mu=20.):
    I1 = JE * s1 + JI * s2 + Ib1 + JAext * mu * (1. + coh)
    r1 = (a * I1 - b) / (1. - bm.exp(-d * (a * I1 - b)))
    return - s1 / tau + (1. - s1) * gamma * r1


@bp.odeint
def int_s2(s2, t, s1, coh=0.5, mu=20.):
    I2 = JE * s2 + JI * s1 + Ib2 + JAext * mu * (1. - coh)
    r2 = (a * I2 - b) / (1. - bm.exp(-d * (a * I2 - b)))
    return - s2 / tau + (1. - s2) * gamma * r2


def step(s):
    ds1 = int_s1.f(s[0], 0., s[1])
    ds2 = int_s2.f(s[1], 0., s[0])
    return bm.asarray([ds1, ds2])


def decision_field(s1, s2, coh=0.5, mu=20.):
    """The same equations in NumPy, written again for the references."""
    def rate(I):
        return (a * I - b) / (1. - np.exp(-d * (a * I - b)))
    I1 = JE * s1 + JI * s2 + Ib1 + JAext * mu * (1. + coh)
    I2 = JE * s2 + JI * s1 + Ib2 + JAext * mu * (1. - coh)
    return -s1 / tau + (1. - s1) * gamma * rate(I1), -s2 / tau + (1. - s2) * gamma * rate(I2)


def count_equilibria_by_scan(lo=-0.05, hi=1.05, n=2201):
    """Sign changes of ds2/dt along the zero contour of ds1/dt, on a fine grid."""
    import contourpy
    s = np.linspace(lo, hi, n)
    S1, S2 = np.meshgrid(s, s, indexing="xy")
    with np.errstate(invalid="ignore"):  # 0/0 where a I = b exactly (the rate's removable singularity)
        f1, _ = decision_field(S1, S2)
    count = 0
    for line in contourpy.contour_generator(s, s, f1).lines(0.0):
        g = decision_field(line[:, 0], line[:, 1])[1]
        count += int(np.sum(np.sign(g[1:]) != np.sign(g[:-1])))
    return count


def test_decision_model_fixed_points_from_random_candidates():
    finder = bp.analysis.SlowPointFinder(f_cell=step, f_type="continuous", verbose=False)
    bm.random.seed(0)
    finder.find_fps_with_gd_method(
        candidates=bm.random.random((1000, 2)),
        tolerance=1e-5,
        num_batch=200,
        optimizer=bp.optimizers.Adam(bp.optimizers.ExponentialDecay(0.01, 1, 0.9999)),
    )
    assert finder.num_fps == 1000 and np.array_equal(finder.selected_ids, np.arange(1000))
    finder.filter_loss(1e-5)
    finder.keep_unique()
    fps = finder.fixed_points
    assert fps.shape == (count_equilibria_by_scan(), 2) == (3, 2)
    for p in fps:
        ref = scipy.optimize.fsolve(lambda z: decision_field(*z), p, xtol=1e-13)
        assert np.max(np.abs(p - ref)) < 1e-9
        assert np.max(np.abs(decision_field(*p))) < 1e-9
    # losses are BrainPy's mean square of the derivative
    np.testing.assert_allclose(finder.losses, [np.mean(np.square(decision_field(*p))) for p in fps],
                               rtol=1e-6, atol=1e-25)


# --------------------------------------------------------------------------- CANN (tutorial class)
class CANN1D(bp.NeuGroup):
    def __init__(self, num, tau=1., k=8.1, a=0.5, A=10., J0=4., z_min=-bm.pi, z_max=bm.pi):
        super(CANN1D, self).__init__(size=num)
        self.tau, self.k, self.a, self.A, self.J0 = tau, k, a, A, J0
        self.z_min, self.z_max = z_min, z_max
        self.z_range = z_max - z_min
        self.x = bm.linspace(z_min, z_max, num)  # both ends: two neurons at +-pi, as in the tutorial
        self.rho = num / self.z_range
        self.dx = self.z_range / num
        self.u = bm.Variable(bm.zeros(num))
        self.input = bm.Variable(bm.zeros(num))
        self.conn_mat = self.make_conn(self.x)
        self.integral = bp.odeint(self.derivative)

    def derivative(self, u, t, Iext):
        r1 = bm.square(u)
        r2 = 1.0 + self.k * bm.sum(r1)
        r = r1 / r2
        Irec = bm.dot(self.conn_mat, r)
        du = (-u + Irec + Iext) / self.tau
        return du

    def dist(self, d):
        d = bm.remainder(d, self.z_range)
        d = bm.where(d > 0.5 * self.z_range, d - self.z_range, d)
        return d

    def make_conn(self, x):
        x_left = bm.reshape(x, (-1, 1))
        x_right = bm.repeat(x.reshape((1, -1)), len(x), axis=0)
        d = self.dist(x_left - x_right)
        return self.J0 * bm.exp(-0.5 * bm.square(d / self.a)) / (bm.sqrt(2 * bm.pi) * self.a)

    def get_stimulus_by_pos(self, pos):
        return self.A * bm.exp(-0.25 * bm.square(self.dist(self.x - pos) / self.a))

    def update(self, tdi):
        self.u.value = self.integral(self.u, tdi.t, self.input, tdi.dt)
        self.input[:] = 0.


def test_cann_bumps_have_the_continuum_height():
    """u = u0 exp(-(x - z)^2 / 4a^2) with u0 = J0 (1 + sqrt(1 - k/k_c)) / (4 sqrt(pi) a k),
    k_c = rho J0^2 / (8 sqrt(2 pi) a); the tutorial's grid has N - 1 distinct positions on the
    ring (linspace includes both ends), rho = (N - 1) / 2 pi.  Its update passes self.input
    (zero) as Iext, a parameter without default: the finder reads it from update()."""
    N, k, a_, J0 = 128, 0.1, 0.5, 4.0
    cann = CANN1D(num=N, k=k, A=30)
    finder = bp.analysis.SlowPointFinder(f_cell=cann, target_vars={'u': cann.u}, dt=1., verbose=False)
    bm.random.seed(1)
    candidates = cann.get_stimulus_by_pos(bm.arange(-0.4, 0.41, 0.2).reshape((-1, 1)))
    candidates += bm.random.normal(0., 0.01, candidates.shape)
    finder.find_fps_with_opt_solver({'u': candidates})
    finder.filter_loss(1e-6)
    finder.keep_unique()
    u = finder.fixed_points['u']
    assert u.shape == (5, N) and np.all(finder.losses < 1e-6)
    kc = (N - 1) / (2 * np.pi) * J0**2 / (8 * np.sqrt(2 * np.pi) * a_)
    u0 = J0 * (1 + np.sqrt(1 - k / kc)) / (4 * np.sqrt(np.pi) * a_ * k)
    x = np.asarray(cann.x)
    for ui in u:
        i = np.argmax(ui)
        c2, c1, c0 = np.polyfit(x[i - 1:i + 2], np.log(ui[i - 1:i + 2]), 2)  # exact for a Gaussian
        assert abs(np.exp(c0 - c1**2 / (4 * c2)) / u0 - 1) < 1e-7
        assert abs(-1 / (4 * c2) / a_**2 - 1) < 1e-7                        # width 2a
        assert np.max(np.abs(cann.derivative(ui, 0., 0.))) < 1e-8           # at rest (to the drift)
    J = finder.compute_jacobians(finder._fixed_points)
    ev = np.sort(np.linalg.eigvals(J).real, axis=1)
    assert np.all(np.abs(ev[:, -1]) < 1e-8) and np.all(ev[:, -2] < -0.4)    # one neutral mode
    assert np.array_equal(cann.u.value, np.zeros(N))                        # the model is untouched


# --------------------------------------------------------------------------- systems with inputs
class GJCoupledFHN(bp.DynamicalSystem):
    def __init__(self, num=4, method='exp_auto'):
        super(GJCoupledFHN, self).__init__()
        self.num, self.a, self.b, self.tau, self.gjw = num, 0.7, 0.8, 12.5, 0.0001
        self.V = bm.Variable(bm.random.uniform(-2, 2, num))
        self.w = bm.Variable(bm.random.uniform(-2, 2, num))
        self.Iext = bm.Variable(bm.zeros(num))
        self.int_V = bp.odeint(self.dV, method=method)
        self.int_w = bp.odeint(self.dw, method=method)

    def dV(self, V, t, w, Iext=0.):
        gj = (V.reshape((-1, 1)) - V).sum(axis=0) * self.gjw
        return V - V * V * V / 3 - w + Iext + gj

    def dw(self, w, t, V):
        return (V + self.a - self.b * w) / self.tau

    def update(self):
        t = bp.share['t']
        dt = bp.share['dt']
        self.V.value = self.int_V(self.V, t, self.w, self.Iext, dt)
        self.w.value = self.int_w(self.w, t, self.V, dt)
        self.Iext[:] = 0.


def test_gap_junction_coupled_fhn_with_inputs():
    """nb_analysis.py: the input reaches Iext (update reads bp.share, so Iext is matched by name);
    the fixed point is checked against fsolve on the equations written in NumPy."""
    model = GJCoupledFHN(4)
    model.gjw = 0.1
    Iext = bm.asarray([0., 0., 0., 0.6])
    finder = bp.analysis.SlowPointFinder(f_cell=model, target_vars={'V': model.V, 'w': model.w},
                                         inputs=[model.Iext, Iext], verbose=False)
    bm.random.seed(2)
    finder.find_fps_with_gd_method(
        candidates={'V': bm.random.normal(0., 2., (200, model.num)),
                    'w': bm.random.normal(0., 2., (200, model.num))},
        tolerance=1e-6, num_batch=200, optimizer=bp.optim.Adam(lr=bp.optim.ExponentialDecay(0.05, 1, 0.9999)))
    finder.filter_loss(1e-8)
    finder.keep_unique()

    def field(z):
        V, w = z[:4], z[4:]
        gj = (V[:, None] - V).sum(axis=0) * 0.1
        return np.r_[V - V**3 / 3 - w + np.array([0, 0, 0, 0.6]) + gj, (V + 0.7 - 0.8 * w) / 12.5]

    fp = finder.fixed_points
    assert fp['V'].shape == fp['w'].shape == (1, 4)
    z = np.r_[fp['V'][0], fp['w'][0]]
    np.testing.assert_allclose(z, scipy.optimize.fsolve(field, z, xtol=1e-13), atol=1e-10)
    # BrainPy's loss of one update step of dt = bm.get_dt(): sum over V, w of the mean square
    dt = bm.get_dt()
    F = field(z)
    np.testing.assert_allclose(finder.losses[0], np.mean((dt * F[:4])**2) + np.mean((dt * F[4:])**2),
                               rtol=1e-6, atol=1e-28)
    J = finder.compute_jacobians(finder.fixed_points)
    ref = scipy.optimize.approx_fprime(z, lambda y: field(y)[0], 1e-7)  # one row, by differences
    np.testing.assert_allclose(J[0, 0], ref, atol=1e-5)
    assert np.array_equal(model.Iext.value, np.zeros(4))    # the input was applied for the analysis only
    # excluded_vars: w held at its current value, chosen so that dV/dt = 0 at V*; V solved for
    V_star = np.array([-1.2, -1.0, 0.5, 1.5])
    model.w.value = V_star - V_star**3 / 3 + np.array([0, 0, 0, 0.6]) + (V_star[:, None] - V_star).sum(axis=0) * 0.1
    held = bp.analysis.SlowPointFinder(model, excluded_vars=[model.w], inputs=[model.Iext, Iext], verbose=False)
    held.find_fps_with_opt_solver({'V': V_star[None] + 0.05})
    assert list(held.fixed_points) == ['V'] and held.num_fps == 1
    np.testing.assert_allclose(held.fixed_points['V'][0], V_star, atol=1e-12)


class Leak(bp.DynamicalSystem):
    """du/dt = -u + I, I passed by update() from another variable: u* = I."""

    def __init__(self, drive, coupled=False):
        super().__init__()
        self.u = bm.Variable(bm.zeros(3))
        self.drive = bm.Variable(bm.asarray(drive, dtype=float))
        self.coupled = coupled
        self.integral = bp.odeint(self.derivative)

    def derivative(self, u, t, I):
        return -u + I

    def update(self, tdi):
        I = self.drive + (0.5 * self.u if self.coupled else 0.)
        self.u.value = self.integral(self.u, tdi.t, I, tdi.dt)


def test_parameter_read_from_update_and_state_dependent_one_refused():
    leak = Leak([1.0, -2.0, 0.5])
    finder = bp.analysis.SlowPointFinder(leak, target_vars={'u': leak.u}, verbose=False)
    finder.find_fps_with_opt_solver({'u': np.zeros((2, 3))})
    finder.keep_unique()
    np.testing.assert_allclose(finder.fixed_points['u'], [[1.0, -2.0, 0.5]], atol=1e-14)
    coupled = Leak([1.0, -2.0, 0.5], coupled=True)
    with pytest.raises(ValueError, match="'I' computed from the target variables"):
        bp.analysis.SlowPointFinder(coupled, target_vars={'u': coupled.u}, verbose=False)


# --------------------------------------------------------------------------- a discrete RNN cell
class RNNNet(bp.DynamicalSystem):
    """highdim_RNN_Analysis.py's network with fixed weights (training is out of scope)."""

    def __init__(self, num_input, num_hidden, seed=0, dt=100.):
        super().__init__()
        self.tau = 100
        self.alpha = dt / self.tau
        rng = np.random.default_rng(seed)
        self.w_ir = bm.TrainVar(rng.standard_normal((num_input, num_hidden)) / np.sqrt(num_input))
        self.w_rr = bm.TrainVar(0.8 * rng.standard_normal((num_hidden, num_hidden)) / np.sqrt(num_hidden))
        self.b_rr = bm.TrainVar(rng.uniform(-0.2, 0.2, num_hidden))
        self.h = bm.Variable(bm.zeros((1, num_hidden)), batch_axis=0)

    def cell(self, x, h):
        ins = x @ self.w_ir + h @ self.w_rr + self.b_rr
        state = h * (1 - self.alpha) + ins * self.alpha
        return bm.relu(state)

    def update(self, x):
        self.h.value = self.cell(x, self.h.value)
        return self.h.value


def test_rnn_cell_map_fixed_point_matches_iteration():
    net = RNNNet(3, 20)
    x = bm.asarray([1, 0.5, 0.5])
    finder = bp.analysis.SlowPointFinder(f_cell=net, target_vars={'h': net.h}, args=(x,), verbose=False)
    assert finder.f_type == "discrete"
    candidates = np.abs(np.random.default_rng(1).normal(0, 1, (30, 20)))
    finder.find_fps_with_gd_method(candidates={'h': candidates}, tolerance=1e-5, num_batch=200, num_opt=int(2e4))
    finder.filter_loss(tolerance=1e-5)
    finder.keep_unique(tolerance=0.005)
    W_ir, W_rr, b_rr = (np.asarray(v.value) for v in (net.w_ir, net.w_rr, net.b_rr))
    h = candidates[0]
    for _ in range(3000):  # the map is a contraction here (|W_rr| < 1): iterate it in NumPy
        h = np.maximum(np.asarray(x) @ W_ir + h @ W_rr + b_rr, 0.0)
    assert finder.fixed_points['h'].shape == (1, 20)
    np.testing.assert_allclose(finder.fixed_points['h'][0], h, atol=1e-12)
    J = finder.compute_jacobians({'h': finder._fixed_points['h'][:1]})
    active = (np.asarray(x) @ W_ir + h @ W_rr + b_rr) > 0
    np.testing.assert_allclose(J[0], (W_rr * active[None, :]).T, atol=1e-14)  # d relu(.)/dh


# --------------------------------------------------------------------------- BrainPy's filters
def test_filters_follow_brainpys_definitions():
    # x' = x - x^3: roots -1, 0, 1; Newton from next to each root stays in its basin
    finder = bp.analysis.SlowPointFinder(lambda x: x - x**3, verbose=False)
    cands = np.array([[-1.1], [-0.95], [0.05], [-0.02], [0.97], [1.04], [1.2]])
    finder.find_fps_with_gd_method(cands)
    assert finder.num_fps == 7
    finder.filter_loss(1e-15)
    assert finder.num_fps == 7                       # Newton's test: |x - x^3| <= 1e-10 |1 - 3x^2|
    finder.keep_unique()
    np.testing.assert_allclose(finder.fixed_points[:, 0], [-1.0, 0.0, 1.0], atol=1e-10)  # Newton's test
    np.testing.assert_array_equal(finder.selected_ids, [0, 2, 4])   # the first of each kept
    # a ghost: x' = x^2 + eps has no root; its loss minimum is eps^2 at x = 0
    eps = 1e-3
    ghost = bp.analysis.SlowPointFinder(lambda x: x**2 + eps, verbose=False)
    ghost.find_fps_with_gd_method(np.array([[0.3], [-0.5]]))
    np.testing.assert_allclose(ghost.losses, eps**2, rtol=1e-6)
    ghost.filter_loss(2 * eps**2)
    assert ghost.num_fps == 2
    ghost.filter_loss(0.5 * eps**2)
    assert ghost.num_fps == 0 and ghost.fixed_points.shape == (0, 1)
    # every point is fixed under the identity map: the filters act on the candidates themselves
    ident = bp.analysis.SlowPointFinder(lambda x: x, f_type="discrete", verbose=False)
    ident.find_fps_with_gd_method(np.array([[0.0], [0.08], [0.16], [0.5], [5.0]]))
    ident.keep_unique(tolerance=0.1)
    # 0.08 is within 0.1 of 0; 0.16 of 0.08, dropped though 0.08 was: BrainPy's rule
    np.testing.assert_array_equal(ident.selected_ids, [0, 3, 4])
    ident.exclude_outliers(tolerance=1.0)            # 5.0's nearest neighbour is 4.5 away
    np.testing.assert_array_equal(ident.selected_ids, [0, 3])
    ident.exclude_outliers(tolerance=0.4)            # 0 and 0.5 are 0.5 apart
    assert ident.num_fps == 0


def test_opt_solver_keeps_only_what_converged():
    """x' = x^2 + eps: the search stops next to the slow point x = 0 where BFGS would: the loss
    (x^2 + eps)^2 has gradient 4 x (x^2 + eps) below 1e-5 there, so |x| < 2.5e-3.
    x' = 1 + |x| (ReLUs): the minimum of the loss, 1 at x = 0, is a kink where the gradient is +-2:
    no success (BFGS's line search fails there too); the gradient method keeps it, with loss 1."""
    eps = 1e-3
    ghost = bp.analysis.SlowPointFinder(lambda x: x**2 + eps, verbose=False)
    ghost.find_fps_with_opt_solver(np.array([[0.3], [-0.5]]))
    x = ghost.fixed_points[:, 0]
    assert x.shape == (2,) and np.all(np.abs(4 * x * (x**2 + eps)) <= 1e-5) and np.all(np.abs(x) < 2.5e-3)
    kink = bp.analysis.SlowPointFinder(lambda x: 1.0 + bm.relu(x) + bm.relu(-x), verbose=False)
    kink.find_fps_with_opt_solver(np.array([[0.3], [-0.5]]))
    assert kink.num_fps == 0
    kink.find_fps_with_gd_method(np.array([[0.3], [-0.5]]))
    assert kink.num_fps == 2 and np.all(np.abs(kink.losses - 1.0) < 1e-6)
    kink.filter_loss(1e-5)
    assert kink.num_fps == 0
    with pytest.raises(ValueError, match="opt_solver must be 'BFGS'"):
        kink.find_fps_with_opt_solver(np.array([[0.3]]), opt_solver="Newton-CG")


# --------------------------------------------------------------------------- spectra
def test_decompose_eigenvalues_known_spectrum():
    lam = np.array([2.0, -3.0, 0.5 + 1j, 0.5 - 1j])
    B = np.array([[2.0, 0, 0, 0], [0, -3.0, 0, 0], [0, 0, 0.5, 1.0], [0, 0, -1.0, 0.5]])
    Q, _ = np.linalg.qr(np.random.default_rng(3).standard_normal((4, 4)))
    M = Q @ B @ Q.T
    D = np.diag([4.0, -1.0, 0.25])
    (dec,) = bp.analysis.SlowPointFinder.decompose_eigenvalues(M[None])
    ev = dec["eig_values"]
    np.testing.assert_allclose(np.abs(ev), [3.0, 2.0, np.sqrt(1.25), np.sqrt(1.25)], atol=1e-12)
    assert max(np.min(np.abs(ev - l)) for l in lam) < 1e-12
    np.testing.assert_allclose(M @ dec["R"], dec["R"] * ev, atol=1e-12)
    assert dec["L"] is None
    (dec,) = bp.analysis.SlowPointFinder.decompose_eigenvalues(M[None], sort_by="real", do_compute_lefts=True)
    np.testing.assert_allclose(dec["eig_values"].real, [2.0, 0.5, 0.5, -3.0], atol=1e-12)
    L, R = dec["L"], dec["R"]
    np.testing.assert_allclose(L.T @ R, np.eye(4), atol=1e-12)
    np.testing.assert_allclose(L.T @ M, dec["eig_values"][:, None] * L.T, atol=1e-12)
    (real,) = bp.analysis.SlowPointFinder.decompose_eigenvalues(D[None])
    assert real["eig_values"].dtype == float and real["eig_values"].tolist() == [4.0, -1.0, 0.25]
    with pytest.raises(ValueError, match="sort_by"):
        bp.analysis.SlowPointFinder.decompose_eigenvalues(D[None], sort_by="imag")


def test_compute_jacobians_plots_one_spectrum_per_point():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    A = np.array([[-1.0, 2.0], [0.0, -3.0]])
    finder = bp.analysis.SlowPointFinder(lambda x: A @ x, verbose=False)
    J = finder.compute_jacobians(np.array([[0.0, 0.0], [1.0, 2.0], [3.0, 1.0]]), plot=True, num_col=2)
    np.testing.assert_array_equal(J, np.broadcast_to(A, (3, 2, 2)))
    fig = plt.gcf()
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in shown] == ["Point 0", "Point 1", "Point 2"]
    assert len(fig.axes) == 4 and fig.get_size_inches().tolist() == [6.0, 4.0]
    plt.close(fig)


# --------------------------------------------------------------------------- refusals
def test_bad_input_is_named():
    class NoDynamics(bp.DynamicalSystem):
        def __init__(self):
            super().__init__()
            self.h = bm.Variable(bm.zeros(3))

        def update(self, x):
            self.h.value = bm.tanh(self.h.value + x)

    net = NoDynamics()
    with pytest.raises(ValueError, match="no bp.odeint integrator and no cell.*FixedPointFinder"):
        bp.analysis.SlowPointFinder(net, target_vars={'h': net.h}, args=(1.0,))
    with pytest.raises(ValueError, match="f_type"):
        bp.analysis.SlowPointFinder(step, f_type="map")
    with pytest.raises(ValueError, match="target_vars: only for a DynamicalSystem"):
        bp.analysis.SlowPointFinder(step, target_vars={'s': np.zeros(2)})
    with pytest.raises(ValueError, match="args must be a tuple"):
        bp.analysis.SlowPointFinder(step, args=[1.0])
    finder = bp.analysis.SlowPointFinder(step, verbose=False)
    with pytest.raises(ValueError, match="candidates must be an array"):
        finder.find_fps_with_gd_method({'s': np.zeros((3, 2))})
    with pytest.raises(ValueError, match="filter_loss: no points yet"):
        finder.filter_loss(1e-5)
    with pytest.raises(AttributeError, match="read-only"):
        finder.fixed_points = np.zeros((1, 2))
    leak = Leak([1.0, 2.0, 3.0])
    finder = bp.analysis.SlowPointFinder(leak, target_vars={'u': leak.u}, verbose=False)
    with pytest.raises(ValueError, match=r"candidates\['u'\] must have shape \(k,\) \+ \(3,\)"):
        finder.find_fps_with_gd_method({'u': np.zeros((2, 4))})
