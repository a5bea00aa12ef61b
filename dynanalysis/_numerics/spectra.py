r"""Stability of equilibria from the eigenvalues of the Jacobian.

Eigenvalues are computed on the host with NumPy (``eig`` is not available on every JAX backend,
and there are few equilibria); Jacobians come from autodiff.  A real part counts as zero when
:math:`|\mathrm{Re}\,\lambda| \le \mathrm{rtol} \cdot \|J\|`, never by ``== 0``, so the label does
not depend on the units of time.

At high dimension (a network of thousands of units) the full spectrum is neither affordable
(O(n^3) time, O(n^2) memory per point) nor needed: :func:`leading` finds the few eigenvalues of
largest real part (or modulus) by Arnoldi's method with thick restarts on Jacobian–vector
products, :func:`arnoldi` being its JAX kernel (one operator, vmapped by the caller) and the small
projected eigenproblems solved on the host.  Chosen over SciPy's ARPACK (``eigs``), which needs
one host call per matrix–vector product and one Python loop per point; here every point's
Krylov vectors are built at once by one compiled program.

Labels
  1-D: ``stable``, ``unstable``; with a zero eigenvalue (:func:`labels_1d`) the flow on both
  sides decides: ``degenerate stable`` (towards the point from both sides, e.g. x' = -x^3),
  ``degenerate unstable`` (away on both sides, x' = x^3) or ``saddle-node`` (towards it on one
  side, away on the other: x' = x^2).
  n-D (n >= 2): ``stable node`` / ``stable focus`` (all Re < 0; focus if the leading
  eigenvalue, the one with the largest real part, is complex), ``unstable node`` /
  ``unstable focus`` (all Re > 0; by the leading eigenvalue), ``saddle`` in 2-D and
  ``saddle (k unstable)`` in higher dimension, ``center`` (all eigenvalues imaginary and
  non-zero) and ``degenerate`` (any other non-hyperbolic case, e.g. a zero eigenvalue).
"""
from __future__ import annotations

from functools import partial

import numpy as np
import jax
import jax.numpy as jnp
from jax import lax

from dynanalysis._model.xla import jit, scope

RTOL = 1e-8


@partial(jit, static_argnames=("flow",))
def _jacobian(flow, x, p):
    def one(x, p):
        return jax.jacfwd(lambda y: flow.rhs(y, p))(x)

    return one(x, p) if x.ndim == 1 else jax.vmap(one)(x, p)


def jacobian(flow, x, p) -> np.ndarray:
    """The Jacobian f_x at one point (n,) with parameters (m,), or at a batch (B, n) with
    parameter rows (B, m); float64 (one compiled program per model and shape)."""
    with scope():
        return np.asarray(_jacobian(flow, np.asarray(x, float), np.asarray(p, float)))


def eigenvalues(jacobians) -> np.ndarray:
    """Eigenvalues ``(..., n)`` (complex) of Jacobians ``(..., n, n)``, sorted by real part, descending."""
    return spectrum(jacobians)[0]


def jacobian_scale(jacobians) -> np.ndarray:
    """The scale tolerances are relative to: the largest |entry| of each Jacobian."""
    J = np.asarray(jacobians, dtype=float)
    return np.max(np.abs(J), axis=(-2, -1)) if J.shape[-1] else np.zeros(J.shape[:-2])


def labels(eigs, scales, rtol: float = RTOL) -> np.ndarray:
    """Labels (object array of str, shape ``(...)``) for eigenvalue rows ``(..., n)``."""
    ev = np.asarray(eigs, dtype=complex)
    n = ev.shape[-1]
    tol = rtol * np.maximum(np.asarray(scales, dtype=float), np.finfo(float).tiny)[..., None]
    re, im = ev.real, ev.imag
    n_pos, n_neg = np.sum(re > tol, -1), np.sum(re < -tol, -1)
    if n == 1:
        return np.where(n_pos > 0, "unstable", np.where(n_neg > 0, "stable", "saddle-node")).astype(object)
    lead_imag = np.take_along_axis(im, np.argmax(re, -1)[..., None], -1)[..., 0]
    kind_ = np.where(np.abs(lead_imag) > tol[..., 0], "focus", "node")
    saddle = np.char.add("saddle (", np.char.add(n_pos.astype(str), " unstable)")) if n > 2 \
        else np.full(n_pos.shape, "saddle")
    out = np.where(n_pos > 0, np.char.add("unstable ", kind_), np.char.add("stable ", kind_))
    out = np.where((n_pos > 0) & (n_neg > 0), saddle, out)
    center = (n_pos == 0) & (n_neg == 0) & np.all(np.abs(im) > tol, -1)
    out = np.where(n_pos + n_neg < n, np.where(center, "center", "degenerate"), out)
    return np.asarray(out, dtype=object)


DEGENERATE_1D = ("", "degenerate stable", "degenerate unstable", "saddle-node")


def labels_1d(eigs, scales, code, rtol: float = RTOL) -> np.ndarray:
    """1-D labels with the non-hyperbolic roots named by ``code`` (:func:`roots.classify_1d`:
    0 hyperbolic, 1 degenerate stable, 2 degenerate unstable, 3 saddle-node)."""
    code = np.asarray(code)
    out = labels(eigs, scales, rtol)
    return np.where(code > 0, np.asarray(DEGENERATE_1D, dtype=object)[code], out).astype(object)


def label(ev, scale, rtol: float = RTOL) -> str:
    """Stability label of one equilibrium from its eigenvalues ``ev`` (shape ``(n,)``)."""
    return str(labels(np.asarray(ev)[None], np.asarray([scale]), rtol)[0])


def is_stable(label_: str) -> bool:
    """Asymptotically stable (a degenerate stable root attracts, though not exponentially)."""
    return label_.startswith("stable") or label_ == "degenerate stable"


def stable_labels(labels_) -> np.ndarray:
    """:func:`is_stable` of every label in an array (bool, same shape): the one stability rule of
    equilibria, which every equilibrium result derives its ``stable`` from."""
    lab = np.asarray(labels_, dtype=object)
    if not lab.size:
        return np.zeros(lab.shape, bool)
    s = lab.astype(str)  # vectorised string tests: a sweep has millions of slots
    return np.char.startswith(s, "stable") | (s == "degenerate stable")


def unstable_eigenvalues(eigs, scales, rtol: float = RTOL, counted=None):
    """How many eigenvalues per row ``(..., n)`` have a real part above ``rtol * scale`` (the
    zero tolerance of :func:`labels`); ``counted``: a mask of the ones that count (a curve of
    bifurcations leaves its critical eigenvalues out).  Along branches, a point is stable when
    this is 0."""
    ev = np.asarray(eigs, dtype=complex)
    up = ev.real > rtol * np.asarray(scales, float)[..., None]
    return np.sum(up if counted is None else up & counted, axis=-1)


def unstable_multipliers(multipliers, tol: float = 0.0):
    """How many Floquet multipliers ``(..., n)``, the trivial one (closest to 1) left out, lie
    outside the circle of radius 1 + tol."""
    mu = np.asarray(multipliers, dtype=complex)
    trivial = np.argmin(np.abs(mu - 1.0), axis=-1)
    outside = np.abs(mu) > 1.0 + tol
    np.put_along_axis(outside, trivial[..., None], False, axis=-1)
    return np.sum(outside, axis=-1)


def stable_cycle(multipliers, tol: float = 0.0):
    r"""The one stability rule of periodic orbits: no Floquet multiplier but the trivial one
    outside the circle of radius 1 + tol (:func:`unstable_multipliers`).  ``multipliers``
    ``(..., n)``; returns bool ``(...)`` (a Python bool for one orbit), None for ``None`` (no
    multipliers: stability unknown)."""
    if multipliers is None:
        return None
    out = unstable_multipliers(multipliers, tol) == 0
    return bool(out) if out.ndim == 0 else out


def kind(label_: str) -> str:
    """Style key of a label: ``saddle (2 unstable)`` -> ``saddle``."""
    return label_.split(" (")[0]


# --------------------------------------------------------------------------- spectra of many points (high-dimensional)
def spectrum(jacobians, kind: str = "continuous", vectors: bool = False):
    """Eigenvalues ``(..., n)`` sorted by stability (largest real part, or modulus for a map,
    first) and, if ``vectors``, unit eigenvectors ``(..., n, n)`` as the matching columns."""
    J = np.asarray(jacobians, dtype=float)
    if not J.size:  # no points (or no variables): nothing to decompose
        return np.zeros(J.shape[:-1], complex), (np.zeros(J.shape, complex) if vectors else None)
    if vectors:
        ev, V = np.linalg.eig(J)
    else:
        ev, V = np.linalg.eigvals(J), None
    key = np.abs(ev) if kind == "discrete" else ev.real
    order = np.argsort(-key, axis=-1, kind="stable")
    ev = np.take_along_axis(ev.astype(complex), order, axis=-1)
    if vectors:
        V = np.take_along_axis(V.astype(complex), order[..., None, :], axis=-1)
    return ev, V


def growth(eigenvalues, kind: str = "continuous") -> np.ndarray:
    """Distance past the stability boundary: Re l (continuous) or |l| - 1 (discrete)."""
    ev = np.asarray(eigenvalues)
    return np.abs(ev) - 1.0 if kind == "discrete" else ev.real


def counts(eigenvalues, scales, kind: str = "continuous", rtol: float = RTOL):
    """``(n_unstable, n_neutral)`` per row: eigenvalues past or on the stability boundary."""
    g = growth(eigenvalues, kind)
    tol = rtol * np.maximum(np.asarray(scales, float), np.finfo(float).tiny)[..., None]
    return np.sum(g > tol, -1), np.sum(np.abs(g) <= tol, -1)


def count_label(n_unstable: int, n_neutral: int, n: int) -> str:
    """``stable``, ``unstable``, ``saddle (k unstable)``, with ``, j neutral`` when the
    boundary is touched (``marginally stable (j neutral)`` without unstable directions)."""
    neutral = f"{n_neutral} neutral"
    if n_unstable == 0:
        return f"marginally stable ({neutral})" if n_neutral else "stable"
    if n_unstable == n:
        return "unstable"
    return f"saddle ({n_unstable} unstable" + (f", {neutral})" if n_neutral else ")")


# --------------------------------------------------------------------------- critical eigenvalues and multipliers
def critical_pair(ev):
    """Critical pair of each row of eigenvalues (N, n): the two whose sum is nearest zero.
    Returns ``(kappa, others)``: their product (real) and a mask of the remaining eigenvalues."""
    n = ev.shape[-1]
    i, j = np.triu_indices(n, 1)
    k = np.argmin(np.abs(ev[:, i] + ev[:, j]), axis=-1)
    a, b = ev[np.arange(len(ev)), i[k]], ev[np.arange(len(ev)), j[k]]
    others = np.ones(ev.shape, bool)
    others[np.arange(len(ev)), i[k]] = False
    others[np.arange(len(ev)), j[k]] = False
    return (a * b).real, others


def critical_zero(ev):
    """A mask of each row's eigenvalues without the one nearest zero (the critical one of a fold)."""
    others = np.ones(ev.shape, bool)
    others[np.arange(len(ev)), np.argmin(np.abs(ev), axis=-1)] = False
    return others


def zero_hopf_test(ev, others, tol):
    """Real part of the complex pair among the other eigenvalues nearest to the imaginary axis
    (NaN where there is none) -- the zero-Hopf test on a fold curve."""
    cplx = others & (np.abs(ev.imag) > tol[:, None])
    re = np.where(cplx, ev.real, np.inf)
    k = np.argmin(np.abs(re), axis=-1)
    out = np.take_along_axis(ev.real, k[:, None], -1)[:, 0]
    return np.where(np.any(cplx, axis=-1), out, np.nan)


def floquet(M):
    """Floquet multipliers sorted by modulus, and the index of the trivial one (closest to 1), for
    one monodromy matrix or a stack."""
    mu = np.linalg.eigvals(M)
    mu = np.take_along_axis(mu, np.argsort(-np.abs(mu), axis=-1, kind="stable"), axis=-1)
    return mu, np.argmin(np.abs(mu - 1.0), axis=-1)


def neimark_sacker_test(mu, trivial):
    """prod_{i<j} (mu_i mu_j - 1) over the non-trivial multipliers: zero where a pair crosses the unit circle."""
    rest = np.delete(mu, trivial)
    prods = [rest[i] * rest[j] - 1.0 for i in range(len(rest)) for j in range(i)]
    return float(np.real(np.prod(prods))) if prods else 1.0


# --------------------------------------------------------------------------- leading eigenvalues, matrix-free
BREAKDOWN = 1e-12  # a new Krylov direction this small relative to A v is round-off: an invariant subspace


def arnoldi(matvec, V, H, start, first=None):
    r"""Extend a Krylov decomposition :math:`A V_j = V_j H_j + v_{j+1} h_j^T` of one linear
    operator (``matvec``) from column ``start`` to ``m``: JAX, one operator (``jax.vmap`` it).

    ``V`` (m + 1, n): rows ``0..start`` orthonormal; ``H`` (m + 1, m): columns ``< start`` set.
    Each new direction :math:`A v_j` is orthogonalised against the rows so far by classical
    Gram–Schmidt done twice (orthogonal to working precision), its coefficients filling column j
    of H.  Where the new direction vanishes relative to :math:`\|A v_j\|` (``BREAKDOWN``: the
    Krylov space is invariant), a random direction made orthogonal to the rows continues it and
    :math:`H_{j+1,j} = 0`, so the decomposition stays exact and the Ritz values of the invariant
    part are exact eigenvalues.

    ``first`` (default ``start``): where the loop begins, ``<= start``; columns before ``start``
    are left as they are.  Under ``vmap`` pass the smallest start of the batch as an unbatched
    ``first``: the loop index is then the same for every operator and each step updates V and H
    in place (a batched index made XLA copy the whole V at every step: 15 times slower)."""
    m = H.shape[1]
    rows = jnp.arange(m + 1)
    seed = jax.random.PRNGKey(1)

    def orthogonalise(V, w, mask):  # against the rows of V where mask is 1, twice
        h = (V @ w) * mask
        w = w - h @ V
        c = (V @ w) * mask
        return w - c @ V, h + c

    def step(j, VH):
        V, H = VH
        mask = (rows <= j).astype(V.dtype)
        Av = matvec(V[j])
        w, h = orthogonalise(V, Av, mask)
        beta = jnp.linalg.norm(w)
        broke = ~(beta > BREAKDOWN * jnp.linalg.norm(Av))  # also 0/0 and NaN
        # a random direction is far from the span of m << n rows: one Gram–Schmidt pass suffices
        r = jax.random.normal(jax.random.fold_in(seed, j), w.shape, w.dtype)
        r = r - ((V @ r) * mask) @ V
        v = jnp.where(broke, r / jnp.linalg.norm(r), w / jnp.where(broke, 1.0, beta))
        active = j >= start
        V = V.at[j + 1].set(jnp.where(active, v, V[j + 1]))
        return V, H.at[:, j].set(jnp.where(active, h.at[j + 1].set(jnp.where(broke, 0.0, beta)), H[:, j]))

    return lax.fori_loop(start if first is None else first, m, step, (V, H))


def _order(theta, kind):
    key = np.abs(theta) if kind == "discrete" else theta.real
    return np.argsort(-key, axis=-1, kind="stable")


def leading(extend, v0, count: int, k: int, m: int, *, kind: str = "continuous", tol: float = 1e-10,
            restarts: int = 100, apply=None):
    r"""The ``k`` leading eigenvalues (largest real part, or modulus for a map: as
    :func:`spectrum` sorts them) of ``count`` operators at once, by Arnoldi's method with thick
    restarts, never forming a matrix.

    ``extend(V, H, start) -> (V, H)``: :func:`arnoldi` on every operator (arrays with a leading
    axis of ``count``; the caller compiles and places it).  ``v0`` (n,): the start vector,
    ``m`` (< n): the Krylov dimension, at least ``k + 3``.

    After each extension the Ritz pairs :math:`(\theta, V_m y)` of :math:`H_m` (host, NumPy,
    batched) have residuals :math:`\|A V_m y - \theta V_m y\| = |h_{m+1}^T y|` (unit y); a
    leading pair has converged when that is at most ``tol`` times the largest |Ritz value|
    or |entry of H| seen (both lower bounds of :math:`\|A\|_2`, since :math:`H = V^T A V`; so
    the test is unit-free and holds at a zero eigenvalue).
    Until every leading pair of every operator has converged (at most ``restarts`` times), the
    decomposition is restarted thickly (Wu & Simon 2000; Stewart's Krylov–Schur 2001 in spirit):
    the real span of the ``p = (k + m) / 2`` leading Ritz vectors (a complex pair kept whole) is an
    invariant subspace of :math:`H_m`, so with Q an orthonormal basis of it,
    :math:`A (V_m Q) = (V_m Q)(Q^T H_m Q) + v_{m+1} (h_{m+1}^T Q)` is again a Krylov
    decomposition, extended by ``m - p`` new vectors.  The unwanted part of the spectrum is
    filtered out at each restart; a converged eigenvalue has a small residual, so it is an exact
    eigenvalue of a matrix within ``tol * |A|`` of A (its error is that times its condition
    number).  As for every single-vector Krylov method, an eigenvalue whose eigenvector is
    missing from v0, or a second copy of a multiple eigenvalue, appears only through round-off.

    ``apply(X) -> A X`` (real X (count, n, c)), if given, checks the result: the reported
    residuals are then :math:`\|A x - \theta x\|` of the final unit Ritz vectors themselves (2 k
    products per operator), not the estimate, so a restart that lost accuracy (the real span of
    Ritz vectors of a nearly defective :math:`H_m` is invariant only approximately) cannot pass
    for converged.

    Returns ``(eigenvalues (count, k), unit eigenvectors (count, n, k), residuals (count, k)
    relative as in the test, converged (count, k), restarts used)``."""
    n = len(v0)
    if not k + 3 <= m < n:
        raise ValueError(f"the Krylov dimension must be at least k + 3 = {k + 3} and below the dimension "
                         f"{n}, got {m}")
    V = np.zeros((count, m + 1, n))
    V[:, 0] = v0 / np.linalg.norm(v0)
    H = np.zeros((count, m + 1, m))
    start = np.zeros(count, dtype=np.int32)
    p = (k + m) // 2
    anorm = np.zeros(count)
    rows = np.arange(count)
    for used in range(restarts + 1):
        V, H = extend(V, H, start)
        V, H = np.asarray(V), np.asarray(H)
        theta, Y = np.linalg.eig(H[:, :m, :m])
        order = _order(theta, kind)
        theta = np.take_along_axis(theta, order, -1)
        Y = np.take_along_axis(Y, order[:, None, :], -1)
        res = np.abs(np.einsum("bj,bji->bi", H[:, m, :], Y))
        anorm = np.maximum(anorm, np.maximum(np.max(np.abs(theta), axis=-1), np.max(np.abs(H), axis=(1, 2))))
        rel = res[:, :k] / np.maximum(anorm, np.finfo(float).tiny)[:, None]
        converged = rel <= tol
        if np.all(converged) or used == restarts:
            break
        # thick restart: the real span of the p leading Ritz vectors (a split pair completed)
        keep = p + (theta[:, p - 1].imag > 0)
        Yr = np.where((theta.imag < 0)[:, None, :], Y.imag, Y.real)[:, :, :p + 1]
        Yr = np.where(np.arange(p + 1)[None, None, :] < keep[:, None, None], Yr, 0.0)
        Q = np.linalg.qr(Yr)[0]
        Q = np.where(np.arange(p + 1)[None, None, :] < keep[:, None, None], Q, 0.0)
        V_new = np.zeros_like(V)
        V_new[:, :p + 1] = np.einsum("bmi,bmn->bin", Q, V[:, :m])
        V_new[rows, keep] = V[:, m]
        H_new = np.zeros_like(H)
        H_new[:, :p + 1, :p + 1] = np.einsum("bmi,bmj,bjl->bil", Q, H[:, :m, :m], Q)
        H_new[rows, keep, :p + 1] = np.einsum("bm,bmi->bi", H[:, m, :m], Q)
        V, H, start = V_new, H_new, keep.astype(np.int32)
    Vt, Yk = np.swapaxes(V[:, :m], 1, 2), Y[:, :, :k]
    X = Vt @ Yk.real + 1j * (Vt @ Yk.imag)  # (V real: no complex copy of it)
    X = X / np.linalg.norm(X, axis=1, keepdims=True)
    theta = theta[:, :k]
    if apply is not None:
        AX = np.asarray(apply(np.concatenate([X.real, X.imag], axis=-1)))
        R = AX[..., :k] + 1j * AX[..., k:] - theta[:, None, :] * X
        rel = np.linalg.norm(R, axis=1) / np.maximum(anorm, np.finfo(float).tiny)[:, None]
        converged = rel <= tol
    return theta, X, rel, converged, used
