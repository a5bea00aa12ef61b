r"""Dense linear algebra of the analyses: small pivoted solves unrolled on scalars, the one
bordered solve, the bialternate product, singular-vector borders.

Batched LAPACK on XLA's CPU backend (jaxlib's ``lu_factor``, ``cho_factor``) splits a large batch
into tasks on the same thread pool that runs the devices' programs and blocks until they finish.
When every pool thread is such a waiting caller (several devices on few cores, or two LAPACK
calls of one program running concurrently) no thread is left for the tasks: the program hangs
(measured: 4 host devices on 2 cores, a 64-dimensional Newton hung in 1 of 3 runs; native stacks
in ``ParallelBatchMap``).  The solves here therefore run a batch one matrix at a time on the CPU
(:func:`one_at_a_time`): the same LAPACK call per matrix, so the same bits, and the devices, not
LAPACK, supply the parallelism.  Other backends keep their batched kernels.
"""
from __future__ import annotations

import numpy as np
import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
from jax import lax
from jax.custom_batching import custom_vmap

from dynanalysis._model import xla


SMALL = 4  # up to this size, linear solves are unrolled scalar code (fast to compile)


def _gauss_small(A, b):
    """Gaussian elimination with partial pivoting written out on scalars (n <= SMALL)."""
    n = b.shape[0]
    M = [[A[i, j] for j in range(n)] + [b[i]] for i in range(n)]
    for k in range(n):
        for i in range(k + 1, n):  # bring the largest |pivot| to row k
            swap = jnp.abs(M[i][k]) > jnp.abs(M[k][k])
            M[k], M[i] = ([jnp.where(swap, a, c) for a, c in zip(M[i], M[k])],
                          [jnp.where(swap, c, a) for a, c in zip(M[i], M[k])])
        for i in range(k + 1, n):
            f = M[i][k] / M[k][k]
            M[i] = [M[i][j] - f * M[k][j] for j in range(n + 1)]
    x = [None] * n
    for i in reversed(range(n)):
        x[i] = (M[i][n] - sum((M[i][j] * x[j] for j in range(i + 1, n)), 0.0)) / M[i][i]
    return jnp.stack(x)


def one_at_a_time(solve):
    r"""``solve(A, b)`` (one matrix, one right-hand side) whose batches (``jax.vmap``) run as a
    loop over the matrices on the CPU backend (see the module note), batched elsewhere;
    differentiable as :math:`x = A^{-1} b`, :math:`\dot x = A^{-1}(\dot b - \dot A x)`."""
    looped = custom_vmap(solve)

    @looped.def_vmap
    def _batched(axis_size, in_batched, A, b):
        A, b = (x if batched else jnp.broadcast_to(x, (axis_size,) + x.shape) for x, batched in zip((A, b), in_batched))
        if any(d.platform == "cpu" for d in xla.devices()):  # the devices this analysis runs on
            return lax.map(lambda Ab: looped(*Ab), (A, b)), True
        return jax.vmap(solve)(A, b), True

    @jax.custom_jvp
    def solved(A, b):
        return looped(A, b)

    @solved.defjvp
    def _jvp(primals, tangents):
        (A, b), (dA, db) = primals, tangents
        x = solved(A, b)
        return x, solved(A, db - dA @ x)

    return solved


@one_at_a_time
def _lu_solve(J, b):
    return jsl.lu_solve(jsl.lu_factor(J), b)


def lu_solve(J, b):
    """``J^{-1} b`` by Gaussian elimination with partial pivoting (non-finite if J is singular).

    Small systems are unrolled: XLA compiles that far faster than its LU kernels."""
    if b.shape[0] <= SMALL:
        return _gauss_small(J, b)
    return _lu_solve(J, b)


def bordered(M, b, c):
    r"""Solution ``(v, g)`` (one vector of size k + 1) of the bordered system

    .. math::
        \begin{pmatrix} M & b \\ c^T & 0 \end{pmatrix}
        \begin{pmatrix} v \\ g \end{pmatrix} = \begin{pmatrix} 0 \\ 1 \end{pmatrix}:

    g vanishes exactly when M is singular (Govaerts 2000), and v is then its null vector; with
    b, c the singular vectors of M's smallest singular value nearby the system is well
    conditioned.  The transposed system (``bordered(M.T, c, b)``) gives the left null vector."""
    k = M.shape[0]
    top = jnp.concatenate([M, b[:, None]], axis=1)
    bottom = jnp.concatenate([c, jnp.zeros(1, M.dtype)])[None, :]
    return lu_solve(jnp.concatenate([top, bottom], axis=0), jnp.zeros(k + 1, M.dtype).at[k].set(1.0))


def borders(M: np.ndarray):
    """Bordering vectors b, c for a stack of matrices: the singular vectors of the smallest
    singular value (host SVD, vectorised)."""
    U, _, Vt = np.linalg.svd(np.asarray(M, float))
    return U[..., :, -1], Vt[..., -1, :]


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


def padded(M, K):
    """blockdiag(M, I) of size K: same singularity and bordered test as M (borders padded by 0)."""
    k = M.shape[-1]
    if k == K:
        return M
    xp = np if isinstance(M, np.ndarray) else jnp
    eye = xp.eye(K)[k:, k:]
    top = xp.concatenate([M, xp.zeros(M.shape[:-1] + (K - k,))], axis=-1)
    bottom = xp.broadcast_to(xp.concatenate([xp.zeros((K - k, k)), eye], axis=-1), M.shape[:-2] + (K - k, K))
    return xp.concatenate([top, bottom], axis=-2)


def spd_solve(A, b):
    """``A^{-1} b`` for symmetric positive definite A (Cholesky).  Where the factorisation fails
    numerically the result is not finite: the caller rejects it (Levenberg–Marquardt raises its
    damping, which makes the next matrix better conditioned).  No LU fallback beside it: on XLA's
    CPU backend, jaxlib 0.10, the two LAPACK calls of one iteration, free to run concurrently,
    hung the program at random on 512-dimensional batches (14 of 24 runs, against none of 16
    with either call alone; batches now run one matrix at a time, see the module note)."""
    return _spd_solve(A, b)


@one_at_a_time
def _spd_solve(A, b):
    return jsl.cho_solve(jsl.cho_factor(A), b)
