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
import jax.numpy as jnp

from dynanalysis._model.xla import jit
from dynanalysis._numerics.batch import pad
from dynanalysis._numerics.linalg import lu_solve


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
def _lyapunov(flow, X, P, Q, Pv, W):
    r"""First Lyapunov coefficients at many Hopf points (rows of X, P) with critical eigenvector
    ``Q`` (:math:`Aq = i\omega q`, |q| = 1), adjoint ``Pv`` (:math:`A^Tp = -i\omega p`,
    :math:`\bar p^T q = 1`), both as (real, imaginary) stacks of shape (N, 2, n), and ``W`` (ω):
    Kuznetsov's formula of :mod:`.normalform`, complex forms by multilinearity over real and
    imaginary parts."""

    def one(x, p, q, pv, omega):
        n = x.shape[0]
        f = lambda u: flow.rhs(u, p)  # noqa: E731
        A = jax.jacfwd(f)(x)

        def B(u, v):  # real directions
            return jax.jvp(lambda z: jax.jvp(f, (z,), (v,))[1], (x,), (u,))[1]

        def C(u, v, w):
            return jax.jvp(lambda z: jax.jvp(lambda y: jax.jvp(f, (y,), (w,))[1], (z,), (v,))[1], (x,), (u,))[1]

        def cB(u, v):  # complex (re, im) pairs
            return B(u[0], v[0]) - B(u[1], v[1]), B(u[0], v[1]) + B(u[1], v[0])

        def re_dot(a, z):  # Re <a, z> = Re(conj(a) . z)
            return a[0] @ z[0] + a[1] @ z[1]

        qb = (q[0], -q[1])
        # C(q, q, q̄) expanded over the real (0) and imaginary (1) parts of each argument
        cr, ci = jnp.zeros(n), jnp.zeros(n)
        for bits in np.ndindex(2, 2, 2):
            unit = 1j ** (bits[0] + bits[1]) * (-1j) ** bits[2]
            val = C(q[bits[0]], q[bits[1]], q[bits[2]])
            cr, ci = cr + unit.real * val, ci + unit.imag * val
        h11 = lu_solve(A, cB(q, qb)[0])  # B(q, q̄) is real
        g = cB(q, q)
        I = jnp.eye(n)
        M = jnp.block([[-A, -2 * omega * I], [2 * omega * I, -A]])  # (2iω - A) in real form
        h = jnp.linalg.solve(M, jnp.concatenate(g))
        h20 = (h[:n], h[n:])
        b1 = (B(q[0], h11), B(q[1], h11))
        val = re_dot(pv, (cr, ci)) - 2 * re_dot(pv, b1) + re_dot(pv, cB(qb, h20))
        return val / (2 * omega)

    return jax.vmap(one)(X, P, Q, Pv, W)


def lyapunov_coefficients(flow, X, P, J):
    """``(l1, omega)`` at the Hopf points X (N, n) with flat parameters P (N, m) and Jacobians
    J (N, n, n): eigenvectors on the host (batched), the forms in one compiled call (padded to a
    bucket size so curves of any length share it)."""
    N, n = X.shape
    if N == 0:
        return np.zeros(0), np.zeros(0)
    omega, q, pv = hopf_vectors(J)
    good = np.isfinite(omega) & (omega > 0)
    cplx = lambda z: np.stack([z.real, z.imag], axis=1)  # noqa: E731
    W = np.where(good, omega, 1.0)
    with jax.enable_x64(True):
        l1 = np.asarray(jax.device_get(_lyapunov(flow, pad(X), pad(P), pad(cplx(q)), pad(cplx(pv)), pad(W))))[:N]
    return np.where(good, l1, np.nan), np.where(good, omega, np.nan)


def first_lyapunov(flow, x, p, J=None) -> tuple[float, float]:
    """``(l1, omega)`` at one Hopf point x of ``flow`` with flat parameters p (see module doc)."""
    x, p = np.asarray(x, float), np.asarray(p, float)
    if J is None:
        from dynanalysis._numerics.spectra import jacobian
        J = jacobian(flow, x, p)
    l1, omega = lyapunov_coefficients(flow, x[None], p[None], np.asarray(J, float)[None])
    return float(l1[0]), float(omega[0])
