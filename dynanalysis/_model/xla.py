"""``jit``: ``jax.jit`` with the compiler options of the analysis programs.

The analysis programs (Newton, bisection, regula falsi, shooting: small bodies inside loops)
compile markedly faster with XLA:CPU's classic fusion emitters than with the newer default,
and run as fast or faster; compilation is most of a first call (measured: benchmarks/README.md,
"Measured design choices").  The simulation kernel (``integrate._run``) keeps the default: there the newer emitters
vectorise better.  The option is per program (nothing global changes) and names a CPU-only
setting, which other backends ignore.
"""
from __future__ import annotations

from functools import partial

import jax

COMPILER_OPTIONS = {"xla_cpu_use_fusion_emitters": False}

jit = partial(jax.jit, compiler_options=COMPILER_OPTIONS)  # used as @partial(jit, static_argnames=...)
