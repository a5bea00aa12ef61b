r"""Branch switching: the equilibrium branches through a branch point (BP).

At a simple branch point :math:`z_0 = (x_0, \alpha_0)` of :math:`F(z) = f(x, \alpha) = 0`, the
Jacobian :math:`F_z` (n x (n + 1)) has rank n - 1: a two-dimensional kernel spanned by
:math:`\varphi_1, \varphi_2` and a left null vector :math:`\psi`.  The branches through the point
have tangents :math:`t = a \varphi_1 + b \varphi_2` with (Keller 1977; Kuznetsov, *Elements of
Applied Bifurcation Theory*, sec. 10.2.2; MatCont's BP switch) the algebraic bifurcation equation

.. math::
    c_{11} a^2 + 2 c_{12} a b + c_{22} b^2 = 0, \qquad c_{ij} = \psi^T F_{zz}(\varphi_i, \varphi_j),

whose two real roots (discriminant :math:`c_{12}^2 - c_{11} c_{22} > 0`) are the two crossing
branches, transcritical or pitchfork alike (at a Z2-symmetric pitchfork :math:`c_{22} = 0` on the
symmetry-breaking direction, and the roots are the symmetric branch and the one that breaks it).
All of it in the scaled unknowns :math:`u = z / S` (variables by their ranges, the parameter by
the width of its bounds), from one compiled program: F_z by forward mode, its SVD, the second
derivatives as nested directional derivatives.

Where the equation says nothing (all :math:`c_{ij}` negligible, a zero discriminant, a kernel of
f_x of dimension > 1), the new branches are found by deflation instead: at a parameter value a
small step to each side, Newton on :math:`f(x) \prod_j (1 + 1 / \|x - r_j\|^2)` from the point
moved along each kernel direction, so that it cannot fall back onto a root :math:`r_j` already
found; every root that is not on the known branch starts a branch.
"""
from __future__ import annotations

import dataclasses
from functools import partial
from typing import Mapping

import numpy as np
import jax
import jax.numpy as jnp

from dynanalysis._model.domain import check_range
from dynanalysis._model.xla import jit, scope
from dynanalysis._numerics import spectra
from dynanalysis._numerics.newton import correct
from dynanalysis._numerics.points import SpecialPoint
from dynanalysis.continuation._engine import Options, _scales, both_ways, on_branch, step
from dynanalysis.continuation._equilibria import EquilibriumSystem, _limits, follow
from dynanalysis.continuation._periodic import switch_period_doubling

RANK_TOL = 1e-6    # singular values of F_z S below this (relative) span its kernel with the null direction
FORM_TOL = 1e-8    # c_ij and the discriminant, relative to the size of the second derivatives
SAME = 0.95        # |cos| between two tangents above which they are one branch


@partial(jit, static_argnames=("flow",))
def _reduced(flow, z, p, k, S, probes):
    """At z: the scaled Jacobian ``D = F_z S`` (n, n + 1), its singular values and right
    singular vectors ``Vt`` (the kernel ``phi = Vt[n - 1:]`` with the left null vector ``psi``
    of the smallest singular value give the bifurcation coefficients ``c`` (2, 2)), and the size
    of F_uu on the random unit ``probes`` (a scale for c)."""
    n = z.shape[0] - 1

    def F(u):
        y = z + S * u
        return flow.rhs(y[:n], p.at[k].set(y[n]))

    zero = jnp.zeros_like(z)

    def d2(a, b):
        return jax.jvp(lambda y: jax.jvp(F, (y,), (b,))[1], (zero,), (a,))[1]

    D = jax.jacfwd(F)(zero)
    U, s, Vt = jnp.linalg.svd(D)
    phi, psi = Vt[n - 1:], U[:, n - 1]
    c = jnp.stack([jnp.stack([psi @ d2(phi[i], phi[j]) for j in range(2)]) for i in range(2)])
    size = jnp.max(jax.vmap(lambda a: jnp.max(jnp.abs(d2(a, a))))(probes))
    return D, s, Vt, c, size


def _directions(c, phi, size):
    """Unit tangents (scaled) of the branches through the point from the bifurcation equation,
    or None where it is degenerate."""
    c11, c12, c22 = c[0, 0], 0.5 * (c[0, 1] + c[1, 0]), c[1, 1]
    big = max(abs(c11), abs(c12), abs(c22))
    disc = c12 ** 2 - c11 * c22
    if big <= FORM_TOL * max(size, 1e-300) or disc <= FORM_TOL * big ** 2:
        return None
    root = np.sqrt(disc)
    if abs(c22) >= abs(c11) and c22 != 0:  # (a, b) = (1, r): c22 r^2 + 2 c12 r + c11 = 0
        pairs = [(c22, -c12 + root), (c22, -c12 - root)]
    elif c11 != 0:  # (a, b) = (r, 1): c11 r^2 + 2 c12 r + c22 = 0
        pairs = [(-c12 + root, c11), (-c12 - root, c11)]
    else:  # 2 c12 a b = 0
        pairs = [(1.0, 0.0), (0.0, 1.0)]
    out = []
    for a, b in pairs:
        t = a * phi[0] + b * phi[1]
        out.append(t / np.linalg.norm(t))
    return out


DEFLATED = 16  # roots a deflated search keeps (a fixed size: one compiled program)


def _deflated_starts(flow, z0, p, k, S, phi, known, delta, tol, tries: int = 4):
    """Roots of f(., alpha_0 +- delta S_alpha) near x_0 that are not on the known branch (scaled
    tangent ``known``, or None): from x_0 moved along each kernel direction (and their sums and
    differences) by
    sqrt(delta) times 1/2, 1 and 2, Newton on f deflated by every root found so far, repeated from
    the same guess until it finds no new root."""
    n = len(z0) - 1
    kernel = [v[:n] / np.linalg.norm(v[:n]) for v in phi if np.linalg.norm(v[:n]) > 1e-3]
    if len(kernel) > 1:  # and the diagonals between them (symmetric branches lie on them)
        kernel += [(u + sign * v) / np.linalg.norm(u + sign * v) for i, u in enumerate(kernel)
                   for v in kernel[i + 1:] for sign in (1.0, -1.0)]
    starts = []
    for side in (+1.0, -1.0):
        q = np.array(p, float)
        q[k] = z0[n] + side * delta * S[n]
        roots, found = np.zeros((DEFLATED, n)), 0
        for v in kernel:
            for r in np.sqrt(delta) * np.array([1.0, -1.0, 0.5, -0.5, 2.0, -2.0]):
                for _ in range(tries):
                    if found == DEFLATED:
                        break
                    with scope():
                        x, ok = (np.asarray(a) for a in _deflated_newton(
                            flow, jnp.asarray(z0[:n] + r * S[:n] * v), jnp.asarray(q), jnp.asarray(roots),
                            jnp.arange(DEFLATED) < found, jnp.asarray(S[:n]), tol))
                    if not ok or (found and np.min(np.max(np.abs(x - roots[:found]) / S[:n], axis=1)) < 1e-6):
                        break
                    roots[found], found = x, found + 1
                    d = (np.r_[x, q[k]] - z0) / S
                    if known is None or abs(d @ known) / np.linalg.norm(d) < SAME:
                        starts.append(np.r_[x, q[k]])
    return starts


@partial(jit, static_argnames=("flow",))
def _deflated_newton(flow, x0, p, roots, valid, scale, tol):
    """Newton on f(x) prod_j (1 + 1 / |x - r_j|^2) (scaled distances; the roots ``valid``), then
    polished on f itself: converged means a root of f (deflation only steered the iterates)."""
    def G(x):
        d2 = jnp.sum(((x[None] - roots) / scale) ** 2, axis=1)
        return flow.rhs(x, p) * jnp.prod(jnp.where(valid, 1.0 + 1.0 / jnp.where(valid, d2, 1.0), 1.0))

    x, _, _, _ = correct(G, x0, scale, iters=40, ftol=tol)
    x, ok, _, _ = correct(lambda x: flow.rhs(x, p), x, scale, iters=8, ftol=tol)
    return x, ok


def switch(point: SpecialPoint, *, bounds, box: Mapping | None = None, **options) -> list:
    """The equilibrium branches through the branch point ``point`` other than the one it was
    found on, each continued both ways from the point (one :class:`~.Branch` per new branch, its
    ``origin`` saying where it started); for a period-doubling point ``point`` of a periodic
    branch, the period-2 branch born there (and with ``depth=`` d > 1 the cascade's next d - 1
    branches: :func:`~._periodic.switch_period_doubling`, whose options apply).

    Parameters
    ----------
    point : a located "BP" :class:`~dynanalysis.SpecialPoint` of an equilibrium branch (from
        :func:`equilibria`, a diagram or a sweep); its first parameter is continued.  A point
        from a branch carries that branch's tangent (``data["tangent"]``), which is skipped;
        without it every branch through the point is returned.
    bounds : ``(lo, hi)`` of the parameter (or ``{parameter: (lo, hi)}``).
    box : ``{variable: (lo, hi)}``: branches also end where a variable leaves its range.
    options : step control as in :func:`equilibria` (``ds``, ``ds_min``, ``ds_max``,
        ``max_steps``, ``max_angle``, ``tol``).

    The tangents come from the algebraic bifurcation equation (module doc); where it is
    degenerate, from deflated Newton a small step to each side.  Raises ``ValueError`` for a
    point that is not a located branch point (F_z must have rank n - 1 there).
    """
    if not isinstance(point, SpecialPoint):
        raise ValueError(f"point must be a SpecialPoint (a BP of an equilibrium branch), got {type(point).__name__}")
    if point.kind == "PD":
        return switch_period_doubling(point, bounds=bounds[next(iter(point.params))] if isinstance(bounds, Mapping)
                                      else bounds, **options)
    if point.kind != "BP":
        raise ValueError(f"switch: point must be a branch point (kind 'BP') of equilibria or a period doubling "
                         f"(kind 'PD') of cycles, got kind {point.kind!r}")
    if not point.data.get("located", True):
        raise ValueError("switch: the branch point was not located (data['located'] is False); refine it first")
    if point.model is None:
        raise ValueError("switch: the point carries no model (SpecialPoint.model)")
    model, parameter = point.model, next(iter(point.params))
    if isinstance(bounds, Mapping):
        if parameter not in bounds:
            raise ValueError(f"bounds must give the range of {parameter!r}, got keys {list(bounds)}")
        bounds = bounds[parameter]
    lo, hi = check_range(parameter, bounds, "bounds")
    alpha = float(point.params[parameter])
    if not lo <= alpha <= hi:
        raise ValueError(f"the branch point's {parameter} = {alpha} lies outside bounds ({lo}, {hi})")
    opts = Options.with_defaults({}, options)
    flow, names = model.flow, model.variables
    _, p = model.flat_params()
    p = np.array(p, float)
    k = list(flow.param_names).index(parameter)
    x0 = np.asarray(model.flat_state(point.states)[1], float)
    z0 = np.r_[x0, alpha]
    n = len(x0)
    S = np.r_[_scales(model, x0), hi - lo]
    probes = np.random.default_rng(0).standard_normal((4, n + 1))
    with scope():
        D, s, Vt, c, size = (np.asarray(a) for a in _reduced(flow, jnp.asarray(z0), jnp.asarray(p), np.int32(k),
                                                                jnp.asarray(S), jnp.asarray(probes / np.linalg.norm(probes, axis=1, keepdims=True))))
    # relative to F_z's largest singular value, or where all of F_z nearly vanishes (a symmetric
    # point) to the size of its second derivatives
    ref = max(float(s[0]), float(size), 1e-300)
    small = int(np.sum(s <= RANK_TOL * ref))
    phi = Vt[n - max(small, 1):]  # the kernel of F_z (small + 1 directions)
    if small > 1:
        tangents = None  # a kernel of f_x of dimension > 1: deflation
    elif small == 0:
        raise ValueError(f"switch: not a branch point of {model.name}: F_z has full rank there (smallest singular "
                         f"value {s[n - 1]:.3g}, largest {s[0]:.3g})")
    else:
        tangents = _directions(c, Vt[n - 1:], float(size))
    known = point.data.get("tangent")
    known = None if known is None else np.asarray(known, float) / S / np.linalg.norm(np.asarray(known, float) / S)
    system, args = EquilibriumSystem(flow), (p, np.int32(k))
    limits = _limits(model, names, n + 1, lo, hi, box)
    where = f"{parameter} = {alpha:.10g}"
    out = []
    if tangents is not None:
        for t in tangents:
            if known is not None and abs(t @ known) >= SAME:
                continue
            out.append(_both_ways(lambda sign: follow(model, parameter, system, args, z0, sign * t, S, limits, opts,
                                                      D / S[None, :], from_special=True),
                                  point, f"switch at BP {where} (bifurcation equation)"))
        return out
    e = np.zeros(n + 1)
    e[n] = 1.0  # a deflated root: corrected with the parameter held
    for z in _deflated_starts(flow, z0, p, k, S, phi, known, 10 * opts.ds, opts.tol):
        if on_branch(out, z[:n], z[n], S):
            continue
        branch = _through(model, parameter, system, args, S, limits, opts, z, e)
        if branch is not None:
            out.append(dataclasses.replace(branch, origin=f"switch at BP {where} (deflation)"))
    return out


def _both_ways(run, point, origin):
    """The branch continued from its start one way and, unless it closed on itself, the other
    (joined); the branch point it starts from among its special points."""
    branch = both_ways(run)
    near = lambda s: s.kind == "BP" and all(abs(s.params[k] - v) <= 1e-8 * max(1.0, abs(v))  # noqa: E731
                                            for k, v in point.params.items())
    if not any(near(s) for s in branch.special_points):
        branch = dataclasses.replace(branch, special_points=branch.special_points + [point])
    return dataclasses.replace(branch, origin=origin)


def _through(model, parameter, system, args, S, limits, opts, z, tau, off=0.0):
    """The equilibrium branch through the point nearest z on the hyperplane normal to tau
    (scaled), moved ``off`` along the branch, continued both ways; None if the correction fails."""
    z, t, ok, D = step(system, z, tau, 0.0, args, S, opts.tol)
    if not ok:
        return None
    if off:
        moved = step(system, z, t, off, args, S, opts.tol)
        if moved[2]:
            z, t, _, D = moved
    return both_ways(lambda sign: follow(model, parameter, system, args, z, sign * t, S, limits, opts, D))


def through_fold(model, parameter: str, x, alpha: float, *, bounds, box=None, **options):
    """The equilibrium branch through a fold point (x, alpha) of ``model`` (e.g. where a fold
    curve in two parameters crosses the model's value of the other one), continued both ways;
    None if no equilibrium is found there.  At a fold the bordered system along the fold's null
    direction (v, 0) is regular, so the point is corrected along it and then moved a step off the
    fold (so that the branch locates the fold itself); an isola closes on itself."""
    opts = Options.with_defaults({}, options)
    lo, hi = check_range(parameter, bounds, "bounds")
    flow, n = model.flow, model.dim
    _, p = model.flat_params()
    p = np.array(p, float)
    k = list(flow.param_names).index(parameter)
    S = np.r_[_scales(model, np.asarray(x, float)), hi - lo] if box is None else \
        np.r_[[box[v][1] - box[v][0] for v in model.variables], hi - lo]
    q = p.copy()
    q[k] = alpha
    t = np.r_[np.linalg.svd(spectra.jacobian(flow, np.asarray(x, float), q))[2][-1], 0.0] / S
    return _through(model, parameter, EquilibriumSystem(flow), (p, np.int32(k)), S,
                    _limits(model, model.variables, n + 1, lo, hi, box), opts, np.r_[x, alpha], t / np.linalg.norm(t),
                    off=opts.ds)
