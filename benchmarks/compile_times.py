"""Compile time per program: every XLA program a first call of ``first_call.py``'s workloads
compiles, with its trace, lowering and compile seconds, and the totals (dynanalysis issue 15, part 1b).

Each workload runs in a fresh process (``--worker CASE``) with ``DYNANALYSIS_CACHE_DIR`` a new
empty folder (cold), then in a second fresh process with the same folder (warm: the persistent
cache serves the programs).  JAX reports, through ``jax.monitoring``, one duration per event
with the function's name:

  /jax/core/compile/jaxpr_trace_duration          tracing a jitted function to a jaxpr
  /jax/core/compile/jaxpr_to_mlir_module_duration lowering the jaxpr to an MLIR module
  /jax/core/compile/backend_compile_duration      XLA compile, or reading the persistent cache

A cache hit (``/jax/compilation_cache/cache_hits``) during a backend-compile span marks that
program as loaded from the persistent cache.  In a cold run, a hit means that an identical
program (the same HLO) was already compiled earlier in the same process under another jit
cache entry: a program compiled twice, which the report lists.  The JAX log line "Compiling
<name> with global shapes and types ..." gives each program's argument shapes, so programs of
one name are told apart.

Totals: trace, lower and compile are the union of their time spans (nested traces, a jitted
function traced inside another's trace, are counted once); ``rest`` is the wall time minus the
union of all three: running the programs, host-side Python, the analysers' NumPy work and
drawing.  Eager operations outside jit compile small programs too (``jit_<primitive>``): they
are listed like any other.

    python benchmarks/compile_times.py [--cases a,b] [--out benchmarks/results/compile_times.json]
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _common import machine_info, write_json  # noqa: E402
from first_call import JAX_CACHE_VARS, WORKLOADS  # noqa: E402

TRACE = "/jax/core/compile/jaxpr_trace_duration"
LOWER = "/jax/core/compile/jaxpr_to_mlir_module_duration"
COMPILE = "/jax/core/compile/backend_compile_duration"
HIT = "/jax/compilation_cache/cache_hits"
KINDS = {TRACE: "trace", LOWER: "lower", COMPILE: "compile"}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


class Recorder(logging.Handler):
    """Collects JAX's monitoring events (time spans with the function's name) and the argument
    shapes from JAX's compile log."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.spans = []          # (kind, name, start, end, cache_hit)
        self.shapes = defaultdict(list)  # module name -> [shapes text of each lowering]
        self._hit = False

    # jax.monitoring listeners
    def on_event(self, event, **kw):
        if event == HIT:
            self._hit = True

    def on_span(self, event, start, end, **kw):
        kind = KINDS.get(event)
        if kind is None:
            return
        hit = False
        if kind == "compile":
            hit, self._hit = self._hit, False
        self.spans.append((kind, program_name(kw.get("fun_name", "?")), start, end, hit))

    # logging handler: "Compiling <module> with global shapes and types [...]. Argument mapping: ..."
    def emit(self, record):
        msg = record.getMessage()
        m = re.match(r"Compiling (\S+) with global shapes and types (.*?)\. Argument mapping", msg, re.S)
        if m:
            self.shapes[m.group(1)].append(m.group(2))


def program_name(name) -> str:
    """One name per program: the trace event carries the function's name, lowering and compile
    the module's (``jit(name)``)."""
    name = str(name)
    m = re.fullmatch(r"jit\((.*)\)", name)
    return m.group(1) if m else name


def union(spans) -> float:
    """Total length of the union of (start, end) intervals."""
    total, end = 0.0, -float("inf")
    for a, b in sorted(spans):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


def worker(case: str) -> dict:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import jax
    from jax import monitoring
    import dynanalysis  # noqa: F401  (imports are not timed)

    rec = Recorder()
    monitoring.register_event_listener(rec.on_event)
    monitoring.register_event_time_span_listener(rec.on_span)
    jax_log = logging.getLogger("jax")
    jax_log.addHandler(rec)
    jax_log.propagate = False  # the records go to the recorder only, not to stderr
    jax.config.update("jax_log_compiles", True)  # this benchmark process only: names the programs' shapes

    t0 = time.time()
    WORKLOADS[case]()
    t1 = time.time()
    plt.close("all")

    spans = [s for s in rec.spans if t0 <= s[2] <= t1]
    programs = {}
    for kind, name, a, b, hit in spans:
        key = name
        p = programs.setdefault(key, {"name": name, "trace_n": 0, "trace_s": 0.0, "lower_n": 0, "lower_s": 0.0,
                                      "compile_n": 0, "compile_s": 0.0, "cache_hits": 0})
        p[f"{kind}_n"] += 1
        p[f"{kind}_s"] += b - a
        p["cache_hits"] += int(hit)
    # a module compiled more than once with the same argument shapes (the log's text)
    for name, texts in rec.shapes.items():
        p = programs.get(program_name(name))
        if p is not None:
            p["distinct_shapes"] = len(set(texts))
            p["lowerings_with_same_shapes"] = len(texts) - len(set(texts))
            if len(texts) > 1:  # what differs between the compilations of one program
                p["shapes"] = [t[:300] for t in texts]
    wall = t1 - t0
    totals = {k: union([(a, b) for kd, _, a, b, _ in spans if kd == k]) for k in ("trace", "lower", "compile")}
    totals["trace_lower_compile"] = union([(a, b) for _, _, a, b, _ in spans])
    totals["rest"] = wall - totals["trace_lower_compile"]
    totals["wall"] = wall
    totals["programs_compiled"] = sum(1 for s in spans if s[0] == "compile" and not s[4])
    totals["programs_from_cache"] = sum(1 for s in spans if s[0] == "compile" and s[4])
    ranked = sorted(programs.values(), key=lambda p: -(p["compile_s"] + p["lower_s"] + p["trace_s"]))
    return {"totals": totals, "programs": ranked}


def run(case: str, cache: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in JAX_CACHE_VARS}
    env["DYNANALYSIS_CACHE_DIR"] = cache
    load = os.getloadavg()[0]
    out = subprocess.run([sys.executable, __file__, "--worker", case], env=env, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"{case} failed:\n{out.stderr[-3000:]}")
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["loadavg_1min_before"] = load
    return res


def table(res: dict, top: int = 12) -> str:
    lines = [f"{'program':48s} {'n':>3s} {'trace':>7s} {'lower':>7s} {'compile':>8s}"]
    for p in res["programs"][:top]:
        lines.append(f"{p['name'][:48]:48s} {p['compile_n']:3d} {p['trace_s']:7.3f} {p['lower_s']:7.3f} "
                     f"{p['compile_s']:8.3f}" + (f"  ({p['cache_hits']} from cache)" if p["cache_hits"] else ""))
    t = res["totals"]
    lines.append(f"totals: wall {t['wall']:.2f} s = trace {t['trace']:.2f} + lower {t['lower']:.2f} + compile "
                 f"{t['compile']:.2f} (union {t['trace_lower_compile']:.2f}) + rest {t['rest']:.2f}; "
                 f"{t['programs_compiled']} compiled, {t['programs_from_cache']} from the cache")
    return "\n".join(lines)


def markdown(res: dict) -> str:
    """The README's tables from a results JSON: every program of the cold first calls, then the totals."""
    rows = ["| workload | program | compiled | trace s | lower s | compile s | warm: trace + lower + load s |",
            "|---|---|---|---|---|---|---|"]
    for case, r in res["cases"].items():
        warm = {p["name"]: p for p in r["warm"]["programs"]}
        for p in r["cold"]["programs"]:
            if not p["compile_n"]:
                continue  # traced inside another program (a nested jit or a closure): in its parent's time
            w = warm.get(p["name"], {})
            wt = sum(w.get(k, 0.0) for k in ("trace_s", "lower_s", "compile_s"))
            rows.append(f"| {case} | `{p['name']}` | {p['compile_n']} | {p['trace_s']:.2f} | {p['lower_s']:.2f} | "
                        f"{p['compile_s']:.2f} | {wt:.2f} |")
    rows += ["", "| workload | first call (cold) | trace | lower | compile | rest (run, host, drawing) | "
                 "first call (warm) | warm: trace + lower | warm: cache loads | warm: rest |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for case, r in res["cases"].items():
        c, w = r["cold"]["totals"], r["warm"]["totals"]
        rows.append(f"| {case} | {c['wall']:.2f} | {c['trace']:.2f} | {c['lower']:.2f} | {c['compile']:.2f} | "
                    f"{c['rest']:.2f} | {w['wall']:.2f} | {w['trace'] + w['lower']:.2f} | {w['compile']:.2f} | "
                    f"{w['rest']:.2f} |")
    return "\n".join(rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out")
    ap.add_argument("--cases", help="comma-separated subset of " + ", ".join(WORKLOADS))
    ap.add_argument("--markdown", metavar="JSON", help="print the README's tables from a results file and exit")
    ap.add_argument("--worker", choices=list(WORKLOADS), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.markdown:
        with open(args.markdown) as f:
            print(markdown(json.load(f)))
        return
    if args.worker:
        print(json.dumps(worker(args.worker), default=float))
        return
    cases = args.cases.split(",") if args.cases else list(WORKLOADS)
    res = {"machine": machine_info(), "cases": {}}
    for case in cases:
        cache = tempfile.mkdtemp(prefix="dynanalysis-cache-")
        try:
            cold = run(case, cache)
            warm = run(case, cache)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        res["cases"][case] = {"cold": cold, "warm": warm}
        log(f"== {case}, cold cache (load {cold['loadavg_1min_before']:.2f})\n{table(cold)}\n"
            f"-- warm cache\n{table(warm, top=5)}")
    res["machine"]["loadavg_end"] = list(os.getloadavg())
    print(write_json(res, args.out))


if __name__ == "__main__":
    main()
