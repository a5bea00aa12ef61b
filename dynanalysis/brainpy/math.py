"""``brainpy.math`` as BrainPy's analysis scripts use it (``import dynanalysis.brainpy.math as bm``).

Array functions dispatch on their arguments at call time:

* a sympy expression (or an object array of them) goes to :mod:`dynanalysis.math` where it has
  the function, so a model written with ``bm`` keeps its exact symbolic view;
* a traced JAX value (inside an analysis, which runs in float64 in its own scope) goes to
  ``jax.numpy``;
* anything else (model construction at the top of a script: connection matrices, feature
  grids, constants) goes to NumPy, so those constants stay float64 without touching JAX's global
  ``x64`` flag (BrainPy scripts call ``bm.enable_x64()`` to get the same effect).

Names not listed here resolve to NumPy/``jax.numpy`` with the same dispatch.  Configuration
calls (``enable_x64``, ``disable_x64``, ``set_platform``, ``set``) are accepted no-ops: dynanalysis
already computes in float64 inside each analysis and never changes JAX's global configuration.
``set_dt``/``get_dt`` keep a value for scripts that read it back; analyses choose their own
steps.  ``Variable`` only holds a value (so model constructors run); simulation is
:func:`dynanalysis.simulate`'s job.
"""
from __future__ import annotations

import sys

import numpy as np
import jax
import jax.numpy as jnp

from dynanalysis import math as _dm
from dynanalysis._model.domain import check_number

pi = np.pi
e = np.e
inf = np.inf
nan = np.nan
newaxis = None
float_ = np.float64   # BrainPy's default float after ``enable_x64()``
int_ = np.int64
bool_ = np.bool_
float32, float64, int32, int64 = np.float32, np.float64, np.int32, np.int64

_settings = {"dt": 0.1}


# --------------------------------------------------------------------------- configuration
def enable_x64(mode: bool = True):
    """No-op: every dynanalysis analysis already runs in float64 in a scoped ``jax.enable_x64``;
    the global flag is never changed."""


def disable_x64():
    """No-op (see :func:`enable_x64`)."""


def set_platform(platform: str):
    """No-op: JAX picks the device; dynanalysis runs on whatever JAX sees."""


def set(**kwargs):  # noqa: A001 - BrainPy's name
    """Accepts BrainPy's ``bm.set(dt=..., x64=..., platform=...)``; only ``dt`` is kept."""
    if "dt" in kwargs:
        set_dt(kwargs["dt"])


def set_dt(dt: float):
    """Kept for scripts that read it back with :func:`get_dt`; analyses choose their own steps."""
    _settings["dt"] = check_number("dt", dt)


def get_dt() -> float:
    return _settings["dt"]


# --------------------------------------------------------------------------- dispatch
def _sympy_like(x) -> bool:
    sympy = sys.modules.get("sympy")
    return (sympy is not None and isinstance(x, sympy.Basic)) or (isinstance(x, np.ndarray) and x.dtype == object)


def _leaves(args):
    for a in args:
        if isinstance(a, (list, tuple)):
            yield from _leaves(a)
        elif isinstance(a, dict):
            yield from _leaves(tuple(a.values()))
        else:
            yield a


def _kind(args, kwargs) -> str:
    kind = "numpy"
    for a in _leaves(tuple(args) + tuple(kwargs.values())):
        if isinstance(a, Variable):
            a = a.value
        if _sympy_like(a):
            return "sympy"
        if isinstance(a, jax.core.Tracer):
            kind = "jax"
    return kind


def _unwrap(args):
    return tuple(a.value if isinstance(a, Variable) else
                 type(a)(_unwrap(a)) if isinstance(a, (list, tuple)) else a for a in args)


def _dispatching(name, np_fn, jnp_fn, sym_fn=None):
    def fn(*args, **kwargs):
        args = _unwrap(args)
        kind = _kind(args, kwargs)
        if kind == "sympy" and sym_fn is not None:
            return sym_fn(*args, **kwargs)
        if kind == "jax" or np_fn is None:
            return jnp_fn(*args, **kwargs)
        return np_fn(*args, **kwargs)

    fn.__name__ = name
    fn.__doc__ = f"``{name}``: NumPy on concrete values, jax.numpy on traced ones" + \
                 (", dynanalysis.math on sympy expressions." if sym_fn is not None else ".")
    return fn


# elementwise functions that dynanalysis.math also writes for sympy expressions
for _name in ("exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "cosh", "sinh", "arctan", "abs",
              "expm1", "log1p", "where", "maximum", "minimum"):
    globals()[_name] = _dispatching(_name, getattr(np, _name), getattr(jnp, _name), getattr(_dm, _name))
absolute = globals()["abs"]


def _sum_sym(x, axis=None, **kw):
    return _dm.sum(x, axis=axis) if not kw else np.sum(x, axis=axis, **kw)


sum = _dispatching("sum", np.sum, jnp.sum, _sum_sym)  # noqa: A001 - mirrors numpy's name
dot = _dispatching("dot", np.dot, jnp.dot, _dm.dot)
matmul = _dispatching("matmul", np.matmul, jnp.matmul, _dm.dot)
square = _dispatching("square", np.square, jnp.square, lambda x: x * x)
relu = _dispatching("relu", lambda x: np.maximum(x, 0.0), jax.nn.relu,
                    lambda x: _dm.maximum(x, 0))
sigmoid = _dispatching("sigmoid", lambda x: 1.0 / (1.0 + np.exp(-x)), jax.nn.sigmoid, _dm.sigmoid)


def as_jax(x, dtype=None):
    return jnp.asarray(_unwrap((x,))[0], dtype=dtype)


def as_numpy(x, dtype=None):
    return np.asarray(_unwrap((x,))[0], dtype=dtype)


as_ndarray = as_numpy


def __getattr__(name):
    """Any other NumPy / jax.numpy name, with the same dispatch (cached)."""
    np_fn, jnp_fn = getattr(np, name, None), getattr(jnp, name, None)
    if jnp_fn is None and np_fn is None or name.startswith("_"):
        raise AttributeError(f"dynanalysis.brainpy.math has no {name!r}: it provides the array "
                             f"functions of NumPy / jax.numpy and the BrainPy names that analysis "
                             f"scripts use (training and simulation helpers are out of scope)")
    ref = jnp_fn if jnp_fn is not None else np_fn
    if not callable(ref) or isinstance(ref, type):
        value = ref  # a constant or a dtype
    else:
        value = _dispatching(name, np_fn if callable(np_fn) else None, jnp_fn if callable(jnp_fn) else np_fn)
    globals()[name] = value
    return value


# --------------------------------------------------------------------------- state holders
class Variable:
    """Holds a state array, as ``bm.Variable`` does, so that BrainPy model constructors run.

    ``value`` can be read and replaced and ``v[i] = x`` updates a copy; arithmetic and NumPy /
    JAX functions see the held array.  Nothing is simulated: stepping a model is
    :func:`dynanalysis.simulate`'s job.  ``batch_axis`` is kept for BrainPy's signature.
    """

    def __init__(self, value, dtype=None, batch_axis=None, axis_names=None):
        if isinstance(value, Variable):
            value = value.value
        self._value = np.asarray(value, dtype=dtype) if not isinstance(value, jax.Array) else value
        self.batch_axis = batch_axis

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, v):
        self._value = v.value if isinstance(v, Variable) else v

    def update(self, v):
        self.value = v

    # array protocol
    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._value, dtype=dtype)

    def __jax_array__(self):
        return jnp.asarray(self._value)

    @property
    def shape(self):
        return np.shape(self._value)

    @property
    def ndim(self):
        return np.ndim(self._value)

    @property
    def size(self):
        return int(np.size(self._value))

    @property
    def dtype(self):
        return self._value.dtype

    def __len__(self):
        return len(self._value)

    def __getitem__(self, index):
        return self._value[index]

    def __setitem__(self, index, v):
        v = v.value if isinstance(v, Variable) else v
        if isinstance(self._value, jax.Array):
            self._value = self._value.at[index].set(v)
        else:
            new = np.array(self._value, copy=True)
            new[index] = v
            self._value = new

    def __getattr__(self, name):  # reshape, sum, T, astype, ... of the held array
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._value, name)

    def __repr__(self):
        return f"{type(self).__name__}({self._value!r})"

    def __float__(self):
        return float(np.asarray(self._value).reshape(()))


def _binary(op):
    def f(self, other):
        other = other.value if isinstance(other, Variable) else other
        return op(self._value, other)
    return f


def _reflected(op):
    def f(self, other):
        return op(other, self._value)
    return f


import operator as _op  # noqa: E402

for _n, _f in (("add", _op.add), ("sub", _op.sub), ("mul", _op.mul), ("truediv", _op.truediv),
               ("floordiv", _op.floordiv), ("mod", _op.mod), ("pow", _op.pow), ("matmul", _op.matmul)):
    setattr(Variable, f"__{_n}__", _binary(_f))
    setattr(Variable, f"__r{_n}__", _reflected(_f))
for _n, _f in (("lt", _op.lt), ("le", _op.le), ("gt", _op.gt), ("ge", _op.ge),
               ("and", _op.and_), ("or", _op.or_)):
    setattr(Variable, f"__{_n}__", _binary(_f))
Variable.__neg__ = lambda self: -self._value
Variable.__pos__ = lambda self: +self._value
Variable.__abs__ = lambda self: np.abs(self._value) if not isinstance(self._value, jax.Array) else jnp.abs(self._value)

# the other BrainPy state containers hold a value the same way
TrainVar = Variable
Parameter = Variable
VarList = list
VarDict = dict


# --------------------------------------------------------------------------- random
class _Random:
    """``bm.random``: NumPy's generator (float64), seeded by ``seed``."""

    def __init__(self):
        self._rng = np.random.default_rng()

    def seed(self, seed=None):
        self._rng = np.random.default_rng(seed)

    def normal(self, loc=0.0, scale=1.0, size=None):
        return self._rng.normal(loc, scale, size)

    def uniform(self, low=0.0, high=1.0, size=None):
        return self._rng.uniform(low, high, size)

    def random(self, size=None):
        return self._rng.random(size)

    random_sample = random

    def rand(self, *dims):
        return self._rng.random(dims or None)

    def randn(self, *dims):
        return self._rng.standard_normal(dims or None)

    def randint(self, low, high=None, size=None, dtype=int):
        return self._rng.integers(low, high, size, dtype=dtype)

    def choice(self, a, size=None, replace=True, p=None):
        return self._rng.choice(a, size, replace, p)

    def permutation(self, x):
        return self._rng.permutation(x)

    def shuffle(self, x):
        self._rng.shuffle(x)

    def __getattr__(self, name):
        raise AttributeError(f"dynanalysis.brainpy.math.random has no {name!r}; it provides seed, "
                             f"normal, uniform, random, rand, randn, randint, choice, permutation, "
                             f"shuffle")


random = _Random()
