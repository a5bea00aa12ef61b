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

from dynanalysis._model.xla import jit


@partial(jit, static_argnames=("flow",))
def _forms(flow, x, p, U2, U3):
    """B on pairs ``U2`` (k, 2, n) and C on triples ``U3`` (l, 3, n) of real directions at x."""
    f = lambda y: flow.rhs(y, p)  # noqa: E731

    def d2(y, u, v):
        return jax.jvp(lambda z: jax.jvp(f, (z,), (v,))[1], (y,), (u,))[1]

    def d3(u, v, w):
        return jax.jvp(lambda z: d2(z, u, v), (x,), (w,))[1]

    return jax.vmap(lambda U: d2(x, U[0], U[1]))(U2), jax.vmap(lambda U: d3(U[0], U[1], U[2]))(U3)


def complex_forms(flow, x, p, pairs, triples):
    """Complex B(u, v) for ``pairs`` and C(u, v, w) for ``triples``, by multilinearity over real
    and imaginary parts; every real evaluation goes to the device in one call."""
    n = len(x)
    U2, w2, U3, w3 = [], [], [], []
    for vs, U, w in [(v, U2, w2) for v in pairs] + [(v, U3, w3) for v in triples]:
        for bits in np.ndindex(*[2] * len(vs)):  # real (0) or imaginary (1) part of each argument
            U.append([v.imag if bit else v.real for v, bit in zip(vs, bits)])
            w.append(1j ** sum(bits))
    # padded to fixed sizes (2 pairs, 1 triple): one compiled program for every call
    U2 = np.concatenate([np.array(U2, float).reshape(-1, 2, n), np.zeros((8, 2, n))])[:max(8, len(U2))]
    U3 = np.concatenate([np.array(U3, float).reshape(-1, 3, n), np.zeros((8, 3, n))])[:max(8, len(U3))]
    with jax.enable_x64(True):
        r2, r3 = (np.asarray(a) for a in jax.device_get(_forms(flow, x, p, U2, U3)))
    B = [np.tensordot(np.array(w2[4 * i:4 * i + 4]), r2[4 * i:4 * i + 4], 1) for i in range(len(pairs))]
    C = [np.tensordot(np.array(w3[8 * i:8 * i + 8]), r3[8 * i:8 * i + 8], 1) for i in range(len(triples))]
    return B, C


def first_lyapunov(flow, x, p, J=None) -> tuple[float, float]:
    """``(l1, omega)`` at a Hopf point x of ``flow`` with flat parameters p (see module doc)."""
    x, p = np.asarray(x, float), np.asarray(p, float)
    if J is None:
        from dynanalysis._numerics.spectra import jacobian
        J = jacobian(flow, x, p)
    A = np.asarray(J, float)
    lam, V = np.linalg.eig(A)
    i = np.argmin(np.abs(lam.real) + np.where(lam.imag > 0, 0.0, np.inf))
    omega = float(lam[i].imag)
    if not np.isfinite(omega) or omega <= 0:
        return float("nan"), float("nan")
    q = V[:, i] / np.linalg.norm(V[:, i])
    mu, W = np.linalg.eig(A.T)
    pt = W[:, np.argmin(np.abs(mu + 1j * omega))]
    pv = pt / np.conj(np.vdot(pt, q))  # <p, q> = conj(p) . q = 1
    n = len(x)
    (b_qqbar, b_qq), (c_qqqbar,) = complex_forms(flow, x, p, [(q, q.conj()), (q, q)], [(q, q, q.conj())])
    h11 = np.linalg.solve(A, b_qqbar)
    h20 = np.linalg.solve(2j * omega * np.eye(n) - A, b_qq)
    (b1, b2), _ = complex_forms(flow, x, p, [(q, h11), (q.conj(), h20)], [])
    val = np.vdot(pv, c_qqqbar) - 2 * np.vdot(pv, b1) + np.vdot(pv, b2)
    return float(val.real / (2 * omega)), omega
