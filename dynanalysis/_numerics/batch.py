"""Padded batches: sizes rounded up to powers of two so that new counts rarely recompile, and to a
multiple of the device count so that a batch splits evenly over the devices (``xla.shard``)."""
from __future__ import annotations

import numpy as np
import jax

from dynanalysis._model import xla


def bucket(n: int, minimum: int = 64) -> int:
    """Pad batch sizes to powers of two (at least ``minimum``) so new counts rarely recompile;
    then up to a multiple of the number of active devices."""
    return even(max(minimum, 1 << (max(n, 1) - 1).bit_length()))


def even(n: int) -> int:
    """``n`` rounded up to a multiple of the number of active devices."""
    d = xla.count()
    return -(-max(n, 1) // d) * d


def pad(a, minimum: int = 64, size: int | None = None):
    """The rows of ``a`` padded to ``size`` (default ``bucket(len(a), minimum)``) by repeating the
    first row (a real member, so padding never adds a failure or a NaN)."""
    a = np.asarray(a)
    size = bucket(len(a), minimum) if size is None else size
    return np.concatenate([a, np.repeat(a[:1], size - len(a), axis=0)])


def apply(fn, arrays, *, minimum: int = 64, size: int | None = None):
    """``fn(*arrays)`` on padded rows split over the active devices, fetched to the host with
    every output cut back to the ``len(arrays[0])`` real rows.  Call inside ``xla.scope()``; put
    the unbatched arguments into ``fn`` (a closure: they are the same on every device)."""
    n = len(arrays[0])
    size = bucket(n, minimum) if size is None else size
    placed = xla.shard(*(pad(a, size=size) for a in arrays))
    out = fn(*(placed if isinstance(placed, tuple) else (placed,)))
    return jax.tree_util.tree_map(lambda a: np.asarray(a)[:n], xla.fetch(out))
