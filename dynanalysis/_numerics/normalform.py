r"""Normal-form coefficients of equilibrium bifurcations, from autodiff multilinear forms.

With :math:`A = f_x(x_0)` and the multilinear forms of the Taylor expansion
:math:`f(x_0 + u) = A u + \tfrac12 B(u, u) + \tfrac16 C(u, u, u) + O(|u|^4)`,

.. math::
    B_i(u, v) = \sum_{jk} \frac{\partial^2 f_i}{\partial x_j \partial x_k} u_j v_k, \qquad
    C_i(u, v, w) = \sum_{jkl} \frac{\partial^3 f_i}{\partial x_j \partial x_k \partial x_l} u_j v_k w_l,

evaluated as nested forward-mode directional derivatives (never the full tensors), the first
Lyapunov coefficient of a Hopf point with :math:`A q = i\omega q`, :math:`A^T p = -i\omega p`,
:math:`\langle p, q\rangle = \bar p^T q = 1` is (Kuznetsov, *Elements of Applied Bifurcation
Theory*, 3rd ed., eq. 3.20)

.. math::
    l_1 = \frac{1}{2\omega} \operatorname{Re}\Big[\langle p, C(q, q, \bar q)\rangle
        - 2 \langle p, B(q, A^{-1} B(q, \bar q))\rangle
        + \langle p, B(\bar q, (2 i \omega I - A)^{-1} B(q, q))\rangle\Big].

:math:`l_1 < 0`: supercritical (a stable cycle is born); :math:`l_1 > 0`: subcritical.  The
value depends on the normalisation of q (here :math:`|q| = 1`, as in MatCont); its sign does
not.  For :math:`\dot w = (\alpha + i\omega) w + c_1 w |w|^2` in real coordinates
:math:`x = (\operatorname{Re} w, \operatorname{Im} w)` it is :math:`2 \operatorname{Re} c_1 / \omega`
(:math:`x = z q + \bar z \bar q` with :math:`|q| = 1` gives :math:`w = \sqrt 2 z`).
"""
from __future__ import annotations

from functools import partial

import numpy as np
import jax

from dynanalysis._model.xla import jit, scope
from dynanalysis._numerics.batch import apply


def hopf_vectors(J):
    r"""The critical pair of Jacobians J (N, n, n) at Hopf points: ``(omega, q, p)`` with
    :math:`\omega > 0` the imaginary part of the eigenvalue of least |real part| among those with
    positive imaginary part, :math:`Jq = i\omega q`, |q| = 1, and the adjoint
    :math:`J^T p = -i\omega p` normalised by :math:`\bar p^T q = 1` (NumPy, batched)."""
    J = np.asarray(J, float)
    lam, V = np.linalg.eig(J)
    i = np.argmin(np.where(lam.imag > 0, np.abs(lam.real), np.inf), axis=-1)
    omega = np.take_along_axis(lam, i[:, None], -1)[:, 0].imag
    q = np.take_along_axis(V, i[:, None, None], -1)[..., 0]
    q = q / np.linalg.norm(q, axis=-1, keepdims=True)
    mu, Wt = np.linalg.eig(np.swapaxes(J, -1, -2))
    j = np.argmin(np.abs(mu + 1j * omega[:, None]), axis=-1)
    pt = np.take_along_axis(Wt, j[:, None, None], -1)[..., 0]
    return omega, q, pt / np.conj(np.sum(np.conj(pt) * q, axis=-1, keepdims=True))


@partial(jit, static_argnames=("flow",))
def _forms(flow, X, P, U2, U3):
    """B on pairs ``U2`` (N, k, 2, n) and C on triples ``U3`` (N, l, 3, n) of real directions at
    the points X (N, n) with parameters P (N, m): nested forward-mode derivatives of f only (a
    small program: no Jacobian, no solve)."""
    def one(x, p, U2, U3):
        f = lambda y: flow.rhs(y, p)  # noqa: E731

        def d2(y, u, v):
            return jax.jvp(lambda z: jax.jvp(f, (z,), (v,))[1], (y,), (u,))[1]

        def d3(u, v, w):
            return jax.jvp(lambda z: d2(z, u, v), (x,), (w,))[1]

        return jax.vmap(lambda U: d2(x, U[0], U[1]))(U2), jax.vmap(lambda U: d3(U[0], U[1], U[2]))(U3)

    return jax.vmap(one)(X, P, U2, U3)


FORMS = 8  # real evaluations per call, of B and of C: fixed, so one compiled program serves all


def _complex_forms(flow, X, P, pairs, triples):
    """Complex B(u, v) for ``pairs`` and C(u, v, w) for ``triples`` (arguments (N, n) complex,
    at most 2 pairs and 1 triple), by multilinearity over real and imaginary parts; every real
    evaluation goes to the device in one call, the points padded to a bucket size."""
    N, n = X.shape

    def real(args, k):
        U, w = [], []
        for vs in args:
            for bits in np.ndindex(*[2] * k):  # real (0) or imaginary (1) part of each argument
                U.append(np.stack([v.imag if b else v.real for v, b in zip(vs, bits)], axis=1))
                w.append(1j ** sum(bits))
        U = np.stack(U, axis=1) if U else np.zeros((N, 0, k, n))
        return np.concatenate([U, np.zeros((N, FORMS - U.shape[1], k, n))], axis=1), np.array(w)

    (U2, w2), (U3, w3) = real(pairs, 2), real(triples, 3)
    with scope():
        r2, r3 = apply(partial(_forms, flow), (X, P, U2, U3))
    B = [np.einsum("k,nkd->nd", w2[4 * i:4 * i + 4], r2[:, 4 * i:4 * i + 4]) for i in range(len(pairs))]
    C = [np.einsum("k,nkd->nd", w3[8 * i:8 * i + 8], r3[:, 8 * i:8 * i + 8]) for i in range(len(triples))]
    return B, C


def _solve(A, b):
    """Batched ``A^{-1} b``; NaN where A is singular to rounding (e.g. a Bogdanov-Takens point)."""
    sv = np.linalg.svd(A, compute_uv=False)
    singular = ~(sv[..., -1] > 1e-14 * sv[..., 0])
    x = np.linalg.solve(np.where(singular[:, None, None], np.eye(A.shape[-1]), A), b[..., None])[..., 0]
    return np.where(singular[:, None], np.nan, x)


def lyapunov_coefficients(flow, X, P, J):
    """``(l1, omega)`` at the Hopf points X (N, n) with flat parameters P (N, m) and Jacobians
    J (N, n, n) (module doc): critical vectors and the two linear solves on the host (batched),
    the multilinear forms in two calls of one small compiled program.  NaN where J has no
    complex pair."""
    X, P, J = (np.asarray(a, float) for a in (X, P, J))
    N, n = X.shape
    if N == 0:
        return np.zeros(0), np.zeros(0)
    omega, q, pv = hopf_vectors(J)
    good = np.isfinite(omega) & (omega > 0)
    q = np.where(good[:, None], q, 0.0)
    (b_qqbar, b_qq), (c_qqqbar,) = _complex_forms(flow, X, P, [(q, q.conj()), (q, q)], [(q, q, q.conj())])
    h11 = _solve(J, b_qqbar)
    h20 = _solve(2j * np.where(good, omega, 1.0)[:, None, None] * np.eye(n) - J, b_qq)
    (b1, b2), _ = _complex_forms(flow, X, P, [(q, np.nan_to_num(h11)), (q.conj(), np.nan_to_num(h20))], [])
    dot = lambda a, b: np.sum(np.conj(a) * b, axis=-1)  # noqa: E731
    val = dot(pv, c_qqqbar) - 2 * dot(pv, b1) + dot(pv, b2)
    ok = good & np.all(np.isfinite(h11), -1) & np.all(np.isfinite(h20), -1)
    return np.where(ok, val.real / (2 * np.where(good, omega, 1.0)), np.nan), np.where(good, omega, np.nan)


def first_lyapunov(flow, x, p, J=None) -> tuple[float, float]:
    """``(l1, omega)`` at one Hopf point x of ``flow`` with flat parameters p (see module doc)."""
    x, p = np.asarray(x, float), np.asarray(p, float)
    if J is None:
        from dynanalysis._numerics.spectra import jacobian
        J = jacobian(flow, x, p)
    l1, omega = lyapunov_coefficients(flow, x[None], p[None], np.asarray(J, float)[None])
    return float(l1[0]), float(omega[0])
