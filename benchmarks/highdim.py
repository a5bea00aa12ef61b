"""Fixed points of a high-dimensional network: CANN1D (A = 0) at N = 128, 256, 512, 1024 neurons
(dense Newton), and at N = 4096 matrix-free (Newton–Krylov and Arnoldi's leading eigenvalues).

Work: ``dynanalysis.FixedPointFinder(CANN1D(N=N, A=0.0)).find(seeds, method="newton")`` from 100
seeds, one batched call (vmapped damped Newton, dense LU per step; the spectra are lazy and not
computed; ``method="newton"`` pins the dense series, which ``"auto"`` would leave from N = 512).  Without
a stimulus the bump is a marginally stable family (it can sit anywhere on the ring), so every
seed converges to a bump of its own position.  Seeds: noisy bumps at random centres c,
``0.3 exp(-d(x, c)^2 / (4 a^2)) + 0.02 noise`` with a = 0.5 and d the wrapped ring distance.

Each N runs in a fresh subprocess (``--one N``): the first call (trace + compile + run), warm
repeats (``run_s`` their median, ``compile_s`` the first call minus the fastest), and the peak
resident memory of that process (``ru_maxrss``) next to the baseline after importing jax and
dynanalysis and building the model, so the increment of the solve is visible; also the library's
own estimate ``finder._per_seed_bytes(N) * 100``.  Asserted: no seed fails, every residual
< 1e-9.  Unless ``--no-variants``: the memory (and Newton iteration counts) of the Newton stage
alone, per N in a fresh process (``find`` then evaluates residuals and Jacobians at the points),
and N = 512 again with ``OPENBLAS_NUM_THREADS=1`` (jaxlib's CPU LU calls SciPy's OpenBLAS).

Baseline (N = 512, in the same run): SciPy ``root(fun, x0, jac=jac, method="hybr")`` looped in
Python over the same 100 seeds, with ``fun`` and ``jac`` the model's vector field and exact
Jacobian as jitted JAX float64 functions (compiled before the timing).  Its roots are compared
with dynanalysis's from the same seed: the bump height (max of the profile), and, since the two
solvers may stop at different positions along the family, position-independent quantities (the
sum and norm of u, the peak of the Fourier interpolant) and the max-norm distance after a
Fourier shift of one bump onto the other.

    python benchmarks/highdim.py [--quick] [--out results/highdim.json]     # ~3 min (--quick: ~25 s)

Matrix-free section (``--krylov``; ``--krylov-only`` runs just it and replaces the ``"krylov"`` entry
of an existing ``--out`` file, keeping the rest), every case in a fresh process with JAX's
persistent compilation cache off (``DYNANALYSIS_COMPILATION_CACHE=0``: first calls include
compilation):

* goal: CANN1D N = 4096, 64 seeds (as above), ``find`` (``method="auto"``: Newton–Krylov) then
  ``leading_eigenvalues(11)`` (``"auto"``: Arnoldi): the points, the zero translation mode and the
  next 10 eigenvalues; first call and warm repeats (median of 3) of both, peak RSS.  Checked
  against references computed apart: NumPy's ``eigvals`` of the dense Jacobian of one N = 4096
  bump (``--no-dense-check`` skips it: ~1 min), the same at N = 512 (the distortion modes do not
  depend on N), the height mode's closed form -1 + 2 / (1 + k sum u^2), and the continuum theory
  -(1 - 2^(1-n)) (reported, not asserted: the finite ring shifts the higher modes by up to 9e-5).
* crossover: dense (``method="newton"``, eigenvalues ``"dense"``) against matrix-free
  (``"krylov"``, ``"arnoldi"``) at N = 128, 256, 512, 1024, on CANN1D (an FFT convolution: a JVP
  costs O(N log N)) and on a dense random network dx/dt = -x + W tanh(x) + b (gain 0.9; a JVP
  costs O(N^2)), 64 seeds, the 11 leading eigenvalues at 8 of the points; first call, warm
  repeats, peak RSS, and the two methods' points and eigenvalues compared.  This is where the
  ``"auto"`` thresholds (``finder.KRYLOV_DIM``, ``finder.ARNOLDI_DIM``) come from.

    python benchmarks/highdim.py --krylov-only --out results/highdim.json   # ~6 min

JSON goes to stdout (and to ``--out``); progress goes to stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _common import machine_info, timed, write_json  # noqa: E402

SIZES = (128, 256, 512, 1024)
QUICK_SIZES = (128, 256)
SEEDS = 100
A_WIDTH = 0.5          # the model's default a: seeds are bumps of the bump's own width
SEED_HEIGHT, SEED_NOISE = 0.3, 0.02
TOL_RESIDUAL = 1e-9
TOL_HEIGHT = 1e-8      # relative, SciPy's bump against dynanalysis's
SCIPY_N, QUICK_SCIPY_N = 512, 128


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def repeats_for(N: int, quick: bool) -> int:
    if quick:
        return 2
    return 1 if N >= 1024 else 3


def positions(N: int) -> np.ndarray:
    return -np.pi + 2.0 * np.pi * np.arange(N) / N


def make_seeds(N: int, count: int = SEEDS, seed: int = 0) -> np.ndarray:
    """(count, N) noisy bumps at random centres (the same random stream for every N)."""
    rng = np.random.default_rng(seed)
    c = rng.uniform(-np.pi, np.pi, count)
    x = positions(N)
    d = np.angle(np.exp(1j * (x[None, :] - c[:, None])))  # wrapped to (-pi, pi]
    return SEED_HEIGHT * np.exp(-d**2 / (4 * A_WIDTH**2)) + SEED_NOISE * rng.standard_normal((count, N))


def rss_now_kib() -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def maxrss_kib() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux


# --------------------------------------------------------------------------- one N, fresh process
def one(N: int, repeats: int, save: str | None) -> dict:
    import jax  # noqa: F401  (imported before the baseline RSS is read)
    import dynanalysis as da
    from dynanalysis._analysis import finder
    from dynanalysis.models import CANN1D

    rec = {"N": N, "seeds": SEEDS, "loadavg_start": list(os.getloadavg())}
    fpf = da.FixedPointFinder(CANN1D(N=N, A=0.0))
    seeds = make_seeds(N)
    rec["baseline_maxrss_kib"] = maxrss_kib()
    rec["baseline_rss_kib"] = rss_now_kib()

    first, fps = timed(fpf.find, seeds, method="newton")
    rec["first_s"] = first
    rec["after_first_maxrss_kib"] = maxrss_kib()
    runs = []
    for i in range(repeats):
        dt, fps = timed(fpf.find, seeds, method="newton")
        runs.append(dt)
        log(f"    N={N} warm {i + 1}/{repeats}: {dt:.3f} s")
    rec["runs_s"] = runs
    rec["run_s"] = statistics.median(runs)
    rec["run_min_s"] = min(runs)
    rec["compile_s"] = max(first - min(runs), 0.0)

    scale = fpf._scale(seeds)
    assert np.all(scale == scale[0])  # one variable: one scale, so max|F| = residual * scale
    rec["n_points"] = len(fps)
    rec["n_fixed"] = int(np.sum(fps.fixed))
    rec["n_failed"] = fps.n_failed
    rec["n_outliers"] = fps.n_outliers
    rec["n_duplicates"] = fps.n_duplicates
    rec["converged"] = SEEDS - fps.n_failed
    rec["max_scaled_residual"] = float(np.max(fps.residuals))
    rec["max_abs_residual"] = float(np.max(fps.residuals) * scale[0])
    heights = fps.points.max(axis=1)
    rec["bump_height_min"], rec["bump_height_max"] = float(heights.min()), float(heights.max())
    rec["bump_sum_u_spread_rel"] = float(np.ptp(fps.points.sum(1)) / np.mean(fps.points.sum(1)))
    rec["bump_fourier_peak_spread_rel"] = float(np.ptp(fourier_peak(fps.points)) / np.mean(heights))
    per_seed = finder._per_seed_bytes(N)
    chunk = finder._chunk(N, SEEDS)
    rec["estimate_per_seed_bytes"] = per_seed
    rec["estimate_100_seeds_bytes"] = per_seed * SEEDS
    rec["chunk"] = chunk
    rec["estimate_chunk_bytes"] = per_seed * chunk
    rec["jacobians_of_points_bytes"] = 8.0 * (1 << (len(fps) - 1).bit_length()) * N * N  # find's _evaluate, padded
    rec["peak_maxrss_kib"] = maxrss_kib()
    rec["increment_kib"] = rec["peak_maxrss_kib"] - rec["baseline_maxrss_kib"]
    rec["loadavg_end"] = list(os.getloadavg())
    if save:
        P = np.full((SEEDS, N), np.nan)
        P[fps.seed_index] = fps.points
        np.save(save, P)
    assert fps.n_failed == 0, f"N={N}: {fps.n_failed} seeds failed"
    assert rec["max_scaled_residual"] < TOL_RESIDUAL and rec["max_abs_residual"] < TOL_RESIDUAL, \
        f"N={N}: residual {rec['max_scaled_residual']:.3g}"
    return rec


def newton_only(N: int) -> dict:
    """The memory of the Newton stage alone (find's first stage, without the residuals and
    Jacobians it then evaluates at the points): the compiled kernel ``finder._newton_batch``
    called as ``FixedPointFinder._newton`` calls it (dense steps)."""
    import jax
    import dynanalysis as da
    from dynanalysis._analysis import finder
    from dynanalysis.models import CANN1D

    fpf = da.FixedPointFinder(CANN1D(N=N, A=0.0))
    seeds = make_seeds(N)
    base = maxrss_kib()

    def run():
        with jax.enable_x64(True):
            X, s, args = jax.device_put((seeds, fpf._scale(seeds), fpf.args))
            return jax.device_get(finder._newton_batch(fpf.field, X, args, s, 1e-10, 50, finder._chunk(N, SEEDS)))

    dt, (_, ok, res) = timed(run)  # the kernel returns (points, converged, scaled residuals)
    return {"N": N, "first_s": dt, "converged": int(np.sum(ok)), "max_scaled_residual": float(np.max(res)),
            "baseline_maxrss_kib": base,
            "peak_maxrss_kib": maxrss_kib(), "increment_kib": maxrss_kib() - base}


def run_one(N: int, repeats: int, save: str | None = None, env: dict | None = None,
            newton: bool = False) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--one", str(N), "--repeats", str(repeats)]
    if save:
        cmd += ["--save", save]
    if newton:
        cmd += ["--newton-only"]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
    if out.returncode:
        raise RuntimeError(f"--one {N} failed (exit {out.returncode})")
    return json.loads(out.stdout)


# --------------------------------------------------------------------------- comparison helpers
def fourier_peak(U: np.ndarray, up: int = 16) -> np.ndarray:
    """Peak of each row's trigonometric interpolant: the maximum of a zero-padded FFT (``up``
    times finer) refined by Newton on the interpolant's derivative.  Independent of where the
    bump sits relative to the grid (a translated bump has the same peak)."""
    U = np.atleast_2d(U)
    k, N = U.shape
    C = np.fft.rfft(U, axis=1)
    if N % 2 == 0:
        C[:, -1] *= 0.5  # the Nyquist mode: half at +N/2, half at -N/2
    M = N * up
    V = np.fft.irfft(C, n=M, axis=1) * (M / N)
    x0 = positions(N)[0]
    t = x0 + 2.0 * np.pi * np.argmax(V, axis=1) / M
    m = np.arange(C.shape[1])
    w = np.where(m == 0, 1.0, 2.0) / N  # p(t) = Re sum_m w_m C_m e^{i m (t - x0)}

    def p(t, d=0):  # the d-th derivative of the interpolant at t (one t per row)
        return np.real(np.sum(w * C * (1j * m) ** d * np.exp(1j * m * (t[:, None] - x0)), axis=1))

    for _ in range(5):
        t = t - p(t, 1) / p(t, 2)
    return p(t)


def centre(U: np.ndarray) -> np.ndarray:
    N = U.shape[-1]
    return np.angle(np.atleast_2d(U) @ np.exp(1j * positions(N)))


def shift_onto(U: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Each row of U translated (Fourier shift, sub-grid) so that its centre is the target's."""
    U, target = np.atleast_2d(U), np.atleast_2d(target)
    N = U.shape[1]
    delta = centre(target) - centre(U)
    k = np.fft.rfftfreq(N, d=1.0 / N)
    C = np.fft.rfft(U, axis=1) * np.exp(-1j * k[None, :] * delta[:, None])
    return np.fft.irfft(C, n=N, axis=1)


# --------------------------------------------------------------------------- the SciPy loop
def scipy_loop(N: int, seeds: np.ndarray) -> dict:
    import jax
    from scipy.optimize import root
    from dynanalysis.models import CANN1D

    model = CANN1D(N=N, A=0.0)
    _, p = model.flat_params()
    with jax.enable_x64(True):
        p = jax.numpy.asarray(p, jax.numpy.float64)
        rhs_j = jax.jit(lambda u: model.flow.rhs(u, p))
        jac_j = jax.jit(jax.jacfwd(lambda u: model.flow.rhs(u, p)))

        def fun(u):
            return np.asarray(rhs_j(u))

        def jac(u):
            return np.asarray(jac_j(u))

        fun(seeds[0]), jac(seeds[0])              # compile both (not timed)
        root(fun, seeds[0], jac=jac, method="hybr")  # warm-up call

        def loop():
            return [root(fun, s, jac=jac, method="hybr") for s in seeds]

        dt, sols = timed(loop)
        X = np.array([s.x for s in sols])
        res = np.array([np.max(np.abs(fun(x))) for x in X])
    return {"N": N, "loop_s": dt, "points": X, "success": np.array([s.success for s in sols]),
            "residuals": res, "nfev": [int(s.nfev) for s in sols], "njev": [int(s.get("njev", 0)) for s in sols]}


def compare(sp: np.ndarray, dyn: np.ndarray) -> dict:
    """SciPy's root from seed i against dynanalysis's from seed i (rows with a point of both)."""
    ok = np.all(np.isfinite(dyn), axis=1)
    sp, dyn = sp[ok], dyn[ok]
    h_sp, h_dyn = sp.max(1), dyn.max(1)
    fp_sp, fp_dyn = fourier_peak(sp), fourier_peak(dyn)
    aligned = shift_onto(sp, dyn)
    N = sp.shape[1]
    dc = np.angle(np.exp(1j * (centre(sp) - centre(dyn))))
    return {
        "pairs": int(ok.sum()),
        "height_rel_diff_max": float(np.max(np.abs(h_sp - h_dyn) / h_dyn)),
        "height_rel_diff_median": float(np.median(np.abs(h_sp - h_dyn) / h_dyn)),
        "pairs_height_within_1e-8": int(np.sum(np.abs(h_sp - h_dyn) <= TOL_HEIGHT * h_dyn)),
        "fourier_peak_rel_diff_max": float(np.max(np.abs(fp_sp - fp_dyn) / fp_dyn)),
        "sum_u_rel_diff_max": float(np.max(np.abs(sp.sum(1) - dyn.sum(1)) / dyn.sum(1))),
        "norm_u_rel_diff_max": float(np.max(np.abs(np.linalg.norm(sp, axis=1) - np.linalg.norm(dyn, axis=1))
                                            / np.linalg.norm(dyn, axis=1))),
        "aligned_maxnorm_rel_diff_max": float(np.max(np.max(np.abs(aligned - dyn), 1) / h_dyn)),
        "centre_offset_grid_spacings_max": float(np.max(np.abs(dc)) / (2 * np.pi / N)),
        "height_spread_rel_dynanalysis": float(np.ptp(h_dyn) / np.mean(h_dyn)),
        "fourier_peak_dynanalysis": float(np.mean(fp_dyn)),
    }


# --------------------------------------------------------------------------- matrix-free: N = 4096 and the crossover
GOAL_N, GOAL_SEEDS, GOAL_K, GOAL_REPEATS = 4096, 64, 11, 3
GOAL_TOL_EIG = 1e-6      # the accuracy for the next 10 eigenvalues
CROSS_SIZES, CROSS_SEEDS, CROSS_EIG_POINTS = (128, 256, 512, 1024), 64, 8
RNN_GAIN = 0.9
NO_CACHE = {"DYNANALYSIS_COMPILATION_CACHE": "0"}  # first calls include compilation


def rnn_model(N: int):
    """dx/dt = -x + W tanh(x) + b, W Gaussian with gain RNN_GAIN / sqrt(N): a dense JVP."""
    import jax.numpy as jnp
    rng = np.random.default_rng(1)
    W = RNN_GAIN * rng.standard_normal((N, N)) / np.sqrt(N)
    b = 0.5 * rng.standard_normal(N)
    return lambda x: -x + W @ jnp.tanh(x) + b


def distortion_theory(n_modes: int) -> np.ndarray:
    """The continuum theory's distortion modes n = 2, 3, ...: -(1 - 2^(1-n))."""
    return -(1.0 - 2.0 ** (1 - np.arange(2, n_modes + 2)))


def split_height(ev: np.ndarray, u: np.ndarray, k: float = 8.1):
    """(translation, height mode, the rest) of leading eigenvalues ev, the height mode being the
    one nearest the closed form -1 + 2 / (1 + k sum u^2)."""
    h_theory = -1.0 + 2.0 / (1.0 + k * np.sum(u * u))
    i = 1 + int(np.argmin(np.abs(ev[1:] - h_theory)))
    return ev[0], ev[i], h_theory, np.delete(ev[1:], i - 1)


def goal_case(repeats: int) -> dict:
    """CANN1D N = 4096, 64 seeds: points, translation mode and the next 10 eigenvalues."""
    import dynanalysis as da
    from dynanalysis._analysis import finder
    from dynanalysis._numerics.newton import Krylov
    from dynanalysis.models import CANN1D

    N = GOAL_N
    fpf = da.FixedPointFinder(CANN1D(N=N, A=0.0))
    seeds = make_seeds(N, GOAL_SEEDS)
    rec = {"N": N, "seeds": GOAL_SEEDS, "k": GOAL_K, "loadavg_start": list(os.getloadavg()),
           "newton_method_auto": "krylov" if finder._linear("auto", N, None) else "newton",
           "baseline_maxrss_kib": maxrss_kib()}

    t_find, fps = timed(fpf.find, seeds)
    rec["after_find_maxrss_kib"] = maxrss_kib()
    t_eig, le = timed(fps.leading_eigenvalues, GOAL_K, vectors=True)
    rec.update(first_find_s=t_find, first_eigen_s=t_eig, first_s=t_find + t_eig,
               after_first_maxrss_kib=maxrss_kib())
    runs = []
    for i in range(repeats):
        t0 = time.perf_counter()
        fps = fpf.find(seeds)
        t1 = time.perf_counter()
        le = fps.leading_eigenvalues(GOAL_K, vectors=True)
        runs.append((t1 - t0, time.perf_counter() - t1))
        log(f"    goal warm {i + 1}/{repeats}: find {runs[-1][0]:.2f} s, eigenvalues {runs[-1][1]:.2f} s")
    rec["runs_find_s"] = [a for a, _ in runs]
    rec["runs_eigen_s"] = [b for _, b in runs]
    rec["run_s"] = statistics.median(a + b for a, b in runs)
    rec["run_find_s"] = statistics.median(rec["runs_find_s"])
    rec["run_eigen_s"] = statistics.median(rec["runs_eigen_s"])
    rec["peak_maxrss_kib"] = maxrss_kib()
    rec["increment_kib"] = rec["peak_maxrss_kib"] - rec["baseline_maxrss_kib"]
    rec["estimate_newton_bytes"] = finder._per_seed_bytes(N, Krylov()) * GOAL_SEEDS
    rec["loadavg_end"] = list(os.getloadavg())
    # the result
    rec.update(n_points=len(fps), n_failed=fps.n_failed, n_duplicates=fps.n_duplicates,
               n_outliers=fps.n_outliers, max_scaled_residual=float(np.max(fps.residuals)),
               eigen_method=le.method, eigen_status=str(le.status), eigen_restarts=le.restarts,
               eigen_max_relative_residual=float(np.max(le.residuals)))
    ev = le.eigenvalues
    rec["translation_abs_max"] = float(np.max(np.abs(ev[:, 0])))
    V = le.eigenvectors
    U = fps.points
    k_ring = np.fft.rfftfreq(N, d=1.0 / N)
    dU = np.fft.irfft(1j * k_ring[None, :] * np.fft.rfft(U, axis=1), n=N, axis=1)
    cos = np.abs(np.sum(V[:, :, 0].real * dU, axis=1)) / (np.linalg.norm(V[:, :, 0].real, axis=1)
                                                            * np.linalg.norm(dU, axis=1))
    rec["translation_vector_cosine_min"] = float(np.min(cos))
    rec["imag_abs_max"] = float(np.max(np.abs(ev.imag)))
    parts = [split_height(e.real, u) for e, u in zip(ev, U)]
    rec["height_mode"] = float(np.mean([h for _, h, _, _ in parts]))
    rec["height_vs_closed_form_max"] = float(max(abs(h - t) for _, h, t, _ in parts))
    rest = np.array([r for *_, r in parts])  # (points, 9): the distortion modes n = 2..10
    rec["distortion_modes"] = rest.mean(0).tolist()
    rec["spread_over_points_max"] = float(np.max(np.ptp(ev.real, axis=0)))
    rec["distortion_vs_continuum_theory"] = (rest.mean(0) - distortion_theory(rest.shape[1])).tolist()
    rec["leading_point0"] = ev[0].real.tolist()
    np.save(os.path.join(tempfile.gettempdir(), f"highdim_goal_{os.getpid()}.npy"), np.stack([U[0]]))
    rec["point0_file"] = os.path.join(tempfile.gettempdir(), f"highdim_goal_{os.getpid()}.npy")
    return rec


def dense_reference(N: int, point_file: str | None) -> dict:
    """Every eigenvalue of the Jacobian at one bump (NumPy eigvals, dense): the bump from
    ``point_file`` or found from the first seed; the 11 leading ones returned."""
    import dynanalysis as da
    from dynanalysis.models import CANN1D

    fpf = da.FixedPointFinder(CANN1D(N=N, A=0.0))
    u = np.load(point_file)[0] if point_file else fpf.find(make_seeds(N, 1), method="newton").points[0]
    t_jac, J = timed(fpf.jacobians, u[None])
    t_eig, ev = timed(np.linalg.eigvals, J[0])
    ev = ev[np.argsort(-ev.real, kind="stable")][:GOAL_K]
    t0, h, h_theory, rest = split_height(ev.real, u)
    return {"N": N, "jacobian_s": t_jac, "eigvals_s": t_eig, "leading": ev.real.tolist(),
            "imag_abs_max": float(np.max(np.abs(ev.imag))), "translation": float(t0), "height_mode": float(h),
            "height_vs_closed_form": float(h - h_theory), "distortion_modes": rest.tolist()}


def cross_case(model: str, N: int, dense: bool, repeats: int) -> dict:
    """One model, one N, one family of methods (dense: Newton + eig; else Krylov + Arnoldi)."""
    import dynanalysis as da
    from dynanalysis.models import CANN1D

    if model == "cann":
        fpf, seeds = da.FixedPointFinder(CANN1D(N=N, A=0.0)), make_seeds(N, CROSS_SEEDS)
    else:
        fpf = da.FixedPointFinder(rnn_model(N))
        seeds = 2.0 * np.random.default_rng(2).standard_normal((CROSS_SEEDS, N))
    newton, eig = ("newton", "dense") if dense else ("krylov", "arnoldi")
    rec = {"model": model, "N": N, "newton": newton, "eigen": eig, "baseline_maxrss_kib": maxrss_kib()}
    first, (x, ok, _) = timed(fpf.solve, seeds, method=newton, slow=False)
    runs = [timed(fpf.solve, seeds, method=newton, slow=False)[0] for _ in range(repeats)]
    rec.update(first_solve_s=first, runs_solve_s=runs, run_solve_s=statistics.median(runs),
               converged=int(np.sum(ok)))
    rows = np.flatnonzero(ok)[:CROSS_EIG_POINTS]
    P = x[rows]
    first, le = timed(fpf.leading_eigenvalues, P, GOAL_K, method=eig)
    runs = [timed(fpf.leading_eigenvalues, P, GOAL_K, method=eig)[0] for _ in range(repeats)]
    rec.update(first_eigen_s=first, runs_eigen_s=runs, run_eigen_s=statistics.median(runs),
               eigen_status=str(le.status), eigen_restarts=le.restarts,
               eigen_max_relative_residual=float(np.max(le.residuals)),
               max_abs_residual=float(np.max(np.abs(fpf.residual(x[ok])))),
               peak_maxrss_kib=maxrss_kib())
    rec["increment_kib"] = rec["peak_maxrss_kib"] - rec["baseline_maxrss_kib"]
    out = os.path.join(tempfile.gettempdir(), f"highdim_cross_{model}_{N}_{newton}_{os.getpid()}.npz")
    np.savez(out, x=x, ok=ok, rows=rows, ev=le.eigenvalues)
    rec["file"] = out
    return rec


def run_sub(args: list, env: dict | None = None) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__)] + args
    out = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env={**os.environ, **NO_CACHE, **(env or {})})
    if out.returncode:
        raise RuntimeError(f"{' '.join(args)} failed (exit {out.returncode})")
    return json.loads(out.stdout)


def compare_cross(model: str, dense: dict, krylov: dict) -> dict:
    a, b = np.load(dense["file"]), np.load(krylov["file"])
    both = a["ok"] & b["ok"]
    xa, xb = a["x"][both], b["x"][both]
    if model == "cann":  # a family: compare position-independent quantities and aligned profiles
        h = xa.max(1)
        diff = {"fourier_peak_rel_max": float(np.max(np.abs(fourier_peak(xb) / fourier_peak(xa) - 1))),
                "aligned_profile_rel_max": float(np.max(np.max(np.abs(shift_onto(xb, xa) - xa), 1) / h))}
    else:
        diff = {"points_abs_max": float(np.max(np.abs(xa - xb)))}
    same_rows = np.array_equal(a["rows"], b["rows"])
    diff["eigenvalues_abs_max"] = float(np.max(np.abs(a["ev"] - b["ev"]))) if same_rows else None
    for f in (dense["file"], krylov["file"]):
        os.remove(f)
    return diff


def krylov_section(dense_check: bool) -> dict:
    sec = {"description": "matrix-free: CANN1D N = 4096 from 64 seeds (find + 11 leading eigenvalues, method "
                          "'auto'); dense vs matrix-free at N = 128..1024 on CANN1D and a dense tanh network",
           "env": NO_CACHE, "loadavg_start": list(os.getloadavg())}
    log(f"[goal] CANN1D N={GOAL_N}, {GOAL_SEEDS} seeds: find + leading_eigenvalues({GOAL_K}), fresh process")
    g = run_sub(["--goal", "--repeats", str(GOAL_REPEATS)])
    log(f"    first {g['first_s']:.2f} s (find {g['first_find_s']:.2f}, eigenvalues {g['first_eigen_s']:.2f}), "
        f"warm {g['run_s']:.2f} s, peak RSS {g['peak_maxrss_kib'] / 1024:.0f} MiB, {g['n_points']} points, "
        f"{g['n_failed']} failed, eigen {g['eigen_status']}")
    refs = {}
    for N, point in ((512, None),) + (((GOAL_N, g["point0_file"]),) if dense_check else ()):
        log(f"[reference] dense eigvals of one N={N} bump's Jacobian, fresh process")
        refs[str(N)] = run_sub(["--dense-ref", str(N)] + (["--point", point] if point else []))
        log(f"    eigvals {refs[str(N)]['eigvals_s']:.1f} s")
    os.remove(g.pop("point0_file"))
    ev0 = np.array(g["leading_point0"])
    checks = {"all_seeds_converged": g["n_failed"] == 0, "eigen_converged": g["eigen_status"] == "converged",
              "distortion_vs_N512_dense_max": float(np.max(np.abs(np.array(g["distortion_modes"])
                                                                   - np.array(refs["512"]["distortion_modes"]))))}
    if dense_check:
        checks["point0_vs_N4096_dense_max"] = float(np.max(np.abs(ev0 - np.array(refs[str(GOAL_N)]["leading"]))))
    checks["next10_within_1e-6"] = bool(
        checks.get("point0_vs_N4096_dense_max", checks["distortion_vs_N512_dense_max"]) <= GOAL_TOL_EIG
        and checks["distortion_vs_N512_dense_max"] <= GOAL_TOL_EIG and g["height_vs_closed_form_max"] <= GOAL_TOL_EIG)
    checks["goal_time_60s"] = g["first_s"] <= 60.0
    checks["goal_memory_4GB"] = g["peak_maxrss_kib"] * 1024 <= 4e9
    sec["goal"], sec["dense_references"], sec["goal_checks"] = g, refs, checks
    log("    checks " + json.dumps(checks))
    sec["crossover"] = {}
    for model in ("cann", "rnn"):
        for N in CROSS_SIZES:
            pair = {}
            for dense in (True, False):
                reps = 1 if (dense and N >= 1024) else 2
                log(f"[crossover] {model} N={N} {'dense' if dense else 'matrix-free'}, fresh process")
                pair["dense" if dense else "matrix_free"] = r = run_sub(
                    ["--cross", f"{model}:{N}:{'dense' if dense else 'krylov'}", "--repeats", str(reps)])
                log(f"    solve first {r['first_solve_s']:.2f} s warm {r['run_solve_s']:.3f} s ({r['converged']}/"
                    f"{CROSS_SEEDS}); eigen first {r['first_eigen_s']:.2f} s warm {r['run_eigen_s']:.3f} s "
                    f"({r['eigen_status']}, {r['eigen_restarts']} restarts); peak RSS {r['peak_maxrss_kib'] / 1024:.0f} MiB")
            pair["agreement"] = compare_cross(model, pair["dense"], pair["matrix_free"])
            for r in (pair["dense"], pair["matrix_free"]):
                r.pop("file")
            pair["speedup_warm_solve"] = pair["dense"]["run_solve_s"] / pair["matrix_free"]["run_solve_s"]
            pair["speedup_first_solve"] = pair["dense"]["first_solve_s"] / pair["matrix_free"]["first_solve_s"]
            pair["speedup_warm_eigen"] = pair["dense"]["run_eigen_s"] / pair["matrix_free"]["run_eigen_s"]
            pair["speedup_first_eigen"] = pair["dense"]["first_eigen_s"] / pair["matrix_free"]["first_eigen_s"]
            log("    agreement " + json.dumps(pair["agreement"]))
            sec["crossover"][f"{model}_{N}"] = pair
    sec["loadavg_end"] = list(os.getloadavg())
    return sec


# --------------------------------------------------------------------------- main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out")
    ap.add_argument("--quick", action="store_true", help=f"N = {QUICK_SIZES}, fewer repeats, SciPy at N = {QUICK_SCIPY_N}")
    ap.add_argument("--one", type=int, help="(internal) time one N in this process and print JSON")
    ap.add_argument("--repeats", type=int, default=3, help="(with --one) warm repeats")
    ap.add_argument("--save", help="(with --one) save the points by seed (.npy)")
    ap.add_argument("--newton-only", action="store_true", help="(with --one) the memory of the Newton stage alone")
    ap.add_argument("--no-variants", action="store_true",
                    help="skip the Newton-only memory probes and the OPENBLAS_NUM_THREADS=1 run")
    ap.add_argument("--krylov", action="store_true", help="also run the matrix-free section")
    ap.add_argument("--krylov-only", action="store_true",
                    help="run only the matrix-free section; with --out, replace its entry in that file")
    ap.add_argument("--no-dense-check", action="store_true", help="skip the dense eigvals at N = 4096 (~1 min)")
    ap.add_argument("--goal", action="store_true", help="(internal) the N = 4096 case in this process")
    ap.add_argument("--dense-ref", type=int, help="(internal) dense eigvals of one bump at this N")
    ap.add_argument("--point", help="(internal, with --dense-ref) the bump (.npy)")
    ap.add_argument("--cross", help="(internal) model:N:dense|krylov in this process")
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(newton_only(args.one) if args.newton_only else one(args.one, args.repeats, args.save)))
        return
    if args.goal:
        print(json.dumps(goal_case(args.repeats)))
        return
    if args.dense_ref:
        print(json.dumps(dense_reference(args.dense_ref, args.point)))
        return
    if args.cross:
        model, N, which = args.cross.split(":")
        print(json.dumps(cross_case(model, int(N), which == "dense", args.repeats)))
        return
    if args.krylov_only:
        data = {}
        if args.out and os.path.exists(args.out):
            with open(args.out) as f:
                data = json.load(f)
        machine = machine_info()
        machine["threads_env"] = {v: os.environ.get(v) for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
        t0 = time.perf_counter()
        data["krylov"] = krylov_section(not args.no_dense_check)
        data["krylov"]["machine"] = machine
        data["krylov"]["wall_time_s"] = time.perf_counter() - t0
        print(write_json(data, args.out))
        return

    t_script = time.perf_counter()
    sizes = QUICK_SIZES if args.quick else SIZES
    scipy_N = QUICK_SCIPY_N if args.quick else SCIPY_N
    data = {
        "benchmark": "highdim",
        "description": "FixedPointFinder.find on CANN1D (A=0) from 100 seeds, N = " + ", ".join(map(str, sizes))
                       + f"; SciPy root(hybr, exact Jacobian) loop at N = {scipy_N}",
        "config": {"quick": args.quick, "sizes": list(sizes), "seeds": SEEDS, "model": "CANN1D(N, A=0.0)",
                   "seed_profile": f"{SEED_HEIGHT}*exp(-d(x,c)^2/(4*{A_WIDTH}^2)) + {SEED_NOISE}*N(0,1), "
                                   "c ~ U(-pi, pi), numpy default_rng(0)",
                   "find_options": "defaults (tol=1e-10, max_iter=50)",
                   "repeats": {str(N): repeats_for(N, args.quick) for N in sizes},
                   "scipy": {"N": scipy_N, "method": "hybr", "jac": "jax.jit(jax.jacfwd(rhs)), float64",
                             "options": "defaults"},
                   "tol_residual": TOL_RESIDUAL, "tol_height_rel": TOL_HEIGHT,
                   "rss_note": "ru_maxrss of a fresh process per N, KiB; baseline after imports and model build"},
        "machine": machine_info(),
        "results": {},
    }
    data["machine"]["threads_env"] = {v: os.environ.get(v) for v in
                                      ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    tmp = tempfile.mkdtemp(prefix="highdim_")
    saved = os.path.join(tmp, f"points_{scipy_N}.npy")
    for N in sizes:
        r = repeats_for(N, args.quick)
        log(f"[dynanalysis] N={N}: first call + {r} warm repeat(s), fresh process")
        rec = run_one(N, r, saved if N == scipy_N else None)
        data["results"][str(N)] = rec
        log(f"    first {rec['first_s']:.2f} s  warm {rec['run_s']:.2f} s  compile {rec['compile_s']:.2f} s  "
            f"converged {rec['converged']}/{SEEDS}  max residual {rec['max_abs_residual']:.1e}  "
            f"peak RSS {rec['peak_maxrss_kib'] / 1024:.0f} MiB (baseline {rec['baseline_maxrss_kib'] / 1024:.0f}, "
            f"estimate {rec['estimate_100_seeds_bytes'] / 2**20:.0f} MiB)")
    if not args.no_variants:
        data["newton_stage_memory"] = {}
        for N in sizes:
            log(f"[memory] N={N}: the Newton stage alone, fresh process")
            rec = run_one(N, 0, newton=True)
            data["newton_stage_memory"][str(N)] = rec
            log(f"    peak RSS {rec['peak_maxrss_kib'] / 1024:.0f} MiB, increment {rec['increment_kib'] / 1024:.0f} MiB, "
                f"max residual {rec['max_scaled_residual']:.1e}")
        N = scipy_N
        log(f"[openblas] N={N} with OPENBLAS_NUM_THREADS=1 (jaxlib's LU calls SciPy's OpenBLAS)")
        rec = run_one(N, repeats_for(N, args.quick), env={"OPENBLAS_NUM_THREADS": "1"})
        data["openblas_single_thread"] = {str(N): rec}
        log(f"    first {rec['first_s']:.2f} s  warm {rec['run_s']:.2f} s (runs {rec['runs_s']})")

    log(f"[scipy] N={scipy_N}: root(hybr) loop over {SEEDS} seeds")
    sp = scipy_loop(scipy_N, make_seeds(scipy_N))
    dyn = np.load(saved)
    os.remove(saved)
    os.rmdir(tmp)
    conv = sp["success"] & (sp["residuals"] < TOL_RESIDUAL)
    data["scipy"] = {"N": scipy_N, "loop_s": sp["loop_s"], "success": int(sp["success"].sum()),
                     "converged_residual_below_tol": int(conv.sum()),
                     "max_abs_residual": float(np.max(sp["residuals"])),
                     "median_abs_residual": float(np.median(sp["residuals"])),
                     "nfev_median": statistics.median(sp["nfev"]), "njev_median": statistics.median(sp["njev"]),
                     "nfev_max": max(sp["nfev"]), "njev_max": max(sp["njev"]),
                     "comparison": compare(sp["points"], dyn)}
    s = data["scipy"]
    c = s["comparison"]
    s["agrees"] = {
        "raw_height_within_1e-8": c["height_rel_diff_max"] <= TOL_HEIGHT,
        "fourier_peak_within_1e-8": c["fourier_peak_rel_diff_max"] <= TOL_HEIGHT,
        "aligned_profile_within_1e-8": c["aligned_maxnorm_rel_diff_max"] <= TOL_HEIGHT,
        "note": "the raw max depends on where the bump sits between grid points (up to ~6e-4 "
                "relative); SciPy and dynanalysis stop at slightly different positions along the "
                "family, so the position-independent tests are the meaningful ones"}
    log(f"    loop {s['loop_s']:.2f} s  success {s['success']}/{SEEDS}  residual < 1e-9: "
        f"{s['converged_residual_below_tol']}  max residual {s['max_abs_residual']:.1e}")
    log("    comparison " + json.dumps(s["comparison"]))
    d = data["results"][str(scipy_N)]
    data["ratios"] = {"N": scipy_N, "scipy_loop_over_warm": s["loop_s"] / d["run_s"],
                      "scipy_loop_over_first_call": s["loop_s"] / d["first_s"]}
    runs = [data["results"][str(N)]["run_s"] for N in sizes]
    data["scaling_warm_run_time"] = {f"{a}->{b}": rb / ra for a, b, ra, rb in
                                     zip(sizes[:-1], sizes[1:], runs[:-1], runs[1:])}
    log("    ratios " + json.dumps(data["ratios"]) + " scaling " + json.dumps(data["scaling_warm_run_time"]))
    if args.krylov:
        data["krylov"] = krylov_section(not args.no_dense_check)
    data["machine"]["loadavg_end"] = list(os.getloadavg())
    data["wall_time_s"] = time.perf_counter() - t_script
    print(write_json(data, args.out))


if __name__ == "__main__":
    main()
