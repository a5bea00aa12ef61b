"""The Newton family (dynanalysis._numerics.newton) against answers it did not compute: closed
forms, numpy.linalg.solve, a linear solve written out in the test."""
import numpy as np
import jax
import jax.numpy as jnp

from dynanalysis._numerics.newton import correct, levenberg_marquardt, newton, residual_test


def test_newton_square_root_of_two():
    with jax.enable_x64(True):
        x, ok, res, J = jax.jit(lambda x0: newton(lambda x: x**2 - 2.0, x0, jnp.ones(1)))(jnp.array([1.0]))
        assert bool(ok) and abs(float(x[0]) - np.sqrt(2.0)) < 1e-14
        np.testing.assert_allclose(J, [[2 * np.sqrt(2.0)]], rtol=1e-13)
        # the finder's variant, stopping at the residual test, agrees to its tolerance
        x, ok = newton(lambda x: x**2 - 2.0, jnp.array([3.0]), jnp.ones(1), ftol=1e-12, stop_on_residual=True)[:2]
        assert bool(ok) and abs(float(x[0]) - np.sqrt(2.0)) < 1e-11


def test_newton_linear_system_matches_numpy_solve():
    A = np.array([[4.0, 1.0, -2.0], [1.0, 3.0, 0.5], [-2.0, 0.5, 5.0]])
    b = np.array([1.0, -2.0, 3.0])
    with jax.enable_x64(True):
        x, ok, res, _ = newton(lambda x: jnp.asarray(A) @ x - b, jnp.zeros(3), jnp.ones(3))
    assert bool(ok) and float(res) < 1e-13
    np.testing.assert_allclose(x, np.linalg.solve(A, b), rtol=0, atol=1e-13)


def test_masked_newton_projects_onto_the_unit_circle():
    """One equation of two imposed: the minimum-norm steps end at the circle's closest point."""
    p = np.array([0.9, 0.5])
    F = lambda x: jnp.stack([x[0] ** 2 + x[1] ** 2 - 1.0, 0.0 * x[0]])  # noqa: E731
    with jax.enable_x64(True):
        x, ok, res, _ = newton(F, jnp.asarray(p), jnp.ones(2), jnp.array([1.0, 0.0]))
    assert bool(ok)
    # Gauss-Newton steps are along the gradient (radial): the closest point p / |p| to O(|F|^2)
    np.testing.assert_allclose(x, p / np.linalg.norm(p), atol=2e-3)
    assert abs(np.hypot(*np.asarray(x)) - 1.0) < 1e-14


def _cramer(J, r):
    """2 x 2 solve by Cramer's rule, written out (no pivoting, no library)."""
    det = J[0, 0] * J[1, 1] - J[0, 1] * J[1, 0]
    return jnp.stack([(r[0] * J[1, 1] - J[0, 1] * r[1]) / det, (J[0, 0] * r[1] - r[0] * J[1, 0]) / det]), J


def test_correct_with_a_custom_solve_equals_the_default():
    F = lambda x: jnp.stack([x[0] ** 2 + x[1] ** 2 - 4.0, x[0] * x[1] - 1.0])  # noqa: E731
    # closed form: x^2 + y^2 = 4, xy = 1 -> x + y = sqrt(6), x - y = sqrt(2)
    ref = np.array([(np.sqrt(6) + np.sqrt(2)) / 2, (np.sqrt(6) - np.sqrt(2)) / 2])
    with jax.enable_x64(True):
        x0 = jnp.array([1.8, 0.6])
        xa, oka, _, Ja = correct(F, x0, jnp.ones(2), iters=20)
        xb, okb, _, Jb = correct(F, x0, jnp.ones(2), iters=20, solve=_cramer)
        xc, okc, _, _ = correct(F, x0, jnp.ones(2), iters=20, xtol=1e-14, solve=_cramer)
    assert bool(oka) and bool(okb) and bool(okc)
    for x in (xa, xb, xc):
        np.testing.assert_allclose(x, ref, rtol=0, atol=1e-14)
    np.testing.assert_allclose(Ja, Jb, rtol=0, atol=0)


def test_correct_reports_non_convergence():
    with jax.enable_x64(True):
        F = lambda x: x**2 + 1.0  # noqa: E731  (no real root)
        assert not bool(correct(F, jnp.array([0.3]), jnp.ones(1), iters=30)[1])
        assert not bool(correct(F, jnp.array([0.3]), jnp.ones(1), iters=30, xtol=1e-12)[1])
        # too few steps to reach the root: not converged either
        assert not bool(correct(lambda x: x**3 - 8.0, jnp.array([30.0]), jnp.ones(1), iters=3, max_step=None)[1])


def test_newton_reports_non_convergence():
    with jax.enable_x64(True):
        for stop in (False, True):
            x, ok, res, _ = newton(lambda x: x**2 + 1.0, jnp.array([0.5]), jnp.ones(1), stop_on_residual=stop)
            assert not bool(ok) and float(res) >= 1.0 - 1e-12  # min of x^2 + 1 is 1


def test_levenberg_marquardt_slow_point_and_root():
    with jax.enable_x64(True):
        # F = (x + y, x + y - 2) has no root; |F|^2 / 2 is least on the line x + y = 1, where
        # F = (1, -1) is orthogonal to the range of J (the stationarity test is relative to |J|,
        # so a scalar F whose J vanishes at its minimum, x^2 + 1, is not a case it can decide)
        F = lambda z: jnp.stack([z[0] + z[1], z[0] + z[1] - 2.0])  # noqa: E731
        x, root, flat = levenberg_marquardt(F, jnp.array([3.0, -0.5]), jnp.ones(2), 1e-10, 1e-8, 200)
        assert not bool(root) and bool(flat) and abs(float(x[0] + x[1]) - 1.0) < 1e-8
        # and the residual test does not take it for a root
        assert not bool(correct(F, x, jnp.ones(2), iters=5)[1])
        # F = x^2 - 3 has the root sqrt(3)
        x, root, flat = levenberg_marquardt(lambda x: x**2 - 3.0, jnp.array([1.0]), jnp.ones(1), 1e-12, 1e-8, 200)
        assert bool(root) and not bool(flat) and abs(float(x[0]) - np.sqrt(3.0)) < 1e-11


def test_residual_test_is_relative_to_the_scaled_jacobian():
    with jax.enable_x64(True):
        f, J, s, m = jnp.array([1e-9, 0.0]), jnp.array([[1e3, 0.0], [0.0, 1.0]]), jnp.ones(2), jnp.ones(2)
        res, ok = residual_test(f, J, s, m, 1e-11)
        assert float(res) == 1e-9 and bool(ok)  # 1e-9 <= 1e-11 * max|J| = 1e-8
        assert not bool(residual_test(f, J / 1e3, s, m, 1e-11)[1])  # 1e-9 > 1e-11 * 1
        assert bool(residual_test(f, J / 1e3, s, jnp.array([0.0, 1.0]), 1e-11)[1])  # masked out
