"""Padded batches: sizes rounded up to powers of two so that new counts rarely recompile."""
from __future__ import annotations

import numpy as np


def bucket(n: int, minimum: int = 64) -> int:
    """Pad batch sizes to powers of two (at least ``minimum``) so new counts rarely recompile."""
    return max(minimum, 1 << (max(n, 1) - 1).bit_length())


def pad(a, minimum: int = 64):
    """The rows of ``a`` padded to ``bucket(len(a), minimum)`` by repeating the first row."""
    a = np.asarray(a)
    return np.concatenate([a, np.repeat(a[:1], bucket(len(a), minimum) - len(a), axis=0)])
