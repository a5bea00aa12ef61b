r"""The chord locator: fold (LP), branch (BP) and Hopf (H) points of equilibria, located exactly.

A bifurcation is bracketed by two equilibria :math:`z_a = (x_a, \alpha_a)` and
:math:`z_b = (x_b, \alpha_b)` (:math:`\alpha` the free parameter) on one branch, between which a
test function changes sign.  The branch between them is parameterised by the chord,

.. math::
    f(x, \alpha) = 0, \qquad \nu \cdot (z - z_a) = s, \qquad
    \nu = \frac{S^{-2} (z_b - z_a)}{(z_b - z_a)^T S^{-2} (z_b - z_a)},

(S the per-unknown scales), so :math:`s = 0` at :math:`z_a` and 1 at :math:`z_b`; each point is
one plain Newton correction (:func:`.roots.correct`, first derivatives of f only) from the point
interpolated between the current bracket ends, and the sign change of the test function
:math:`g(s)` is located by regula falsi (Illinois).  A point counts as located only where f = 0
and g is negligible against its values at the bracket ends: regula falsi also homes in on a jump
of g (the chord passing from one branch to another), which is no bifurcation.  At a branch point
the chord system is itself singular (every line through the point meets the zero set in a double
root: Newton converges only linearly, and the LP test jumps there), so where regula falsi ends
next to one (f_x nearly singular, :math:`f_\alpha` nearly in its range) the point is solved from
the branch-point system instead (Govaerts 2000; MatCont's BP locator), which is regular there.
The test functions:

* LP: :math:`\tau_\alpha`, the parameter component of the branch tangent
  (:math:`[f_x\; f_\alpha;\ \nu^T]\,\tau = e_{n+1}`); it vanishes where the branch turns back.
  The bracket is the two equilibria that meet at the fold, at one parameter value.
* BP: the bordered test of :math:`J = f_x` along a branch that goes on through the point.
* H: the bordered test of the bialternate product :math:`2J \odot I` (eigenvalues
  :math:`\lambda_i + \lambda_j`, i < j), which vanishes at a Hopf point and at a neutral saddle;
  the caller rejects the latter (critical pair real).

The bordered test of a matrix M is the last component g of

.. math::
    \begin{pmatrix} M & b \\ c^T & 0 \end{pmatrix}
    \begin{pmatrix} v \\ g \end{pmatrix} = \begin{pmatrix} 0 \\ 1 \end{pmatrix},

zero exactly when M is singular (Govaerts 2000), with b, c the singular vectors of M's smallest
singular value at the bracket, so g is well scaled.  One compiled program serves all three kinds
(the kind is data).  A singular J with :math:`f_\alpha` in J's range is a branch point rather than
a fold (:func:`is_branch_point`).
"""
from __future__ import annotations

from functools import partial

import numpy as np
import jax
import jax.numpy as jnp

from dynanalysis._numerics.newton import correct

from dynanalysis._numerics.linalg import bialternate, bordered, lu_solve, padded
from dynanalysis._numerics.points import chord_kinds
from dynanalysis._numerics.roots import illinois, secant

from dynanalysis._numerics.batch import apply
from dynanalysis._model.xla import jit, scope

KINDS = chord_kinds()  # ("LP", "BP", "H"): the kinds this locator computes the test of, by index
MAX_HOPF_DIM = 12  # the bialternate product has n(n-1)/2 rows: beyond this, no Hopf test
# a located point has |g| below this times its larger value at the bracket ends (regula falsi
# reaches ~1e-14 on a smooth g; a jump of g, which it also homes in on, stays at order 1)
GTOL = 1e-8
# a branch point has f = -beta psi with |beta| below this times the size of f nearby
BTOL = 1e-10
# where regula falsi ended, f_x singular and f_alpha in its range to within this (relative to their
# sizes at the bracket ends) call for the branch-point solve
NEAR = 1e-1


def test_size(n: int) -> int:
    """Size of the (padded) matrices whose singularity the BP and H tests detect."""
    return max(n, n * (n - 1) // 2 if n <= MAX_HOPF_DIM else 0)


def bordered_test(M, b, c):
    """g of the bordered system above (0 exactly when M is singular)."""
    return bordered(M, b, c)[-1]


def test_matrices(J, kinds):
    """For each bracket, the padded matrix its test function watches (host NumPy, batched)."""
    J = np.asarray(J, float)
    n, K = J.shape[-1], test_size(J.shape[-1])
    M = padded(J, K)
    if 1 < n <= MAX_HOPF_DIM:
        H = padded(bialternate(J), K)
        M = np.where((np.asarray(kinds) == KINDS.index("H"))[:, None, None], H, M)
    return M


@partial(jit, static_argnames=("flow", "iters"))
def _regula_falsi(flow, Za, Zb, P, k, kinds, b, c, scale, iters=60):
    """The regula falsi of :func:`locate`: ``(z, converged, D, sizes)``, sizes (B, 3) at the
    bracket ends: max |g|, max |f_alpha|, max |[f_x f_alpha]| scaled by ``scale``."""
    n = Za.shape[1] - 1
    K = b.shape[1]
    e_last = jnp.zeros(n + 1).at[n].set(1.0)

    def one(za, zb, p, kind, b, c):
        t = (zb - za) / scale**2
        nu = t / jnp.maximum(t @ (zb - za), 1e-300)

        def point(s, guess):
            def G(z):
                return jnp.concatenate([flow.rhs(z[:n], p.at[k].set(z[n])), (nu @ (z - za) - s)[None]])

            z, ok, _, _ = correct(G, guess, scale, iters=40)
            # the test at the corrected point, not at the corrector's last linearisation (one
            # step before: as close as the residual test, which limits g to ~1e-8 where f_x is
            # nearly singular, and a bracket of a fine grid then never met GTOL)
            D = jax.jacfwd(G)(z)
            J = D[:n, :n]
            tests = [lu_solve(D, e_last)[n], bordered_test(padded(J, K), b, c)]
            if 1 < n <= MAX_HOPF_DIM:
                tests.append(bordered_test(padded(bialternate(J), K), b, c))
            g = jnp.stack(tests)[jnp.minimum(kind, len(tests) - 1)]
            return z, ok & jnp.isfinite(g), g, D[:n]

        def body(i, st):
            # ends a, bb: (s, Illinois-weighted g, true g, z, D)
            (a, wa, ga, za_, Da), (bb, wb, gb, zb_, Db), sizes, ok = st
            m = jnp.where(i == 0, a, jnp.where(i == 1, bb, secant(a, wa, bb, wb)))
            w = jnp.where(bb != a, (m - a) / (bb - a), 0.0)
            zm, ok_m, gm, Dm = point(m, za_ + w * (zb_ - za_))
            # an end where g already vanishes (e.g. a double root on the grid) is the answer:
            # it counts as a bracket, and the ends stay where they are
            done = (i >= 2) & (jnp.minimum(jnp.abs(ga), jnp.abs(gb)) <= GTOL * sizes[0])
            ok = ok & (ok_m | done)
            # first two passes solve the bracket ends; then regula falsi, both ends closing in
            left = jnp.sign(gm) == jnp.sign(ga)  # root between m and bb
            sel = lambda c, u, v: jax.tree.map(lambda x, y: jnp.where(c, x, y), u, v)  # noqa: E731
            mid = (m, gm, gm, zm, Dm)
            *upd, _ = illinois(left, (a, wa, ga, za_, Da), (bb, wb, gb, zb_, Db), mid, where=sel, always=True)
            first, second = (mid, (bb, wb, gb, zb_, Db)), ((a, wa, ga, za_, Da), mid)
            here = jnp.stack([jnp.abs(gm), jnp.linalg.norm(Dm[:, n]), jnp.max(jnp.abs(Dm) * scale)])
            sizes = jnp.where(i < 2, jnp.maximum(sizes, here), sizes)
            zero = jnp.minimum(jnp.abs(ga), jnp.abs(gm)) <= GTOL * sizes[0]
            bracketed = jnp.where(i == 1, (jnp.sign(gm) != jnp.sign(ga)) | zero, ok)
            kept = ((a, wa, ga, za_, Da), (bb, wb, gb, zb_, Db))
            new = sel(i == 0, first, sel(i == 1, second, sel(done, kept, tuple(upd))))
            return (*new, sizes, ok & bracketed)

        one_ = jnp.ones((), za.dtype)
        D0 = jnp.zeros((n, n + 1), za.dtype)
        init = ((0.0 * one_, one_, one_, za, D0), (one_, one_, one_, zb, D0), jnp.zeros(3, za.dtype),
                jnp.all(jnp.isfinite(nu)))
        (_, _, ga, za_, Da), (_, _, gb, zb_, Db), sizes, ok = jax.lax.fori_loop(0, iters, body, init)
        pick = jnp.abs(ga) <= jnp.abs(gb)
        converged = ok & (jnp.abs(jnp.where(pick, ga, gb)) <= GTOL * sizes[0])
        return jnp.where(pick, za_, zb_), converged, jnp.where(pick, Da, Db), sizes

    return jax.vmap(one)(Za, Zb, P, kinds, b, c)


@partial(jit, static_argnames=("flow", "iters"))
def _branch_points(flow, Z, W, P, k, scale, fs, iters=30):
    r"""Newton on the branch-point system (Govaerts 2000; MatCont's BP locator) from ``Z``
    (B, n + 1), with ``W`` (B, n) close to the left null vector of :math:`f_x` there and ``fs``
    (B,) a size of f nearby.  Unknowns :math:`(x, \alpha, \beta, \psi)`:

    .. math::
        f(x, \alpha) + \beta \psi = 0, \qquad f_x^T \psi = 0, \qquad f_\alpha \cdot \psi = 0,
        \qquad \psi \cdot \psi = 1,

    regular at a simple branch point, where :math:`\beta = 0`.  Its other solutions are points
    where :math:`[f_x\; f_\alpha]` is rank deficient but f is not 0 (:math:`\beta \ne 0`), e.g.
    the saddle of f between two branches that pass close without touching.  Returns
    ``(z, converged, D)``: converged when the corrector met its residual test and
    :math:`|\beta| \le` ``BTOL * fs``.  Second derivatives of f: a program of its own, compiled
    only for models that have branch points.
    """
    n = Z.shape[1] - 1

    def one(z0, w0, p, fs):
        def f(z):
            return flow.rhs(z[:n], p.at[k].set(z[n]))

        def G(y):
            z, beta, w = y[:n + 1], y[n + 1], y[n + 2:]
            return jnp.concatenate([f(z) + beta * w, jax.jacfwd(f)(z).T @ w, (w @ w - 1.0)[None]])

        y0 = jnp.concatenate([z0, (-(w0 @ f(z0)))[None], w0])
        y, ok, _, _ = correct(G, y0, jnp.concatenate([scale, fs[None], jnp.ones(n, z0.dtype)]), iters=iters)
        return y[:n + 1], ok & (jnp.abs(y[n + 1]) <= BTOL * fs), jax.jacfwd(f)(y[:n + 1])

    return jax.vmap(one)(Z, W, P, fs)


def locate(flow, Za, Zb, P, k, kinds, b, c, scale, reach=None, iters: int = 60):
    """Locate the bifurcation of ``kinds`` (0 LP, 1 BP, 2 H) between ``Za`` and ``Zb`` (B, n + 1:
    state, then parameter p_k), parameter rows ``P`` (B, m), bordering vectors ``b, c``
    (B, test_size(n)), ``scale`` (n + 1,); ``reach`` (B,): how far (scaled, max norm) from where
    regula falsi ended a branch point may be (default: twice the bracket's length).  Returns
    NumPy ``(z, converged, D)`` with ``D = [f_x  f_alpha]`` (B, n, n + 1) at the located point.

    Regula falsi on the test function along the chord (module doc).  Converged means f = 0
    (every corrector solve met its residual test) and either

    * the test function changed sign between the bracket ends and is, at the point, below
      ``GTOL`` times its larger value at the ends.  Regula falsi also homes in on a jump of g
      (the chord passing from one branch to another, e.g. between two roots that do not meet at
      a fold): there f = 0 but g does not vanish, and that alone is not converged; or
    * (LP and BP) the point is a simple branch point, solved by :func:`_branch_points` from where
      regula falsi ended (within ``reach``) wherever that point is nearly one: f_x nearly
      singular and f_alpha in its range (:func:`fp_in_range`).  Regula falsi alone cannot pin a
      branch point down: there the chord system is singular (Newton converges only linearly, to
      the square root of its tolerance) and the LP test jumps.
    """
    Za, Zb = np.asarray(Za, float), np.asarray(Zb, float)
    n = Za.shape[1] - 1
    with scope():  # the brackets padded and split over the devices (batch.apply)
        z, ok, D, sizes = (np.array(a) for a in apply(
            lambda Za, Zb, P, kinds, b, c: _regula_falsi(flow, Za, Zb, P, k, kinds, b, c, scale, iters=iters),
            (Za, Zb, np.asarray(P, float), np.asarray(kinds, np.int32), b, c)))
    reach = 2.0 * np.max(np.abs(Zb - Za) / np.asarray(scale, float), axis=1) if reach is None else reach
    candidate = np.asarray(kinds) != KINDS.index("H")
    return branch_points(flow, z, ok, D, P, k, scale, sizes[:, 1], sizes[:, 2], reach, candidate)


def branch_points(flow, z, ok, D, P, k, scale, size_fp, size_D, reach, candidate=True):
    """Where a located point ``z`` (B, n + 1; ``D = [f_x  f_alpha]`` there) is nearly a branch
    point (f_x nearly singular, relative to ``size_D``, and f_alpha in its range, relative to
    ``size_fp``: sizes at the bracket ends), the branch-point system solved from it
    (:func:`_branch_points`) and kept if within ``reach`` (scaled, max norm).  Neither regula
    falsi on a chord nor one along the branch pins a branch point down: both correctors are
    singular there (Newton converges only linearly, to the square root of its tolerance).
    Returns the updated ``(z, ok, D)``."""
    z, ok, D = np.array(z, float), np.array(ok, bool), np.array(D, float)
    n, S = z.shape[1] - 1, np.asarray(scale, float)
    J = np.nan_to_num(D[:, :, :n])
    U, sv, _ = np.linalg.svd(J * S[None, None, :n])  # scaled columns: sv in units of f
    w = U[..., :, -1]
    near = candidate & np.all(np.isfinite(z), 1)
    near &= (sv[:, -1] <= NEAR * size_D) & fp_in_range(w, np.nan_to_num(D[:, :, n]), size_fp, NEAR)
    if near.any():
        idx = np.flatnonzero(near)
        with scope():
            zp, okp, Dp = (np.array(a) for a in apply(
                lambda Z, W, P_, fs: _branch_points(flow, Z, W, P_, k, S, fs),
                (z[idx], w[idx], np.broadcast_to(np.asarray(P, float), (len(z), np.shape(P)[-1]))[idx],
                 np.maximum(np.asarray(size_D, float)[idx], 1e-300))))
        okp &= np.max(np.abs(zp - z[idx]) / S, axis=1) <= np.broadcast_to(np.asarray(reach, float), (len(z),))[idx]
        z[idx[okp]], D[idx[okp]] = zp[okp], Dp[okp]
        ok[idx] |= okp
    return z, ok, D


def fp_in_range(w, fp, ref, rtol: float = 1e-3) -> np.ndarray:
    """``|w . f_p| <= rtol max(ref, |f_p|)``: f_p in the range of a singular f_x (w its left null
    vector) relative to ``ref``, the size of f_p nearby (batched over leading axes)."""
    size = np.linalg.norm(fp, axis=-1)
    return np.abs(np.sum(w * fp, axis=-1)) <= rtol * np.maximum(np.maximum(ref, size), 1e-300)


def is_branch_point(J: np.ndarray, fp: np.ndarray, rtol: float = 1e-3, ref=None) -> np.ndarray:
    """At a singular J: a fold has df/dp outside J's range (w . f_p != 0, w the left null
    vector); a branch point (e.g. a pitchfork of a symmetric system) has it inside
    (:func:`fp_in_range`).

    ``ref`` is the size of f_p nearby (default: |f_p| at the point).  In one variable w = +-1,
    so the default compares f_p with itself and never finds a branch point: pass ``ref``, e.g.
    |f_p| at the bracketing equilibria (at a branch point of x' = f(x, p) f_x and f_p vanish)."""
    J, fp = np.asarray(J, float), np.asarray(fp, float)
    U, _, _ = np.linalg.svd(J)
    return fp_in_range(U[..., :, -1], fp, 0.0 if ref is None else np.asarray(ref, float), rtol)
