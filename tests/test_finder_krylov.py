"""FixedPointFinder at high dimension: matrix-free Newton–Krylov and Arnoldi's leading eigenvalues.

References are computed here, independently of the code under test: SciPy's ``fsolve`` with a
Jacobian written out in NumPy, NumPy's ``eigvals`` of Jacobians built in the test (by hand, or by
``jax.jacfwd`` called here), closed forms (a linear map of known spectrum; the CANN bump's
continuum theory) and spectral (FFT) derivatives.

The CANN's continuum theory (ring of length 2 pi, bump u0 exp(-x^2 / 4a^2), divisive
normalisation; Fung, Wong & Wu 2010): the translation mode has eigenvalue 0, the distortion
modes n = 2, 3, ... have -(1 - 2^(1-n)) = -0.5, -0.75, -0.875, ..., the height mode (the bump
itself: J u = (-1 + 2 / (1 + k sum u^2)) u exactly, since the recurrent input of u^2 is
proportional to u) depends on k through sum u^2, and everything else is -1.  The infinite-line
theory ignores that the ring is finite: the wider higher modes feel it.  Measured densely with
the defaults (a = 0.5) at N = 128, 256 and 512, the distortion eigenvalues agree with each other
to 1e-9 (so this is not a discretisation error) and differ from the theory by 7e-9, 3e-8, 2.5e-7,
8.2e-7, 3.5e-6, ... (n = 2, 3, ...); with a = 0.3 (tails 2.8x narrower against the ring) they
agree with it to 1e-14.  So the defaults are tested against the theory for n = 2..5 at 1e-6, and
a = 0.3 for all of them at 1e-9.
"""
import numpy as np
import pytest
import jax
import jax.numpy as jnp
from scipy.optimize import fsolve

import dynanalysis as da
from dynanalysis import budget
from dynanalysis._analysis import finder
from dynanalysis._numerics.newton import Krylov, krylov_step
from dynanalysis._numerics.status import Status
from dynanalysis.models import CANN1D


def ring(N):
    return -np.pi + 2.0 * np.pi * np.arange(N) / N


def bump_seeds(N, count, a=0.5, seed=0):
    """Noisy bumps at random centres (as benchmarks/highdim.py makes them)."""
    rng = np.random.default_rng(seed)
    c = rng.uniform(-np.pi, np.pi, count)
    d = np.angle(np.exp(1j * (ring(N)[None, :] - c[:, None])))
    return 0.3 * (0.5 / a) * np.exp(-d**2 / (4 * a * a)) + 0.02 * rng.standard_normal((count, N))


def spectral_derivative(u):
    n = len(u)
    k = np.fft.rfftfreq(n, d=1.0 / n)
    return np.fft.irfft(1j * k * np.fft.rfft(u), n=n)


def interpolant_peak(u, up=64):
    return np.max(np.fft.irfft(np.fft.rfft(u), n=up * len(u))) * up


def shift_onto(u, target):
    """u translated along the ring (Fourier shift) so that its centre of mass is the target's."""
    N = len(u)
    centre = lambda v: np.angle(v @ np.exp(1j * ring(N)))  # noqa: E731
    k = np.fft.rfftfreq(N, d=1.0 / N)
    return np.fft.irfft(np.fft.rfft(u) * np.exp(-1j * k * (centre(target) - centre(u))), n=N)


def jacobian_in_test(model, u):
    """f_x of the model at u, by jax.jacfwd called here (float64)."""
    _, p = model.flat_params()
    with jax.enable_x64(True):
        return np.asarray(jax.jacfwd(lambda y: model.flow.rhs(y, jnp.asarray(p)))(jnp.asarray(u)))


def theory(k_lead, height):
    """The continuum theory's k_lead leading eigenvalues: 0, the height mode, -(1 - 2^(1-n))."""
    ev = np.r_[0.0, height, -(1.0 - 2.0 ** (1 - np.arange(2, k_lead + 2)))]
    return np.sort(ev)[::-1][:k_lead]


# --------------------------------------------------------------------------- a network with one root
def tanh_network(N=200, g=0.4, seed=3):
    """dx/dt = -x + W tanh(x) + b, W random with gain g (|W|_2 ~ 2 g)."""
    rng = np.random.default_rng(seed)
    return g * rng.standard_normal((N, N)) / np.sqrt(N), rng.standard_normal(N)


def test_krylov_and_dense_newton_find_scipys_root_of_a_tanh_network():
    W, b = tanh_network()
    N = len(b)
    assert np.linalg.norm(W, 2) < 1  # a contraction: one isolated fixed point
    fun = lambda x: -x + W @ np.tanh(x) + b  # noqa: E731
    jac = lambda x: -np.eye(N) + W * (1.0 - np.tanh(x) ** 2)[None, :]  # noqa: E731
    x_ref = fsolve(fun, np.zeros(N), fprime=jac, xtol=1e-14)
    assert np.max(np.abs(fun(x_ref))) < 1e-12
    fpf = da.FixedPointFinder(lambda x: -x + W @ jnp.tanh(x) + b)
    seeds = 3.0 * np.random.default_rng(4).standard_normal((6, N))
    for method in ("krylov", "newton"):
        fps = fpf.find(seeds, method=method)
        assert len(fps) == 1 and fps.fixed[0] and fps.n_failed == 0 and fps.n_duplicates == 5
        np.testing.assert_allclose(fps.points[0], x_ref, rtol=0, atol=1e-9 * np.max(np.abs(x_ref)))
        assert fps.residuals[0] < 1e-10 * np.max(np.abs(jac(x_ref)))  # the finder's test, tol = 1e-10

    # the leading eigenvalues by Arnoldi against NumPy's, of the Jacobian written out here
    ref = np.linalg.eigvals(jac(x_ref))
    ref = ref[np.argsort(-ref.real, kind="stable")][:8]
    le = fpf.leading_eigenvalues(fps.points, 8, method="arnoldi", vectors=True)
    assert le.method == "arnoldi" and le.status == Status.CONVERGED and np.all(le.converged)
    np.testing.assert_allclose(le.eigenvalues[0], ref, rtol=0, atol=1e-8)
    V = le.eigenvectors[0]
    J = jac(x_ref)
    assert np.max(np.linalg.norm(J @ V - V * le.eigenvalues[0], axis=0)) < 1e-8


def test_krylov_step_solves_to_the_forcing_accuracy():
    """Against numpy.linalg.solve (nonsingular), and on a singular consistent system (the null
    direction of a continuous family) a bounded step that solves it."""
    rng = np.random.default_rng(10)
    n = 80
    A = -np.eye(n) + 0.8 * rng.standard_normal((n, n)) / np.sqrt(n)
    f = rng.standard_normal(n)
    s = np.linspace(0.5, 2.0, n)  # the step is solved in scaled coordinates; the answer is not
    with jax.enable_x64(True):
        jvp = lambda v: jnp.asarray(A) @ v  # noqa: E731
        for eta in (1e-3, 1e-12):
            dx = np.asarray(krylov_step(jvp, jnp.asarray(f), jnp.asarray(s), eta, Krylov()))
            r = np.linalg.norm((A @ dx + f) / s) / np.linalg.norm(f / s)
            assert r <= eta
        np.testing.assert_allclose(dx, np.linalg.solve(A, -f), rtol=0, atol=1e-10)
        # singular: A2 = A with its last eigen-direction removed, f in its range
        U, S, Vt = np.linalg.svd(A)
        A2 = U[:, :-1] @ np.diag(S[:-1]) @ Vt[:-1]
        f2 = A2 @ rng.standard_normal(n)
        dx = np.asarray(krylov_step(lambda v: jnp.asarray(A2) @ v, jnp.asarray(f2), jnp.ones(n), 1e-10, Krylov()))
    assert np.linalg.norm(A2 @ dx + f2) <= 1e-10 * np.linalg.norm(f2)
    assert np.linalg.norm(dx) < 10 * np.linalg.norm(np.linalg.pinv(A2) @ f2)


# --------------------------------------------------------------------------- CANN1D
@pytest.fixture(scope="module")
def cann256():
    N = 256
    model = CANN1D(N=N, A=0.0)
    fpf = da.FixedPointFinder(model)
    seeds = bump_seeds(N, 4)
    return model, fpf, fpf.find(seeds, method="krylov"), fpf.find(seeds, method="newton")


def test_cann_krylov_finds_the_same_bumps_as_dense_newton(cann256):
    """A continuous family (J singular at the solution): both stop somewhere on it, so the bumps
    are compared translated onto each other, and by the peak of their interpolant."""
    model, fpf, kry, den = cann256
    assert len(kry) == len(den) == 4 and np.all(kry.fixed) and kry.n_failed == 0
    assert np.all(kry.residuals < 1e-10)
    for u, v in zip(kry.points, den.points):
        h = interpolant_peak(v)
        assert abs(interpolant_peak(u) / h - 1) < 1e-9
        assert np.max(np.abs(shift_onto(u, v) - v)) < 1e-8 * h
    # the height the continuum theory gives (test_finder.py's check, to the same 1e-6)
    N, k, a, J0 = 256, 8.1, 0.5, 4.0
    kc = N / (2 * np.pi) * J0**2 / (8 * np.sqrt(2 * np.pi) * a)
    u0 = J0 * (1 + np.sqrt(1 - k / kc)) / (4 * np.sqrt(np.pi) * a * k)
    assert abs(interpolant_peak(kry.points[0]) / u0 - 1) < 1e-6


def test_cann_seed_whose_krylov_space_turns_invariant_converges():
    """Seed 14 of the benchmark's N = 256 seeds: near the root J_s + I is numerically of low rank,
    the Krylov space turns invariant within a cycle, and JAX's batched GMRES (restart 20, as here),
    solving its least-squares problem by normal equations, returned NaN there and the seed stalled;
    the SVD least squares takes the minimum-norm step."""
    N = 256
    fpf = da.FixedPointFinder(CANN1D(N=N, A=0.0))
    x, ok, _ = fpf.solve(bump_seeds(N, 64)[14:16], method="krylov", slow=False, krylov={"restart": 20})
    assert np.all(ok) and np.max(np.abs(fpf.residual(x))) < 1e-10


def test_cann_leading_eigenvalues_against_numpy_and_the_continuum_theory(cann256):
    model, fpf, kry, _ = cann256
    u = kry.points[0]
    le = kry.leading_eigenvalues(11, method="arnoldi", vectors=True)
    assert le.status == Status.CONVERGED and le.eigenvalues.shape == (4, 11)
    ev = le.eigenvalues[0]
    ref = np.linalg.eigvals(jacobian_in_test(model, u))
    ref = ref[np.argsort(-ref.real, kind="stable")][:11]
    np.testing.assert_allclose(ev, ref, rtol=0, atol=1e-10)
    assert np.max(np.abs(ev.imag)) < 1e-10
    # theory: the translation mode, the height mode, the first distortion modes (module notes)
    assert abs(ev[0]) < 1e-8
    height = -1.0 + 2.0 / (1.0 + 8.1 * np.sum(u * u))
    assert np.min(np.abs(ev - height)) < 1e-10
    for n in range(2, 6):
        assert np.min(np.abs(ev - (-(1.0 - 2.0 ** (1 - n))))) < 1e-6
    # the translation mode's eigenvector is du/dx
    v, du = le.eigenvectors[0][:, 0].real, spectral_derivative(u)
    assert abs(v @ du) / (np.linalg.norm(v) * np.linalg.norm(du)) > 1 - 1e-8


def test_cann_narrow_bump_leading_eigenvalues_equal_the_continuum_theory():
    """a = 0.3: the ring is wide enough for the infinite-line theory to hold to rounding."""
    N, a = 256, 0.3
    fpf = da.FixedPointFinder(CANN1D(N=N, A=0.0, a=a))
    fps = fpf.find(bump_seeds(N, 2, a=a, seed=5), method="krylov")
    assert len(fps) == 2 and np.all(fps.fixed)
    le = fps.leading_eigenvalues(11, method="arnoldi")
    assert le.status == Status.CONVERGED
    for u, ev in zip(fps.points, le.eigenvalues):
        height = -1.0 + 2.0 / (1.0 + 8.1 * np.sum(u * u))
        np.testing.assert_allclose(ev.real, theory(11, height), rtol=0, atol=1e-9)


# --------------------------------------------------------------------------- maps, failures, options
def test_discrete_map_leading_eigenvalues_by_modulus():
    """x -> A x + c with A = Q diag Q^T: the leading multipliers are the largest |eigenvalues|."""
    n = 120
    rng = np.random.default_rng(7)
    lam = rng.uniform(-0.9, 0.9, n)
    lam[:4] = [-0.97, 0.95, -0.93, 0.91]  # the leading four by modulus, two of them negative
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A, c = Q @ np.diag(lam) @ Q.T, rng.standard_normal(n)
    fpf = da.FixedPointFinder(lambda x: A @ x + c, kind="discrete")
    # tol bounds the residual; the point's error is up to |(I - A)^-1| = 1 / 0.03 times larger
    fps = fpf.find(np.zeros((2, n)), method="krylov", tol=1e-13)
    np.testing.assert_allclose(fps.points[0], np.linalg.solve(np.eye(n) - A, c), rtol=0, atol=1e-10)
    le = fps.leading_eigenvalues(4, method="arnoldi")
    np.testing.assert_allclose(le.eigenvalues[0], lam[:4], rtol=0, atol=1e-10)
    dense = fps.leading_eigenvalues(4, method="dense")
    assert dense.method == "dense" and dense.status == Status.CONVERGED
    np.testing.assert_allclose(dense.eigenvalues[0], lam[:4], rtol=0, atol=1e-12)


def test_unconverged_arnoldi_is_reported_not_dropped():
    W, b = tanh_network(N=200, g=0.9, seed=8)  # eigenvalues crowd a disc: slow to separate
    fpf = da.FixedPointFinder(lambda x: -x + W @ jnp.tanh(x) + b)
    le = fpf.leading_eigenvalues(np.zeros((1, 200)), 11, method="arnoldi", krylov_dim=14, restarts=0)
    assert le.status == Status.NO_CONVERGENCE and not np.all(le.converged)
    assert "did not reach the tolerance" in le.message and le.to_dict()["status"] == "no convergence"


def test_krylov_newton_failure_is_a_failed_seed():
    fps = da.FixedPointFinder(lambda x: x**2 + 1.0).find(np.ones((3, 64)), method="krylov", slow=False)
    assert len(fps) == 0 and fps.n_failed == 3 and fps.status == Status.NOT_FOUND
    assert fps.leading_eigenvalues(3).eigenvalues.shape == (0, 3)


def test_auto_picks_by_dimension(monkeypatch):
    assert finder._linear("auto", finder.KRYLOV_DIM - 1, None) is None
    assert finder._linear("auto", finder.KRYLOV_DIM, None) == Krylov()
    assert finder._linear("newton", 10**5, None) is None
    assert finder._linear("krylov", 3, {"restart": 5}) == Krylov(restart=5)
    W, b = tanh_network(N=64, seed=9)
    fpf = da.FixedPointFinder(lambda x: -x + W @ jnp.tanh(x) + b)
    x = fpf.find(np.zeros(64)).points
    assert fpf.leading_eigenvalues(x, 3).method == "dense"
    monkeypatch.setattr(finder, "ARNOLDI_DIM", 64)
    le = fpf.leading_eigenvalues(x, 3)
    assert le.method == "arnoldi" and le.status == Status.CONVERGED


def test_same_points_whatever_the_memory_budget(monkeypatch):
    """Krylov seeds run in chunks sized by its own memory model; the chunking changes nothing."""
    N = 128
    fpf = da.FixedPointFinder(CANN1D(N=N, A=0.0))
    seeds = bump_seeds(N, 4, seed=11)
    x, ok, _ = fpf.solve(seeds, method="krylov", slow=False)
    per_seed = finder._per_seed_bytes(N, Krylov())
    assert per_seed < finder._per_seed_bytes(N) / 2 and finder._chunk(N, 4, per_seed) == 4
    monkeypatch.setattr(budget, "MEMORY_BUDGET", int(4 * 2 * per_seed))  # batches of two
    assert finder._chunk(N, 4, per_seed) == 2
    x2, ok2, _ = fpf.solve(seeds, method="krylov", slow=False)
    assert np.all(ok) and np.all(ok2)
    np.testing.assert_array_equal(x, x2)


def test_one_compile_per_shape(compilations):
    N = 128
    fpf = da.FixedPointFinder(CANN1D(N=N, A=0.0))
    fps = fpf.find(bump_seeds(N, 4, seed=12), method="krylov")
    fps.leading_eigenvalues(5, method="arnoldi")
    with compilations() as new:
        other = da.FixedPointFinder(CANN1D(N=N, A=0.0, k=6.0)).find(bump_seeds(N, 4, seed=13), method="krylov")
        other.leading_eigenvalues(5, method="arnoldi")
    assert len(other) == 4 and new.count == 0


def test_bad_options():
    fpf = da.FixedPointFinder(CANN1D(N=64, A=0.0))
    seeds = bump_seeds(64, 2)
    with pytest.raises(ValueError, match="method must be one of"):
        fpf.find(seeds, method="gmres")
    with pytest.raises(ValueError, match="krylov: restart must be a positive integer"):
        fpf.find(seeds, method="krylov", krylov={"restart": 0})
    with pytest.raises(ValueError, match="krylov: forcing must be a number in \\(0, 1\\)"):
        fpf.find(seeds, method="krylov", krylov={"forcing": 1.5})
    with pytest.raises(ValueError, match="unknown options \\['tol'\\]"):
        fpf.find(seeds, method="krylov", krylov={"tol": 1e-3})
    with pytest.raises(ValueError, match="not method='newton'"):
        fpf.solve(seeds, method="newton", krylov={"restart": 10})
    with pytest.raises(TypeError, match="krylov must be a dict"):
        fpf.find(seeds, method="krylov", krylov=10)
    x = seeds[:1]
    with pytest.raises(ValueError, match="method must be one of \\('auto', 'dense', 'arnoldi'\\)"):
        fpf.leading_eigenvalues(x, 3, method="arpack")
    with pytest.raises(ValueError, match="k must be a positive integer"):
        fpf.leading_eigenvalues(x, 0)
    with pytest.raises(ValueError, match="k must be at most the dimension 64"):
        fpf.leading_eigenvalues(x, 65)
    with pytest.raises(ValueError, match="krylov_dim must be between k \\+ 3 = 13"):
        fpf.leading_eigenvalues(x, 10, method="arnoldi", krylov_dim=12)
    with pytest.raises(ValueError, match="krylov_dim.*use method='dense'"):
        fpf.leading_eigenvalues(x, 10, method="arnoldi", krylov_dim=64)
    with pytest.raises(ValueError, match="restarts must be a non-negative integer"):
        fpf.leading_eigenvalues(x, 3, restarts=-1)
    with pytest.raises(ValueError, match="tol"):
        fpf.leading_eigenvalues(x, 3, tol=0.0)
    with pytest.raises(ValueError, match="points have dimension 63"):
        fpf.leading_eigenvalues(np.zeros((1, 63)), 3)
