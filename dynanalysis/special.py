r"""Locating fold (LP) and Hopf (H) points of equilibria exactly.

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
scaled (about that singular value) and regular at the solution.
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


@partial(jax.jit, static_argnames=("flow",))
def jacobians(flow, X, P):
    """Jacobians at states X (B, n) with parameter rows P (B, m)."""
    return jax.vmap(lambda x, p: jax.jacfwd(lambda y: flow.rhs(y, p))(x))(X, P)


@partial(jax.jit, static_argnames=("kind",))
def bifurcation_matrices(J, kind):
    return jax.vmap(lambda A: bifurcation_matrix(A, kind))(J)


def borders_batch(M: np.ndarray):
    """Bordering vectors for a stack of matrices (host SVD, vectorised)."""
    U, _, Vt = np.linalg.svd(np.asarray(M, float))
    return U[..., :, -1], Vt[..., -1, :]
