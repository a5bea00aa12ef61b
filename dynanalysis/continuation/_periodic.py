r"""Continuation of periodic orbits in one parameter: orthogonal collocation, Floquet multipliers,
fold (LPC), period-doubling (PD) and Neimark–Sacker (NS) bifurcations of cycles.

Discretisation (as in AUTO and MatCont)
    Time is scaled to :math:`\tau = t / T \in [0, 1]`, so a cycle of period T solves
    :math:`x'(\tau) = T f(x, \alpha)`, :math:`x(1) = x(0)`.  The mesh
    :math:`0 = \tau_0 < \dots < \tau_N = 1` has ``ntst`` = N intervals; on interval j the orbit is
    the polynomial of degree m = ``ncol`` through its values at m + 1 equally spaced nodes
    (the end node shared with the next interval, the last one with :math:`x(0)`: periodicity is
    built into the unknowns).  The equations are collocation at the m Gauss–Legendre points
    :math:`c_{jl}` of every interval,

    .. math::  x'(c_{jl}) - T f(x(c_{jl}), \alpha) = 0 \qquad (N m n \text{ equations}),

    and the integral phase condition :math:`\int_0^1 \langle x - x_\text{ref}, x_\text{ref}'
    \rangle_S\, d\tau = 0` against the previous orbit (it removes the time-shift invariance).
    The unknowns :math:`(x, T, \alpha)` are continued by the pseudo-arclength engine of
    :mod:`.continuation`, the profile weighed as an average over the nodes (an L2 norm) so that
    the arclength measures the orbit's change, not the node count.  Collocation at Gauss points
    is superconvergent: at the mesh points the error is :math:`O(h^{2m})`.

Mesh adaptation
    After every step the mesh equidistributes the estimated local error
    :math:`h_j^{m+1} |x^{(m+1)}|` (the (m+1)-th derivative from differences of the piecewise
    constant m-th derivative of neighbouring intervals, as in AUTO), and the orbit and tangent are
    re-interpolated onto it: intervals crowd into spikes.

Floquet multipliers
    The linearised collocation equations of interval j (variation at its start
    :math:`\delta x_j`, interior and end nodes) are eliminated to the map
    :math:`\delta x_{j+1} = M_j \delta x_j`; the monodromy matrix is :math:`M_{N-1} \cdots M_0`
    (condensation of parameters), and its eigenvalues are the multipliers.  One of them is the
    trivial 1; the cycle is stable when all the others lie inside the unit circle.  The trivial
    multiplier's distance from 1 is reported (``states["multiplier_error"]``): where expansion and
    contraction along the orbit are both extreme (canard cycles) the product loses its accuracy,
    and PD / NS are not detected at such points.

Newton's linear solve uses the same elimination: with the interior and end nodes of every
interval expressed through its start node and (T, alpha), what remains is a cyclic block system
of N n + 2 unknowns (the mesh values, T, alpha) bordered by the phase and arclength rows, solved
densely with pivoting: the cost grows linearly with the mesh, and the dense N m n-square Jacobian
is never formed.

Bifurcations along the branch, each located by regula falsi on its test function
(:func:`.continuation.locate_on_branch`):

* LPC: the parameter component of the branch tangent changes sign (the branch turns back);
* PD: :math:`\det(M + I) = \prod (\mu_i + 1)` changes sign (a real multiplier crosses -1);
* NS: a complex pair of multipliers crosses the unit circle (the number of unstable multipliers
  changes by two through a complex pair), located on :math:`\prod_{i<j} (\mu_i \mu_j - 1)` over
  the non-trivial multipliers.
"""
from __future__ import annotations

import dataclasses
import functools
import math
from functools import partial
from typing import Mapping

import numpy as np
import jax
import jax.numpy as jnp
from jax import lax

from dynanalysis import budget

from dynanalysis._numerics import points
from dynanalysis._numerics import spectra as stability
from dynanalysis._numerics.points import CYCLE
from dynanalysis._numerics.status import Status, throwing
from dynanalysis.continuation._engine import Branch, Options, _scales, arclength, locate_on_branch, step
from dynanalysis.continuation._global import classify
from dynanalysis._cycles import LimitCycle
from dynanalysis._model.domain import check_range
from dynanalysis._numerics.newton import correct, value_and_jac
from dynanalysis._numerics.points import SpecialPoint
from dynanalysis._numerics.normalform import hopf_vectors
from dynanalysis._model.system import as_ode
from dynanalysis._model.xla import jit, scope

FINE = 8  # points per mesh interval at which the orbit's min / max are taken
MULTIPLIER_TOL = 1e-6  # |mu| beyond 1 + this counts as unstable
MAX_PERIOD_GROWTH = 20  # a branch whose period passes this times its first one ends (unbounded period)
RETRACED = object()  # the stop hook's marker: the branch went through a Hopf point and came back


@functools.lru_cache(maxsize=None)
def basis(m: int):
    """Lagrange basis of degree m on the nodes i / m of [0, 1]: values and derivatives at the m
    Gauss–Legendre points, the Gauss weights, values at ``FINE`` equally spaced points, and
    each basis polynomial's leading coefficient (the m-th derivative is m! times their sum)."""
    s = np.linspace(0.0, 1.0, m + 1)
    c, w = np.polynomial.legendre.leggauss(m)
    c, w = 0.5 * (c + 1.0), 0.5 * w
    coef = np.linalg.inv(np.vander(s, m + 1, increasing=True))  # row k: coefficient of s^k
    k = np.arange(m + 1)
    values = lambda x: np.vander(x, m + 1, increasing=True) @ coef  # noqa: E731
    derivs = (k * c[:, None] ** np.maximum(k - 1, 0)) @ coef
    return values(c), derivs, w, values(np.linspace(0.0, 1.0, FINE, endpoint=False)), coef[m], values


@dataclasses.dataclass(frozen=True)
class CycleSystem:
    """Collocation equations of a periodic orbit (see module doc).  Unknowns
    ``y = (profile (ntst * ncol * n), T, alpha)``; data ``args = (p, k, mesh, ref, S)``: parameters,
    index of the free one, mesh (ntst + 1), the reference profile, the unknowns' scales."""

    flow: object
    ntst: int
    ncol: int

    def nodes(self, X):
        """Flat profile -> (ntst, ncol + 1, n) node values per interval (ends shared, periodic)."""
        U = X.reshape(self.ntst, self.ncol, -1)
        xp = jnp if isinstance(U, jax.Array) else np
        return xp.concatenate([U, xp.roll(U[:, :1], -1, axis=0)], axis=1)

    def interval_residual(self, v, h, P, k):
        """Collocation residuals (m n) of one interval from ``v = (its m + 1 nodes, T, alpha)``."""
        Lc, Dc = basis(self.ncol)[:2]
        n = self.flow.dim
        U = v[:-2].reshape(self.ncol + 1, n)
        Pa = P.at[k].set(v[-1])
        fc = jax.vmap(lambda x: self.flow.rhs(x, Pa))(Lc @ U)
        return ((Dc @ U) / h - v[-2] * fc).ravel()

    def phase(self, y, mesh, ref, S):
        """The integral phase condition (linear in the profile)."""
        Lc, Dc, w = basis(self.ncol)[:3]
        n = self.flow.dim
        U, R = self.nodes(y[:-2]), self.nodes(ref)
        h = jnp.diff(mesh)[:, None, None]
        sv = S[:n] / math.sqrt(self.ntst * self.ncol)  # the variables' own scales
        dr = jnp.einsum("lm,jmn->jln", Dc, R) / sv  # h_j x_ref'(c_jl), scaled
        weight = w[None, :, None]
        value = jnp.sum(weight * jnp.einsum("lm,jmn->jln", Lc, U - R) / sv * dr)
        return value / jnp.sqrt(jnp.maximum(jnp.sum(weight * dr * dr / h), 1e-300))

    def interval_inputs(self, y):
        """(ntst, (ncol + 1) n + 2): each interval's node values, then T and alpha."""
        U = self.nodes(y[:-2]).reshape(self.ntst, -1)
        return jnp.concatenate([U, jnp.broadcast_to(y[-2:], (self.ntst, 2))], axis=1)

    def __call__(self, y, p, k, mesh, ref, S):
        r = jax.vmap(self.interval_residual, in_axes=(0, 0, None, None))(self.interval_inputs(y), jnp.diff(mesh), p, k)
        return jnp.concatenate([r.ravel(), self.phase(y, mesh, ref, S)[None]])

    @staticmethod
    def corrector(system, z, tau, h, args, S, xtol):
        return _corrector(system, z, tau, h, args, S, xtol)


def _blocks(system, y, p, k, mesh):
    """Per-interval residuals r (N, m n) and Jacobians A (N, m n, (m + 1) n + 2) with respect to
    (the interval's nodes, T, alpha)."""
    f = lambda v, h: system.interval_residual(v, h, p, k)  # noqa: E731
    vj = jax.vmap(lambda v, h: value_and_jac(lambda u: f(u, h))(v))
    return vj(system.interval_inputs(y), jnp.diff(mesh))[::-1]


def _bordered_solve(system, A, rows, B):
    """Solve the collocation system: interval blocks ``A`` (Jacobians of the interval residuals),
    two dense border rows ``rows`` (2, size: phase, arclength), right-hand sides ``B`` =
    (interval parts (N, m n, K), border parts (2, K)).

    Condensation of parameters (AUTO): each interval's interior and end nodes are eliminated in
    terms of its start node and (T, alpha), ``x_{j+1} = W_b - W_s x_j - W_p p``; what remains is a
    cyclic block system in the N mesh values and (T, alpha), bordered by the two rows, solved
    densely (size N n + 2 instead of N m n + 2).  Returns the solutions (size, K) and the interval
    maps ``-W_s`` of the end in terms of the start (their product is the monodromy matrix)."""
    N, m, n = system.ntst, system.ncol, system.flow.dim
    Bi, Bb = B
    K = Bi.shape[-1]
    As, Ak, Ap = A[:, :, :n], A[:, :, n:(m + 1) * n], A[:, :, (m + 1) * n:]
    W = jax.vmap(jnp.linalg.solve)(Ak, jnp.concatenate([As, Ap, Bi], axis=2))  # (N, m n, n + 2 + K)
    Ws, Wp, Wb = W[..., :n], W[..., n:n + 2], W[..., n + 2:]
    ie = slice((m - 1) * n, m * n)  # rows of W for the end node; the rest are the interior
    # the cyclic block rows: x_{j+1} + Ws_e x_j + Wp_e p = Wb_e
    j = np.arange(N)
    top = jnp.zeros((N, N, n, n), A.dtype).at[j, j].set(Ws[:, ie]).at[j, (j + 1) % N].add(jnp.eye(n, dtype=A.dtype))
    top = top.transpose(0, 2, 1, 3).reshape(N * n, N * n)
    top = jnp.concatenate([top, Wp[:, ie].reshape(N * n, 2)], axis=1)
    rhs_top = Wb[:, ie].reshape(N * n, K)
    # border rows on the profile X (N, m, n): mesh part and interior part, interiors eliminated
    G = rows[:, :-2].reshape(2, N, m, n)
    gs, gI = G[:, :, 0], G[:, :, 1:].reshape(2, N, (m - 1) * n)
    Wi = slice(0, (m - 1) * n)
    cs = gs - jnp.einsum("rji,jia->rja", gI, Ws[:, Wi])
    cp = rows[:, -2:] - jnp.einsum("rji,jia->ra", gI, Wp[:, Wi])
    rhs_b = Bb - jnp.einsum("rji,jik->rk", gI, Wb[:, Wi])
    M = jnp.concatenate([top, jnp.concatenate([cs.reshape(2, N * n), cp], axis=1)], axis=0)
    sol = jnp.linalg.solve(M, jnp.concatenate([rhs_top, rhs_b], axis=0))  # (N n + 2, K)
    xs, dp = sol[:-2].reshape(N, n, K), sol[-2:]
    inner = Wb - jnp.einsum("jia,jak->jik", Ws, xs) - jnp.einsum("jia,ak->jik", Wp, dp)  # interior + end
    X = jnp.concatenate([xs[:, None], inner[:, Wi].reshape(N, m - 1, n, K)], axis=1).reshape(N * m * n, K)
    return jnp.concatenate([X, dp], axis=0), -Ws[:, ie]


@partial(jit, static_argnames=("system", "max_iter"))
def _corrector(system, z, tau, h, args, S, xtol, max_iter=12):
    """The periodic system's predictor-corrector step (same contract as the generic
    :func:`.continuation._step`): Newton with the condensed solve, steps capped at 0.1 (scaled),
    and the new tangent from the converged Jacobian."""
    p, k, mesh, ref, _ = args
    z0 = z + h * tau * S
    grad_phase = jax.grad(lambda y: system.phase(y, mesh, ref, S))
    rows = jnp.stack([grad_phase(z0), tau / S])  # the phase condition is linear: its row is constant
    N, mn = system.ntst, system.ncol * system.flow.dim
    e_last = jnp.zeros((N, mn, 1), z.dtype)

    def linearize(y):
        """The residual (interval parts, phase, arclength) and the interval blocks."""
        r, A = _blocks(system, y, p, k, mesh)
        return jnp.concatenate([r.ravel(), system.phase(y, mesh, ref, S)[None], (tau @ ((y - z0) / S))[None]]), A

    def solve(A, rhs):
        """The Newton step and, from the same elimination, the tangent (right-hand side the
        arclength row's unit vector) and the interval maps."""
        B = (jnp.concatenate([rhs[:-2].reshape(N, mn, 1), e_last], axis=2),
             jnp.stack([rhs[-2:], jnp.array([0.0, 1.0], z.dtype)], axis=1))
        X, maps = _bordered_solve(system, A, rows, B)
        return X[:, 0], (X[:, 1], maps)

    # the tangent and interval maps come from the Jacobian of the last iteration (the step it
    # then took is below xtol): one copy of the solve in the compiled program
    y, ok, _, (t, maps) = correct(None, z0, S, iters=max_iter, xtol=xtol, max_step=0.1,
                                  linearize=linearize, solve=solve)
    t = t / S
    t = t / jnp.linalg.norm(t)  # unit tangent in scaled coordinates
    ok = ok & jnp.all(jnp.isfinite(t))
    monodromy = lax.scan(lambda M, Mj: (Mj @ M, None), jnp.eye(system.flow.dim, dtype=z.dtype), maps)[0]
    n = system.flow.dim
    U = system.nodes(y[:-2])
    fine = jnp.einsum("um,jmn->jun", basis(system.ncol)[3], U).reshape(-1, n)
    # stiffness per interval, T max |f_x| (scaled rows), for the mesh: the collocation maps of
    # intervals with T h |lambda| >> 1 misrepresent fast contraction (Floquet multipliers)
    sv = S[:n]
    Pa = p.at[k].set(y[-1])
    Jc = jax.vmap(jax.vmap(jax.jacfwd(lambda x: system.flow.rhs(x, Pa))))(jnp.einsum("lm,jmn->jln", basis(system.ncol)[0], U))
    stiff = y[-2] * jnp.max(jnp.sum(jnp.abs(Jc * sv[None, None, None, :] / sv[None, None, :, None]), axis=-1), axis=(1, 2))
    return y, t, ok, {"monodromy": monodromy, "min": fine.min(0), "max": fine.max(0), "fold": t[-1], "mesh": mesh,
                      "stiffness": stiff}


# --------------------------------------------------------------------------- mesh (host NumPy)
def _evaluate(system, X, mesh, tau):
    """The piecewise polynomial with node values X on ``mesh`` at the times ``tau``."""
    m = system.ncol
    U = system.nodes(np.asarray(X))
    j = np.clip(np.searchsorted(mesh, tau, side="right") - 1, 0, system.ntst - 1)
    s = (tau - mesh[j]) / (mesh[j + 1] - mesh[j])
    L = basis(m)[5](s)  # (points, m + 1)
    return np.einsum("pm,pmn->pn", L, U[j])


def node_times(mesh, m):
    """Times of the profile's nodes (without the final tau = 1)."""
    h = np.diff(mesh)
    return (mesh[:-1, None] + h[:, None] * np.arange(m)[None, :] / m).ravel()


def adapt_mesh(system, X, mesh, sv, stiffness):
    """A mesh for the orbit with node values X on ``mesh``: half of the intervals equidistribute
    the error estimate :math:`h_j |x^{(m+1)}|^{1/(m+1)}` (variables scaled by ``sv``), half the
    stiffness :math:`h_j T |f_x|` (so that the collocation maps, hence the Floquet multipliers,
    follow fast contraction)."""
    m, N = system.ncol, system.ntst
    h = np.diff(mesh)
    lead = basis(m)[4]
    dm = math.factorial(m) * np.einsum("m,jmn->jn", lead, system.nodes(np.asarray(X))) / h[:, None] ** m / sv
    mid = 0.5 * (mesh[:-1] + mesh[1:])
    gap = lambda a, b: np.mod(a - b, 1.0)  # noqa: E731  (periodic distances between midpoints)
    d_next = np.abs(np.roll(dm, -1, 0) - dm) / gap(np.roll(mid, -1), mid)[:, None]
    d_prev = np.abs(dm - np.roll(dm, 1, 0)) / gap(mid, np.roll(mid, 1))[:, None]
    rho = np.max(0.5 * (d_next + d_prev), axis=1) ** (1.0 / (m + 1))
    rho = np.maximum(rho, 1e-3 * max(rho.max(), 1e-300))  # flat stretches keep some intervals
    rho = rho / np.sum(rho * h) + stiffness / max(np.sum(stiffness * h), 1e-300)
    F = np.r_[0.0, np.cumsum(rho * h)]
    new = np.interp(np.linspace(0.0, F[-1], N + 1), F, mesh)
    new[0], new[-1] = 0.0, 1.0
    return new


# --------------------------------------------------------------------------- the branch
@throwing
def periodic_orbits(start, *, bounds, parameter: str | None = None, model=None, params: Mapping | None = None,
                    ntst: int = 40, ncol: int = 4, ds: float = 0.01, ds_min: float = 1e-6, ds_max: float = 0.1,
                    max_steps: int = 500, direction: int = +1, max_angle: float = 30.0, tol: float = 1e-10,
                    amplitude: float = 1e-3, adapt: bool = True) -> Branch:
    """Continue the periodic orbits born at a Hopf point, or through a measured cycle.

    Parameters
    ----------
    start : a Hopf :class:`~dynanalysis.SpecialPoint` (from :func:`.continuation.equilibria` or a
        sweep; its model and parameter are used), or a :class:`~.cycles.LimitCycle` found by
        simulation (then give ``parameter``; the model is the cycle's, ``model`` overrides it).
    bounds : ``(lo, hi)`` for the free parameter.
    ntst, ncol : mesh intervals and collocation points per interval (degree of the polynomials).
    ds, ds_min, ds_max : arclength steps (scaled: each variable by its typical range, the period
        by its start value, the parameter by ``hi - lo``).
    direction : from a measured cycle, +1 towards larger parameter values, -1 towards smaller
        (from a Hopf point the branch leaves in the direction of growing amplitude).
    amplitude : from a Hopf point, the first orbit's amplitude relative to the variable ranges.
    tol : Newton's scaled step tolerance.
    adapt : move the mesh after every step to equidistribute the error (see module doc).

    Returns a :class:`~.continuation.Branch` of kind "periodic": ``params[parameter]``,
    ``states`` with ``period`` and ``<variable>_min`` / ``<variable>_max``, ``stable`` and
    ``n_unstable`` (multipliers outside the unit circle, the trivial one excluded),
    ``eigenvalues`` the Floquet multipliers (sorted by modulus), ``special_points`` LPC / PD / NS
    with ``period`` and ``multipliers``, ``orbits`` the profiles (``t`` in [0, 1] and one array
    per variable, points x nodes).  The branch stops by itself when the orbit shrinks back to an
    equilibrium (another Hopf point) or its period grows without bound (a homoclinic orbit).
    """
    model, parameter, x_nodes, T0, kind = _start(start, parameter, model, params, ntst, ncol, amplitude)
    flow = model.flow
    if parameter not in flow.param_names:
        raise ValueError(f"parameter {parameter!r} is not a parameter of {model.name}; parameters are "
                         f"{list(flow.param_names)}")
    lo, hi = check_range(parameter, bounds, "bounds")
    for name, v, low in (("ntst", ntst, 2), ("ncol", ncol, 1)):
        if int(v) != v or v < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {v!r}")
    options = Options(ds=ds, ds_min=ds_min, ds_max=ds_max, max_steps=max_steps, direction=direction,
                      max_angle=max_angle, tol=tol)
    n = flow.dim
    size = ntst * ncol * n + 2
    # the interval blocks and their eliminations, and the condensed dense system (a few copies each)
    blocks = ntst * ncol * n * ((ncol + 1) * n + 2 + ncol * n)
    budget.check(8.0 * 4 * (blocks + (ntst * n + 2) ** 2), f"the collocation system (ntst={ntst}, ncol={ncol}, "
                 f"{n} variables)", "use fewer mesh intervals (ntst)")
    _, p = model.flat_params()
    k = list(flow.param_names).index(parameter)
    a0 = float(p[k])
    if not lo <= a0 <= hi:
        raise ValueError(f"the start value {parameter} = {a0} lies outside bounds ({lo}, {hi})")
    system = CycleSystem(flow, int(ntst), int(ncol))
    sv = _scales(model, x_nodes.mean(0))
    S = np.r_[np.tile(sv, ntst * ncol) * math.sqrt(ntst * ncol), T0, hi - lo]
    mesh = np.linspace(0.0, 1.0, ntst + 1)
    p = np.asarray(p, float)
    args = lambda mesh, z: (p, np.int32(k), mesh, z[:-2], S)  # noqa: E731

    z0 = np.r_[x_nodes.ravel(), T0, a0]
    if kind == "hopf":
        # hold the amplitude of the first-order orbit: the hyperplane orthogonal to its deviation
        e = np.r_[(x_nodes - x_nodes.mean(0)).ravel(), 0.0, 0.0] / S
        e /= np.linalg.norm(e)
    else:
        e = np.zeros(size)
        e[-1] = 1.0
    prepare = _preparer(system, sv, ncol, adapt, args)
    z, t, ok, o = step(system, z0, e, 0.0, args(mesh, z0), S, tol)
    if kind == "cycle" and ok and adapt:
        for _ in range(2):  # a measured cycle: move the mesh to the orbit before the first point counts
            zp, _, a = prepare(z, t, o)
            z, t, ok, o = step(system, zp, e, 0.0, a, S, tol)
    if not ok:
        raise ValueError(f"no periodic orbit of {model.name} converged from the start at {parameter} = {a0} "
                         f"({'first-order Hopf orbit' if kind == 'hopf' else 'the measured cycle'}); "
                         f"try another amplitude= or a finer mesh (ntst)")
    sign = np.sign(t @ e) if kind == "hopf" else np.sign(t[-1]) * direction
    t = t * (sign or 1.0)
    return _follow(model, system, parameter, S, sv, z, t, o, prepare, options, (lo, hi), T0)


def _preparer(system, sv, ncol, adapt, args):
    """The engine's ``prepare`` hook: after every accepted orbit, the mesh moved to equidistribute
    the error (``adapt``), the orbit and tangent interpolated onto it, and the step's data
    (``args(mesh, z)``: the new phase reference)."""
    def prepare(z, t, o):
        mesh_z = o["mesh"]
        if adapt:
            new = adapt_mesh(system, z[:-2], mesh_z, sv, o["stiffness"])
            tau = node_times(new, ncol)
            z = np.r_[_evaluate(system, z[:-2], mesh_z, tau).ravel(), z[-2:]]
            t = np.r_[_evaluate(system, t[:-2], mesh_z, tau).ravel(), t[-2:]]
            t = t / np.linalg.norm(t)
            mesh_z = new
        return z, t, args(mesh_z, z)

    return prepare


def _follow(model, system, parameter, S, sv, z, t, o, prepare, options, bounds, T0, from_special=False) -> Branch:
    """The branch of periodic orbits from the corrected orbit z (observed ``o``) along the unit
    scaled tangent t, until the bounds, the options, a Hopf point (the orbit shrinks to an
    equilibrium) or an unbounded period end it; special points located along it
    (``from_special``: z is itself one, its first step not a bracket)."""
    amp0 = np.max((o["max"] - o["min"]) / sv)
    uniform = np.linspace(0.0, 1.0, 4 * system.ntst, endpoint=False)
    previous = []

    def stop(z, o):
        # through a Hopf point the amplitude passes zero and the branch would retrace itself with
        # the orbit shifted by half a period: its deviation from the mean flips sign
        dev = _evaluate(system, z[:-2], o["mesh"], uniform) / sv
        dev -= dev.mean(0)
        flipped = bool(previous) and np.sum(dev * previous[-1]) < 0
        previous[:] = [dev]
        if flipped:
            return RETRACED, ""
        if np.max((o["max"] - o["min"]) / sv) < 0.5 * min(amp0, 1e-2):
            return Status.SPECIAL_POINT, f"the cycle shrank to an equilibrium (a Hopf point) near {parameter} = {z[-1]:.8g}"
        if z[-2] > MAX_PERIOD_GROWTH * T0:
            return (Status.UNBOUNDED_PERIOD,
                    f"the period grows without bound near {parameter} = {z[-1]:.8g} (a homoclinic orbit?)")
        return None

    # the start of the step from each point (its mesh and phase reference): the locator needs them
    starts = []

    def prepare_and_record(z, t, o):
        starts.append(prepare(z, t, o))
        return starts[-1]

    Z, T, O, status, message = arclength(system, None, z, t, S, {len(z) - 1: bounds}, options, observed=o,
                                         where=lambda z: f"{parameter} = {z[-1]:.10g}", prepare=prepare_and_record,
                                         stop=stop)
    if status is RETRACED:  # the last point lies beyond the Hopf point, on the branch already found
        Z, T, O = Z[:-1], T[:-1], jax.tree.map(lambda a: a[:-1], O)
        status = Status.SPECIAL_POINT
        message = f"the cycle shrank to an equilibrium (a Hopf point) near {parameter} = {Z[-1, -1]:.8g}"
    branch = _cycle_branch(model, system, parameter, S, sv, Z, T, O, (status, message), starts, options.tol, from_special)
    if status is Status.UNBOUNDED_PERIOD:  # a SNIC or a homoclinic orbit: named, its limit p* located or fitted
        _, p = model.flat_params()
        end = classify(model, parameter, Z[:, -1], Z[:, -2], Z[-1, :-2].reshape(-1, model.flow.dim), sv, p,
                       list(model.flow.param_names).index(parameter), bounds)
        if end is not None:
            end = dataclasses.replace(end, data={**end.data, **_orbit_data(system, model.variables, Z[-1], O["mesh"][-1])})
            if end.kind == "HOM":  # where the parameter has settled on p* it wanders at the discretisation's
                # error level, and its turns there are not folds of cycles
                branch = dataclasses.replace(branch, special_points=[
                    s for s in branch.special_points if not (s.kind == "LPC" and s.data["period"] > 0.5 * Z[-1, -2])])
            law = end.data["period_scaling"]
            branch = dataclasses.replace(branch, special_points=branch.special_points + [end], message=(
                f"the period grows without bound: {points.kind(end.kind).name} at {parameter} = "
                f"{end.params[parameter]:.10g} (" + (f"period ~ |p - p*|^{law['exponent']:.4f}" if end.kind == "SNIC"
                                                     else f"period ~ -{law['c']:.4g} ln|p - p*|, 1/lambda_u = "
                                                          f"{1 / law['lambda_u']:.4g}") + ")"))
    return branch


def _start(start, parameter, model, params, ntst, ncol, amplitude):
    """Model, parameter, first-guess node values on the uniform mesh, period, and start kind."""
    if isinstance(start, SpecialPoint):
        if start.kind != "H":
            raise ValueError(f"periodic orbits start from a Hopf point (kind 'H'), got a {start.kind!r} point")
        if start.model is None:
            raise ValueError("this Hopf point carries no model; pass model=")
        model = as_ode(model or start.model)
        parameter = parameter or next(iter(start.params))
        model = model.with_params(**{**start.params, **(params or {})})
        ev = np.asarray(start.data["eigenvalues"])
        omega = float(start.data.get("frequency", np.max(ev.imag)))
        x_h = np.array([start.states[v] for v in model.variables])
        q = hopf_vectors(stability.jacobian(model.flow, x_h, model.flat_params()[1])[None])[1][0]
        tau = node_times(np.linspace(0, 1, ntst + 1), ncol)
        d = np.real(q[None, :] * np.exp(2j * np.pi * tau)[:, None])
        sv = _scales(model, x_h)
        d = d * amplitude / np.max(np.abs(d) / sv)
        return model, parameter, x_h + d, 2 * np.pi / omega, "hopf"
    if isinstance(start, LimitCycle):
        if not start.found:
            raise ValueError(f"the limit cycle given as start was not found: {start.reason}")
        if parameter is None:
            raise ValueError("starting from a LimitCycle, give parameter= (the one to continue in)")
        model = as_ode(model or start.model)
        known = {k: v for k, v in (start.params or {}).items() if k in model.flow.param_names}
        model = model.with_params(**{**known, **(params or {})})
        t = (np.asarray(start.t) - start.t[0]) / start.period
        tau = node_times(np.linspace(0, 1, ntst + 1), ncol)
        x = np.stack([np.interp(tau, t, np.asarray(start.states[v]), period=1.0) for v in model.variables], -1)
        return model, parameter, x, float(start.period), "cycle"
    raise ValueError(f"start must be a Hopf SpecialPoint or a LimitCycle, got {type(start).__name__}")


def _net_turns(alpha, fold, noise):
    """Brackets of the folds where the branch really turns: sign changes of the fold test that
    follow each other within ``noise`` in the parameter (a branch that is vertical to rounding
    error, as in a canard explosion, wiggles) are grouped, and a group counts as one fold if it
    turns the branch an odd number of times (its first bracket is then located)."""
    changes = np.flatnonzero(fold[:-1] * fold[1:] < 0)
    out, group = [], []
    for i in changes:
        if group and np.ptp(alpha[group[0]:i + 2]) > noise:
            out += group[:1] if len(group) % 2 else []
            group = []
        group.append(i)
    out += group[:1] if len(group) % 2 else []
    return out


def _orbit_data(system, names, z, mesh) -> dict:
    """A point's orbit for its data: over one period at the collocation nodes (``t`` in [0, 1],
    the start repeated at 1), with the mesh, ``ncol``, its period and parameter value (what
    :func:`switch_period_doubling` and :func:`.homoclinic_curve` start from)."""
    X = z[:-2].reshape(-1, len(names))
    return {"orbit": {"t": np.r_[node_times(mesh, system.ncol), 1.0],
                      **{v: np.r_[X[:, j], X[0, j]] for j, v in enumerate(names)}},
            "mesh": np.asarray(mesh), "ncol": system.ncol, "orbit_period": float(z[-2]),
            "orbit_parameter": float(z[-1])}


def _cycle_branch(model, system, parameter, S, sv, Z, T, O, ended, starts, tol, from_special=False) -> Branch:
    names = model.variables
    n = len(names)
    mus, trivial = stability.floquet(O["monodromy"])
    # the trivial multiplier's distance from 1 measures the multipliers' accuracy (they lose it
    # where the orbit's expansion and contraction are both extreme, e.g. canards)
    error = np.abs(mus[np.arange(len(mus)), trivial] - 1.0)
    reliable = error < 1e-3
    is_trivial = np.arange(n)[None, :] == trivial[:, None]
    complex_pair = np.any(~is_trivial & (np.abs(mus.imag) > 1e-8), axis=1)
    n_unstable = stability.unstable_multipliers(mus, MULTIPLIER_TOL)
    ctx = points.Context(model.flow, n)
    pd = points.kind("PD").test(CYCLE)(Z, O, ctx)
    fold = T[:, -1]  # the stored tangents (oriented along the branch, also at a point landed on a bound)
    brackets = [("LPC", i) for i in _net_turns(Z[:, -1], fold, 1e3 * tol * S[-1])]
    brackets = [b for b in brackets if b[1] > 0] if from_special else brackets
    for i in range(int(from_special), len(Z) - 1):
        if not (reliable[i] and reliable[i + 1]):
            continue
        if pd[i] * pd[i + 1] < 0:
            brackets.append(("PD", i))
        if abs(int(n_unstable[i]) - int(n_unstable[i + 1])) == 2 and (complex_pair[i] or complex_pair[i + 1]):
            brackets.append(("NS", i))  # located on the registry's NS test (a product that changes sign there)
    found = []
    for kind, i in brackets:
        za, ta, args = starts[i]
        test = lambda z, o, kind=kind: points.kind(kind).at(CYCLE, z, o, ctx)  # noqa: E731
        z, o, ok = locate_on_branch(system, args, za, ta, Z[i + 1], S, test, tol)
        mu, triv = stability.floquet(o["monodromy"])
        if kind == "NS" and np.all(np.abs(np.delete(mu, triv).imag) <= 1e-8):
            continue  # a neutral saddle cycle (real multipliers mu, 1/mu), not a Neimark-Sacker point
        x0 = z[:n]
        data = {"period": float(z[-2]), "multipliers": mu, "located": bool(ok),
                "minimum": dict(zip(names, map(float, o["min"]))), "maximum": dict(zip(names, map(float, o["max"]))),
                **_orbit_data(system, names, z, o["mesh"])}
        found.append(SpecialPoint(kind, {parameter: float(z[-1])}, dict(zip(names, map(float, x0))), data,
                                  model.with_params(**{parameter: float(z[-1])})))
    states = {"period": Z[:, -2], "multiplier_error": error}
    for j, v in enumerate(names):
        states[f"{v}_min"], states[f"{v}_max"] = O["min"][:, j], O["max"][:, j]
    t_nodes = np.array([np.r_[node_times(m, system.ncol), 1.0] for m in O["mesh"]])
    X = Z[:, :-2].reshape(len(Z), -1, n)
    orbits = {"t": t_nodes, **{v: np.concatenate([X[:, :, j], X[:, :1, j]], axis=1) for j, v in enumerate(names)}}
    return Branch("periodic", parameter, {parameter: Z[:, -1]}, states, n_unstable == 0, n_unstable, mus, found,
                  ended[0], model, orbits, ended[1])


# --------------------------------------------------------------------------- period doubling
def _antiperiodic_operator(system, y, p, k, mesh):
    """The linearised collocation equations of the orbit y with the anti-periodic wrap
    v(1) = -v(0) (square, N m n): singular exactly where the discrete monodromy matrix has the
    multiplier -1 (a PD point), its null vector the period-doubling eigenfunction at the nodes."""
    N, m, n = system.ntst, system.ncol, system.flow.dim
    A = np.asarray(_blocks(system, jnp.asarray(y), jnp.asarray(p), k, jnp.asarray(mesh))[1])
    L = np.zeros((N, m * n, N, m * n))
    for j in range(N):
        L[j, :, j] = A[j, :, :m * n]
        end = A[j, :, m * n:(m + 1) * n] * (-1.0 if j == N - 1 else 1.0)  # x_{j+1, 0}, or -x_{0, 0} at the wrap
        L[j, :, (j + 1) % N, :n] += end
    return L.reshape(N * m * n, N * m * n)


def switch_period_doubling(point, *, bounds, ds: float = 0.01, ds_min: float = 1e-6, ds_max: float = 0.1,
                           max_steps: int = 500, max_angle: float = 30.0, tol: float = 1e-10, adapt: bool = True,
                           direction: int = +1, depth: int = 1) -> list:
    r"""The branch of period-2 orbits born at the period-doubling point ``point`` (from a periodic
    branch: its ``data`` holds the orbit, mesh and ``ncol``), and with ``depth`` > 1 the branches
    from the first PD point of each new branch in turn (a cascade).

    At a PD point the doubled orbit (period 2T, twice round the cycle) is a branch point of the
    period-2T collocation problem: the period-2 branch crosses it with the tangent
    :math:`(v, -v)` over the two halves, v the eigenfunction of the multiplier -1 (the null
    vector of the collocation equations linearised with the anti-periodic wrap v(1) = -v(0)),
    the period and the parameter held.  The first orbit is corrected one step ``ds`` along it;
    the branch is then continued as :func:`periodic_orbits` does (``direction`` does not matter:
    the two ways are one orbit shifted by T).
    """
    if point.kind != "PD":
        raise ValueError(f"switch_period_doubling needs a PD point, got kind {point.kind!r}")
    if "orbit" not in point.data or point.model is None:
        raise ValueError("the PD point carries no orbit or model: take it from a periodic branch "
                         "(continuation.periodic_orbits)")
    if not point.data.get("located", True):
        raise ValueError("the PD point was not located (data['located'] is False)")
    if int(depth) != depth or depth < 1:
        raise ValueError(f"depth must be an integer >= 1, got {depth!r}")
    model, parameter = point.model, next(iter(point.params))
    lo, hi = check_range(parameter, bounds, "bounds")
    alpha = float(point.params[parameter])
    if not lo <= alpha <= hi:
        raise ValueError(f"the PD point's {parameter} = {alpha} lies outside bounds ({lo}, {hi})")
    options = Options(ds=ds, ds_min=ds_min, ds_max=ds_max, max_steps=max_steps, direction=direction,
                      max_angle=max_angle, tol=tol)
    flow, names = model.flow, model.variables
    n, m = flow.dim, int(point.data["ncol"])
    mesh = np.asarray(point.data["mesh"], float)
    N = len(mesh) - 1
    X = np.stack([np.asarray(point.data["orbit"][v])[:-1] for v in names], -1)  # (N m, n)
    T = float(point.data["period"])
    _, p = model.flat_params()
    p = np.asarray(p, float)
    k = list(flow.param_names).index(parameter)
    one = CycleSystem(flow, N, m)
    with scope():
        L = _antiperiodic_operator(one, np.r_[X.ravel(), T, alpha], p, np.int32(k), mesh)
    _, s, Vt = np.linalg.svd(L)
    if s[-1] > 1e-6 * s[0]:
        raise ValueError(f"not a period-doubling point: no multiplier -1 (smallest singular value of the "
                         f"anti-periodic collocation operator {s[-1]:.3g}, largest {s[0]:.3g})")
    v = Vt[-1].reshape(N * m, n)
    two = CycleSystem(flow, 2 * N, m)
    sv = _scales(model, X.mean(0))
    S = np.r_[np.tile(sv, 2 * N * m) * math.sqrt(2 * N * m), 2 * T, hi - lo]
    mesh2 = np.r_[0.5 * mesh, 0.5 + 0.5 * mesh[1:]]
    z0 = np.r_[np.vstack([X, X]).ravel(), 2 * T, alpha]
    tau = np.r_[np.vstack([v, -v]).ravel(), 0.0, 0.0] / S
    tau /= np.linalg.norm(tau)
    args = lambda mesh, z: (p, np.int32(k), mesh, z[:-2], S)  # noqa: E731
    h = ds
    while True:  # the first period-2 orbit, a step along the eigenfunction
        z, t, ok, o = step(two, z0, tau, h, args(mesh2, z0), S, tol)
        if ok or h < ds_min:
            break
        h /= 2
    if not ok:
        raise ValueError(f"no period-2 orbit converged next to the PD point at {parameter} = {alpha:.10g}")
    t = t * (1.0 if t @ tau >= 0 else -1.0)
    prepare = _preparer(two, sv, m, adapt, args)
    branch = _follow(model, two, parameter, S, sv, z, t, o, prepare, options, (lo, hi), 2 * T)
    branch = dataclasses.replace(branch, origin=f"switch at PD {parameter} = {alpha:.10g} (period {T:.6g} -> {2 * T:.6g})")
    out = [branch]
    nxt = [s for s in branch.points("PD") if s.data.get("located", True)]
    if depth > 1 and nxt:
        out += switch_period_doubling(min(nxt, key=lambda s: abs(s.params[parameter] - alpha)), bounds=bounds, ds=ds,
                                      ds_min=ds_min, ds_max=ds_max, max_steps=max_steps, max_angle=max_angle, tol=tol,
                                      adapt=adapt, depth=depth - 1)
    return out
