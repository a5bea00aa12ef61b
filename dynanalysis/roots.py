r"""Roots of vector fields: damped Newton (n-D) and bracketing with tangency search (1-D).

Everything here works on one problem and is lifted with ``jax.vmap`` by the callers (many seeds,
many parameter values).  Shapes are static; results come padded with validity masks.

Newton (:func:`newton`)
    :math:`x_{k+1} = x_k + \alpha_k \Delta_k`, :math:`J(x_k)\Delta_k = -F(x_k)`, with
    :math:`\alpha_k` the largest of :math:`1, 1/2, \dots, 2^{-11}` that decreases the scaled
    merit :math:`\|F / s\|^2` (Armijo), all candidates evaluated at once.  ``s`` holds one scale
    per variable (the width of its range), so mV and gating variables are weighed alike.
    Converged means: scaled step below ``xtol`` *and* scaled residual small relative to the
    Jacobian (``|F/s| <= ftol * |J_s|``), which rejects points that only minimise the merit.

1-D roots (:func:`roots_1d`)
    f on a grid that includes both ends; every strict sign change is a bracket, solved by
    bisection followed by Newton polishing; grid values that are exactly 0 are roots.  At every
    local minimum of |f| without a sign change, the critical point of f is found (Newton on
    f' = 0): if f vanishes there it is a double root (a fold), if f changes sign there the two
    roots that the grid stepped over are bracketed on either side.  Nothing is missed for roots
    that are at least a grid cell apart or that come in close pairs around a critical point.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax


def newton(F, x0, scale, *, max_iter: int = 60, xtol: float = 1e-11, ftol: float = 1e-7):
    """Damped Newton from one seed. Returns ``(x, converged, iterations, residual)``.

    ``residual`` is ``max_i |F_i(x)| / s_i``.
    """
    alphas = 2.0 ** -jnp.arange(12.0)
    scale = jnp.asarray(scale, x0.dtype)

    def merit(x):
        r = F(x) / scale
        return jnp.sum(r * r)

    def body(state):
        x, it, _, _ = state
        f, J = F(x), jax.jacfwd(F)(x)
        dx = jnp.linalg.solve(J, -f)
        # singular Jacobian: fall back to steepest descent on the merit
        grad = -(J.T @ (f / scale**2)) * scale**2 / jnp.maximum(jnp.sum((J * scale) ** 2), 1e-300)
        dx = jnp.where(jnp.all(jnp.isfinite(dx)), dx, grad)
        m0 = jnp.sum((f / scale) ** 2)
        m = jax.vmap(lambda a: merit(x + a * dx))(alphas)
        m = jnp.where(jnp.isfinite(m), m, jnp.inf)
        ok = m <= (1.0 - 1e-4 * alphas) * m0
        k = jnp.where(jnp.any(ok), jnp.argmax(ok), jnp.argmin(m))
        step = alphas[k] * dx
        x_new = jnp.where(m[k] <= m0, x + step, x)
        small = jnp.max(jnp.abs(step) / scale) < xtol
        done = small | (m0 == 0.0) | (m[k] > m0)
        return x_new, it + 1, done, small | (m0 == 0.0)

    def cond(state):
        return (state[1] < max_iter) & ~state[2]

    x, it, _, small = lax.while_loop(cond, body, (x0, 0, jnp.zeros((), bool), jnp.zeros((), bool)))
    f = F(x)
    J_s = jax.jacfwd(F)(x) * scale[None, :] / scale[:, None]
    residual = jnp.max(jnp.abs(f) / scale)
    converged = small & jnp.all(jnp.isfinite(x)) & (residual <= ftol * jnp.maximum(jnp.max(jnp.abs(J_s)), 1e-300))
    return x, converged, it, residual


def _bisect(f, a, b, fa, iters=60):
    def body(_, ab):
        a, b, fa = ab
        m = 0.5 * (a + b)
        fm = f(m)
        left = jnp.sign(fm) == jnp.sign(fa)
        return jnp.where(left, m, a), jnp.where(left, b, m), jnp.where(left, fm, fa)

    a, b, _ = lax.fori_loop(0, iters, body, (a, b, fa))
    return 0.5 * (a + b)


def _polish(f, x, lo, hi, steps=3):
    """A few Newton steps kept inside [lo, hi] (bisection already gave the root to ~1 ulp of the bracket)."""
    df = jax.grad(f)
    for _ in range(steps):
        d = df(x)
        x_new = x - f(x) / jnp.where(d == 0, 1.0, d)
        x = jnp.where((d != 0) & (x_new >= lo) & (x_new <= hi), x_new, x)
    return x


def roots_1d(f, lo, hi, n: int, ftol: float = 1e-12):
    """All roots of a scalar function on ``[lo, hi]`` from an ``n``-point grid.

    Returns ``(x, valid, double)`` padded to ``4 n - 7`` candidates; ``double`` marks roots found as
    tangencies (f and f' both vanish: a fold).  Duplicates are possible only within ~1e-12 of
    each other and are removed by the caller's de-duplication.
    """
    xs = jnp.linspace(lo, hi, n)
    fs = jax.vmap(f)(xs)
    scale_f = jnp.maximum(jnp.max(jnp.abs(fs)), 1e-300)
    # strict sign changes between neighbours
    a, b, fa, fb = xs[:-1], xs[1:], fs[:-1], fs[1:]
    change = (fa * fb) < 0
    r_br = jax.vmap(lambda a, b, fa: _polish(f, _bisect(f, a, b, fa), a, b))(a, b, fa)
    # exact zeros on the grid
    r_zero, v_zero = xs, fs == 0
    # tangencies: interior local minima of |f| with no sign change on either side
    i = jnp.arange(1, n - 1)
    af = jnp.abs(fs)
    is_min = (af[i] <= af[i - 1]) & (af[i] <= af[i + 1]) & (fs[i - 1] * fs[i] > 0) & (fs[i] * fs[i + 1] > 0)
    df = jax.grad(f)
    d2f = jax.grad(df)

    def tangency(k):
        x_lo, x_hi, x = xs[k - 1], xs[k + 1], xs[k]

        def step(_, x):
            g, h = df(x), d2f(x)
            x_new = x - g / jnp.where(h == 0, 1.0, h)
            return jnp.clip(jnp.where(h == 0, x, x_new), x_lo, x_hi)

        xc = lax.fori_loop(0, 40, step, x)
        fc = f(xc)
        touches = jnp.abs(fc) <= ftol * scale_f
        crosses = (jnp.sign(fc) != jnp.sign(fs[k])) & ~touches
        left = _polish(f, _bisect(f, x_lo, xc, fs[k - 1]), x_lo, xc)
        right = _polish(f, _bisect(f, xc, x_hi, fc), xc, x_hi)
        return xc, touches, left, right, crosses

    xc, touches, left, right, crosses = jax.vmap(tangency)(i)
    x = jnp.concatenate([r_br, r_zero, xc, left, right])
    valid = jnp.concatenate([change, v_zero, is_min & touches, is_min & crosses, is_min & crosses])
    double = jnp.concatenate([jnp.zeros(n - 1, bool), jnp.zeros(n, bool), is_min & touches,
                              jnp.zeros(2 * (n - 2), bool)])
    return x, valid, double
