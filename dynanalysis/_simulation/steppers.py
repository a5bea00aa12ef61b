r"""One-step integration rules on a flat state: ``step(f, x, t, h) -> x(t + h)``.

``f(x, t)`` is the vector field with parameters already bound.  All rules are pure functions of
one state; batching is done by the caller with ``vmap``.

* ``euler``      x + h f(x)                                   (order 1)
* ``heun``       trapezoidal predictor–corrector               (order 2)
* ``rk4``        classical Runge–Kutta                         (order 4)
* ``exp_euler``  x + h φ₁(a h) f(x), φ₁(z) = (eᶻ − 1)/z, with a the linear coefficient of each
  variable in its own equation, ∂f_i/∂x_i by autodiff (BrainPy's ``exp_auto``); exact for linear
  scalar equations, order 1 in general.  For a vector-valued variable the coefficient is the row
  sum of its own block of the Jacobian, exact when that block is diagonal.
* ``dopri5``     Dormand–Prince 5(4) pair, used by the adaptive driver in :mod:`.integrate`.
"""
from __future__ import annotations

import numpy as np
import jax
import jax.numpy as jnp


def euler(f, x, t, h):
    return x + h * f(x, t)


def heun(f, x, t, h):
    k1 = f(x, t)
    k2 = f(x + h * k1, t + h)
    return x + 0.5 * h * (k1 + k2)


def rk4(f, x, t, h):
    k1 = f(x, t)
    k2 = f(x + 0.5 * h * k1, t + 0.5 * h)
    k3 = f(x + 0.5 * h * k2, t + 0.5 * h)
    k4 = f(x + h * k3, t + h)
    return x + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


def phi1(z):
    """(exp(z) - 1) / z with the removable singularity at 0 filled (value and derivative)."""
    small = jnp.abs(z) < 1e-6
    zs = jnp.where(small, 1.0, z)
    return jnp.where(small, 1.0 + 0.5 * z, jnp.expm1(zs) / zs)


def make_exp_euler(var_shapes):
    """Exponential Euler for a model whose flat state is made of blocks of ``var_shapes``."""
    sizes = [int(np.prod(s)) for s in var_shapes]
    ind = np.zeros((len(sizes), sum(sizes)))
    o = 0
    for j, s in enumerate(sizes):
        ind[j, o:o + s] = 1.0
        o += s

    def exp_euler(f, x, t, h):
        E = jnp.asarray(ind, x.dtype)
        dx, lin = jax.vmap(lambda v: jax.jvp(lambda y: f(y, t), (x,), (v,)))(E)
        a = jnp.sum(E * lin, axis=0)  # linear coefficient of each component in its own equation
        return x + h * phi1(a * h) * dx[0]

    return exp_euler


# Dormand–Prince 5(4): nodes, stages, 5th-order weights and error weights (b5 - b4).
DP_C = (0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0)
DP_A = (
    (),
    (1 / 5,),
    (3 / 40, 9 / 40),
    (44 / 45, -56 / 15, 32 / 9),
    (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
    (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
    (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84),
)
DP_E = (71 / 57600, 0.0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40)


def dopri5(f, x, t, h, k1):
    """One Dormand–Prince step with first-same-as-last: returns (x5, error estimate, f(x5))."""
    ks = [k1]
    for i in range(1, 7):
        xi = x + h * sum(a * k for a, k in zip(DP_A[i], ks) if a != 0.0)
        ks.append(f(xi, t + DP_C[i] * h))
    x5 = x + h * sum(a * k for a, k in zip(DP_A[6], ks) if a != 0.0)  # equals the 7th stage point
    err = h * sum(e * k for e, k in zip(DP_E, ks) if e != 0.0)
    return x5, err, ks[6]


FIXED = {"euler": euler, "heun": heun, "rk4": rk4}
ORDERS = {"euler": 1, "heun": 2, "rk4": 4, "exp_euler": 1, "dopri5": 5}
METHODS = ("euler", "heun", "rk4", "exp_euler", "dopri5")


def fixed_stepper(method: str, var_shapes):
    if method == "exp_euler":
        return make_exp_euler(var_shapes)
    return FIXED[method]
