"""What every result object shares: ``variables``, ``to_dict()`` and renamed attributes.

Results are frozen dataclasses of NumPy arrays.  :class:`Result` gives them

* ``variables``: the state variables the result describes (its ``names`` field where it has one,
  a plane's two variables say, else its model's variables), unless the class has its own field;
* ``to_dict()``: every dataclass field through :func:`plain` (the ``model`` field as the model's
  name), plus ``variables``; so ``json.dumps(result.to_dict())`` always succeeds.

:func:`renamed` keeps an old attribute name working for one release: reading it (or passing it
to the constructor) warns with a :class:`DeprecationWarning` and gives the new one.
"""
from __future__ import annotations

import dataclasses
import enum
import functools
import math
import warnings
from collections.abc import Mapping

import numpy as np


def plain(x):
    """``x`` as plain, JSON-safe Python: arrays -> (nested) lists, NumPy scalars -> Python numbers,
    NaN and +-inf -> None, complex -> ``[re, im]``, dicts/lists/tuples recursively (non-string
    keys as ``str``), enums -> their value, objects with ``to_dict`` -> that, a model -> its name.

    Anything else is an error (a result must say what its fields mean, not pickle them)."""
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, enum.Enum):
        return plain(x.value)
    if isinstance(x, (int, np.integer, np.bool_)):
        return x.item() if isinstance(x, np.generic) else x
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return x if math.isfinite(x) else None
    if isinstance(x, (complex, np.complexfloating)):
        return [plain(x.real), plain(x.imag)]
    if isinstance(x, np.ndarray) or (hasattr(x, "__array__") and hasattr(x, "dtype") and hasattr(x, "shape")):
        a = np.asarray(x)
        if a.dtype.kind in "biuUS":
            return a.tolist()
        if a.dtype.kind == "f":  # one pass for the common case: finite floats stay, the rest None
            out = a.astype(object)
            out[~np.isfinite(a)] = None
            return out.tolist()
        if a.dtype.kind == "c":
            return plain(np.stack([a.real, a.imag], axis=-1))
        return [plain(v) for v in a]  # object arrays (labels, ragged spike times), row by row
    if isinstance(x, Mapping):
        return {(k if isinstance(k, str) else str(plain(k))): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set, frozenset)):
        return [plain(v) for v in x]
    if hasattr(x, "to_dict"):
        return x.to_dict()
    if hasattr(x, "variables") and isinstance(getattr(x, "name", None), str):  # a model
        return x.name
    raise TypeError(f"plain: cannot convert a {type(x).__name__} to JSON-safe data")


class _DefaultVariables:
    """``variables`` unless a class has a field of that name.  A non-data descriptor (an instance
    attribute wins) that hides from class access, so a dataclass does not take it for a default."""

    def __get__(self, obj, cls=None):
        if obj is None:
            raise AttributeError("variables")
        names = getattr(obj, "names", None)
        if names is not None:
            return tuple(names)
        model = getattr(obj, "model", None)
        if model is not None and hasattr(model, "variables"):
            return tuple(model.variables)
        states = obj.__dict__.get("states")
        return tuple(states) if isinstance(states, Mapping) else ()


class Result:
    """Mixin for result dataclasses: ``variables`` and ``to_dict()`` (see the module)."""

    # fields left out of to_dict: not data (an analyser, a cache)
    _not_data: tuple = ()

    variables = _DefaultVariables()

    def to_dict(self) -> dict:
        out = {"variables": list(self.variables)}
        for f in dataclasses.fields(self):
            if f.name in self._not_data:
                continue
            v = getattr(self, f.name)
            out[f.name] = (getattr(v, "name", None) if v is not None else None) if f.name == "model" else plain(v)
        return out


def deprecated(owner: str, old: str, new: str) -> property:
    """A read-only property ``old`` that warns and returns ``new``."""

    def get(self):
        warnings.warn(f"{owner}.{old} is deprecated; use {owner}.{new}", DeprecationWarning, stacklevel=2)
        return getattr(self, new)

    return property(get, doc=f"Deprecated alias of ``{new}``.")


def renamed(**old_to_new):
    """Class decorator for a dataclass whose fields (or properties) were renamed: each old name
    becomes a deprecated read-only alias, and the constructor still accepts it as a keyword."""

    def wrap(cls):
        for old, new in old_to_new.items():
            setattr(cls, old, deprecated(cls.__name__, old, new))
        fields = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
        init_renames = {o: n for o, n in old_to_new.items() if n in fields}
        if init_renames:
            init = cls.__init__

            @functools.wraps(init)
            def __init__(self, *args, **kw):
                for old in init_renames.keys() & kw.keys():
                    warnings.warn(f"{cls.__name__}({old}=...) is deprecated; use {init_renames[old]}=",
                                  DeprecationWarning, stacklevel=2)
                    kw[init_renames[old]] = kw.pop(old)
                init(self, *args, **kw)

            cls.__init__ = __init__
        return cls

    return wrap
