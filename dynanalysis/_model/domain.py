"""The region an analysis works in: free variables with ranges, fixed variables, parameters.

Every analyzer validates its input here, once, and gets a :class:`Domain`.  Fixed variables
are turned into parameters (:meth:`ODE.restrict`), so the numerics only ever see a model whose
variables are exactly the free ones, in the caller's order: ``flow.rhs(y, p)``.
"""
from __future__ import annotations

import dataclasses
from typing import Mapping

import numpy as np

from dynanalysis._model.system import ODE, as_ode


@dataclasses.dataclass(frozen=True)
class Domain:
    model: ODE            # restricted: variables == names
    names: tuple          # free variables, in the order the caller gave them
    lo: np.ndarray
    hi: np.ndarray
    p: np.ndarray         # flat parameters of the restricted model (fixed variables included)
    fixed: dict           # fixed variable -> value

    @property
    def flow(self):
        return self.model.flow

    @property
    def scale(self) -> np.ndarray:
        return self.hi - self.lo

    @property
    def dim(self) -> int:
        return len(self.names)

    def params(self) -> dict:
        out = {k: (float(v) if np.ndim(v) == 0 else v) for k, v in self.model.named_params(self.p).items()}
        return {k: v for k, v in out.items() if k not in self.fixed}


def is_number(value) -> bool:
    """A real scalar (Python or NumPy number, 0-d array); not a string, bool or complex."""
    if isinstance(value, (str, bytes, bool, np.bool_)):
        return False
    try:
        a = np.asarray(value)
    except Exception:  # noqa: BLE001  (objects NumPy cannot even wrap)
        return False
    return a.ndim == 0 and a.dtype.kind in "iuf"


def check_number(name: str, value, *, lower: float | None = 0.0, inclusive: bool = False,
                 integer: bool = False):
    """``value`` as a finite ``float`` (``int`` with ``integer``) that is ``> lower`` (``>=``
    with ``inclusive``; no bound with ``lower=None``).

    Raises a TypeError naming ``name`` when ``value`` is not a single real number (a string, a
    bool, an array, None) and a ValueError when it is non-finite, out of range or not integral.
    """
    if integer:
        what = "an integer" if lower is None else f"an integer {'>=' if inclusive else '>'} {lower:g}"
        if lower == 0:
            what = "a non-negative integer" if inclusive else "a positive integer"
    else:
        what = "a finite number" if lower is None else \
            f"a finite number {'>=' if inclusive else '>'} {lower:g}"
        if lower == 0:
            what = "a non-negative finite number" if inclusive else "a positive finite number"
    if not is_number(value):
        raise TypeError(f"{name} must be {what}, got {value!r} ({type(value).__name__})")
    v = float(value)
    if not np.isfinite(v) or (lower is not None and (v < lower or (v == lower and not inclusive))):
        raise ValueError(f"{name} must be {what}, got {value!r}")
    if integer:
        if v != int(v):
            raise ValueError(f"{name} must be {what}, got {value!r}")
        return int(v)
    return v


def check_range(name: str, value, what: str) -> tuple:
    """A finite ``(lo, hi)`` with ``lo < hi``, or a ValueError naming ``name``."""
    try:
        if isinstance(value, (str, bytes)) or not all(is_number(v) for v in value):
            raise TypeError
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{what}[{name!r}] must be a pair of numbers (lo, hi), got {value!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"{what}[{name!r}] = {value!r} must be finite")
    if not lo < hi:
        raise ValueError(f"{what}[{name!r}] = {value!r} is {'empty' if lo == hi else 'reversed'}: "
                         f"need lo < hi")
    return lo, hi


def grid_points(name: str, lo: float, hi: float, step, default: int, what: str = "resolutions",
                minimum: int = 2) -> int:
    """A BrainPy resolution (a grid step, or None for ``default``) -> points on [lo, hi], ends included."""
    if step is None:
        return default
    if not is_number(step) or not (np.isfinite(step) and step > 0):
        raise ValueError(f"{what} for {name!r} must be a positive step (a number), got {step!r}")
    n = int(round((hi - lo) / step)) + 1
    if n < minimum:
        raise ValueError(f"{what} for {name!r}: step {step} leaves fewer than {minimum} points on "
                         f"({lo}, {hi}); use a smaller step")
    return n


def domain(model, box: Mapping, *, fixed_vars: Mapping | None = None,
           params: Mapping | None = None, box_name: str = "target_vars",
           fixed_name: str = "fixed_vars", params_name: str = "pars_update") -> Domain:
    """Validate ranges, fixed variables and parameters against the model."""
    model = as_ode(model)
    if not isinstance(box, Mapping) or not box:
        raise ValueError(f"{box_name} must be a non-empty dict {{variable: (lo, hi)}}")
    fixed = dict(fixed_vars or {})
    variables = model.variables
    for what, names in ((box_name, box), (fixed_name, fixed)):
        unknown = [k for k in names if k not in variables]
        if unknown:
            raise ValueError(f"{what}: {unknown} not state variable(s) of {model.name}; "
                             f"variables are {list(variables)}")
    both = [k for k in box if k in fixed]
    if both:
        raise ValueError(f"{both} given both in {box_name} and {fixed_name}")
    vector = [k for k in box if model.sizes[k] != 1]
    if vector:
        raise ValueError(f"vector-valued variable(s) {vector} cannot be ranged here; "
                         f"use FixedPointFinder for high-dimensional systems")
    missing = [v for v in variables if v not in box and v not in fixed]
    if missing:
        raise ValueError(f"{model.name} has variable(s) {missing} that are neither in {box_name} "
                         f"(to be solved for, with a range) nor in {fixed_name} (held at a value)")
    ranges = [check_range(k, v, box_name) for k, v in box.items()]
    for k, v in fixed.items():
        if np.shape(v) != (() if model.sizes[k] == 1 else (model.sizes[k],)) or not np.all(np.isfinite(v)):
            raise ValueError(f"{fixed_name}[{k!r}] must be a finite value of the variable's shape, got {v!r}")
    restricted = model.restrict(fixed, order=tuple(box))
    p = unbatched(restricted.flat_params, params, params_name, "one value per parameter")
    fixed_params = [k for k in (params or {}) if k in fixed]
    if fixed_params:
        raise ValueError(f"{params_name}: {fixed_params} are fixed variables, not parameters")
    lo, hi = (np.array(a, dtype=float) for a in zip(*ranges))
    return Domain(restricted, tuple(box), lo, hi, p, {k: np.asarray(v, float) for k, v in fixed.items()})


def unbatched(flatten, value, name: str, what: str):
    """``flatten(value) -> (batch shape, flat)`` (``ODE.flat_state`` / ``flat_params``) for one
    state or parameter set: its errors prefixed with ``name``, a batch refused."""
    try:
        batch, flat = flatten(value)
    except ValueError as e:
        raise ValueError(f"{name}: {e}") from None
    if batch != ():
        raise ValueError(f"{name} must be {what} (no batch dimensions), got batch shape {batch}")
    return flat


def halton(count: int, dim: int) -> np.ndarray:
    """The first ``count`` points of the unscrambled Halton sequence in [0, 1)^dim, skipping the
    corner point 0 (radical inverses in the first ``dim`` primes; SciPy's ``qmc.Halton`` without
    the cost of importing it)."""
    primes = [q for q in range(2, 8 * dim + 8) if all(q % d for d in range(2, int(q**0.5) + 1))][:dim]
    i = np.arange(1, count + 1)
    out = np.zeros((count, dim))
    for j, base in enumerate(primes):
        k, f = i.copy(), 1.0
        while np.any(k):
            f /= base
            out[:, j] += f * (k % base)
            k //= base
    return out
