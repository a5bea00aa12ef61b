r"""Curves of saddle homoclinic orbits in two parameters: a truncated boundary-value problem with
projection boundary conditions (in the spirit of HomCont and MatCont's homoclinic toolbox).

The orbit is computed on a long but finite time interval :math:`[0, T]` (time scaled to
:math:`\tau \in [0, 1]`, :math:`x' = T f(x, \alpha)`), together with the saddle
:math:`x_s` it is homoclinic to and the two free parameters :math:`(\alpha_1, \alpha_2)`:

.. math::
    x'(c_{jl}) - T f(x(c_{jl}), \alpha) = 0 \quad \text{(collocation, as in :mod:`._periodic`)},
    \qquad f(x_s, \alpha) = 0,

    Q_s^T (x(0) - x_s) = 0, \qquad Q_u^T (x(1) - x_s) = 0, \qquad
    \int_0^1 \langle x - x_\text{ref}, x_\text{ref}' \rangle\, d\tau = 0:

the orbit leaves the saddle in its unstable eigenspace (:math:`Q_s` spans the left invariant
subspace of the stable eigenvalues, orthogonal to :math:`E^u`) and returns in its stable
eigenspace (:math:`Q_u` likewise), and the integral phase condition fixes the time shift.  That
is one equation fewer than unknowns: a curve in the parameter plane, followed by the
pseudo-arclength engine (dense Newton).  After every accepted point the mesh is moved to
equidistribute the error (as for cycles; the orbit changes shape along the curve) and the
projections are recomputed at its saddle (both held during a step).  The truncation error in the parameters decays like
:math:`e^{-2\lambda T}` (Beyn 1990), with :math:`\lambda` the saddle's weakest eigenvalue; T is
the period of the large-period cycle the curve starts from.

The start is the last orbit of a periodic branch that ended in a homoclinic orbit ("HOM",
:mod:`._global`): the cycle is cut at its mesh point nearest the saddle.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import jax
import jax.numpy as jnp

from dynanalysis._model.domain import check_range
from dynanalysis._numerics import spectra as stability
from dynanalysis._numerics.points import SpecialPoint
from dynanalysis._numerics.status import Status, throwing
from dynanalysis.continuation._engine import Branch, Options, _scales, arclength, both_ways, step
from dynanalysis.continuation._periodic import CycleSystem, _evaluate, adapt_mesh, basis, node_times


@dataclasses.dataclass(frozen=True)
class HomoclinicSystem:
    """The projection boundary-value problem (module doc).  Unknowns
    ``y = (nodes ((N m + 1) n), x_s (n), alpha_2, alpha_1)``; data ``args = (p, k1, k2, mesh, ref,
    Qs, Qu, T, S)``.  Hashable structure only: the flow and the mesh sizes."""

    flow: object
    ntst: int
    ncol: int

    def split(self, y):
        n, N, m = self.flow.dim, self.ntst, self.ncol
        U = y[:(N * m + 1) * n].reshape(N * m + 1, n)
        return U, y[(N * m + 1) * n:(N * m + 2) * n], y[-2], y[-1]

    def intervals(self, U):
        """(N, m + 1, n): each interval's nodes, the end node shared with the next interval."""
        N, m = self.ntst, self.ncol
        return jnp.stack([U[j * m:(j + 1) * m + 1] for j in range(N)])

    def __call__(self, y, p, k1, k2, mesh, ref, Qs, Qu, T, S):
        Lc, Dc, w = basis(self.ncol)[:3]
        U, xs, a2, a1 = self.split(y)
        P = p.at[k1].set(a1).at[k2].set(a2)
        V, R = self.intervals(U), self.intervals(self.split(ref)[0])
        h = jnp.diff(mesh)[:, None, None]
        f = lambda x: self.flow.rhs(x, P)  # noqa: E731
        col = jnp.einsum("lm,jmn->jln", Dc, V) / h - T * jax.vmap(jax.vmap(f))(jnp.einsum("lm,jmn->jln", Lc, V))
        n = self.flow.dim
        sv = S[:n] / math.sqrt(self.ntst * self.ncol)
        dr = jnp.einsum("lm,jmn->jln", Dc, R) / sv
        phase = jnp.sum(w[None, :, None] * jnp.einsum("lm,jmn->jln", Lc, V - R) / sv * dr)
        phase = phase / jnp.sqrt(jnp.maximum(jnp.sum(w[None, :, None] * dr * dr / h), 1e-300))
        return jnp.concatenate([col.ravel(), f(xs), Qs.T @ (U[0] - xs), Qu.T @ (U[-1] - xs), phase[None]])

    def observe(self, y, D, p, k1, k2, mesh, ref, Qs, Qu, T, S):
        U, xs, a2, a1 = self.split(y)
        P = p.at[k1].set(a1).at[k2].set(a2)
        return {"J": jax.jacfwd(lambda x: self.flow.rhs(x, P))(xs), "min": U.min(0), "max": U.max(0), "mesh": mesh}


def _projections(J):
    """Orthonormal bases (n, n_s) and (n, n_u) of the left invariant subspaces of J for its
    stable and unstable eigenvalues: Q_s^T v = 0 exactly for v in the unstable eigenspace, and
    Q_u^T v = 0 for v in the stable one."""
    ev, W = np.linalg.eig(np.asarray(J).T)
    out = []
    for sel in (ev.real < 0, ev.real > 0):
        cols = np.concatenate([W[:, sel].real, W[:, sel].imag], axis=1)
        U, s, _ = np.linalg.svd(cols, full_matrices=False)
        out.append(U[:, :int(sel.sum())])
    return out


@throwing
def homoclinic_curve(point: SpecialPoint, second_parameter: str, *, bounds, ds: float = 0.01,
                     ds_min: float = 1e-7, ds_max: float = 0.05, max_steps: int = 400, max_angle: float = 30.0,
                     tol: float = 1e-10, direction: int = 0) -> Branch:
    """Continue the saddle homoclinic orbit ``point`` in its parameter and ``second_parameter``
    (the projection boundary-value problem of the module doc).

    Parameters
    ----------
    point : a "HOM" :class:`~dynanalysis.SpecialPoint` ending a periodic branch
        (:func:`~.continuation.periodic_orbits`); its ``data`` holds the branch's last,
        large-period orbit (``orbit``, ``mesh``, ``ncol``, ``orbit_period``, ``orbit_parameter``).
    second_parameter : the parameter freed in addition.
    bounds : ``{first: (lo, hi), second: (lo, hi)}``; the curve ends where it leaves them.
    ds, ds_min, ds_max, max_steps, max_angle, tol : as in :func:`~.continuation.equilibria`
        (parameters scaled by the widths of their bounds).
    direction : +1 or -1: towards larger or smaller values of the second parameter only; 0
        (default): both ways, joined.

    The curve also ends (status "special point") where the saddle's weakest eigenvalue nears zero
    (|Re lambda| T < 5): it meets a fold of equilibria in a saddle-node homoclinic orbit, beyond
    which the orbit is homoclinic to a saddle-node (a SNIC) or gone.

    Returns a :class:`~.continuation.Branch` of kind "homoclinic": ``params`` both parameters
    (the first first), ``states`` the saddle (``<variable>``) and the orbit's ``<variable>_min``
    / ``_max``, ``eigenvalues`` the saddle's, ``orbits`` the profiles (``t`` in [0, 1]); drawn in
    the parameter plane by :meth:`~.Branch.plot`.  The truncation interval T is the orbit's
    period; the error in the parameters decays like :math:`e^{-2\\lambda T}`.
    """
    if not isinstance(point, SpecialPoint) or point.kind != "HOM":
        kind = getattr(point, "kind", type(point).__name__)
        hint = ("; from a Bogdanov-Takens point use Bifurcation2D(..., method='continuation').compute(homoclinic=True), "
                "which starts it through the cycles of the nearby Hopf curve") if kind == "BT" else ""
        raise ValueError(f"homoclinic_curve needs a 'HOM' SpecialPoint (the end of a periodic branch), got {kind!r}{hint}")
    if "orbit" not in point.data or point.model is None:
        raise ValueError("the HOM point carries no orbit or model: take it from continuation.periodic_orbits")
    model, first = point.model, next(iter(point.params))
    flow, names = model.flow, model.variables
    if second_parameter not in flow.param_names or second_parameter == first:
        raise ValueError(f"second_parameter must be a parameter of {model.name} other than {first!r}, got "
                         f"{second_parameter!r}; parameters are {list(flow.param_names)}")
    if not isinstance(bounds, dict) or set(bounds) != {first, second_parameter}:
        raise ValueError(f"bounds must be {{{first!r}: (lo, hi), {second_parameter!r}: (lo, hi)}}, got {bounds!r}")
    (lo1, hi1), (lo2, hi2) = (check_range(q, bounds[q], "bounds") for q in (first, second_parameter))
    if direction not in (-1, 0, 1):
        raise ValueError(f"direction must be -1, 0 or +1, got {direction!r}")
    options = Options(ds=ds, ds_min=ds_min, ds_max=ds_max, max_steps=max_steps, max_angle=max_angle, tol=tol)
    n, m = flow.dim, int(point.data["ncol"])
    mesh = np.asarray(point.data["mesh"], float)
    N = len(mesh) - 1
    X = np.stack([np.asarray(point.data["orbit"][v])[:-1] for v in names], -1)  # (N m, n)
    T = float(point.data["orbit_period"])
    a0 = float(point.data["orbit_parameter"])
    model = model.with_params(**{first: a0})
    _, p = model.flat_params()
    p = np.asarray(p, float)
    k1, k2 = (list(flow.param_names).index(q) for q in (first, second_parameter))
    b0 = float(p[k2])
    if not (lo1 <= a0 <= hi1 and lo2 <= b0 <= hi2):
        raise ValueError(f"the orbit's ({first}, {second_parameter}) = ({a0}, {b0}) lies outside bounds")
    xs = np.array([point.states[v] for v in names], float)
    sv = _scales(model, X.mean(0))
    # cut the cycle at its mesh point nearest the saddle: the orbit runs from there once round
    j0 = int(np.argmin(np.max(np.abs(X[::m] - xs) / sv, axis=1)))
    X = np.roll(X, -j0 * m, axis=0)
    h = np.roll(np.diff(mesh), -j0)
    mesh = np.r_[0.0, np.cumsum(h)]
    mesh /= mesh[-1]
    U = np.vstack([X, X[:1]])
    system = HomoclinicSystem(flow, N, m)
    S = np.r_[np.tile(sv, N * m + 1) * math.sqrt(N * m), sv, hi2 - lo2, hi1 - lo1]
    z0 = np.r_[U.ravel(), xs, b0, a0]

    def args_at(z, mesh):
        J = stability.jacobian(flow, z[(N * m + 1) * n:(N * m + 2) * n], _with(p, k1, k2, z))
        Qs, Qu = _projections(J)
        if Qs.shape[1] + Qu.shape[1] != n or Qu.shape[1] == 0 or Qs.shape[1] == 0:
            raise ValueError(f"the equilibrium on the orbit is not a hyperbolic saddle (eigenvalues "
                             f"{np.linalg.eigvals(J)})")
        return (p, np.int32(k1), np.int32(k2), mesh, z.copy(), Qs, Qu, T, S)

    e = np.zeros(len(z0))
    e[-2] = 1.0  # the start: the second parameter held
    z, t, ok, o = step(system, z0, e, 0.0, args_at(z0, mesh), S, tol)
    if not ok:
        raise ValueError(f"the homoclinic problem did not converge from the orbit of period {T:.6g} at "
                         f"({first}, {second_parameter}) = ({a0}, {b0})")
    limits = {len(z0) - 1: (lo1, hi1), len(z0) - 2: (lo2, hi2)}

    cycle = CycleSystem(flow, N, m)  # its mesh adaptation, on the orbit's first N m nodes

    def prepare(z, t, o):
        # the mesh moved to equidistribute the error as the orbit changes shape, the profile and
        # tangent interpolated onto it (the last node, x(1), stays); then the new projections
        old = o["mesh"]
        new = adapt_mesh(cycle, z[:N * m * n], old, sv, np.zeros(N))
        tau = node_times(new, m)
        z, t = (np.r_[_evaluate(cycle, y[:N * m * n], old, tau).ravel(), y[N * m * n:]] for y in (z, t))
        return z, t / np.linalg.norm(t), args_at(z, new)

    def stop(z, o):
        # the saddle loses hyperbolicity (the curve meets a fold of equilibria: a saddle-node
        # homoclinic point), or its weakest rate no longer decays over the interval T
        ev = np.linalg.eigvals(o["J"])
        weakest = np.min(np.abs(ev.real))
        if np.all(ev.real < 0) or np.all(ev.real > 0) or weakest * T < 5.0:
            return (Status.SPECIAL_POINT, f"the saddle's eigenvalue {ev[np.argmin(np.abs(ev.real))]:.3g} nears zero at "
                    f"({first}, {second_parameter}) = ({z[-1]:.8g}, {z[-2]:.8g}): the curve meets a fold of equilibria "
                    f"(a saddle-node homoclinic orbit), where the interval T = {T:.4g} no longer resolves it")
        return None

    def run(sign):
        tau = t * (sign if t[-2] >= 0 else -sign)
        Z, _, O, status, message = arclength(system, None, z, tau, S, limits, options, observed=o,
                                             where=lambda z: f"({first}, {second_parameter}) = ({z[-1]:.8g}, {z[-2]:.8g})",
                                             prepare=prepare, stop=stop)
        ev = np.linalg.eigvals(O["J"][-1])
        if status is Status.SPECIAL_POINT and (np.all(ev.real < 0) or np.all(ev.real > 0)) and len(Z) > 2:
            Z, O = Z[:-1], {k: v[:-1] for k, v in O.items()}  # past the fold: no saddle any more
        saddle = Z[:, (N * m + 1) * n:(N * m + 2) * n]
        states = {v: saddle[:, j] for j, v in enumerate(names)}
        for j, v in enumerate(names):
            states[f"{v}_min"], states[f"{v}_max"] = O["min"][:, j], O["max"][:, j]
        ev = stability.eigenvalues(O["J"])
        t_nodes = np.array([np.r_[node_times(mesh_i, m), 1.0] for mesh_i in O["mesh"]])
        prof = Z[:, :(N * m + 1) * n].reshape(len(Z), N * m + 1, n)
        orbits = {"t": t_nodes, **{v: prof[:, :, j] for j, v in enumerate(names)}}
        return Branch("homoclinic", second_parameter, {first: Z[:, -1], second_parameter: Z[:, -2]}, states,
                      np.zeros(len(Z), bool), stability.unstable_eigenvalues(ev, stability.jacobian_scale(O["J"])),
                      ev, [], status, model, orbits, message,
                      origin=f"homoclinic orbit at {first} = {point.params[first]:.10g} (truncated to T = {T:.6g})")

    return run(direction) if direction else both_ways(run)


def _with(p, k1, k2, z):
    q = np.array(p, float)
    q[k1], q[k2] = z[-1], z[-2]
    return q
