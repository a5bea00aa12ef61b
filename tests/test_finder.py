"""FixedPointFinder: high-dimensional fixed points, slow points and spectra.

References are computed independently of the finder: closed forms (linear systems, logistic
maps, the CANN's continuum theory and the adaptive CANN's translation-mode pair), NumPy's
eigenvalues of matrices built by hand, and spectral (FFT) derivatives of the bump.
"""
import numpy as np
import pytest
import jax

import dynanalysis as da
from dynanalysis._analysis import finder
from dynanalysis.models import AdaptiveCANN1D, CANN1D


def ring(N):
    return -np.pi + 2.0 * np.pi * np.arange(N) / N


def bump_seed(N, centre=0.3, height=0.3, noise=0.02, seed=0):
    x = ring(N)
    d = np.angle(np.exp(1j * (x - centre)))
    return height * np.exp(-d**2 / (4 * 0.5**2)) + noise * np.random.default_rng(seed).standard_normal(N)


def spectral_derivative(u):
    n = len(u)
    k = np.fft.rfftfreq(n, d=1.0 / n)  # integer wavenumbers on a ring of length 2 pi
    return np.fft.irfft(1j * k * np.fft.rfft(u), n=n)


# --------------------------------------------------------------------------- linear systems
def linear_system(n, n_unstable, seed=0):
    """A = Q B Q^T with B block-diagonal (real eigenvalues and 2x2 rotation blocks), Q orthogonal."""
    rng = np.random.default_rng(seed)
    lam, blocks = [], []
    for i in range(0, n - 20, 1):
        lam.append(rng.uniform(0.1, 3.0) if i < n_unstable else -rng.uniform(0.1, 3.0))
        blocks.append(np.array([[lam[-1]]]))
    while sum(len(b) for b in blocks) < n:
        a, w = -rng.uniform(0.1, 2.0), rng.uniform(0.5, 2.0)
        lam += [a + 1j * w, a - 1j * w]
        blocks.append(np.array([[a, w], [-w, a]]))
    B = np.zeros((n, n))
    o = 0
    for b in blocks:
        B[o:o + len(b), o:o + len(b)] = b
        o += len(b)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    x_star = rng.standard_normal(n)
    return Q @ B @ Q.T, x_star, np.array(lam)


def test_linear_200d_fixed_point_and_spectrum_exact():
    A, x_star, lam = linear_system(200, n_unstable=3)
    f = lambda x: A @ (x - x_star)  # noqa: E731
    seeds = np.random.default_rng(1).standard_normal((8, 200)) * 3
    fps = da.FixedPointFinder(f).find(seeds)
    assert len(fps) == 1 and fps.fixed[0] and fps.n_failed == 0 and fps.n_duplicates == 7
    np.testing.assert_allclose(fps.points[0], x_star, atol=1e-10)
    np.testing.assert_allclose(fps.jacobians[0], A, atol=1e-12)
    ev = fps.eigenvalues[0]
    ref = lam[np.argsort(-lam.real, kind="stable")]
    # compare as multisets: match every reference eigenvalue to the nearest computed one
    err = max(np.min(np.abs(ev - r)) for r in ref)
    assert err < 1e-10 * np.max(np.abs(A))
    np.testing.assert_allclose(ev.real, np.sort(lam.real)[::-1], atol=1e-10)
    assert fps.labels[0] == "saddle (3 unstable)" and fps.n_unstable[0] == 3


def test_inputs_argument_and_model_dict_seeds():
    A, x_star, _ = linear_system(30, n_unstable=0, seed=2)
    fps = da.FixedPointFinder(lambda x, b: A @ x + b, params=-A @ x_star).find(np.zeros(30))
    np.testing.assert_allclose(fps.points[0], x_star, atol=1e-10)
    assert fps.labels[0] == "stable"


def test_random_rnn_origin_spectrum():
    """dx/dt = -x + W tanh(x): x = 0 is a fixed point with Jacobian -I + W."""
    n, g = 40, 1.5
    W = g * np.random.default_rng(3).standard_normal((n, n)) / np.sqrt(n)
    f = lambda x: -x + W @ jax.numpy.tanh(x)  # noqa: E731
    fpf = da.FixedPointFinder(f)
    seeds = fpf.seeds_from_trajectory(np.random.default_rng(4).standard_normal((4, n)), 64, steps=400,
                                      dt=0.1, noise=0.05)
    fps = fpf.find(np.vstack([seeds, np.full(n, 1e-3)]))
    at0 = np.flatnonzero(np.max(np.abs(fps.points), axis=1) < 1e-10)
    assert len(at0) == 1
    ref = np.linalg.eigvals(-np.eye(n) + W)
    ev = fps.eigenvalues[at0[0]]
    assert max(np.min(np.abs(ev - r)) for r in ref) < 1e-10
    assert np.all(fps.residuals[fps.fixed] < 1e-10)


# --------------------------------------------------------------------------- slow points, outliers
def test_slow_point_of_a_ghost():
    """dx/dt = x^2 + eps, dy/dt = -y has no fixed point; q = |f|^2 / 2 is smallest at (0, 0)."""
    eps = 1e-3
    f = lambda z: jax.numpy.stack([z[0] ** 2 + eps, -z[1]])  # noqa: E731
    fps = da.FixedPointFinder(f).find(np.array([[0.5, 1.0], [-0.4, -0.3], [0.2, 0.1]]))
    assert len(fps) == 1 and not fps.fixed[0] and fps.labels[0] == "slow point"
    np.testing.assert_allclose(fps.points[0], [0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(fps.speeds[0], 0.5 * eps**2, rtol=1e-6)
    # Newton alone reports nothing found, and says so
    alone = da.FixedPointFinder(f).find(np.array([[0.5, 1.0]]), slow=False)
    assert len(alone) == 0 and alone.n_failed == 1


def test_outlier_far_from_the_seeds():
    """Newton from near pi/2 on sin(x) jumps ~1000 away and converges there: an outlier."""
    f = lambda x: jax.numpy.sin(x)  # noqa: E731
    fps = da.FixedPointFinder(f).find(np.array([[0.1], [-0.1], [0.2], [np.pi / 2 - 1e-3]]))
    assert fps.n_outliers == 1 and len(fps) == 1
    np.testing.assert_allclose(fps.points[0], [0.0], atol=1e-12)
    assert abs(fps.outliers[0, 0]) > 100 and abs(np.sin(fps.outliers[0, 0])) < 1e-10


def test_nan_in_the_model_is_a_failure_not_a_point():
    f = lambda x: jax.numpy.sqrt(x) - 2.0  # noqa: E731  (NaN for x < 0)
    fps = da.FixedPointFinder(f).find(np.array([[-1.0], [1.0]]))
    assert len(fps) == 1 and fps.n_failed == 1
    np.testing.assert_allclose(fps.points[0], [4.0], rtol=1e-12)


def test_relu_kink_slow_point_kept_by_speed_tol():
    """dz/dt = A z + B relu(C z) + d, in rotated coordinates u = Q^T z:
    du0/dt = eps + relu(u0) + relu(-u0), du1/dt = -u1 + relu(u0) / 2, du2/dt = -2 u2 + relu(-u0).
    No fixed point; q = |F|^2 / 2 has its minimum eps^2 / 2 at u = 0, on the kink u0 = 0, where its
    gradient jumps from -eps to +eps: Newton and Levenberg-Marquardt stall next to it.  BrainPy's
    filter_loss keeps such a point (loss eps^2 far below its tolerances); so does speed_tol."""
    eps = 1e-6
    Q, _ = np.linalg.qr(np.random.default_rng(2).standard_normal((3, 3)))
    C = np.stack([Q[:, 0], -Q[:, 0]])
    B = Q @ np.array([[1.0, 1.0], [0.5, 0.0], [0.0, 1.0]])
    A = Q @ np.diag([0.0, -1.0, -2.0]) @ Q.T
    d = Q @ np.array([eps, 0.0, 0.0])
    fpf = da.FixedPointFinder(lambda z: A @ z + B @ jax.nn.relu(C @ z) + d)
    seeds = np.random.default_rng(3).standard_normal((50, 3))
    stalled = fpf.find(seeds)
    assert len(stalled) == 0 and stalled.n_failed == 50      # neither test passes at the kink
    fps = fpf.find(seeds, speed_tol=1e-10)
    assert len(fps) == 1 and fps.n_failed == 0 and list(fps.labels) == ["slow point"]
    q_star = eps**2 / 2
    # q >= q* + eps |u0| + (u1^2 + ...) / 2, so q <= 1.01 q* puts u within 1e-7 of 0
    assert q_star <= fps.speeds[0] <= 1.01 * q_star
    assert np.max(np.abs(Q.T @ fps.points[0])) < 1e-7
    assert len(fpf.find(seeds, speed_tol=1e-13)) == 0     # below q*: nothing qualifies
    with pytest.raises(ValueError, match="speed_tol"):
        fpf.find(seeds, speed_tol=-1.0)


def test_same_points_whatever_the_memory_budget(monkeypatch):
    """The memory budget sets the vmapped batch width; the points, their order and the seed
    chosen for each must not depend on it.  A batch of one (a remainder: 65 = 21 * 3 + 2 and
    9 = 3 * 3 give none, 65 = 32 * 2 + 1 one) used to round differently; and fixed points were
    ordered by speeds that are all round-off."""
    from dynanalysis import budget
    n = 40
    W = 1.5 * np.random.default_rng(3).standard_normal((n, n)) / np.sqrt(n)
    rnn = lambda x: -x + W @ jax.numpy.tanh(x)  # noqa: E731
    seeds = np.vstack([3 * np.random.default_rng(5).standard_normal((64, n)), np.full(n, 1e-3)])
    ghost = lambda z: jax.numpy.stack([z[0] ** 2 + 1e-3, -z[1]])  # noqa: E731  (the second stage)
    gseeds = np.random.default_rng(6).uniform(-1, 1, (9, 2))
    per_seed = finder._per_seed_bytes(n)
    runs = []
    for b in (budget.MEMORY_BUDGET, 4 * 3 * per_seed, 4 * 2 * per_seed, 2 * per_seed):
        monkeypatch.setattr(budget, "MEMORY_BUDGET", b)
        runs.append((da.FixedPointFinder(rnn).find(seeds), da.FixedPointFinder(ghost).find(gseeds)))
    assert finder._chunk(n, 65) == 2   # the last budget: batches of two
    for other in runs[1:]:
        for a, b in zip(runs[0], other):
            for name in ("points", "speeds", "residuals", "fixed", "seed_index"):
                np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    fps = runs[0][0]
    assert len(fps) > 3 and np.all(fps.fixed) and np.all(np.diff(fps.seed_index) > 0)
    assert np.max(np.abs(-fps.points + np.tanh(fps.points) @ W.T)) < 1e-10


# --------------------------------------------------------------------------- discrete maps
def test_discrete_logistic_map_fixed_points_and_multipliers():
    """x -> r x (1 - x) per component, rotated: 2^3 fixed points {0, 1 - 1/r}^3 with
    multipliers r (unstable) at 0 and 2 - r (stable) at 1 - 1/r."""
    r, n = 2.5, 3
    Q, _ = np.linalg.qr(np.random.default_rng(5).standard_normal((n, n)))
    g = lambda y: Q @ (r * (Q.T @ y) * (1 - Q.T @ y))  # noqa: E731  (NumPy Q: float64 constants)
    grid = np.stack(np.meshgrid(*[np.linspace(-0.2, 0.8, 4)] * n, indexing="ij"), -1).reshape(-1, n)
    fps = da.FixedPointFinder(g, kind="discrete").find(grid @ Q.T)
    assert len(fps) == 8 and np.all(fps.fixed)
    x = fps.points @ Q  # back to the decoupled coordinates
    star = 1 - 1 / r
    assert np.allclose(np.minimum(np.abs(x), np.abs(x - star)), 0, atol=1e-12)
    zeros = np.sum(np.abs(x) < 1e-6, axis=1)
    for i in range(8):
        ref = np.sort(np.r_[[r] * zeros[i], [2 - r] * (n - zeros[i])].astype(float))[::-1]
        order = np.argsort(-np.abs(ref), kind="stable")
        np.testing.assert_allclose(np.abs(fps.eigenvalues[i]), np.abs(ref[order]), atol=1e-10)
        assert fps.n_unstable[i] == zeros[i]
    assert sorted(fps.labels) == sorted(["stable"] + ["saddle (1 unstable)"] * 3
                                        + ["saddle (2 unstable)"] * 3 + ["unstable"])


# --------------------------------------------------------------------------- CANN
@pytest.fixture(scope="module")
def cann512():
    N = 512
    fpf = da.FixedPointFinder(CANN1D(N=N, A=0.0))
    return fpf, fpf.find(bump_seed(N))


def test_cann_bump_translation_mode(cann512):
    fpf, fps = cann512
    assert len(fps) == 1 and fps.fixed[0]
    u = fps.points[0]
    ev, V = fps.eigenvalues[0], fps.eigenvectors[0]
    scale = np.max(np.abs(fps.jacobians[0]))
    assert abs(ev[0]) < 1e-8 * scale                     # the translation mode
    assert np.all(ev[1:].real < -1e-3)                  # every other mode decays
    du = spectral_derivative(u)
    v = V[:, 0].real
    cosine = abs(v @ du) / (np.linalg.norm(v) * np.linalg.norm(du))
    assert cosine > 0.999
    assert fps.labels[0] == "marginally stable (1 neutral)"


def test_cann_bump_height_matches_the_continuum_theory(cann512):
    """u(x) = u0 exp(-x^2 / 4a^2), u0 = J0 (1 + sqrt(1 - k / k_c)) / (4 sqrt(pi) a k)."""
    _, fps = cann512
    N, k, a, J0 = 512, 8.1, 0.5, 4.0
    u = fps.points[0]
    peak = np.max(np.fft.irfft(np.fft.rfft(u), n=64 * N)) * 64  # trigonometric interpolation
    kc = N / (2 * np.pi) * J0**2 / (8 * np.sqrt(2 * np.pi) * a)
    u0 = J0 * (1 + np.sqrt(1 - k / kc)) / (4 * np.sqrt(np.pi) * a * k)
    # the ring's finite extent (Gaussian tails cut at +-pi) leaves a difference of ~1e-8
    assert abs(peak / u0 - 1) < 1e-6


def test_cann_fold_in_k_matches_k_c():
    N, a, J0 = 128, 0.5, 4.0
    fpf = da.FixedPointFinder(CANN1D(N=N, A=0.0))
    fps = fpf.find(bump_seed(N, noise=0.01))
    kc = N / (2 * np.pi) * J0**2 / (8 * np.sqrt(2 * np.pi) * a)
    branch = fpf.continuation(fps.points[0], "k", (8.1, 2 * kc))
    folds = branch.points("LP")
    assert len(folds) == 1 and folds[0].data["located"]
    assert abs(folds[0].params["k"] / kc - 1) < 1e-6
    assert abs(folds[0].data["unfolding"]) < 1e-10   # f vanishes on the family: c = 0
    k = branch.params["k"]
    upper = np.flatnonzero(np.cumsum(np.r_[0, np.diff(k) < 0]) == 0)  # before the fold
    assert np.all(branch.n_unstable[upper[:-1]] == 0) and np.all(branch.n_unstable[-5:] == 1)


def test_adaptive_cann_static_bump_loses_stability_at_tau_over_tau_v():
    """Translation pair (u', v') spans an invariant plane with eigenvalues 0 and m/tau - 1/tau_v."""
    N = 128
    rates = {}
    for m in (0.05, 0.2):
        fpf = da.FixedPointFinder(AdaptiveCANN1D(N=N, A=0.0, m=m))
        u = bump_seed(N, seed=6)
        fps = fpf.find({"u": u, "v": m * u})
        assert len(fps) == 1 and fps.fixed[0]
        rates[m] = fps.eigenvalues[0]
        assert fps.n_unstable[0] == (1 if m > 0.1 else 0)
        np.testing.assert_allclose(fps.states["v"][0], m * fps.states["u"][0], atol=1e-14)  # v = m u
    assert np.min(np.abs(rates[0.05] - (0.05 - 0.1))) < 1e-9
    assert abs(rates[0.2][0] - (0.2 - 0.1)) < 1e-9
    start = da.FixedPointFinder(AdaptiveCANN1D(N=N, A=0.0, m=0.02)).find({"u": u, "v": 0.02 * u})
    sweep = da.FixedPointFinder(AdaptiveCANN1D(N=N, A=0.0, m=0.02)).sweep(
        "m", np.linspace(0.02, 0.2, 10), start.points[0])
    assert np.all(sweep.converged)
    (m_star, before, after), = sweep.crossings()
    assert abs(m_star - 0.1) < 1e-8 and (before, after) == (0, 1)
    import matplotlib
    matplotlib.use("Agg")
    ax = sweep.plot(n=3)
    marks = [ln for ln in ax.get_lines() if ln.get_label().startswith("crossing")]
    assert len(marks) == 1 and marks[0].get_xdata()[0] == m_star


# --------------------------------------------------------------------------- seeds, devices, input
def test_trajectory_rk4_and_sampling():
    A = np.array([[-0.5, 1.0], [-1.0, -0.5]])
    fpf = da.FixedPointFinder(lambda x: jax.numpy.asarray(A) @ x)
    x0 = np.array([1.0, 0.0])
    X = fpf.trajectory(x0, 100, dt=0.01)
    from scipy.linalg import expm
    np.testing.assert_allclose(X[-1], expm(A * 1.0) @ x0, atol=1e-10)
    S = finder.sample_states(X, 10, seed=1)
    assert S.shape == (10, 2) and all(np.any(np.all(X == s, axis=1)) for s in S)


def test_newton_kernel_runs_without_host_transfers():
    fpf = da.FixedPointFinder(CANN1D(N=64, A=0.0))
    seeds = np.stack([bump_seed(64, seed=s) for s in range(4)])
    with jax.enable_x64(True):
        s, sc, p, tol = jax.device_put((seeds, fpf._scale(seeds), fpf.args, np.float64(1e-10)))
        with jax.transfer_guard("disallow"):
            x, ok, _ = finder._newton_batch(fpf.field, s, p, sc, tol, 50, 4)
            x.block_until_ready()
    assert np.all(np.asarray(ok))


def test_bad_input():
    fpf = da.FixedPointFinder(CANN1D(N=64, A=0.0))
    with pytest.raises(ValueError, match="dimension 63"):
        fpf.find(np.zeros((3, 63)))
    bad = np.zeros((2, 64))
    bad[1, 5] = np.nan
    with pytest.raises(ValueError, match="non-finite.*rows \\[1\\]"):
        fpf.find(bad)
    with pytest.raises(ValueError, match="returned shape \\(2,\\).*shape \\(3,\\)"):
        da.FixedPointFinder(lambda x: x[:2]).find(np.zeros(3))
    with pytest.raises(ValueError, match="kind"):
        da.FixedPointFinder(lambda x: x, kind="map")
    with pytest.raises(ValueError, match="params"):
        da.FixedPointFinder(CANN1D(N=64), params={"kk": 1.0})
    with pytest.raises(ValueError, match="seeds\\['u'\\]"):
        fpf.find({"u": np.zeros((2, 10))})
    with pytest.raises(ValueError, match="'q' is not a parameter"):
        fpf.sweep("q", [0.0, 1.0], np.zeros(64))
    with pytest.raises(ValueError, match="tol"):
        fpf.find(np.zeros(64), tol=-1.0)


def test_one_compile_per_shape(compilations):
    seeds = np.stack([bump_seed(64, seed=s) for s in range(4)])
    da.FixedPointFinder(CANN1D(N=64, A=0.0)).find(seeds)
    with compilations() as new:
        da.FixedPointFinder(CANN1D(N=64, A=0.0)).find(seeds[::-1] * 1.1)         # other seeds
        da.FixedPointFinder(CANN1D(N=64, A=0.0, k=5.0, J0=3.0)).find(seeds)      # other parameters
    assert new.count == 0


def test_plot_spectrum_stable_filled_unstable_open_neutral_diamond():
    import matplotlib
    matplotlib.use("Agg")
    from dynanalysis.plotting import plot_spectrum
    ax = plot_spectrum(np.array([0.5, 1e-12, -1.0, -2 + 1j, -2 - 1j]))
    stable, unstable, neutral = ax.collections
    assert [len(c.get_offsets()) for c in (stable, unstable, neutral)] == [3, 1, 1]
    assert stable.get_facecolors()[0][3] == 1 and len(unstable.get_facecolors()) == 0


def test_docstring_example():
    import doctest
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(da.FixedPointFinder, "FixedPointFinder", globs={}):
        runner.run(test)
    assert runner.failures == 0 and runner.tries > 0


def test_continuation_bad_input():
    from dynanalysis import continuation as ct
    model = CANN1D(N=64, A=0.0)
    u = bump_seed(64)  # not an equilibrium
    with pytest.raises(ValueError, match="start is not an equilibrium"):
        ct.equilibria(model, "k", start={"u": u}, bounds=(1.0, 20.0), symmetry=np.ones(64))
    with pytest.raises(ValueError, match="symmetry must be .* length 64"):
        ct.equilibria(model, "k", start={"u": u}, bounds=(1.0, 20.0), symmetry=np.ones(3))
    with pytest.raises(ValueError, match="start: .*shape"):
        ct.equilibria(model, "k", start={"u": u[:10]}, bounds=(1.0, 20.0))


def test_plot_modes_draws_the_point_and_signed_unit_modes(cann512):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from dynanalysis.plotting import plot_modes
    _, fps = cann512
    ax, twin = plot_modes(fps, 0, modes=(0, 1), ax=plt.figure().gca())  # plot_* draw on the current axes
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), fps.points[0])
    for line, j in zip(twin.get_lines(), (0, 1)):
        y = line.get_ydata()
        assert np.max(y) == 1.0 and np.max(np.abs(y)) == 1.0
        w = fps.eigenvectors[0][:, j].real
        assert abs(abs(y @ w) / (np.linalg.norm(y) * np.linalg.norm(w)) - 1) < 1e-12
    plt.close(ax.figure)
