"""Settings of a session: JAX's persistent compilation cache and the devices batches run on.

``compilation_cache`` (default on; off with the environment variable
``DYNANALYSIS_COMPILATION_CACHE=0`` or ``dynanalysis.config.compilation_cache = False``)
    While an analysis runs, JAX's persistent compilation cache points at ``cache_dir``, and every
    program is stored whatever its compile time, so a new process loads the compiled programs
    from disk instead of compiling them again (most of a first call is compilation).  Nothing is
    changed when you configured a cache yourself (``JAX_COMPILATION_CACHE_DIR`` or
    ``jax.config.update("jax_compilation_cache_dir", ...)``) or disabled JAX's
    (``jax_enable_compilation_cache``): yours is used as you set it.  The settings are scoped to
    dynanalysis' calls; JAX opens the cache folder once per process, so after the first analysis
    your own programs that take longer than JAX's threshold (1 s) to compile are stored there too.
``cache_dir`` (``DYNANALYSIS_CACHE_DIR``; default the platform's per-user cache folder:
``$XDG_CACHE_HOME/dynanalysis/jax`` or ``~/.cache/dynanalysis/jax`` on Linux,
``~/Library/Caches/dynanalysis/jax`` on macOS, ``%LOCALAPPDATA%\\dynanalysis\\jax`` on Windows)
    Entries are keyed by the program, the JAX version and the device; deleting the folder is
    always safe.  The cache is trusted code: do not point it at a folder others can write to.
``devices`` (default ``None``: all of ``jax.devices()``)
    The devices every batch is split over (a 1-D mesh over the batch axis).  Set it to a list of
    devices to restrict every analysis, or pass ``devices=`` to one call; :func:`using` scopes it.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import sys
from pathlib import Path

_OFF = {"0", "false", "no", "off"}


def _default_cache_dir() -> str:
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return str(Path(base) / "dynanalysis" / "jax")


compilation_cache: bool = os.environ.get("DYNANALYSIS_COMPILATION_CACHE", "1").strip().lower() not in _OFF
cache_dir: str = os.environ.get("DYNANALYSIS_CACHE_DIR") or _default_cache_dir()
devices = None

_devices = contextvars.ContextVar("dynanalysis_devices", default=None)


def on_devices(method):
    """Decorator for the methods of an analyser with a ``devices`` attribute: they run
    :func:`using` it."""
    @functools.wraps(method)
    def run(self, *args, **kw):
        with using(self.devices):
            return method(self, *args, **kw)
    return run


def check_devices(devices) -> tuple:
    """``devices`` as a tuple of distinct ``jax.Device``; a ValueError naming it otherwise."""
    import jax
    chosen = (devices,) if isinstance(devices, jax.Device) else devices
    try:
        chosen = tuple(chosen)
    except TypeError:
        chosen = ()
    if not chosen or not all(isinstance(d, jax.Device) for d in chosen) or len(set(chosen)) < len(chosen):
        raise ValueError(f"devices must be a non-empty sequence of distinct jax.Device objects "
                         f"(e.g. jax.devices()[:2]), got {devices!r}")
    return chosen


@contextlib.contextmanager
def using(devices):
    """Run the analyses inside the ``with`` block on ``devices`` (``None``: leave the setting as it is)."""
    if devices is None:
        yield
        return
    token = _devices.set(check_devices(devices))
    try:
        yield
    finally:
        _devices.reset(token)
