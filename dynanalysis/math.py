"""Elementary functions that work on JAX arrays *and* on sympy expressions.

Model code imports only this namespace, so one definition of a vector field serves the
jitted numerics, autodiff and the exact symbolic view (:meth:`dynanalysis.ODE.symbolic`).
Dispatch is by argument type: a sympy expression, or a NumPy object array of them (how a
vector-valued state variable appears symbolically), goes to sympy; anything else to
``jax.numpy``.  Dispatch happens at trace time only, so it costs nothing in compiled code.
sympy is imported when a symbolic view is first built (nothing can be a sympy expression
before that), which keeps ``import dynanalysis`` light (measured: benchmarks/README.md,
"Measured design choices").

``exprel(z) = (exp(z) - 1) / z`` (1 at z = 0) writes the removable singularities of the
Hodgkin–Huxley rate functions and of the Wong–Wang transfer function without a 0/0: its
value and derivative are exact at the singular point.
"""
from __future__ import annotations

import sys

import numpy as np
import jax.numpy as jnp

pi = np.pi
e = np.e


def _sympy():
    import sympy
    return sympy


def _is_symbolic(*args) -> bool:
    sympy = sys.modules.get("sympy")
    for a in args:
        if sympy is not None and isinstance(a, sympy.Basic):
            return True
        if isinstance(a, np.ndarray) and a.dtype == object:
            return True
    return False


def _unary(jax_fn, sympy_fn, name):
    """``sympy_fn(sympy, x)`` builds the symbolic value (sympy is passed in: imported lazily)."""
    def fn(x):
        if _is_symbolic(x):
            one = lambda z: sympy_fn(_sympy(), z)  # noqa: E731
            return np.vectorize(one, otypes=[object])(x) if isinstance(x, np.ndarray) else one(x)
        return jax_fn(x)

    fn.__name__ = name
    fn.__doc__ = f"``{name}`` for JAX arrays and sympy expressions."
    return fn


exp = _unary(jnp.exp, lambda sp, z: sp.exp(z), "exp")
log = _unary(jnp.log, lambda sp, z: sp.log(z), "log")
sqrt = _unary(jnp.sqrt, lambda sp, z: sp.sqrt(z), "sqrt")
sin = _unary(jnp.sin, lambda sp, z: sp.sin(z), "sin")
cos = _unary(jnp.cos, lambda sp, z: sp.cos(z), "cos")
tan = _unary(jnp.tan, lambda sp, z: sp.tan(z), "tan")
tanh = _unary(jnp.tanh, lambda sp, z: sp.tanh(z), "tanh")
cosh = _unary(jnp.cosh, lambda sp, z: sp.cosh(z), "cosh")
sinh = _unary(jnp.sinh, lambda sp, z: sp.sinh(z), "sinh")
arctan = _unary(jnp.arctan, lambda sp, z: sp.atan(z), "arctan")
abs = _unary(jnp.abs, lambda sp, z: sp.Abs(z), "abs")  # noqa: A001 - mirrors numpy's name
expm1 = _unary(jnp.expm1, lambda sp, z: sp.exp(z) - 1, "expm1")
log1p = _unary(jnp.log1p, lambda sp, z: sp.log(1 + z), "log1p")
sigmoid = _unary(lambda z: 1.0 / (1.0 + jnp.exp(-z)), lambda sp, z: 1 / (1 + sp.exp(-z)), "sigmoid")


def _exprel_jax(z):
    # Taylor branch for |z| < 1e-2 (truncation < 3e-16) keeps value *and* derivative accurate
    # near 0; beyond it exp(z) - 1 loses at most eps/|z| < 3e-14 (and is ~2x cheaper than
    # expm1 in XLA).  The double `where` keeps the unused branch's 0/0 out of the gradient.
    small = jnp.abs(z) < 1e-2
    zs = jnp.where(small, 1.0, z)
    taylor = 1.0 + z * (1 / 2 + z * (1 / 6 + z * (1 / 24 + z * (1 / 120 + z / 720))))
    return jnp.where(small, taylor, (jnp.exp(zs) - 1.0) / zs)


exprel = _unary(_exprel_jax, lambda sp, z: (sp.exp(z) - 1) / z, "exprel")
exprel.__doc__ = "(exp(z) - 1) / z, continuous (= 1) with correct derivative (= 1/2) at z = 0."


def where(cond, a, b):
    """Elementwise ``a if cond else b`` (sympy: ``Piecewise``)."""
    if _is_symbolic(cond, a, b):
        sympy = _sympy()
        pw = lambda c, x, y: sympy.Piecewise((x, c), (y, True))  # noqa: E731
        if any(isinstance(v, np.ndarray) for v in (cond, a, b)):
            return np.vectorize(pw, otypes=[object])(cond, a, b)
        return pw(cond, a, b)
    return jnp.where(cond, a, b)


def maximum(a, b):
    if _is_symbolic(a, b):
        sympy = _sympy()
        return np.vectorize(sympy.Max, otypes=[object])(a, b) if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) else sympy.Max(a, b)
    return jnp.maximum(a, b)


def minimum(a, b):
    if _is_symbolic(a, b):
        sympy = _sympy()
        return np.vectorize(sympy.Min, otypes=[object])(a, b) if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) else sympy.Min(a, b)
    return jnp.minimum(a, b)


def sum(x, axis=None):  # noqa: A001 - mirrors numpy's name
    """Sum of an array (a vector-valued state variable)."""
    if _is_symbolic(x):
        return np.sum(x, axis=axis)
    return jnp.sum(x, axis=axis)


def dot(a, b):
    """Matrix/vector product ``a @ b`` (works for constant NumPy matrices and symbolic vectors)."""
    if _is_symbolic(a, b):
        return np.dot(np.asarray(a, dtype=object), np.asarray(b, dtype=object))
    return jnp.dot(a, b)


def circular_convolve(kernel, x):
    r"""Circular convolution :math:`y_i = \sum_j k_{(i - j) \bmod N}\, x_j` (a circulant matrix
    times a vector): by FFT for arrays, O(N log N) instead of O(N^2), and written out for
    symbolic vectors."""
    if _is_symbolic(kernel, x):
        k, v = np.asarray(kernel, dtype=object), np.asarray(x, dtype=object)
        n = len(v)
        return np.dot(k[np.mod(np.arange(n)[:, None] - np.arange(n)[None, :], n)], v)
    n = jnp.shape(x)[-1]
    return jnp.fft.irfft(jnp.fft.rfft(kernel) * jnp.fft.rfft(x), n=n)


def take(a, indices):
    """``a[indices]`` with a NumPy integer index array (circulant matrices from a kernel row)."""
    if _is_symbolic(a):
        return np.asarray(a, dtype=object)[indices]
    return jnp.asarray(a)[indices]


def stack(xs):
    if _is_symbolic(*xs):
        return np.array(list(xs), dtype=object)
    return jnp.stack([jnp.asarray(x) for x in xs])
