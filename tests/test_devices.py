"""Batches split over several devices (4 forced host devices in a fresh process), under plain JAX
and under ``jax.distributed``; and the settings of ``dynanalysis.config``."""
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
import jax

import dynanalysis as da
from dynanalysis import config
from dynanalysis._model import xla

HERE = pathlib.Path(__file__).parent
FORCED = {**os.environ, "XLA_FLAGS": (os.environ.get("XLA_FLAGS", "") +
                                      " --xla_force_host_platform_device_count=4").strip()}
# elementwise programs: nothing can reorder, so the split must not change a bit
BITWISE = ("simulate", "vector_field", "fixed_points", "cycle_envelope", "finder", "lapack")


def run(*args, env=FORCED, code=None):
    cmd = [sys.executable] + (["-c", code] if code else [str(HERE / "_devices_run.py"), *args])
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def runs():
    return {mode: json.loads(run(*args)) for mode, args in (("plain", ()), ("distributed", ("distributed",)))}


@pytest.mark.parametrize("mode", ["plain", "distributed"])
def test_every_batch_is_split_over_four_devices_and_equals_one_device(runs, mode):
    res = runs[mode]
    assert res["devices"] == 4 and res["process_count"] == 1
    for name, case in res["cases"].items():
        # the compiled program's batched outputs live on 4 devices, split (not replicated)
        assert [4, False] in case["split"], (name, case)
        assert all(n == 4 for n, _ in case["split"]), (name, case)
        assert case["one_device"] and all(n == 1 for n, _ in case["one_device"]), (name, case)
        if name in BITWISE:
            assert case["bitwise"], (name, case)
        else:  # Newton iterations: per-device kernels of other widths may round the last bit apart
            assert case["max_diff"] <= 1e-13, (name, case)


def test_distributed_run_gives_the_plain_results(runs):
    for name, case in runs["plain"]["cases"].items():
        assert case["checksum"] == runs["distributed"]["cases"][name]["checksum"], name


def test_two_processes_split_every_batch_over_their_four_devices(runs):
    """Two processes with two devices each (as two machines): every batch spread over all four,
    each process holding the plain run's results."""
    import socket
    with socket.socket() as s:
        s.bind(("localhost", 0))
        port = str(s.getsockname()[1])
    env = {**os.environ, "XLA_FLAGS": (os.environ.get("XLA_FLAGS", "") +
                                       " --xla_force_host_platform_device_count=2").strip()}
    cmds = [[sys.executable, str(HERE / "_devices_run.py"), "process", str(i), port] for i in (0, 1)]
    procs = [subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in cmds]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-3000:]
        res = json.loads(out.strip().splitlines()[-1])
        assert res["devices"] == 4 and res["process_count"] == 2
        for name, case in res["cases"].items():
            assert [4, False] in case["split"], (name, case)
            plain = runs["plain"]["cases"][name]["checksum"]
            if name in BITWISE:
                assert case["checksum"] == plain, name
            else:
                assert abs(case["checksum"] - plain) <= 1e-12 * max(1.0, abs(plain)), name


def test_devices_argument_is_checked():
    with pytest.raises(ValueError, match="devices"):
        da.simulate(da.ode(lambda x, a=1.0: -a * x), {"x": 1.0}, 1.0, dt=0.1, devices=["cpu"])
    with pytest.raises(ValueError, match="devices"):
        da.PhasePlane1D(da.ode(lambda x, a=1.0: -a * x), target_vars={"x": (-1, 1)}, devices=[])
    with pytest.raises(ValueError, match="distinct"):
        with config.using(jax.devices() * 2):
            pass


def test_devices_restrict_and_scope():
    one = jax.devices()[:1]
    with config.using(one):
        assert xla.devices() == tuple(one)
        with config.using(None):  # None leaves an outer setting alone
            assert xla.devices() == tuple(one)
    assert xla.devices() == tuple(jax.devices())


CACHE_RUN = """
import os, jax, numpy as np, dynanalysis as da
fp = da.PhasePlane1D(da.ode(lambda x, I=0.0: da.math.sin(x) + I), target_vars={'x': (-10, 10)}).fixed_points()
assert np.allclose(np.sort(fp.states['x']), np.pi * np.arange(-3, 4))
print(repr(jax.config.jax_compilation_cache_dir))
"""


def files(path):
    return [p for p in pathlib.Path(path).rglob("*") if p.is_file()]


def test_compilation_cache_on_by_default_in_its_folder_and_scoped(tmp_path):
    env = {**os.environ, "DYNANALYSIS_CACHE_DIR": str(tmp_path / "ours")}
    env.pop("JAX_COMPILATION_CACHE_DIR", None)
    env.pop("DYNANALYSIS_COMPILATION_CACHE", None)
    assert run(env=env, code=CACHE_RUN) == "None"  # JAX's own setting is back after the analysis
    stored = files(tmp_path / "ours")
    assert stored  # the programs were written
    run(env=env, code=CACHE_RUN)  # a second process loads them: nothing new to store
    assert len(files(tmp_path / "ours")) == len(stored)


def test_compilation_cache_off_or_users_own_left_alone(tmp_path):
    base = {k: v for k, v in os.environ.items() if k not in ("JAX_COMPILATION_CACHE_DIR",)}
    off = {**base, "DYNANALYSIS_CACHE_DIR": str(tmp_path / "ours"), "DYNANALYSIS_COMPILATION_CACHE": "0"}
    assert run(env=off, code=CACHE_RUN) == "None"
    assert not files(tmp_path / "ours")
    mine = {**base, "DYNANALYSIS_CACHE_DIR": str(tmp_path / "ours"), "JAX_COMPILATION_CACHE_DIR": str(tmp_path / "mine")}
    assert run(env=mine, code=CACHE_RUN) == repr(str(tmp_path / "mine"))  # the user's setting stands
    assert not files(tmp_path / "ours")
