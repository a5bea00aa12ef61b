r"""Locating fold (LP), branch (BP) and Hopf (H) points of equilibria exactly.

Both are solved as one square system in :math:`(x, \alpha)`, :math:`\alpha` the free parameter,
by the damped Newton of :mod:`.roots` (minimally augmented systems, Govaerts 2000):

.. math::
    f(x, \alpha) = 0, \qquad g(x, \alpha) = 0,

where :math:`g` is the last component of the solution of the bordered system

.. math::
    \begin{pmatrix} M & b \\ c^T & 0 \end{pmatrix}
    \begin{pmatrix} v \\ g \end{pmatrix} = \begin{pmatrix} 0 \\ 1 \end{pmatrix},

with :math:`M = J` (the Jacobian; :math:`g = 0` iff J is singular: a fold) or
:math:`M = 2J \odot I` (the bialternate product, whose eigenvalues are all sums
:math:`\lambda_i + \lambda_j`, i < j; singular at a Hopf point, and also at a neutral saddle,
which the caller rejects by checking that the critical pair is complex).  The bordering vectors
b, c are the singular vectors of M's smallest singular value at the starting point, so g is well
scaled (about that singular value) and regular at the solution.  A solution of the fold
system is a branch point (BP) rather than a fold when :math:`f_\alpha` lies in the range of J
(:func:`is_branch_point`).
"""
from __future__ import annotations

from functools import partial

import numpy as np
import jax
import jax.numpy as jnp

from .roots import lu_solve, newton


def _bialternate_index(n: int):
    pairs = [(p, q) for p in range(n) for q in range(p)]
    P, Q = (np.array([a[i] for a in pairs]) for i in (0, 1))
    return P[:, None], Q[:, None], P[None, :], Q[None, :]  # row (p, q), column (r, s)


def bialternate(A):
    """:math:`2A \\odot I` (size n(n-1)/2): eigenvalues are the sums of pairs of eigenvalues of A."""
    n = A.shape[0]
    p, q, r, s = _bialternate_index(n)
    return (jnp.where(r == q, -A[p, s], 0.0)
            + jnp.where((r != p) & (s == q), A[p, r], 0.0)
            + jnp.where((r == p) & (s == q), A[p, p] + A[q, q], 0.0)
            + jnp.where((r == p) & (s != q), A[q, s], 0.0)
            + jnp.where(s == p, -A[q, r], 0.0))


def bifurcation_matrix(J, kind: str):
    return J if kind == "LP" else bialternate(J)


def bordered_test(M, b, c):
    """g of the bordered system above (0 exactly when M is singular)."""
    k = M.shape[0]
    top = jnp.concatenate([M, b[:, None]], axis=1)
    bottom = jnp.concatenate([c, jnp.zeros(1, M.dtype)])[None, :]
    rhs = jnp.zeros(k + 1, M.dtype).at[k].set(1.0)
    return lu_solve(jnp.concatenate([top, bottom], axis=0), rhs)[k]


@partial(jax.jit, static_argnames=("flow", "kind"))
def locate(flow, kind, z0, P, k, b, c, scale):
    """Newton on (x, p_k) for a batch of starts: z0 (B, n + 1), parameter rows P (B, m), bordering
    vectors b, c (B, size of M).  Returns ``(z, converged, residual)``; ``scale`` (n + 1,) scales
    the unknowns."""
    n = z0.shape[1] - 1

    def one(z0, p, b, c):
        def F(z):
            pz = p.at[k].set(z[n])
            J = jax.jacfwd(lambda y: flow.rhs(y, pz))(z[:n])
            g = bordered_test(bifurcation_matrix(J, kind), b, c)
            # newton divides equation i by scale_i: pre-multiplying leaves g itself in the merit
            return jnp.concatenate([flow.rhs(z[:n], pz), g[None] * scale[n]])

        z, ok, res, _ = newton(F, z0, scale)
        return z, ok, res

    return jax.vmap(one)(z0, P, b, c)


@partial(jax.jit, static_argnames=("flow", "kind", "iters"))
def locate_crossing(flow, kind, X0, X1, P, k, A0, A1, b, c, scale, iters=50):
    """Where the test function changes sign along one branch between p_k = A0 and A1 (batch):
    Illinois (regula falsi) on g(alpha), each g from the equilibrium x(alpha) solved by Newton
    from the nearer bracket end.  Needs no derivative of g, and the loop has a single Newton call
    site (the first two passes evaluate the bracket ends), so it compiles quickly in any
    dimension.  Returns ``(x, alpha, converged)``."""
    def one(x0, x1, p, a0, a1, b, c):
        def body(i, st):
            a, ga, xa, bb, gb, xb, ok = st
            m = jnp.where(ga != gb, (a * gb - bb * ga) / (gb - ga), 0.5 * (a + bb))
            m = jnp.clip(m, jnp.minimum(a, bb), jnp.maximum(a, bb))
            m = jnp.where(i == 0, a, jnp.where(i == 1, bb, m))
            guess = jnp.where((i == 0) | ((i > 1) & (jnp.abs(m - a) < jnp.abs(m - bb))), xa, xb)
            pz = p.at[k].set(m)
            xm, ok_m, _, J = newton(lambda y: flow.rhs(y, pz), guess, scale)
            gm = bordered_test(bifurcation_matrix(J, kind), b, c)
            ok = ok & ok_m
            # first passes: fill the bracket ends; then Illinois, halving the value kept
            left = jnp.sign(gm) == jnp.sign(ga)  # root between m and bb
            upd = (jnp.where(left, m, a), jnp.where(left, gm, 0.5 * ga), jnp.where(left, xm, xa),
                   jnp.where(left, bb, m), jnp.where(left, 0.5 * gb, gm), jnp.where(left, xb, xm))
            first = (a, gm, xm, bb, gb, xb)
            second = (a, ga, xa, bb, gm, xm)
            new = tuple(jnp.where(i == 0, f, jnp.where(i == 1, s, u)) for f, s, u in zip(first, second, upd))
            bracketed = jnp.where(i == 1, jnp.sign(gm) != jnp.sign(ga), ok)
            return (*new, ok & bracketed)

        init = (a0, jnp.ones((), x0.dtype), x0, a1, jnp.ones((), x0.dtype), x1, jnp.ones((), bool))
        a, ga, xa, bb, gb, xb, ok = jax.lax.fori_loop(0, iters, body, init)
        pick = jnp.abs(ga) <= jnp.abs(gb)
        return jnp.where(pick, xa, xb), jnp.where(pick, a, bb), ok

    return jax.vmap(one)(X0, X1, P, A0, A1, b, c)


@partial(jax.jit, static_argnames=("flow",))
def jacobians(flow, X, P):
    """Jacobians at states X (B, n) with parameter rows P (B, m)."""
    return jax.vmap(lambda x, p: jax.jacfwd(lambda y: flow.rhs(y, p))(x))(X, P)


@partial(jax.jit, static_argnames=("flow",))
def parameter_derivatives(flow, X, P, k):
    """df/dp_k at states X (B, n) with parameter rows P (B, m)."""
    return jax.vmap(lambda x, p: jax.jacfwd(lambda a: flow.rhs(x, p.at[k].set(a)))(p[k]))(X, P)


def is_branch_point(J: np.ndarray, fp: np.ndarray, rtol: float = 1e-3) -> np.ndarray:
    """At a singular J: a fold has df/dp outside J's range (w . f_p != 0, w the left null
    vector); a branch point (e.g. a pitchfork of a symmetric system) has it inside."""
    U, _, _ = np.linalg.svd(J)
    w = U[..., :, -1]
    return np.abs(np.sum(w * fp, axis=-1)) <= rtol * np.maximum(np.linalg.norm(fp, axis=-1), 1e-300)


@partial(jax.jit, static_argnames=("kind",))
def bifurcation_matrices(J, kind):
    return jax.vmap(lambda A: bifurcation_matrix(A, kind))(J)


def borders_batch(M: np.ndarray):
    """Bordering vectors for a stack of matrices (host SVD, vectorised)."""
    U, _, Vt = np.linalg.svd(np.asarray(M, float))
    return U[..., :, -1], Vt[..., -1, :]
