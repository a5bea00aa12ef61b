r"""Newton's method, one family: damped with a line search (:func:`newton`, its step by a dense LU
or matrix-free by GMRES, :class:`Krylov`), a fixed-count corrector with a pluggable linear solve
(:func:`correct`), Levenberg–Marquardt (:func:`levenberg_marquardt`); one residual test
(:func:`residual_test`).

Everything here works on one problem and is lifted with ``jax.vmap`` by the callers (many seeds,
many parameter values).  Shapes are static; results come padded with validity masks.  ``s``
holds one scale per variable (the width of its range), so mV and gating variables are weighed
alike.

Residual test (:func:`residual_test`)
    :math:`\max_i |F_i| / s_i \le \mathrm{ftol} \cdot \max_{ij} |J_{ij}| s_j / s_i`: the scaled
    residual small relative to the scaled Jacobian, which rejects points that only minimise the
    merit :math:`\|F / s\|^2` and holds at a root with a singular Jacobian (a branch point, a
    continuous family of roots) where the steps need not shrink.

Newton (:func:`newton`)
    :math:`x_{k+1} = x_k + \alpha_k \Delta_k`, :math:`J(x_k)\Delta_k = -F(x_k)` (minimum-norm
    :math:`\Delta_k` when only some equations are imposed, see :func:`newton`), with
    :math:`\alpha_k` the largest of :math:`1, 1/2, \dots, 2^{-11}` that decreases the scaled
    merit (Armijo), all candidates evaluated at once.

Newton–Krylov (:func:`newton` with ``linear=Krylov(...)``)
    The same iteration, line search and tests, but the step is never formed from a matrix:
    :math:`J_s z = -F/s` (:math:`J_s = \mathrm{diag}(s)^{-1} J \,\mathrm{diag}(s)`, so the
    norms are those of the merit) is solved by restarted GMRES (:func:`krylov_step`) on
    Jacobian–vector products (``jax.linearize``: one forward pass per point, then one JVP per
    Krylov vector), only to the
    relative accuracy :math:`\eta_k` (inexact Newton): :math:`\|J_s z + F/s\| \le \eta_k \|F/s\|`
    with Eisenstat and Walker's choice 2, :math:`\eta_k = 0.9\,(\|F_k\| / \|F_{k-1}\|)^2`,
    safeguarded by :math:`0.9\,\eta_{k-1}^2` when that exceeds 0.1, capped at ``ETA_MAX`` and
    floored where it would solve past the residual test (or a fixed ``forcing``).  Any GMRES
    iterate that lowers the linear residual is a descent direction of the merit
    (:math:`\|b - J_s z\| < \|b\|` gives :math:`F_s^T J_s z < 0`), so the line search applies
    unchanged.  On a continuous family of roots J is singular at the solution; near it F lies
    (to first order) in the range of J, and for a family of simple roots the null space does not
    meet that range: GMRES then converges to a bounded step (Brown & Walker 1997) where an exact
    solve divides by a vanishing pivot.  The residual test needs the scaled Jacobian's largest entry, which a
    matrix-free method cannot read: it uses :math:`\max_i |(J_s \zeta)_i|` for a fixed random
    sign vector :math:`\zeta` (one JVP): the largest entry for a diagonal J, at most the largest
    absolute row sum otherwise (for a dense J typically a few times the largest entry; a
    cancellation can make it smaller).  Memory: ``restart + 1`` Krylov vectors per
    point instead of J and its LU.

Corrector (:func:`correct`)
    Undamped :math:`x_{k+1} = x_k + c_k \Delta_k`, the step capped (:math:`c_k \le 1`) to
    ``max_step`` scaled; the linearisation and its solve are the caller's to choose (a dense LU
    by default, the condensed collocation solve of periodic orbits), and it stops by the residual
    test or by a step below ``xtol``.

Levenberg–Marquardt (:func:`levenberg_marquardt`)
    Minimises :math:`q = \tfrac12 \|F / s\|^2`; ends at a root or at a stationary point of q
    with q > 0 (a slow point).
"""
from __future__ import annotations

import dataclasses
from functools import partial

import jax
import jax.numpy as jnp
from jax import lax

from dynanalysis._model.domain import check_number
from dynanalysis._model.xla import jit
from dynanalysis._numerics.linalg import lu_solve, spd_solve
from dynanalysis._numerics.spectra import arnoldi

ALPHAS = 12  # line-search fractions 1, 1/2, ..., 2^-11
ACCEPT = 100.0  # a corrector stopped by its count converged if its last step was < ACCEPT * xtol
ETA_MAX = 0.5  # the loosest GMRES accuracy a Newton–Krylov step is solved to (the first one)
EW_GAMMA = 0.9  # Eisenstat–Walker choice 2: eta_k = gamma (|F_k| / |F_{k-1}|)^2


@dataclasses.dataclass(frozen=True)
class Krylov:
    r"""Options of the matrix-free Newton step (see the module notes).  Hashable: a static
    argument of the compiled programs.

    ``restart``: Krylov vectors per GMRES cycle (the memory: ``restart + 1`` vectors per point);
    ``cycles``: GMRES cycles per Newton step at most; ``forcing``: a fixed relative accuracy
    :math:`\eta` in (0, 1) for every step, or ``None`` for Eisenstat–Walker's adaptive one."""

    restart: int = 10
    cycles: int = 20
    forcing: float | None = None

    def __post_init__(self):
        check_number("restart", self.restart, integer=True)
        check_number("cycles", self.cycles, integer=True)
        if self.forcing is not None:
            eta = check_number("forcing", self.forcing)
            if not eta < 1.0:
                raise ValueError(f"forcing must be a number in (0, 1) (or None: Eisenstat–Walker), "
                                 f"got {self.forcing!r}")


def value_and_jac(F):
    """``x -> (J(x), F(x))`` in one forward pass (F traced once: its value is the aux output)."""
    def twice(y):
        f = F(y)
        return f, f
    return jax.jacfwd(twice, has_aux=True)


def residual_test(f, J, scale, m, ftol):
    """Scaled residual ``max |m f| / s`` and whether it is small relative to the scaled Jacobian
    (``m``: 0/1 weights of the equations imposed; see the module notes)."""
    J_s = m[:, None] * J * scale[None, :] / scale[:, None]
    return _passes(f, jnp.max(jnp.abs(J_s)), scale, m, ftol)


def _passes(f, jmax, scale, m, ftol):
    """The residual test given the scaled Jacobian's magnitude ``jmax``."""
    residual = jnp.max(jnp.abs(m * f) / scale)
    return residual, residual <= ftol * jnp.maximum(jmax, 1e-300)


def _sign_probe(n, dtype):
    """A fixed random sign vector: the probe of the matrix-free Jacobian magnitude."""
    return jax.random.rademacher(jax.random.PRNGKey(0), (n,)).astype(dtype)


def _forcing(opts: Krylov, fnorm, fnorm_prev, eta_prev, first, floor):
    """The relative GMRES accuracy of a Newton–Krylov step (module notes), in [floor, ETA_MAX]."""
    if opts.forcing is not None:
        eta = jnp.asarray(opts.forcing, fnorm.dtype)
    else:
        ew = EW_GAMMA * (fnorm / jnp.maximum(fnorm_prev, 1e-300)) ** 2
        safe = EW_GAMMA * eta_prev**2
        ew = jnp.where(safe > 0.1, jnp.maximum(ew, safe), ew)
        eta = jnp.where(first, ETA_MAX, ew)
    return jnp.minimum(jnp.maximum(eta, floor), ETA_MAX)


def krylov_step(jvp, f, scale, eta, opts: Krylov):
    r"""The step :math:`\Delta` with :math:`\|J_s \Delta/s + F/s\| \le \eta \|F/s\|` by
    restarted GMRES on the JVP ``jvp`` (one point); zero where the step is not finite.

    Each cycle builds ``restart`` Arnoldi vectors from the current residual r
    (:func:`.spectra.arnoldi`, the package's one Arnoldi: :math:`J_s V_m = V_{m+1} \bar H`), takes
    the y minimising :math:`\|\,\|r\| e_1 - \bar H y\|` (least squares by SVD, so a Krylov space
    that has become numerically invariant gives the minimum-norm y instead of dividing by a
    vanishing singular value), and recomputes the true residual (one JVP); cycles repeat while
    it exceeds :math:`\eta \|F/s\|`, at most ``cycles`` times.  JAX's own ``gmres`` was
    measured first: its ``batched`` variant solves the small least-squares problem by normal
    equations, whose Cholesky factorisation failed (NaN) on CANN1D's nearly invariant Krylov
    spaces and left a seed stalled; its ``incremental`` variant was 3 to 10 times slower on CPU
    (a loop of scalar Givens rotations per iteration) and left 2 of 64 seeds of a random network
    unconverged (benchmarks/README.md, highdim)."""
    m, n = opts.restart, f.shape[0]
    A = lambda v: jvp(scale * v) / scale  # noqa: E731
    b = -f / scale
    target = eta * jnp.linalg.norm(b)
    e1 = jnp.zeros(m + 1, f.dtype).at[0].set(1.0)

    def cycle(state):
        z, r, k = state
        rn = jnp.linalg.norm(r)
        V = jnp.zeros((m + 1, n), f.dtype).at[0].set(r / rn)
        V, H = arnoldi(A, V, jnp.zeros((m + 1, m), f.dtype), 0)
        y = jnp.linalg.lstsq(H, rn * e1)[0]
        z = z + y @ V[:m]
        return z, b - A(z), k + 1

    def more(state):
        _, r, k = state
        return (k < opts.cycles) & (jnp.linalg.norm(r) > target)

    z = lax.while_loop(more, cycle, (jnp.zeros_like(b), b, 0))[0]
    return jnp.where(jnp.all(jnp.isfinite(z)), scale * z, 0.0)


def _scaled_max(dx, scale):
    return jnp.max(jnp.abs(dx) / scale)


def newton(F, x0, scale, mask=None, *, max_iter: int = 60, xtol: float = 1e-11, ftol: float = 1e-7,
           stop_on_residual: bool = False, linear: Krylov | None = None):
    """Damped Newton from one seed on the equations selected by ``mask`` (all by default).

    With ``mask=None`` the step solves :math:`J \\Delta = -F` directly.  With a 0/1 ``mask``
    (runtime data: every mask shares one compiled program) only the selected equations are
    imposed and each step is the minimum-norm step in coordinates scaled by ``scale``
    (Gauss–Newton), which projects the seed onto the curve or surface those equations define
    (how nullcline vertices are refined); with every equation selected it is Newton's step,
    computed through :math:`J J^T`.  A singular system falls back to steepest descent on the merit.

    ``linear=Krylov(...)``: the step by GMRES on Jacobian–vector products, never forming J
    (Newton–Krylov, see the module notes; ``mask`` must be ``None``).

    Stops at a scaled step below ``xtol`` (or, with ``stop_on_residual``, as soon as the residual
    test passes), after ``max_iter`` steps, when no step fraction lowers the merit, or 1e3 scales
    away from the seed.  Converged means the residual test (``ftol``) at the final point and,
    unless ``stop_on_residual``, a final step below ``xtol``.

    Returns ``(x, converged, residual, J)``: ``residual = max_i |F_i(x)| / s_i`` over the selected
    equations, ``J`` the full Jacobian at ``x`` (with ``linear``: the estimate of the scaled
    Jacobian's magnitude the residual test used, a scalar).
    """
    alphas = 2.0 ** -jnp.arange(float(ALPHAS))
    scale = jnp.asarray(scale, x0.dtype)
    m = jnp.ones_like(x0) if mask is None else jnp.asarray(mask, x0.dtype)
    n = x0.shape[0]

    def merit(f):
        return jnp.sum((m * f / scale) ** 2)

    if linear is None:
        vj = value_and_jac(F)

        def linearize(x):  # (f, the linearisation, the carried info: J)
            J, f = vj(x)
            return f, J, J

        def jmax(J):
            return jnp.max(jnp.abs(m[:, None] * J * scale[None, :] / scale[:, None]))

        def solve(f, J, info, aux, done, first):
            Jz = m[:, None] * J * scale[None, :]  # selected rows, scaled coordinates
            if mask is None:
                dx = -lu_solve(J, f)
            else:
                lam = lu_solve(Jz @ Jz.T + jnp.diag(1.0 - m), m * f)
                dx = -scale * (Jz.T @ lam)
            # singular system: fall back to steepest descent on the merit
            grad = -scale * (Jz.T @ (m * f / scale)) / jnp.maximum(jnp.sum(Jz**2), 1e-300)
            return jnp.where(jnp.all(jnp.isfinite(dx)), dx, grad), aux

        info0, aux0 = jnp.zeros((n, n), x0.dtype), ()
    else:
        if mask is not None:
            raise ValueError("newton: a matrix-free (Krylov) step needs every equation imposed (mask=None)")
        probe = _sign_probe(n, x0.dtype)

        def linearize(x):  # (f, the JVP at x, the carried info: the scaled Jacobian's magnitude)
            f, jvp = jax.linearize(F, x)
            return f, jvp, jnp.max(jnp.abs(jvp(scale * probe) / scale))

        def jmax(info):
            return info

        def solve(f, jvp, info, aux, done, first):
            fnorm_prev, eta_prev = aux
            fnorm = jnp.linalg.norm(f / scale)
            floor = 0.5 * ftol * info / jnp.maximum(fnorm, 1e-300)  # no solving past the test
            eta = _forcing(linear, fnorm, fnorm_prev, eta_prev, first, floor)
            # a finished seed runs no GMRES iteration (eta = 1: the zero step is accurate enough)
            dx = krylov_step(jvp, f, scale, jnp.where(done, 1.0, eta), linear)
            return dx, (fnorm, eta)

        info0 = jnp.zeros((), x0.dtype)
        aux0 = (jnp.ones((), x0.dtype), jnp.asarray(ETA_MAX, x0.dtype))

    # One call site of the Jacobian (the top of the loop): the loop stops by an iteration that
    # evaluates f and J at the final x and does not move, so no separate evaluation is compiled.
    def body(state):
        x, _, _, it, _, small, aux = state
        f, lin, info = linearize(x)
        m0 = merit(f)
        done = small | (m0 == 0.0) | (it == max_iter)
        if stop_on_residual:
            done = done | _passes(f, jmax(info), scale, m, ftol)[1]
        dx, aux = solve(f, lin, info, aux, done, it == 0)
        trial = jax.vmap(lambda a: merit(F(x + a * dx)))(alphas)
        trial = jnp.where(jnp.isfinite(trial), trial, jnp.inf)
        ok = trial <= (1.0 - 1e-4 * alphas) * m0
        k = jnp.where(jnp.any(ok), jnp.argmax(ok), jnp.argmin(trial))
        improved = trial[k] <= m0
        step = jnp.where(improved & ~done, alphas[k] * dx, 0.0)
        far = _scaled_max(x + step - x0, scale) > 1e3  # wandered off: give up early
        small = done | (_scaled_max(step, scale) < xtol)
        return x + step, f, info, it + 1, done | ~improved | far, small & ~far & (it < max_iter), aux

    state = (x0, jnp.zeros(n, x0.dtype), info0, 0, jnp.zeros((), bool), jnp.zeros((), bool), aux0)
    x, f, info, _, _, small, _ = lax.while_loop(lambda s: ~s[4], body, state)
    residual, root = _passes(f, jmax(info), scale, m, ftol)
    if stop_on_residual:  # the final point passed the test (a far point's f is not its own)
        small = _scaled_max(x - x0, scale) <= 1e3
    return x, small & jnp.all(jnp.isfinite(x)) & root, residual, info


def _lu_step(J, rhs):
    return lu_solve(J, rhs), J


def correct(F, x0, scale, *, iters: int = 8, ftol: float = 1e-10, max_step: float | None = 0.1,
            xtol: float | None = None, linearize=None, solve=_lu_step):
    """Plain Newton, at most ``iters`` steps, from a guess close to a root: a corrector (a point
    interpolated between two nearby roots, a predicted point on a branch, a shooting guess).

    No line search, so it compiles to a fraction of :func:`newton`; quadratic convergence from a
    close guess makes a small count enough.  Steps are capped at ``max_step`` (scaled; ``None``:
    no cap) so that a poor guess cannot jump to another branch.  A non-finite step stops it
    where it is (reported below).

    The linear algebra is pluggable: ``linearize(y) -> (F(y), state)`` (default: F and its dense
    Jacobian J by one forward pass) and ``solve(state, rhs) -> (dx, info)`` solving
    :math:`J\\,dx = \\mathrm{rhs}` (default: :func:`.linalg.lu_solve`, ``info = J``); ``info``
    carries whatever the solve yields besides the step (a tangent, the collocation's interval maps).

    Stop test:

    * ``xtol=None`` (the residual test, needs the default dense J): stop after the step that
      follows the first pass of :func:`residual_test` (one polishing step, to rounding level);
      converged means that test passed.  Near a singular Jacobian (a branch point) the steps
      need not shrink, but the residual does.
    * ``xtol``: stop after a scaled step below ``xtol``; converged means the last step was below
      ``ACCEPT * xtol`` (the count may cut quadratic convergence one step short, whose next
      step would be far below ``xtol``).

    Returns ``(x, converged, residual, info)``: ``residual = max_i |F_i| / s_i`` and ``info``
    (J by default) at the last iterate before its final step.
    """
    scale = jnp.asarray(scale, x0.dtype)
    if linearize is None:
        vj = value_and_jac(F)
        linearize = lambda y: vj(y)[::-1]  # noqa: E731
    elif xtol is None:
        raise ValueError("correct: a custom linearize needs xtol (the residual test needs the dense Jacobian)")
    ones = jnp.ones_like(x0)

    def body(state):
        x, *_, i, _ = state
        f, lin = linearize(x)
        dx, info = solve(lin, -f)
        size = _scaled_max(dx, scale)
        finite = jnp.isfinite(size)
        if xtol is None:
            residual, passed = residual_test(f, lin, scale, ones, ftol)
        else:
            residual, passed = _scaled_max(f, scale), size < xtol
        if max_step is not None:
            dx = dx * jnp.minimum(1.0, max_step / jnp.maximum(size, 1e-300))
        x = x + jnp.where(finite, dx, 0.0)  # singular: stay (reported below)
        return x, info, residual, passed, size, i + 1, passed | ~finite

    shapes = jax.eval_shape(lambda y: solve(linearize(y)[1], y)[1], x0)
    info0 = jax.tree.map(lambda a: jnp.zeros(a.shape, a.dtype), shapes)
    zero = jnp.zeros((), x0.dtype)
    init = (x0, info0, zero, jnp.zeros((), bool), zero, 0, jnp.zeros((), bool))
    x, info, residual, passed, size, _, _ = lax.while_loop(lambda s: (s[5] < iters) & ~s[6], body, init)
    converged = passed if xtol is None else size < ACCEPT * xtol
    return x, converged & jnp.all(jnp.isfinite(x)), residual, info


def levenberg_marquardt(F, x0, scale, tol, gtol, max_iter):
    """Minimise :math:`q = \\tfrac12 \\|F / s\\|^2` from one seed (Marquardt's scaling, Nielsen's
    damping update).  Returns ``(x, root, stationary)``: a root by :func:`residual_test`
    (``tol``); a stationary point of q (q > 0) where the scaled gradient is below ``gtol`` times
    :math:`\\|J_s\\| \\|F_s\\|` (F orthogonal to the range of J)."""
    vj = value_and_jac(F)
    ones = jnp.ones_like(x0)

    def body(state):
        x, mu, nu, it, _, _, _ = state
        J, f = vj(x)
        Js, fs = J * scale[None, :] / scale[:, None], f / scale
        root = residual_test(f, J, scale, ones, tol)[1]
        g = Js.T @ fs
        flat = jnp.linalg.norm(g) <= gtol * jnp.linalg.norm(Js) * jnp.linalg.norm(fs)
        A = Js.T @ Js
        d = jnp.maximum(jnp.diag(A), 1e-12 * jnp.max(jnp.diag(A)) + 1e-300)
        step = -spd_solve(A + mu * jnp.diag(d), g) * scale
        f_new = F(x + step)
        q0, q1 = 0.5 * fs @ fs, 0.5 * jnp.sum((f_new / scale) ** 2)
        gain = q0 - q1
        predicted = -(g @ (step / scale)) - 0.5 * jnp.sum((Js @ (step / scale)) ** 2)
        rho = gain / jnp.maximum(predicted, 1e-300)
        good = jnp.isfinite(q1) & (gain > 0)  # a failed Cholesky gives a non-finite trial: rejected
        mu_new = jnp.where(good, mu * jnp.maximum(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3), mu * nu)
        nu_new = jnp.where(good, 2.0, 2.0 * nu)
        done = root | flat | (it + 1 >= max_iter) | (mu > 1e16)
        x_new = jnp.where(good & ~done, x + step, x)
        return x_new, mu_new, nu_new, it + 1, done, root, flat

    init = (x0, jnp.asarray(1e-3, x0.dtype), jnp.asarray(2.0, x0.dtype), 0, False, False, False)
    x, _, _, _, _, root, flat = lax.while_loop(lambda s: ~s[4], body, init)
    finite = jnp.all(jnp.isfinite(x))
    return x, root & finite, flat & finite & ~root


@partial(jit, static_argnames=("flow",))
def newton_batch(flow, seeds, masks, p, scale):
    """:func:`newton` on ``flow.rhs(., p)`` from every seed (rows of ``seeds``, ``masks``)."""
    F = lambda y: flow.rhs(y, p)  # noqa: E731
    return jax.vmap(lambda s, m: newton(F, s, scale, m))(seeds, masks)
