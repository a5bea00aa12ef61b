r"""Newton's method, one family: damped with a line search (:func:`newton`), a fixed-count
corrector (:func:`correct`), Levenberg–Marquardt; one residual test (:func:`residual_test`).

Everything here works on one problem and is lifted with ``jax.vmap`` by the callers (many seeds,
many parameter values).  Shapes are static; results come padded with validity masks.

Newton (:func:`newton`)
    :math:`x_{k+1} = x_k + \alpha_k \Delta_k`, :math:`J(x_k)\Delta_k = -F(x_k)` (minimum-norm
    :math:`\Delta_k` when only some equations are imposed, see :func:`newton`), with
    :math:`\alpha_k` the largest of :math:`1, 1/2, \dots, 2^{-11}` that decreases the scaled
    merit :math:`\|F / s\|^2` (Armijo), all candidates evaluated at once.  ``s`` holds one scale
    per variable (the width of its range), so mV and gating variables are weighed alike.
    Converged means: scaled step below ``xtol`` *and* scaled residual small relative to the
    Jacobian (``|F/s| <= ftol * |J_s|``), which rejects points that only minimise the merit.
"""
from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
from jax import lax

from dynanalysis._model.xla import jit
from dynanalysis._numerics.linalg import lu_solve


def _value_and_jac(F):
    """``x -> (J(x), F(x))`` in one forward pass."""
    return jax.jacfwd(lambda y: (F(y), F(y)), has_aux=True)


def _residual_test(f, J, scale, m, ftol):
    """Scaled residual ``max |m f| / s`` and whether it is small relative to the scaled Jacobian
    (which rejects points that only minimise the merit)."""
    J_s = m[:, None] * J * scale[None, :] / scale[:, None]
    residual = jnp.max(jnp.abs(m * f) / scale)
    return residual, residual <= ftol * jnp.maximum(jnp.max(jnp.abs(J_s)), 1e-300)


def newton(F, x0, scale, mask=None, *, max_iter: int = 60, xtol: float = 1e-11, ftol: float = 1e-7):
    """Damped Newton from one seed on the equations selected by ``mask`` (all by default).

    With every equation selected this is Newton's method; with fewer (a 0/1 ``mask``) each step is
    the minimum-norm step in coordinates scaled by ``scale`` (Gauss–Newton), which projects the
    seed onto the curve or surface those equations define (how nullcline vertices are refined).
    Both uses share one compiled program: ``mask`` is runtime data.

    Returns ``(x, converged, residual, J)``: ``residual = max_i |F_i(x)| / s_i`` over the selected
    equations, ``J`` the full Jacobian at ``x``.
    """
    alphas = 2.0 ** -jnp.arange(12.0)
    scale = jnp.asarray(scale, x0.dtype)
    m = jnp.ones_like(x0) if mask is None else jnp.asarray(mask, x0.dtype)

    def merit(f):
        return jnp.sum((m * f / scale) ** 2)

    def step_of(f, J):
        Jz = m[:, None] * J * scale[None, :]  # selected rows, scaled coordinates
        lam = lu_solve(Jz @ Jz.T + jnp.diag(1.0 - m), m * f)
        dx = -scale * (Jz.T @ lam)
        # singular system: fall back to steepest descent on the merit
        grad = -scale * (Jz.T @ (m * f / scale)) / jnp.maximum(jnp.sum(Jz**2), 1e-300)
        return jnp.where(jnp.all(jnp.isfinite(dx)), dx, grad)

    value_and_jac = _value_and_jac(F)

    # One call site of the Jacobian (the top of the loop): the loop stops by an iteration that
    # evaluates f and J at the final x and does not move, so no separate evaluation is compiled.
    def body(state):
        x, _, _, it, _, small = state
        J, f = value_and_jac(x)
        m0 = merit(f)
        dx = step_of(f, J)
        trial = jax.vmap(lambda a: merit(F(x + a * dx)))(alphas)
        trial = jnp.where(jnp.isfinite(trial), trial, jnp.inf)
        ok = trial <= (1.0 - 1e-4 * alphas) * m0
        k = jnp.where(jnp.any(ok), jnp.argmax(ok), jnp.argmin(trial))
        improved = trial[k] <= m0
        done = small | (m0 == 0.0) | (it == max_iter)
        step = jnp.where(improved & ~done, alphas[k] * dx, 0.0)
        far = jnp.max(jnp.abs(x + step - x0) / scale) > 1e3  # wandered off: give up early
        small = done | (jnp.max(jnp.abs(step) / scale) < xtol)
        return x + step, f, J, it + 1, done | ~improved | far, small & ~far & (it < max_iter)

    def cond(state):
        return ~state[4]

    n = x0.shape[0]
    state = (x0, jnp.zeros(n, x0.dtype), jnp.zeros((n, n), x0.dtype), 0, jnp.zeros((), bool),
             jnp.zeros((), bool))
    x, f, J, _, _, small = lax.while_loop(cond, body, state)
    residual, root = _residual_test(f, J, scale, m, ftol)
    return x, small & jnp.all(jnp.isfinite(x)) & root, residual, J


def correct(F, x0, scale, *, iters: int = 8, ftol: float = 1e-10, max_step: float = 0.1):
    """Plain Newton, ``iters`` steps, from a guess close to a root: a corrector (a point
    interpolated between two nearby roots, a predicted point on a branch).

    No line search, so it compiles to a fraction of :func:`newton`; quadratic convergence from a
    close guess makes a small count enough: at most ``iters`` steps, ending with the step taken
    after the residual first passes the test (one polishing step, to rounding level).  Steps are
    capped at ``max_step`` (scaled) so that a poor guess cannot jump to another branch.
    Converged means a residual below ``ftol`` relative to the scaled Jacobian: near a singular
    Jacobian (a branch point) the steps need not shrink, but the residual does.  Returns
    ``(x, converged, residual, J)``, ``J`` the Jacobian at the last iterate before its final step.
    """
    scale = jnp.asarray(scale, x0.dtype)
    value_and_jac = _value_and_jac(F)
    ones = jnp.ones_like(x0)

    def body(state):
        x, _, _, i, _ = state
        J, f = value_and_jac(x)
        dx = -lu_solve(J, f)
        dx = jnp.where(jnp.all(jnp.isfinite(dx)), dx, 0.0)  # singular J: stay (reported below)
        size = jnp.max(jnp.abs(dx) / scale)
        passed = _residual_test(f, J, scale, ones, ftol)[1]
        return x + dx * jnp.minimum(1.0, max_step / jnp.maximum(size, 1e-300)), f, J, i + 1, passed

    n = x0.shape[0]
    init = (x0, jnp.zeros(n, x0.dtype), jnp.zeros((n, n), x0.dtype), 0, jnp.zeros((), bool))
    x, f, J, _, _ = lax.while_loop(lambda s: (s[3] < iters) & ~s[4], body, init)
    residual, root = _residual_test(f, J, scale, ones, ftol)
    return x, jnp.all(jnp.isfinite(x)) & root, residual, J


@partial(jit, static_argnames=("flow",))
def newton_batch(flow, seeds, masks, p, scale):
    """:func:`newton` on ``flow.rhs(., p)`` from every seed (rows of ``seeds``, ``masks``)."""
    F = lambda y: flow.rhs(y, p)  # noqa: E731
    return jax.vmap(lambda s, m: newton(F, s, scale, m))(seeds, masks)
