r"""Two-parameter continuation of fold and Hopf points of equilibria (codimension-one curves).

A fold (LP) or Hopf (H) point of an equilibrium branch in :math:`\alpha_1` persists as a curve
when a second parameter :math:`\alpha_2` is freed.  Both curves are followed by the generic
pseudo-arclength engine of :mod:`.continuation` (:func:`~.continuation.arclength`) on a
*minimally augmented system* (Govaerts, *Numerical Methods for Bifurcations of Dynamical
Equilibria*, 2000): unknowns :math:`y = (x, \alpha_1, \alpha_2) \in \mathbb R^{n+2}`, n + 1
equations

.. math::
    f(x, \alpha) = 0, \qquad g(x, \alpha) = 0,

where g is the bordered test of a matrix M(x, α) that is singular on the curve: the last
component of the solution of

.. math::
    \begin{pmatrix} M & b \\ c^T & 0 \end{pmatrix}
    \begin{pmatrix} v \\ g \end{pmatrix} = \begin{pmatrix} 0 \\ 1 \end{pmatrix}.

g vanishes exactly when M is singular and is a smooth function with non-zero gradient there
when M has a simple zero singular value and :math:`b \notin \operatorname{range} M`,
:math:`c \notin \operatorname{range} M^T`.  The borders b, c are the left and right singular
vectors of M's smallest singular value at the previous point (data of the jitted step,
refreshed between steps by the engine's ``prepare`` hook, their sign kept continuous), so the
bordered matrix stays well conditioned however far the null vectors turn along the curve.
Newton's Jacobian of g comes from autodiff through the linear solve.

* **Fold curve** (:func:`fold_curve`): :math:`M = f_x`.
* **Hopf curve** (:func:`hopf_curve`): :math:`M = 2 f_x \odot I` (the bialternate product,
  :func:`.special.bialternate`, size n(n-1)/2, eigenvalues :math:`\lambda_i + \lambda_j`, i < j),
  singular where two eigenvalues sum to zero: a Hopf point (:math:`\pm i\omega`) or a neutral
  saddle (:math:`\pm r`).  The curve passes smoothly from one to the other through a
  Bogdanov–Takens point; the neutral-saddle part is kept (it carries no Hopf bifurcation and is
  marked by ``tests["kappa"] < 0``).

Codimension-two points are detected by sign changes of host test functions between consecutive
curve points and located by :func:`~.continuation.locate_on_branch` (regula falsi on the
arclength, each trial point corrected onto the curve):

* on a fold curve, with v, w the right and left null vectors of :math:`f_x` (from the bordered
  system and its transpose, normalised to length 1; their orientation is set by the borders so
  the tests are continuous):

  - **BT** (Bogdanov–Takens, double zero eigenvalue): :math:`\langle w, v\rangle = 0`;
  - **CP** (cusp): the quadratic normal-form coefficient
    :math:`a \propto \langle w, B(v, v)\rangle = 0`, B the second-derivative form
    :math:`B_i(u, v) = \sum_{jk} \partial^2 f_i / \partial x_j \partial x_k\, u_j v_k` (nested
    forward-mode directional derivatives, as in :mod:`.normalform`);
  - **ZH** (zero-Hopf, n >= 3): a complex pair of the other eigenvalues crosses the imaginary
    axis (test: the real part of the pair nearest to it).

* on a Hopf curve, with :math:`\lambda_{1,2}` the critical pair (the two eigenvalues whose sum
  is nearest to zero) and :math:`\kappa = \lambda_1 \lambda_2` (:math:`\omega^2` on the Hopf
  part, :math:`-r^2` on the neutral-saddle part):

  - **BT**: :math:`\kappa = 0` (the frequency goes to zero);
  - **GH** (generalised Hopf, Bautin): the first Lyapunov coefficient :math:`l_1` changes sign
    (Kuznetsov's formula, see :mod:`.normalform`; here evaluated for all curve points in one
    vectorised call);
  - **ZH** (n >= 3): :math:`\det f_x = \kappa \prod_{\text{others}} \lambda` changes sign on the
    Hopf part (a real eigenvalue crosses zero).

Along the curve, ``stable`` / ``n_unstable`` describe the equilibrium with the critical
eigenvalue(s) left out (the zero eigenvalue of a fold, the critical pair of a Hopf point): a
point is stable when no other eigenvalue has a positive real part.  Everything runs in float64
inside a scoped ``jax.enable_x64``; one compiled step serves every curve of a model and size.
"""
from __future__ import annotations

import dataclasses
from functools import partial
from typing import Mapping

import numpy as np
import jax
import jax.numpy as jnp

from dynanalysis._numerics import special

from dynanalysis._numerics import spectra as stability
from dynanalysis.continuation._engine import Branch, _scales, arclength, locate_on_branch, step
from dynanalysis._model.domain import check_range
from dynanalysis._numerics.linalg import lu_solve
from dynanalysis._numerics.batch import pad
from dynanalysis._numerics.special import SpecialPoint
from dynanalysis._numerics.linalg import bialternate, bordered
from dynanalysis._model.xla import jit


@dataclasses.dataclass(frozen=True)
class Curve(Branch):
    """A fold or Hopf curve: a :class:`~.continuation.Branch` (``kind`` "fold" or "hopf",
    ``parameter`` the second parameter, ``params`` both parameters, first parameter first) with
    the test functions along it as evidence, ``tests[name]`` per point:

    * fold: ``"bt"`` (:math:`\\langle w, v\\rangle`), ``"cp"`` (:math:`\\langle w, B(v, v)\\rangle`);
    * hopf: ``"kappa"`` (:math:`\\lambda_1\\lambda_2`: :math:`\\omega^2` > 0 on the Hopf part,
      < 0 on the neutral-saddle part), ``"frequency"`` (:math:`\\sqrt\\kappa`, NaN for neutral
      saddles), ``"lyapunov"`` (:math:`l_1`, NaN for neutral saddles).
    """

    tests: dict | None = None

    @property
    def first_parameter(self) -> str:
        return next(k for k in self.params if k != self.parameter)

    def to_dict(self) -> dict:
        out = super().to_dict()  # every field, ``tests`` included (NaN -> None)
        out["tests"] = out["tests"] or {}
        return out


# --------------------------------------------------------------------------- augmented systems
def _with(p, k1, k2, y):
    """Flat parameters with the two free ones (flat indices k1, k2) set from y's last entries."""
    return p.at[k1].set(y[-2]).at[k2].set(y[-1])


@dataclasses.dataclass(frozen=True)
class FoldSystem:
    """Unknowns ``y = (x, a1, a2)``; residual ``(f, g)`` with g the bordered test of f_x.
    Observed: f_x, v, w (normalised null vectors) and the BT and CP tests.  Hashable (the flow
    only); ``p, k1, k2, b, c`` are data."""

    flow: object

    def __call__(self, y, p, k1, k2, b, c):
        x, q = y[:-2], _with(p, k1, k2, y)
        J = jax.jacfwd(lambda u: self.flow.rhs(u, q))(x)
        return jnp.concatenate([self.flow.rhs(x, q), bordered(J, b, c)[-1:]])

    def observe(self, y, D, p, k1, k2, b, c):
        n = y.shape[0] - 2
        x, q = y[:-2], _with(p, k1, k2, y)
        J = D[:n, :n]
        v = bordered(J, b, c)[:n]
        w = bordered(J.T, c, b)[:n]  # the transposed bordered system: w^T J = 0, b . w = 1
        v, w = v / jnp.linalg.norm(v), w / jnp.linalg.norm(w)
        f = lambda u: self.flow.rhs(u, q)  # noqa: E731
        Bvv = jax.jvp(lambda u: jax.jvp(f, (u,), (v,))[1], (x,), (v,))[1]
        return {"J": J, "v": v, "w": w, "bt": w @ v, "cp": w @ Bvv}


@dataclasses.dataclass(frozen=True)
class HopfSystem:
    """Unknowns ``y = (x, a1, a2)``; residual ``(f, g)`` with g the bordered test of the
    bialternate product 2 f_x ⊙ I.  Observed: f_x."""

    flow: object

    def __call__(self, y, p, k1, k2, b, c):
        x, q = y[:-2], _with(p, k1, k2, y)
        J = jax.jacfwd(lambda u: self.flow.rhs(u, q))(x)
        return jnp.concatenate([self.flow.rhs(x, q), bordered(bialternate(J), b, c)[-1:]])

    def observe(self, y, D, p, k1, k2, b, c):
        n = y.shape[0] - 2
        return {"J": D[:n, :n]}


# --------------------------------------------------------------------------- first Lyapunov coefficient, batched
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
    lam, V = np.linalg.eig(J)
    pair_re = np.where(lam.imag > 0, np.abs(lam.real), np.inf)
    i = np.argmin(pair_re, axis=-1)
    omega = np.take_along_axis(lam, i[:, None], -1)[:, 0].imag
    q = np.take_along_axis(V, i[:, None, None], -1)[..., 0]
    q = q / np.linalg.norm(q, axis=-1, keepdims=True)
    mu, Wt = np.linalg.eig(np.swapaxes(J, -1, -2))
    j = np.argmin(np.abs(mu + 1j * omega[:, None]), axis=-1)
    pt = np.take_along_axis(Wt, j[:, None, None], -1)[..., 0]
    pv = pt / np.conj(np.sum(np.conj(pt) * q, axis=-1, keepdims=True))
    good = np.isfinite(omega) & (omega > 0)
    cplx = lambda z: np.stack([z.real, z.imag], axis=1)  # noqa: E731
    W = np.where(good, omega, 1.0)
    with jax.enable_x64(True):
        l1 = np.asarray(jax.device_get(_lyapunov(flow, pad(X), pad(P), pad(cplx(q)), pad(cplx(pv)), pad(W))))[:N]
    return np.where(good, l1, np.nan), np.where(good, omega, np.nan)


# --------------------------------------------------------------------------- eigenvalue bookkeeping (host, batched)
def _critical_hopf(ev):
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


def _critical_fold(ev):
    others = np.ones(ev.shape, bool)
    others[np.arange(len(ev)), np.argmin(np.abs(ev), axis=-1)] = False
    return others


def _zh_test(ev, others, tol):
    """Real part of the complex pair among the other eigenvalues nearest to the imaginary axis
    (NaN where there is none) -- the zero-Hopf test on a fold curve."""
    cplx = others & (np.abs(ev.imag) > tol[:, None])
    re = np.where(cplx, ev.real, np.inf)
    k = np.argmin(np.abs(re), axis=-1)
    out = np.take_along_axis(ev.real, k[:, None], -1)[:, 0]
    return np.where(np.any(cplx, axis=-1), out, np.nan)


def _sign_changes(g, valid=None):
    g = np.asarray(g, float)
    ok = np.isfinite(g[:-1]) & np.isfinite(g[1:]) & (np.sign(g[:-1]) * np.sign(g[1:]) < 0)
    if valid is not None:
        ok &= valid[:-1] & valid[1:]
    return np.flatnonzero(ok)


# --------------------------------------------------------------------------- input
def _setup(point, second_parameter, bounds, kind, options):
    """Validate and unpack a special point: ``(model, names, p1, p2, k1, k2, x0, a0, S, bnds)``."""
    what = {"LP": "fold_curve", "H": "hopf_curve"}[kind]
    if not isinstance(point, SpecialPoint):
        raise ValueError(f"{what} needs a SpecialPoint (e.g. from continuation.equilibria(...).points({kind!r})), "
                         f"got {type(point).__name__}")
    if point.kind != kind:
        raise ValueError(f"{what} starts from a {kind} point; got a {point.kind!r} point {point!r}")
    model = point.model
    if model is None:
        raise ValueError(f"{what}: the special point carries no model (SpecialPoint.model is None)")
    flow = model.flow
    if second_parameter not in flow.param_names:
        raise ValueError(f"second_parameter {second_parameter!r} is not a parameter of {model.name}; "
                         f"parameters are {list(flow.param_names)}")
    firsts = [k for k in point.params if k != second_parameter]
    if len(firsts) != 1:
        raise ValueError(f"{what}: cannot tell the first parameter from the point's parameters "
                         f"{list(point.params)} and second_parameter {second_parameter!r}")
    p1, p2 = firsts[0], second_parameter
    sizes = dict(zip(flow.param_names, (int(np.prod(s)) for s in flow.param_shapes)))
    for name in (p1, p2):
        if sizes[name] != 1:
            raise ValueError(f"{what}: parameter {name!r} is not a scalar (shape "
                             f"{flow.param_shapes[flow.param_names.index(name)]})")
    if not isinstance(bounds, Mapping):
        raise ValueError(f"bounds must be a dict {{{p1!r}: (lo, hi), {p2!r}: (lo, hi)}}, got {bounds!r}")
    missing = [k for k in (p1, p2) if k not in bounds]
    extra = [k for k in bounds if k not in (p1, p2)]
    if missing or extra:
        raise ValueError(f"bounds must give (lo, hi) for both parameters {p1!r} and {p2!r}: missing {missing}, "
                         f"unexpected {extra}")
    bnds = {k: check_range(k, bounds[k], "bounds") for k in (p1, p2)}
    if kind == "H" and model.dim < 2:
        raise ValueError(f"hopf_curve needs at least 2 state variables; {model.name} has {model.dim}")
    if kind == "H" and model.dim > special.MAX_HOPF_DIM:
        raise ValueError(f"hopf_curve: the bialternate test is limited to {special.MAX_HOPF_DIM} variables; "
                         f"{model.name} has {model.dim}")
    ds, ds_min, ds_max = options["ds"], options["ds_min"], options["ds_max"]
    if not 0 < ds_min <= ds <= ds_max:
        raise ValueError(f"need 0 < ds_min <= ds <= ds_max, got {ds_min}, {ds}, {ds_max}")
    if options["direction"] not in (1, -1):
        raise ValueError(f"direction must be +1 or -1, got {options['direction']!r}")
    m = options["max_steps"]
    if int(m) != m or m < 1:
        raise ValueError(f"max_steps must be a positive integer, got {m!r}")
    names = model.variables
    missing_v = [v for v in names if v not in point.states]
    if missing_v:
        raise ValueError(f"{what}: the special point's state lacks {missing_v}")
    x0 = np.concatenate([np.ravel(np.asarray(point.states[v], float)) for v in names])
    model = model.with_missing(**{p2: 0.5 * sum(bnds[p2])})  # a second parameter without a default
    _, p = model.flat_params()
    p = np.asarray(p, float)
    offsets = dict(zip(flow.param_names, np.cumsum([0] + [sizes[k] for k in flow.param_names])[:-1]))
    k1, k2 = int(offsets[p1]), int(offsets[p2])
    a0 = np.array([float(point.params[p1]), float(p[k2])])
    for name, a in zip((p1, p2), a0):
        lo, hi = bnds[name]
        if not lo <= a <= hi:
            raise ValueError(f"the start value {name} = {a:.10g} lies outside bounds[{name!r}] = ({lo}, {hi})")
    S = np.r_[_scales(model, x0), bnds[p1][1] - bnds[p1][0], bnds[p2][1] - bnds[p2][0]]
    return model, names, p1, p2, k1, k2, x0, a0, p, S, bnds


def _continue(system, setup, kind, options, matrix, what):
    """Refine the start on the augmented system, then continue; the engine's ``prepare`` hook
    gives every step new borders (singular vectors of ``matrix(observed)`` at its start point,
    their sign kept continuous).  ``history[i]`` holds the args of the step from point i."""
    model, names, p1, p2, k1, k2, x0, a0, p, S, bnds = setup
    n = len(x0)
    J0 = stability.jacobian(model.flow, x0, p)  # compiled once per model (no op-by-op dispatch)
    b, c = special.borders(np.asarray(matrix({"J": J0}))[None])
    args = (p, np.int32(k1), np.int32(k2), b[0], c[0])
    # the start: a corrector step with the second parameter held (tangent e_{a2}, zero step)
    e = np.zeros(n + 2)
    e[-1] = 1.0
    z0 = np.r_[x0, a0]
    z, tau, ok, o = step(system, z0, e, 0.0, args, S, options["tol"])
    moved = np.max(np.abs(z - z0)[:-1] / S[:-1])
    if not ok or moved > 1e-3:
        raise ValueError(f"{what}: the start is not a {'fold' if kind == 'LP' else 'Hopf'} point of {model.name} at "
                         f"{p1} = {a0[0]:.10g}, {p2} = {a0[1]:.10g}: Newton on the augmented system "
                         f"{'did not converge' if not ok else f'moved {moved:.3g} (scaled)'}")
    tau = tau * (1 if tau[-1] * options["direction"] > 0 else -1)
    history = []

    def prepare(z, t, o):
        prev = history[-1] if history else args
        b, c = (a[0] for a in special.borders(np.asarray(matrix(o))[None]))
        # singular vectors of a (nearly) singular matrix have arbitrary, independent signs:
        # orient each like its predecessor, so v, w and the tests built on them are continuous
        b, c = (b if b @ prev[3] >= 0 else -b), (c if c @ prev[4] >= 0 else -c)
        history.append(prev[:3] + (b, c))
        return z, t, history[-1]

    Z, T, O, status = arclength(system, args, z, tau, S, {n: bnds[p1], n + 1: bnds[p2]},
                                ds=options["ds"], ds_min=options["ds_min"], ds_max=options["ds_max"],
                                max_steps=options["max_steps"], max_angle=options["max_angle"], tol=options["tol"],
                                observed=o, where=lambda z: f"{p1} = {z[-2]:.10g}, {p2} = {z[-1]:.10g}",
                                prepare=prepare)
    return Z, T, O, status, history


_OPTIONS = dict(ds=0.01, ds_min=1e-7, ds_max=0.05, max_steps=2000, direction=+1, max_angle=30.0, tol=1e-10)


def _options(kw):
    unknown = [k for k in kw if k not in _OPTIONS]
    if unknown:
        raise ValueError(f"unknown option(s) {unknown}; options are {list(_OPTIONS)}")
    return {**_OPTIONS, **kw}


def _point(model, names, p1, p2, kind, z, o, located, data=None):
    n = len(names)
    ev = stability.eigenvalues(np.asarray(o["J"])[None])[0]
    values = {p1: float(z[n]), p2: float(z[n + 1])}
    return SpecialPoint(kind, values, {v: float(z[i]) for i, v in enumerate(names)},
                        {"eigenvalues": ev, "located": bool(located), **(data or {})}, model.with_params(**values))


def _locate_all(system, brackets, Z, T, S, history, tol, model, names, p1, p2, extra=None):
    """Each bracket (kind, i, test) located between points i and i + 1 with the args of that
    step; an unlocated point is reported at the midpoint, flagged ``located=False``."""
    out = []
    for kind, i, test in sorted(brackets, key=lambda b: b[1]):  # in order along the curve
        y, o, ok = locate_on_branch(system, history[i], Z[i], T[i], Z[i + 1], S, test, tol)
        if not ok:
            y, o = 0.5 * (Z[i] + Z[i + 1]), None
        data = {}
        if o is None:  # observed quantities at the midpoint for the record (a zero step there)
            y, _, _, o = step(system, y, T[i], 0.0, history[i], S, tol)
        data["test"] = float(test(y, o))
        if extra:
            data.update(extra(kind, y, o))
        out.append(_point(model, names, p1, p2, kind, y, o, ok, data))
    return out


# --------------------------------------------------------------------------- public
def fold_curve(lp, second_parameter: str, *, bounds: Mapping, ds: float = 0.01, ds_min: float = 1e-7,
               ds_max: float = 0.05, max_steps: int = 2000, direction: int = +1, max_angle: float = 30.0,
               tol: float = 1e-10) -> Curve:
    r"""Continue the fold (LP) point ``lp`` in its parameter and ``second_parameter``.

    Solves :math:`f(x, \alpha_1, \alpha_2) = 0,\ g = 0` (g the bordered test of :math:`f_x`, see
    the module doc) by pseudo-arclength continuation and locates Bogdanov–Takens (BT,
    :math:`\langle w, v\rangle = 0`), cusp (CP, :math:`\langle w, B(v, v)\rangle = 0`) and, for
    n >= 3, zero-Hopf (ZH) points on the curve.

    Parameters
    ----------
    lp : a :class:`~.special.SpecialPoint` of kind "LP" (from
        :func:`~.continuation.equilibria` or a sweep), whose ``params`` hold the first parameter
        and ``model`` every parameter's value there.
    second_parameter : the parameter freed in addition.
    bounds : ``{first: (lo, hi), second: (lo, hi)}``; the curve ends where it leaves them.
    ds, ds_min, ds_max, max_steps, direction, max_angle, tol : as in
        :func:`~.continuation.equilibria` (scaled arclength: variables by their typical ranges,
        parameters by the widths of their bounds); ``direction`` +1 starts towards larger values
        of the second parameter.

    Returns a :class:`Curve` of kind "fold"; ``status`` says why it ended ("bounds",
    "max_steps", or the failure).
    """
    opts = _options(dict(ds=ds, ds_min=ds_min, ds_max=ds_max, max_steps=max_steps, direction=direction,
                         max_angle=max_angle, tol=tol))
    setup = _setup(lp, second_parameter, bounds, "LP", opts)
    model, names, p1, p2, k1, k2, _, _, p, S, _ = setup
    system = FoldSystem(model.flow)
    Z, T, O, status, history = _continue(system, setup, "LP", opts, lambda o: o["J"], "fold_curve")
    n = len(names)
    ev = stability.eigenvalues(O["J"])
    tol_ev = stability.RTOL * stability.jacobian_scale(O["J"])
    others = _critical_fold(ev)
    n_unstable = np.sum(others & (ev.real > tol_ev[:, None]), axis=-1)
    brackets = [("BT", i, lambda z, o: o["bt"]) for i in _sign_changes(O["bt"])]
    brackets += [("CP", i, lambda z, o: o["cp"]) for i in _sign_changes(O["cp"])]
    if n >= 3:
        def zh(z, o):
            e = stability.eigenvalues(np.asarray(o["J"])[None])
            t = stability.RTOL * stability.jacobian_scale(np.asarray(o["J"])[None])
            return _zh_test(e, _critical_fold(e), t)[0]
        g = _zh_test(ev, others, tol_ev)
        brackets += [("ZH", i, zh) for i in _sign_changes(g)]
    points = _locate_all(system, brackets, Z, T, S, history, tol, model, names, p1, p2)
    return Curve("fold", p2, {p1: Z[:, n], p2: Z[:, n + 1]}, {v: Z[:, j] for j, v in enumerate(names)},
                 n_unstable == 0, n_unstable, ev, points, status, model,
                 tests={"bt": np.asarray(O["bt"]), "cp": np.asarray(O["cp"])})


def hopf_curve(h, second_parameter: str, *, bounds: Mapping, ds: float = 0.01, ds_min: float = 1e-7,
               ds_max: float = 0.05, max_steps: int = 2000, direction: int = +1, max_angle: float = 30.0,
               tol: float = 1e-10) -> Curve:
    r"""Continue the Hopf point ``h`` in its parameter and ``second_parameter``.

    Solves :math:`f(x, \alpha_1, \alpha_2) = 0,\ g = 0` (g the bordered test of the bialternate
    product :math:`2 f_x \odot I`, see the module doc) and locates Bogdanov–Takens (BT,
    :math:`\kappa = \omega^2 \to 0`; beyond it the curve goes on as a curve of neutral saddles,
    ``tests["kappa"] < 0``), generalised Hopf (GH, :math:`l_1 = 0`, with the frequency there) and,
    for n >= 3, zero-Hopf (ZH, :math:`\det f_x = 0`) points.  Models of 2 to
    :data:`.special.MAX_HOPF_DIM` variables.

    Parameters as for :func:`fold_curve`, with ``h`` a :class:`~.special.SpecialPoint` of kind "H".
    ``tests`` along the curve: ``kappa``, ``frequency`` and ``lyapunov`` (first Lyapunov
    coefficient, |q| = 1 normalisation as in :mod:`.normalform`).
    """
    opts = _options(dict(ds=ds, ds_min=ds_min, ds_max=ds_max, max_steps=max_steps, direction=direction,
                         max_angle=max_angle, tol=tol))
    setup = _setup(h, second_parameter, bounds, "H", opts)
    model, names, p1, p2, k1, k2, _, _, p, S, _ = setup
    system = HopfSystem(model.flow)
    Z, T, O, status, history = _continue(system, setup, "H", opts, lambda o: bialternate(np.asarray(o["J"])),
                                         "hopf_curve")
    n = len(names)
    flow = model.flow
    J = O["J"]
    ev = stability.eigenvalues(J)
    tol_ev = stability.RTOL * stability.jacobian_scale(J)
    kappa, others = _critical_hopf(ev)
    n_unstable = np.sum(others & (ev.real > tol_ev[:, None]), axis=-1)
    hopf = kappa > 0
    P = np.tile(p, (len(Z), 1))
    P[:, k1], P[:, k2] = Z[:, n], Z[:, n + 1]
    l1 = np.full(len(Z), np.nan)
    if hopf.any():
        l1[hopf] = lyapunov_coefficients(flow, Z[hopf, :n], P[hopf], J[hopf])[0]
    freq = np.where(hopf, np.sqrt(np.abs(kappa)), np.nan)

    def params_at(z):
        q = p.copy()
        q[k1], q[k2] = z[n], z[n + 1]
        return q

    def kappa_at(z, o):
        return _critical_hopf(stability.eigenvalues(np.asarray(o["J"])[None]))[0][0]

    def l1_at(z, o):
        return lyapunov_coefficients(flow, z[None, :n], params_at(z)[None], np.asarray(o["J"])[None])[0][0]

    brackets = [("BT", i, kappa_at) for i in _sign_changes(kappa)]
    brackets += [("GH", i, l1_at) for i in _sign_changes(l1, hopf)]
    if n >= 3:
        brackets += [("ZH", i, lambda z, o: np.linalg.det(o["J"])) for i in _sign_changes(np.linalg.det(J), hopf)]

    def extra(kind, z, o):
        k = kappa_at(z, o)
        out = {"kappa": float(k)}
        if kind in ("GH", "ZH") and k > 0:
            l1_, om = lyapunov_coefficients(flow, z[None, :n], params_at(z)[None], np.asarray(o["J"])[None])
            out.update(frequency=float(om[0]), lyapunov=float(l1_[0]))
        return out

    points = _locate_all(system, brackets, Z, T, S, history, tol, model, names, p1, p2, extra)
    return Curve("hopf", p2, {p1: Z[:, n], p2: Z[:, n + 1]}, {v: Z[:, j] for j, v in enumerate(names)},
                 n_unstable == 0, n_unstable, ev, points, status, model,
                 tests={"kappa": kappa, "frequency": freq, "lyapunov": l1})
