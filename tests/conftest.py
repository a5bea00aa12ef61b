"""Shared fixtures."""
import contextlib

import pytest
from jax import monitoring

_COMPILES = [0]


def _count(name, _duration=None, **_kw):
    # one XLA compilation, or one program loaded from the persistent compilation cache instead
    if name in ("/jax/core/compile/backend_compile_duration", "/jax/compilation_cache/cache_hits"):
        _COMPILES[0] += 1


monitoring.register_event_duration_secs_listener(_count)
monitoring.register_event_listener(_count)


class _Counter:
    count = 0


@pytest.fixture
def compilations():
    """``with compilations() as c: ...`` then ``c.count``: the XLA compilations inside the block
    (every program, the package's and JAX's own small ones), read from JAX's monitoring events."""
    @contextlib.contextmanager
    def counting():
        c, start = _Counter(), _COMPILES[0]
        try:
            yield c
        finally:
            c.count = _COMPILES[0] - start
    return counting
