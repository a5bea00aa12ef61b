r"""Roots of vector fields: damped Newton (n-D) and bracketing with tangency search (1-D).

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

1-D roots (:func:`roots_1d`)
    f on a grid that includes both ends; every strict sign change is a bracket, solved by
    bisection to the last bit (60 halvings of a grid cell); grid values that are exactly 0 are roots.  At every
    local minimum of |f| without a sign change, the critical point of f is found (Newton on
    f' = 0): if f vanishes there it is a double root (a fold), if f changes sign there the two
    roots that the grid stepped over are bracketed on either side.  Nothing is missed for roots
    that are at least a grid cell apart or that come in close pairs around a critical point.
"""
from __future__ import annotations

from functools import partial

import numpy as np
import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
from jax import lax

from .xla import jit


SMALL = 4  # up to this size, linear solves are unrolled scalar code (fast to compile)


def _gauss_small(A, b):
    """Gaussian elimination with partial pivoting written out on scalars (n <= SMALL)."""
    n = b.shape[0]
    M = [[A[i, j] for j in range(n)] + [b[i]] for i in range(n)]
    for k in range(n):
        for i in range(k + 1, n):  # bring the largest |pivot| to row k
            swap = jnp.abs(M[i][k]) > jnp.abs(M[k][k])
            M[k], M[i] = ([jnp.where(swap, a, c) for a, c in zip(M[i], M[k])],
                          [jnp.where(swap, c, a) for a, c in zip(M[i], M[k])])
        for i in range(k + 1, n):
            f = M[i][k] / M[k][k]
            M[i] = [M[i][j] - f * M[k][j] for j in range(n + 1)]
    x = [None] * n
    for i in reversed(range(n)):
        x[i] = (M[i][n] - sum((M[i][j] * x[j] for j in range(i + 1, n)), 0.0)) / M[i][i]
    return jnp.stack(x)


def lu_solve(J, b):
    """``J^{-1} b`` by Gaussian elimination with partial pivoting (non-finite if J is singular).

    Small systems are unrolled: XLA compiles that far faster than its LU kernels."""
    if b.shape[0] <= SMALL:
        return _gauss_small(J, b)
    return jsl.lu_solve(jsl.lu_factor(J), b)


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


def bucket(n: int, minimum: int = 64) -> int:
    """Pad batch sizes to powers of two (at least ``minimum``) so new counts rarely recompile."""
    return max(minimum, 1 << (max(n, 1) - 1).bit_length())


def pad(a, minimum: int = 64):
    """The rows of ``a`` padded to ``bucket(len(a), minimum)`` by repeating the first row."""
    a = np.asarray(a)
    return np.concatenate([a, np.repeat(a[:1], bucket(len(a), minimum) - len(a), axis=0)])


def _bisect(f, a, b, fa, iters=60):
    def body(_, ab):
        a, b, fa = ab
        m = 0.5 * (a + b)
        fm = f(m)
        left = jnp.sign(fm) == jnp.sign(fa)
        return jnp.where(left, m, a), jnp.where(left, b, m), jnp.where(left, fm, fa)

    a, b, _ = lax.fori_loop(0, iters, body, (a, b, fa))
    return 0.5 * (a + b)


def _first(mask, k):
    """Indices of the first k True entries of a 1-D mask (padded with the last index): a cumulative
    sum and a binary search, much cheaper than ``nonzero(size=k)`` on long masks."""
    return jnp.minimum(jnp.searchsorted(jnp.cumsum(mask), jnp.arange(1, k + 1)), mask.shape[0] - 1)


def roots_1d(f, lo, hi, n: int, k: int = 64, ftol: float = 1e-12):
    """All roots of a scalar function on ``[lo, hi]`` from an ``n``-point grid.

    Only the first ``k`` sign changes and exact grid zeros, and ``k // 4`` tangency candidates
    (local minima of |f| without a sign change whose value is within the change to their
    neighbours, so f may touch or cross 0 between grid points), are solved: the grid is scanned in
    full, the expensive iterations run on a few compacted candidates.  Returns
    ``(x, valid, double, overflow)`` padded to ``2 k + 3 (k // 4)`` candidates; ``double`` marks roots found as tangencies (f and f' both vanish: a fold);
    ``overflow`` says that more than ``k`` candidates of one kind were present (raise ``k``).
    Duplicates are possible only within ~1e-12 of each other and are removed by the caller.
    """
    xs = jnp.linspace(lo, hi, n)
    fs = jax.vmap(f)(xs)
    scale_f = jnp.maximum(jnp.max(jnp.abs(fs)), 1e-300)
    # strict sign changes between neighbours (interval j = [x_j, x_j+1])
    change = (fs[:-1] * fs[1:]) < 0
    jb = _first(change, k)
    v_br = change[jb] & (jnp.arange(k) < jnp.sum(change))
    # exact zeros on the grid
    jz = _first(fs == 0, k)
    v_zero = (fs[jz] == 0) & (jnp.arange(k) < jnp.sum(fs == 0))
    # tangencies: interior local minima of |f| with no sign change on either side
    i = jnp.arange(1, n - 1)
    af = jnp.abs(fs)
    is_min = (af[i] <= af[i - 1]) & (af[i] <= af[i + 1]) & (fs[i - 1] * fs[i] > 0) & (fs[i] * fs[i + 1] > 0)
    # a local minimum of |f| is worth a closer look only if f could reach 0 nearby: its value is
    # within the change to its neighbours (the smooth extrema far from 0 are skipped)
    near = af[i] <= 2.0 * jnp.maximum(jnp.abs(fs[i - 1] - fs[i]), jnp.abs(fs[i + 1] - fs[i]))
    is_min = is_min & near
    kt = max(1, k // 4)  # tangencies (folds) are rarer than simple roots
    jt = _first(is_min, kt) + 1
    v_t = is_min[jt - 1] & (jnp.arange(kt) < jnp.sum(is_min))
    df = jax.grad(f)
    d2f = jax.grad(df)

    def critical_point(j):  # Newton on f' = 0 inside the two cells around grid point j
        def step(_, x):
            g, h = df(x), d2f(x)
            x_new = x - g / jnp.where(h == 0, 1.0, h)
            return jnp.clip(jnp.where(h == 0, x, x_new), xs[j - 1], xs[j + 1])

        return lax.fori_loop(0, 40, step, xs[j])

    xc = jax.vmap(critical_point)(jt)
    fc = jax.vmap(f)(xc)
    touches = jnp.abs(fc) <= ftol * scale_f
    crosses = (jnp.sign(fc) != jnp.sign(fs[jt])) & ~touches
    # one bisection for every bracket: the sign changes, and either side of a critical point
    # where f crosses 0 between two grid points
    a = jnp.concatenate([xs[jb], xs[jt - 1], xc])
    b = jnp.concatenate([xs[jb + 1], xc, xs[jt + 1]])
    fa = jnp.concatenate([fs[jb], fs[jt - 1], fc])
    roots = jax.vmap(lambda a, b, fa: _bisect(f, a, b, fa))(a, b, fa)
    x = jnp.concatenate([roots[:k], xs[jz], xc, roots[k:]])
    valid = jnp.concatenate([v_br, v_zero, v_t & touches, v_t & crosses, v_t & crosses])
    double = jnp.concatenate([jnp.zeros(2 * k, bool), v_t & touches, jnp.zeros(2 * kt, bool)])
    overflow = (jnp.sum(change) > k) | (jnp.sum(fs == 0) > k) | (jnp.sum(is_min) > kt)
    return x, valid, double, overflow



def classify_1d(f, x, valid, double, width, same: float = 1e-7):
    """Per root of a scalar ``f`` (x: (K,)): 0 hyperbolic (f' decides), 1 degenerate stable,
    2 degenerate unstable, 3 saddle-node.

    A root is non-hyperbolic when it was found as a tangency (``double``) or when the linear term
    does not carry the flow near it, |f'(x)| h < |f(x +- h)| / 100, at h = 1e-4 ``width`` (or half
    the way to the nearest other valid root; roots within ``same * width`` are one root).  Then the
    signs of f on both sides decide, i.e. the sign and parity of the first non-zero derivative:
    towards the root from both sides (x' = -x^3), away on both (x' = x^3), or one of each (x' = x^2)."""
    d = jnp.abs(x[:, None] - x[None, :])
    d = jnp.where(valid[None, :] & (d > same * width), d, jnp.inf)
    h = jnp.minimum(1e-4 * width, 0.5 * jnp.min(d, axis=1))
    fl, fr = jax.vmap(f)(x - h), jax.vmap(f)(x + h)
    neutral = double | (jnp.abs(jax.vmap(jax.grad(f))(x)) * h < 0.01 * jnp.maximum(jnp.abs(fl), jnp.abs(fr)))
    side = jnp.where((fl > 0) & (fr < 0), 1, jnp.where((fl < 0) & (fr > 0), 2, 3))
    return jnp.where(neutral, side, 0).astype(jnp.int32)
