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
  :func:`.._numerics.linalg.bialternate`, size n(n-1)/2, eigenvalues :math:`\lambda_i + \lambda_j`, i < j),
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
from typing import Mapping

import numpy as np
import jax
import jax.numpy as jnp

from dynanalysis._numerics import locate

from dynanalysis._numerics import spectra as stability
from dynanalysis.continuation._engine import Branch, Options, _scales, arclength, locate_on_branch, step
from dynanalysis._model.domain import check_range
from dynanalysis._numerics import points
from dynanalysis._numerics.status import throwing
from dynanalysis._numerics.normalform import lyapunov_coefficients
from dynanalysis._numerics.points import FOLD, HOPF
from dynanalysis._numerics.points import SpecialPoint
from dynanalysis._numerics.linalg import bialternate, bordered, borders


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


# --------------------------------------------------------------------------- eigenvalue bookkeeping (host, batched)
def _context(model, p, k1, k2):
    """What the registry's test functions need: the flow, n and the flat parameters at points."""
    def params(Z):
        P = np.tile(p, (len(Z), 1))
        P[:, k1], P[:, k2] = Z[:, -2], Z[:, -1]
        return P
    return points.Context(model.flow, model.dim, params)


def _at(code, on, ctx):
    """The locator's target: the registry's test function of ``code`` at one point."""
    return lambda z, o: points.kind(code).at(on, z, o, ctx)


def _sign_changes(g, valid=None):
    g = np.asarray(g, float)
    ok = np.isfinite(g[:-1]) & np.isfinite(g[1:]) & (np.sign(g[:-1]) * np.sign(g[1:]) < 0)
    if valid is not None:
        ok &= valid[:-1] & valid[1:]
    return np.flatnonzero(ok)


# --------------------------------------------------------------------------- input
def _setup(point, second_parameter, bounds, kind):
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
    if kind == "H" and model.dim > locate.MAX_HOPF_DIM:
        raise ValueError(f"hopf_curve: the bialternate test is limited to {locate.MAX_HOPF_DIM} variables; "
                         f"{model.name} has {model.dim}")
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
    b, c = borders(np.asarray(matrix({"J": J0}))[None])
    args = (p, np.int32(k1), np.int32(k2), b[0], c[0])
    # the start: a corrector step with the second parameter held (tangent e_{a2}, zero step)
    e = np.zeros(n + 2)
    e[-1] = 1.0
    z0 = np.r_[x0, a0]
    z, tau, ok, o = step(system, z0, e, 0.0, args, S, options.tol)
    moved = np.max(np.abs(z - z0)[:-1] / S[:-1])
    if not ok or moved > 1e-3:
        raise ValueError(f"{what}: the start is not a {'fold' if kind == 'LP' else 'Hopf'} point of {model.name} at "
                         f"{p1} = {a0[0]:.10g}, {p2} = {a0[1]:.10g}: Newton on the augmented system "
                         f"{'did not converge' if not ok else f'moved {moved:.3g} (scaled)'}")
    tau = tau * (1 if tau[-1] * options.direction > 0 else -1)
    history = []

    def prepare(z, t, o):
        prev = history[-1] if history else args
        b, c = (a[0] for a in borders(np.asarray(matrix(o))[None]))
        # singular vectors of a (nearly) singular matrix have arbitrary, independent signs:
        # orient each like its predecessor, so v, w and the tests built on them are continuous
        b, c = (b if b @ prev[3] >= 0 else -b), (c if c @ prev[4] >= 0 else -c)
        history.append(prev[:3] + (b, c))
        return z, t, history[-1]

    Z, T, O, status, message = arclength(system, args, z, tau, S, {n: bnds[p1], n + 1: bnds[p2]}, options,
                                         observed=o, where=lambda z: f"{p1} = {z[-2]:.10g}, {p2} = {z[-1]:.10g}",
                                         prepare=prepare)
    return Z, T, O, (status, message), history


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
@throwing
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
    lp : a :class:`~dynanalysis.SpecialPoint` of kind "LP" (from
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
    opts = Options(ds=ds, ds_min=ds_min, ds_max=ds_max, max_steps=max_steps, direction=direction,
                   max_angle=max_angle, tol=tol)
    setup = _setup(lp, second_parameter, bounds, "LP")
    model, names, p1, p2, k1, k2, _, _, p, S, _ = setup
    system = FoldSystem(model.flow)
    Z, T, O, ended, history = _continue(system, setup, "LP", opts, lambda o: o["J"], "fold_curve")
    n = len(names)
    ev = stability.eigenvalues(O["J"])
    others = stability.critical_zero(ev)
    n_unstable = stability.unstable_eigenvalues(ev, stability.jacobian_scale(O["J"]), counted=others)
    ctx = _context(model, p, k1, k2)
    codes = ("BT", "CP", "ZH") if n >= 3 else ("BT", "CP")
    brackets = [(code, i, _at(code, FOLD, ctx)) for code in codes
                for i in _sign_changes(points.kind(code).test(FOLD)(Z, O, ctx))]
    located = _locate_all(system, brackets, Z, T, S, history, tol, model, names, p1, p2)
    return Curve("fold", p2, {p1: Z[:, n], p2: Z[:, n + 1]}, {v: Z[:, j] for j, v in enumerate(names)},
                 n_unstable == 0, n_unstable, ev, located, ended[0], model, message=ended[1],
                 tests={"bt": np.asarray(O["bt"]), "cp": np.asarray(O["cp"])})


@throwing
def hopf_curve(h, second_parameter: str, *, bounds: Mapping, ds: float = 0.01, ds_min: float = 1e-7,
               ds_max: float = 0.05, max_steps: int = 2000, direction: int = +1, max_angle: float = 30.0,
               tol: float = 1e-10) -> Curve:
    r"""Continue the Hopf point ``h`` in its parameter and ``second_parameter``.

    Solves :math:`f(x, \alpha_1, \alpha_2) = 0,\ g = 0` (g the bordered test of the bialternate
    product :math:`2 f_x \odot I`, see the module doc) and locates Bogdanov–Takens (BT,
    :math:`\kappa = \omega^2 \to 0`; beyond it the curve goes on as a curve of neutral saddles,
    ``tests["kappa"] < 0``), generalised Hopf (GH, :math:`l_1 = 0`, with the frequency there) and,
    for n >= 3, zero-Hopf (ZH, :math:`\det f_x = 0`) points.  Models of 2 to
    :data:`.locate.MAX_HOPF_DIM` variables.

    Parameters as for :func:`fold_curve`, with ``h`` a :class:`~dynanalysis.SpecialPoint` of kind "H".
    ``tests`` along the curve: ``kappa``, ``frequency`` and ``lyapunov`` (first Lyapunov
    coefficient, |q| = 1 normalisation as in :mod:`.normalform`).
    """
    opts = Options(ds=ds, ds_min=ds_min, ds_max=ds_max, max_steps=max_steps, direction=direction,
                   max_angle=max_angle, tol=tol)
    setup = _setup(h, second_parameter, bounds, "H")
    model, names, p1, p2, k1, k2, _, _, p, S, _ = setup
    system = HopfSystem(model.flow)
    Z, T, O, ended, history = _continue(system, setup, "H", opts, lambda o: bialternate(np.asarray(o["J"])),
                                         "hopf_curve")
    n = len(names)
    flow = model.flow
    J = O["J"]
    ev = stability.eigenvalues(J)
    kappa, others = stability.critical_pair(ev)
    n_unstable = stability.unstable_eigenvalues(ev, stability.jacobian_scale(O["J"]), counted=others)
    hopf = kappa > 0
    ctx = _context(model, p, k1, k2)
    l1 = np.full(len(Z), np.nan)
    if hopf.any():
        l1[hopf] = points.kind("GH").test(HOPF)(Z[hopf], {"J": J[hopf]}, ctx)
    freq = np.where(hopf, np.sqrt(np.abs(kappa)), np.nan)
    brackets = [("BT", i, _at("BT", HOPF, ctx)) for i in _sign_changes(kappa)]
    brackets += [("GH", i, _at("GH", HOPF, ctx)) for i in _sign_changes(l1, hopf)]
    if n >= 3:
        zh = points.kind("ZH").test(HOPF)(Z, O, ctx)
        brackets += [("ZH", i, _at("ZH", HOPF, ctx)) for i in _sign_changes(zh, hopf)]

    def extra(kind, z, o):
        k = points.kind("BT").at(HOPF, z, o, ctx)
        out = {"kappa": float(k)}
        if kind in ("GH", "ZH") and k > 0:
            l1_, om = lyapunov_coefficients(flow, z[None, :n], ctx.params(z[None]), np.asarray(o["J"])[None])
            out.update(frequency=float(om[0]), lyapunov=float(l1_[0]))
        return out

    located = _locate_all(system, brackets, Z, T, S, history, tol, model, names, p1, p2, extra)
    return Curve("hopf", p2, {p1: Z[:, n], p2: Z[:, n + 1]}, {v: Z[:, j] for j, v in enumerate(names)},
                 n_unstable == 0, n_unstable, ev, located, ended[0], model, message=ended[1],
                 tests={"kappa": kappa, "frequency": freq, "lyapunov": l1})
