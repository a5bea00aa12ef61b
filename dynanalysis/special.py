r"""Locating fold (LP), branch (BP) and Hopf (H) points of equilibria exactly.

A bifurcation is bracketed by two equilibria :math:`z_a = (x_a, \alpha_a)` and
:math:`z_b = (x_b, \alpha_b)` (:math:`\alpha` the free parameter) on one branch, between which a
test function changes sign.  The branch between them is parameterised by the chord,

.. math::
    f(x, \alpha) = 0, \qquad \nu \cdot (z - z_a) = s, \qquad
    \nu = \frac{S^{-2} (z_b - z_a)}{(z_b - z_a)^T S^{-2} (z_b - z_a)},

(S the per-unknown scales), so :math:`s = 0` at :math:`z_a` and 1 at :math:`z_b`; each point is
one plain Newton correction (:func:`.roots.correct`, first derivatives of f only) from the point
interpolated between the current bracket ends, and the sign change of the test function
:math:`g(s)` is located by regula falsi (Illinois).  Near a branch point the chord system is
itself singular and Newton converges only linearly there, hence a generous fixed step count.
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

import dataclasses
from functools import partial

import numpy as np
import jax
import jax.numpy as jnp

from .roots import correct, lu_solve
from .xla import jit

KINDS = ("LP", "BP", "H")
MAX_HOPF_DIM = 12  # the bialternate product has n(n-1)/2 rows: beyond this, no Hopf test


@dataclasses.dataclass(frozen=True)
class SpecialPoint:
    """A located bifurcation: ``kind`` ("LP" fold, "BP" branch point, "H" Hopf, ...), the
    parameter values and state there, and ``data`` (eigenvalues; for Hopf points the
    ``frequency`` and, from continuation, the first Lyapunov coefficient ``lyapunov``).
    ``model`` is the model with every parameter at its value there (a start for two-parameter
    and periodic-orbit continuation)."""

    kind: str
    params: dict
    state: dict
    data: dict
    model: object = dataclasses.field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        p = ", ".join(f"{k}={v:.10g}" for k, v in self.params.items())
        return f"{self.kind}({p})"


def _bialternate_index(n: int):
    pairs = [(p, q) for p in range(n) for q in range(p)]
    P, Q = (np.array([a[i] for a in pairs], dtype=int) for i in (0, 1))
    return P[:, None], Q[:, None], P[None, :], Q[None, :]  # row (p, q), column (r, s)


def bialternate(A):
    """:math:`2A \\odot I` (size n(n-1)/2) of the last two axes: eigenvalues are the sums of
    pairs of eigenvalues of A.  NumPy in, NumPy out (batched); JAX otherwise."""
    xp = np if isinstance(A, np.ndarray) else jnp
    n = A.shape[-1]
    p, q, r, s = _bialternate_index(n)
    return (xp.where(r == q, -A[..., p, s], 0.0)
            + xp.where((r != p) & (s == q), A[..., p, r], 0.0)
            + xp.where((r == p) & (s == q), A[..., p, p] + A[..., q, q], 0.0)
            + xp.where((r == p) & (s != q), A[..., q, s], 0.0)
            + xp.where(s == p, -A[..., q, r], 0.0))


def test_size(n: int) -> int:
    """Size of the (padded) matrices whose singularity the BP and H tests detect."""
    return max(n, n * (n - 1) // 2 if n <= MAX_HOPF_DIM else 0)


def _padded(M, K):
    """blockdiag(M, I) of size K: same singularity and bordered test as M (borders padded by 0)."""
    k = M.shape[-1]
    if k == K:
        return M
    xp = np if isinstance(M, np.ndarray) else jnp
    eye = xp.eye(K)[k:, k:]
    top = xp.concatenate([M, xp.zeros(M.shape[:-1] + (K - k,))], axis=-1)
    bottom = xp.broadcast_to(xp.concatenate([xp.zeros((K - k, k)), eye], axis=-1), M.shape[:-2] + (K - k, K))
    return xp.concatenate([top, bottom], axis=-2)


def test_matrices(J, kinds):
    """For each bracket, the padded matrix its test function watches (host NumPy, batched)."""
    J = np.asarray(J, float)
    n, K = J.shape[-1], test_size(J.shape[-1])
    M = _padded(J, K)
    if 1 < n <= MAX_HOPF_DIM:
        H = _padded(bialternate(J), K)
        M = np.where((np.asarray(kinds) == KINDS.index("H"))[:, None, None], H, M)
    return M


def borders(M: np.ndarray):
    """Bordering vectors b, c for a stack of matrices: the singular vectors of the smallest
    singular value (host SVD, vectorised)."""
    U, _, Vt = np.linalg.svd(np.asarray(M, float))
    return U[..., :, -1], Vt[..., -1, :]


def bordered_test(M, b, c):
    """g of the bordered system above (0 exactly when M is singular)."""
    k = M.shape[0]
    top = jnp.concatenate([M, b[:, None]], axis=1)
    bottom = jnp.concatenate([c, jnp.zeros(1, M.dtype)])[None, :]
    rhs = jnp.zeros(k + 1, M.dtype).at[k].set(1.0)
    return lu_solve(jnp.concatenate([top, bottom], axis=0), rhs)[k]


@partial(jit, static_argnames=("flow", "iters"))
def locate(flow, Za, Zb, P, k, kinds, b, c, scale, iters=60):
    """Regula falsi on the test function of ``kinds`` (0 LP, 1 BP, 2 H) along the chord from
    ``Za`` to ``Zb`` (B, n + 1: state, then parameter p_k), parameter rows ``P`` (B, m), bordering
    vectors ``b, c`` (B, test_size(n)), ``scale`` (n + 1,).  Returns ``(z, converged, D)`` with
    ``D = [f_x  f_alpha]`` (B, n, n + 1) at the located point."""
    n = Za.shape[1] - 1
    K = b.shape[1]
    e_last = jnp.zeros(n + 1).at[n].set(1.0)

    def one(za, zb, p, kind, b, c):
        t = (zb - za) / scale**2
        nu = t / jnp.maximum(t @ (zb - za), 1e-300)

        def point(s, guess):
            def G(z):
                return jnp.concatenate([flow.rhs(z[:n], p.at[k].set(z[n])), (nu @ (z - za) - s)[None]])

            z, ok, _, D = correct(G, guess, scale, iters=40)
            J = D[:n, :n]
            tests = [lu_solve(D, e_last)[n], bordered_test(_padded(J, K), b, c)]
            if 1 < n <= MAX_HOPF_DIM:
                tests.append(bordered_test(_padded(bialternate(J), K), b, c))
            g = jnp.stack(tests)[jnp.minimum(kind, len(tests) - 1)]
            return z, ok & jnp.isfinite(g), g, D[:n]

        def body(i, st):
            a, ga, za_, Da, bb, gb, zb_, Db, ok = st
            m = jnp.where(ga != gb, (a * gb - bb * ga) / (gb - ga), 0.5 * (a + bb))
            m = jnp.clip(m, jnp.minimum(a, bb), jnp.maximum(a, bb))
            m = jnp.where(i == 0, a, jnp.where(i == 1, bb, m))
            w = jnp.where(bb != a, (m - a) / (bb - a), 0.0)
            zm, ok_m, gm, Dm = point(m, za_ + w * (zb_ - za_))
            ok = ok & ok_m
            # first two passes solve the bracket ends; then Illinois, halving the value kept
            left = jnp.sign(gm) == jnp.sign(ga)  # root between m and bb
            sel = lambda c, u, v: jax.tree.map(lambda x, y: jnp.where(c, x, y), u, v)  # noqa: E731
            upd = sel(left, (m, gm, zm, Dm, bb, 0.5 * gb, zb_, Db), (a, 0.5 * ga, za_, Da, m, gm, zm, Dm))
            first = (a, gm, zm, Dm, bb, gb, zb_, Db)
            second = (a, ga, za_, Da, bb, gm, zm, Dm)
            new = sel(i == 0, first, sel(i == 1, second, upd))
            bracketed = jnp.where(i == 1, jnp.sign(gm) != jnp.sign(ga), ok)
            return (*new, ok & bracketed)

        one_ = jnp.ones((), za.dtype)
        D0 = jnp.zeros((n, n + 1), za.dtype)
        init = (0.0 * one_, one_, za, D0, one_, one_, zb, D0, jnp.all(jnp.isfinite(nu)))
        a, ga, za_, Da, bb, gb, zb_, Db, ok = jax.lax.fori_loop(0, iters, body, init)
        pick = jnp.abs(ga) <= jnp.abs(gb)
        return jnp.where(pick, za_, zb_), ok, jnp.where(pick, Da, Db)

    return jax.vmap(one)(Za, Zb, P, kinds, b, c)


def is_branch_point(J: np.ndarray, fp: np.ndarray, rtol: float = 1e-3) -> np.ndarray:
    """At a singular J: a fold has df/dp outside J's range (w . f_p != 0, w the left null
    vector); a branch point (e.g. a pitchfork of a symmetric system) has it inside."""
    U, _, _ = np.linalg.svd(J)
    w = U[..., :, -1]
    return np.abs(np.sum(w * fp, axis=-1)) <= rtol * np.maximum(np.linalg.norm(fp, axis=-1), 1e-300)
