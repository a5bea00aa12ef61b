"""Run by tests/test_devices.py in a fresh process with 4 forced host devices
(``XLA_FLAGS=--xla_force_host_platform_device_count=4``): every batched analysis on all devices and
on one, printing as JSON how each fetched result was partitioned and whether the two runs agree.

``python _devices_run.py [distributed]``: with ``distributed``, ``jax.distributed.initialize`` runs
first (one process, a local coordinator).  ``python _devices_run.py process ID PORT`` is one of two
processes of a multi-process run (two forced devices each: four in all), as on two machines.
"""
import json
import socket
import sys

import numpy as np
import jax
import jax.numpy as jnp
from jax import lax

PROCESSES = 2 if "process" in sys.argv else 1
if "distributed" in sys.argv:
    with socket.socket() as s:  # a free port for the coordinator
        s.bind(("localhost", 0))
        port = s.getsockname()[1]
    jax.distributed.initialize(coordinator_address=f"localhost:{port}", num_processes=1, process_id=0)
elif PROCESSES > 1:  # ``process ID PORT``: one of two processes, as on two machines
    jax.config.update("jax_cpu_collectives_implementation", "gloo")  # CPU collectives across processes
    jax.distributed.initialize(coordinator_address=f"localhost:{sys.argv[3]}", num_processes=2,
                               process_id=int(sys.argv[2]))

import dynanalysis as da  # noqa: E402
from dynanalysis import config  # noqa: E402
from dynanalysis._model import xla  # noqa: E402
from dynanalysis.models import CANN1D, FitzHughNagumo, HodgkinHuxley, WongWang  # noqa: E402

SEEN = []
_fetch = xla.fetch


def spy(tree):
    """Record, for every array a computation hands back, over how many devices it is split."""
    for a in jax.tree_util.tree_leaves(tree):
        if isinstance(a, jax.Array) and a.ndim:
            SEEN.append((len(a.sharding.device_set), bool(a.sharding.is_fully_replicated)))
    return _fetch(tree)


xla.fetch = spy


def arrays(result):
    """The numbers of a result, flattened to a list of float arrays."""
    if isinstance(result, dict):
        return [np.asarray(v, float) for _, v in sorted(result.items())]
    return [np.asarray(result, float)]


def cases():
    fhn, hh = FitzHughNagumo(), HodgkinHuxley()
    init = {"V": -65.0 + np.linspace(0, 5, 10), "m": 0.05, "h": 0.6, "n": 0.32}  # 10 members: padded to 12
    yield "simulate", lambda: arrays(da.simulate(hh, init, 10.0, dt=0.01, params={"I": np.linspace(0, 20, 10)}).states)
    pp = lambda: da.PhasePlane2D(fhn, target_vars={"V": (-3, 3), "w": (-3, 3)}, pars_update={"I": 0.8},  # noqa: E731
                                 resolutions=0.02)
    yield "fixed_points", lambda: arrays(pp().fixed_points().states)
    yield "nullclines", lambda: [np.concatenate([np.ravel(c) for c in cs]) for _, cs in
                                 sorted(pp().nullclines().curves.items())]
    yield "vector_field", lambda: arrays(pp().vector_field().U)

    def bif():
        d = da.Bifurcation2D(WongWang(), target_vars={"s1": (0, 1), "s2": (0, 1)}, target_pars={"mu": (0, 80)},
                             resolutions={"mu": 0.5}).compute()
        return [np.nan_to_num(d.equilibria.x), np.array([p.params["mu"] for p in d.special_points])]
    yield "sweep_and_special_points", bif

    def cycles():
        b = da.Bifurcation2D(fhn, target_vars={"V": (-3, 3), "w": (-3, 3)}, target_pars={"I": (0.3, 1.5)},
                             resolutions={"I": 0.1})
        env = b.limit_cycles(200.0)
        return [np.nan_to_num(env.period), np.nan_to_num(np.asarray(env.maximum["V"], float))]
    yield "cycle_envelope", cycles

    def finder():
        N = 64
        x = np.linspace(-np.pi, np.pi, N, endpoint=False)
        seeds = np.stack([0.3 * np.exp(-((x - c + np.pi) % (2 * np.pi) - np.pi) ** 2 / 1.0) for c in (-1.0, 0.5, 2.0)])
        fps = da.FixedPointFinder(CANN1D(N=N, A=0.0)).find(seeds)
        return [fps.points]
    yield "finder", finder

    def lapack():
        """Batched dense solves (LU and Cholesky, 96 x 96) in a loop: jaxlib's batched LAPACK on
        4 devices over 2 cores hung such a program in every one of 4 runs (linalg's module note)."""
        from dynanalysis._numerics.linalg import lu_solve, spd_solve
        rng = np.random.default_rng(3)
        n = 96
        A = rng.random((16, n, n)) + n * np.eye(n)
        b = rng.random((16, n))

        def one(A, b):
            step = lambda i, x: lu_solve(A + 0.01 * i * jnp.eye(n), x) + spd_solve(A @ A.T, x)  # noqa: E731
            return lax.fori_loop(0, 100, step, b)
        with xla.scope():
            return [np.asarray(xla.fetch(jax.jit(jax.vmap(one))(*xla.shard(A, b))))]
    yield "lapack", lapack


def main():
    out = {"devices": len(jax.devices()), "process_count": jax.process_count(), "cases": {}}
    for name, run in cases():
        SEEN.clear()
        many = run()
        split = sorted(set(SEEN))
        SEEN.clear()
        if PROCESSES > 1:  # one device would be another process's: compare checksums instead
            one = many
        else:
            with config.using(jax.devices()[:1]):
                one = run()
        same = all(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(many, one))
        diff = max((float(np.max(np.abs(a - b))) if a.shape == b.shape and a.size else (0.0 if a.shape == b.shape else np.inf))
                   for a, b in zip(many, one))
        out["cases"][name] = {"split": split, "one_device": sorted(set(SEEN)), "bitwise": same, "max_diff": diff,
                              "checksum": float(sum(np.sum(a) for a in many))}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
