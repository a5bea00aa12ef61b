"""Small timing helpers shared by the benchmark scripts (no dependency on dynanalysis)."""
from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from typing import Callable, Mapping


def timed(fn: Callable, *args, **kw):
    """``(seconds, result)`` of one call, measured with ``time.perf_counter``."""
    t = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t, out


def compile_and_run(calls: Mapping[str, Callable[[], object]], repeats: int) -> dict:
    """Time jitted callables: the first call (trace + compile + run), then ``repeats`` warm calls.

    Each callable must block until its result is ready (``jax.block_until_ready``).  The warm
    repeats of the contenders are interleaved (a, b, a, b, ...) so that background load on the
    machine hits all of them alike.  Returns ``{name: {"first_s", "runs_s", "run_s" (median),
    "run_min_s", "compile_s", "result"}}``.  ``compile_s`` is the first call minus the fastest warm
    call (the fastest is the least disturbed by background load; the median would make the
    estimate go negative when a warm call is slowed down).
    """
    out = {}
    for name, call in calls.items():
        first, result = timed(call)
        out[name] = {"first_s": first, "runs_s": [], "result": result}
    for _ in range(repeats):
        for name, call in calls.items():
            dt, _ = timed(call)
            out[name]["runs_s"].append(dt)
    for rec in out.values():
        rec["run_s"] = statistics.median(rec["runs_s"])
        rec["run_min_s"] = min(rec["runs_s"])
        rec["compile_s"] = max(rec["first_s"] - rec["run_min_s"], 0.0)
    return out


def repeat_runs(call: Callable[[], object], repeats: int) -> dict:
    """Plain repeated timing (no compilation involved): median and min of ``repeats`` calls."""
    runs, result = [], None
    for _ in range(repeats):
        dt, result = timed(call)
        runs.append(dt)
    return {"runs_s": runs, "run_s": statistics.median(runs), "run_min_s": min(runs),
            "result": result}


def cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def machine_info() -> dict:
    """Facts that a reader needs to compare numbers across machines."""
    import numpy as np
    import scipy
    import jax
    import jaxlib

    info = {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": cpu_model(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "jax": jax.__version__,
        "jaxlib": jaxlib.__version__,
        "jax_backend": jax.default_backend(),
        "jax_devices": [str(d) for d in jax.devices()],
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "xla_flags": os.environ.get("XLA_FLAGS"),
    }
    if hasattr(os, "getloadavg"):
        info["loadavg_start"] = list(os.getloadavg())
    return info


def write_json(data: dict, path: str | None) -> str:
    """Serialise ``data`` (printing is the caller's job); also write it to ``path`` if given."""
    text = json.dumps(data, indent=2, sort_keys=False)
    if path:
        d = os.path.dirname(os.path.abspath(path))
        os.makedirs(d, exist_ok=True)
        with open(path, "w") as f:
            f.write(text + "\n")
    return text
