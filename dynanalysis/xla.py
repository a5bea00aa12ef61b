"""``jit``: ``jax.jit`` with the compiler options every compiled analysis program uses.

The programs of this package are small and loop-heavy (Newton, bisection, steppers inside
``while`` loops).  XLA:CPU's newer fusion emitters take about twice as long to compile them as
the classic emitters, for the same run time (measured on the FitzHugh–Nagumo sweep chunk:
1.39 s -> 0.86 s to compile, 0.19 s to run either way), and compilation is most of a first
call.  The option is a per-program setting (nothing global changes) and names a CPU-only
setting, which other backends ignore.
"""
from __future__ import annotations

from functools import partial

import jax

COMPILER_OPTIONS = {"xla_cpu_use_fusion_emitters": False}


def jit(fun=None, **kw):
    """``jax.jit(fun, **kw)`` with :data:`COMPILER_OPTIONS`; usable as ``@partial(jit, ...)``."""
    if fun is None:
        return partial(jit, **kw)
    return jax.jit(fun, compiler_options=COMPILER_OPTIONS, **kw)
