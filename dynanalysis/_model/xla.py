"""How the analysis programs are compiled and where they run.

``jit``: ``jax.jit`` with the compiler options of the analysis programs.  The analysis programs
(Newton, bisection, regula falsi, shooting: small bodies inside loops) compile markedly faster
with XLA:CPU's classic fusion emitters than with the newer default, and run as fast or faster;
compilation is most of a first call (measured: benchmarks/README.md, "Measured design choices").
The simulation kernel (``integrate._run``) keeps the default: there the newer emitters vectorise
better.  The option is per program (nothing global changes) and names a CPU-only setting, which
other backends ignore.

``scope``: the context every analysis runs in: float64 (``jax.enable_x64``), the persistent
compilation cache of :mod:`dynanalysis.config`, and nothing else; all of it is undone on exit.

``shard`` / ``fetch``: a batch (leading axis) split over the active devices on a 1-D mesh, and
its result brought back to the host, also from a multi-process run.  ``per_device``: a program
run by every device on its own block of a batch, with no communication between devices.
"""
from __future__ import annotations

import contextlib
import functools
from functools import partial

import numpy as np
import jax
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from dynanalysis import config

COMPILER_OPTIONS = {"xla_cpu_use_fusion_emitters": False}

jit = partial(jax.jit, compiler_options=COMPILER_OPTIONS)  # used as @partial(jit, static_argnames=...)

try:  # JAX's scoped configuration states (a context manager each); absent: no cache, nothing breaks
    from jax._src import config as _jax_config
    _CACHE_STATES = (_jax_config.compilation_cache_dir, _jax_config.persistent_cache_min_compile_time_secs,
                     _jax_config.enable_compilation_cache)
except (ImportError, AttributeError):  # pragma: no cover - depends on the JAX version
    _CACHE_STATES = None


def cache_dir() -> str | None:
    """The folder JAX's persistent cache uses inside an analysis (``None``: no cache), without
    touching one the user configured."""
    if _CACHE_STATES is None:
        return None
    directory, _, enabled = _CACHE_STATES
    if directory.value is not None or not enabled.value:
        return directory.value if enabled.value else None  # the user's own setting wins
    return config.cache_dir if config.compilation_cache else None


@contextlib.contextmanager
def scope(x64: bool = True, devices=None):
    """Float64 (or not), the persistent compilation cache and, if given, the ``devices`` batches
    are split over, for the calls inside; undone on exit."""
    with contextlib.ExitStack() as stack:
        if devices is not None:
            stack.enter_context(config.using(devices))
        stack.enter_context(jax.enable_x64(x64))
        if _CACHE_STATES is not None and _CACHE_STATES[0].value is None and _CACHE_STATES[2].value \
                and config.compilation_cache:
            directory, min_time, _ = _CACHE_STATES
            stack.enter_context(directory(config.cache_dir))
            stack.enter_context(min_time(0.0))  # our programs compile in 0.05-1 s: keep every one
        yield


def devices() -> tuple:
    """The devices a batch is split over: the scoped setting (``devices=`` of the running analysis,
    or :func:`dynanalysis.config.using`), else ``dynanalysis.config.devices``, else all of
    ``jax.devices()``."""
    chosen = config._devices.get()
    if chosen is None:
        chosen = config.devices
    return tuple(jax.devices()) if chosen is None else config.check_devices(chosen)


def count() -> int:
    """How many devices a batch is split over (batch sizes are padded to a multiple of it)."""
    return len(devices())


@functools.lru_cache(maxsize=None)
def _batch_sharding(devs: tuple) -> NamedSharding:
    return NamedSharding(Mesh(np.array(devs, dtype=object), ("batch",)), PartitionSpec("batch"))


def per_device(body, devs: tuple, batched, *shared):
    """``body(block, *shared)`` run by each device of ``devs`` on its block of the rows of
    ``batched`` (split on the leading axis, as :func:`shard` places them), every output stacked
    back in row order; ``shared`` is the same on every device.  Use it inside a jitted program
    whose members run data-dependent loops (Newton, Levenberg–Marquardt): vmapped over the whole
    batch, such a loop runs in lockstep on all devices (its stopping test becomes an all-reduce
    on every iteration, across processes too); here every device stops when its own block is
    done.  ``devs`` must be static (a jit static argument), so that a program is never reused on
    other devices; ``None``: one device."""
    if devs is None or len(devs) == 1:
        return body(batched, *shared)
    batch, whole = PartitionSpec("batch"), PartitionSpec()
    return jax.shard_map(body, mesh=_batch_sharding(tuple(devs)).mesh, in_specs=(batch,) + (whole,) * len(shared),
                         out_specs=batch, check_vma=False)(batched, *shared)


def shard(*arrays):
    """The arrays on the active devices, their leading (batch) axis split into equal blocks (a 1-D
    mesh); on one device, simply placed there.  Lengths must be multiples of :func:`count` (pad
    first: ``batch.pad``).  Call inside :func:`scope`, so float64 stays float64.  A jitted program
    given such arrays is partitioned over the devices by XLA; vmapped members are independent, so
    every member's result equals the one-device result."""
    devs = devices()
    if len(devs) == 1:
        placed = tuple(jax.device_put(a, devs[0]) for a in arrays)
    else:
        sharding = _batch_sharding(devs)
        for a in arrays:
            if np.shape(a)[0] % len(devs):
                raise ValueError(f"a batch of {np.shape(a)[0]} does not split over {len(devs)} devices; pad it first")
        placed = tuple(jax.device_put(a, sharding) for a in arrays)
    return placed if len(placed) != 1 else placed[0]


def replicate(tree):
    """Every array of ``tree`` whole on each active device (the arguments a sharded batch shares:
    parameters, scales), so that a program never moves them between devices or processes."""
    devs = devices()
    if len(devs) == 1:
        return jax.device_put(tree, devs[0])
    whole = NamedSharding(_batch_sharding(devs).mesh, PartitionSpec())
    return jax.device_put(tree, whole)


def fetch(tree):
    """``jax.device_get``, also for arrays spread over the processes of a ``jax.distributed`` run
    (gathered from every process first)."""
    def get(a):
        if isinstance(a, jax.Array) and not a.is_fully_addressable:
            from jax.experimental import multihost_utils
            return np.asarray(multihost_utils.process_allgather(a, tiled=True))
        return a
    return jax.device_get(jax.tree_util.tree_map(get, tree))
