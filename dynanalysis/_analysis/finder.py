r"""Fixed points, slow points and spectra of high-dimensional systems (networks of hundreds of units).

A continuous-time system :math:`\dot x = f(x)` has fixed points where :math:`F(x) = f(x) = 0`; a
discrete map :math:`x_{t+1} = f(x_t)` where :math:`F(x) = f(x) - x = 0`.  From every seed at once
(one compiled, vmapped program):

1. **Newton** on F with an Armijo line search on the scaled merit :math:`\|F/s\|^2`; converged
   when the scaled residual is small relative to the scaled Jacobian,
   :math:`\max_i |F_i| / s_i \le \mathrm{tol}\cdot \max_{ij} |J_{ij}| s_j / s_i`.  A zero
   eigenvalue at the solution (a continuous family of fixed points, e.g. the bump of a ring
   network, which can sit anywhere) does not stop it: F vanishes on the family.
2. **Least squares** for the seeds Newton left: Levenberg–Marquardt on the speed
   :math:`q(x) = \tfrac12 \|F(x)\|^2` (Sussillo & Barak 2013).  It ends at a root (reported as a
   fixed point) or at a minimum of q with :math:`q > 0` where
   :math:`\|J^T F\| \le \mathrm{gtol}\,\|J\|\,\|F\|` (F orthogonal to the range of J: a
   **slow point**, reported with its speed), or nowhere (counted as failed).
3. **Selection**: points farther from the seeds' centroid than ``outlier`` times the seeds' mean
   distance from it are outliers (Golub & Sussillo 2018), kept apart; the rest are
   de-duplicated by their max-norm distance scaled per variable.

Spectra are those of the Jacobian :math:`f_x` (of the vector field, or of the map), computed on
the host when first asked for: stable means every :math:`\mathrm{Re}\,\lambda < 0`
(continuous) or :math:`|\lambda| < 1` (discrete); an eigenvalue within
``RTOL * max|J|`` of the boundary is *neutral*.
"""
from __future__ import annotations

import dataclasses
import functools
from functools import partial
from typing import Any, Callable, Mapping

import numpy as np
import jax
import jax.numpy as jnp
from jax import lax

from dynanalysis import budget, config

from dynanalysis._numerics import spectra as stability
from dynanalysis._numerics.spectra import RTOL, arnoldi, count_label, counts, growth, leading, spectrum
from dynanalysis._model.domain import check_number
from dynanalysis._numerics.newton import Krylov, levenberg_marquardt, newton
from dynanalysis._numerics.batch import pad
from dynanalysis._equilibria.fixedpoints import distinct
from dynanalysis._simulation.steppers import rk4
from dynanalysis._model.results import Result, plain
from dynanalysis._model.system import ODE, as_ode, require_autonomous
from dynanalysis._numerics.status import Status
from dynanalysis._model import xla
from dynanalysis._model.xla import jit, scope

SYSTEM_KINDS = ("continuous", "discrete")  # a flow or a map (not special-point kinds)
METHODS = ("auto", "newton", "krylov")       # Newton's linear solve: "auto" picks by dimension
EIGEN_METHODS = ("auto", "dense", "arnoldi")  # leading eigenvalues: "auto" picks by dimension
# "auto" switches at these dimensions (benchmarks/README.md, highdim: from 256 up Newton-Krylov
# was as fast on first calls and faster on repeats, but its points are accurate to the residual
# test, ~1e-12 relative, where dense Newton's last quadratic step reaches rounding; from 512 up
# it is 2-13 times faster on first calls too)
KRYLOV_DIM = 512
ARNOLDI_DIM = 512
# matrix-free kernels run in batches holding at most this many bytes of Krylov bases: their
# Gram–Schmidt passes are memory-bound, and batches that stay in cache ran up to twice as fast
# (CANN1D N = 4096, 64 seeds: Newton–Krylov 1.9 s in one batch, 0.97 s in batches of 8;
# Arnoldi 1.34 s, 0.79 s in batches of 4; benchmarks/README.md, highdim)
KRYLOV_BLOCK = 6 * 2**20


# --------------------------------------------------------------------------- the residual F
@dataclasses.dataclass(frozen=True)
class Field:
    """F(x, args) = f(x, ...) (continuous) or f(x, ...) - x (discrete), and the map/field f itself.

    Hashable (a static argument of the compiled kernels): a model's ``Flow`` compares by value,
    so every copy of a model shares compiled code; a plain function by identity."""

    fn: Callable
    discrete: bool
    model: bool        # fn is a Flow: f = flow.rhs(x, p)
    with_args: bool    # plain function called as fn(x, args)

    def f(self, x, args):
        if self.model:
            return self.fn.rhs(x, args)
        return jnp.asarray(self.fn(x, args) if self.with_args else self.fn(x), x.dtype)

    def __call__(self, x, args):
        y = self.f(x, args)
        return y - x if self.discrete else y


def _check_options(positive=(), counts=()):
    """``positive``: (name, value) pairs that must be finite numbers > 0; ``counts``: positive integers."""
    for name, v in positive:
        check_number(name, v)
    for name, v in counts:
        check_number(name, v, integer=True)


KRYLOV_OPTIONS = tuple(f.name for f in dataclasses.fields(Krylov))


def _linear(method: str, n: int, krylov) -> Krylov | None:
    """The Newton step's linear solve for ``method`` in dimension n: ``None`` (dense LU) or the
    validated GMRES options (``krylov``: a dict of :class:`.newton.Krylov`'s fields)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    opts = Krylov()
    if krylov is not None:
        if method == "newton":
            raise ValueError("krylov options apply to method='krylov' (or 'auto'), not method='newton'")
        if not isinstance(krylov, Mapping):
            raise TypeError(f"krylov must be a dict of options {KRYLOV_OPTIONS}, got {type(krylov).__name__}")
        unknown = sorted(set(krylov) - set(KRYLOV_OPTIONS))
        if unknown:
            raise ValueError(f"krylov: unknown options {unknown}; the options are {list(KRYLOV_OPTIONS)}")
        try:
            opts = Krylov(**krylov)
        except (TypeError, ValueError) as e:
            raise type(e)(f"krylov: {e}") from None
    return opts if method == "krylov" or (method == "auto" and n >= KRYLOV_DIM) else None


def _per_seed_bytes(n: int, linear: Krylov | None = None) -> float:
    """Bytes one seed's Newton iteration holds: dense, the Jacobian, its LU, the forward-mode
    tangents and the line search; matrix-free (``linear``), the GMRES basis (``restart + 1``
    vectors) and its work vectors, the linearisation's residuals and the line search's
    trial points (measured: benchmarks/README.md, highdim)."""
    if linear is None:
        return 8.0 * n * (6 * n + 64)
    return 8.0 * n * (2 * linear.restart + 128)


def _chunk(n: int, count: int, per_seed: float | None = None) -> int:
    """Seeds per vmapped batch, so that one batch (``per_seed`` bytes each; default: the dense
    Newton's) stays within a quarter of the memory budget; at least two (see :func:`_batches`)."""
    per_seed = _per_seed_bytes(n) if per_seed is None else per_seed
    return int(max(2, min(count, budget.MEMORY_BUDGET // 4 // per_seed)))


def _batches(X, per_seed: float | None = None, basis_bytes: float | None = None):
    """``(X, chunk)``: the rows of X padded (with copies of the first) to a whole number of
    vmapped batches of ``_chunk`` rows.  On XLA's CPU backend a row of a batch of width >= 2 is
    computed bit for bit the same whatever the width, but a batch of one (a remainder, or a
    budget of one seed) runs unbatched kernels that round differently, and Newton from a seed
    near a basin boundary can then end at another root: the points found would change with the
    memory budget.

    ``basis_bytes``: the bytes of one row's Krylov basis (matrix-free kernels); batches are then
    also kept within ``KRYLOV_BLOCK`` bytes of bases, so that each step's passes over them stay
    in cache."""
    k, n = X.shape
    c = _chunk(n, k, per_seed)
    if basis_bytes is not None:
        c = min(c, max(2, int(KRYLOV_BLOCK // basis_bytes)))
    c = max(2, -(-k // -(-k // c)))  # as many batches as the budget needs, evenly filled
    return np.concatenate([X, np.repeat(X[:1], -(-k // c) * c - k, axis=0)]), c


def _newton(F, x0, scale, tol, max_iter, linear=None):
    """The finder's Newton: :func:`.newton.newton` stopping as soon as the residual test
    (``tol``) passes, at most ``max_iter`` steps; ``linear``: matrix-free steps (GMRES)."""
    return newton(F, x0, scale, max_iter=max_iter, ftol=tol, stop_on_residual=True, linear=linear)


@partial(jit, static_argnames=("field", "max_iter", "chunk", "linear", "devs"))
def _newton_batch(field, seeds, args, scale, tol, max_iter, chunk, linear=None, devs=None):
    def block(X, args, scale):  # one device's seeds, in memory-bounded batches
        F = lambda y: field(y, args)  # noqa: E731
        return lax.map(lambda s: _newton(F, s, scale, tol, max_iter, linear)[:3], X, batch_size=chunk)
    return xla.per_device(block, devs, seeds, args, scale)


@partial(jit, static_argnames=("field", "max_iter", "chunk", "devs"))
def _lm_batch(field, seeds, args, scale, tol, gtol, max_iter, chunk, devs=None):
    def block(X, args, scale):
        F = lambda y: field(y, args)  # noqa: E731
        return lax.map(lambda s: levenberg_marquardt(F, s, scale, tol, gtol, max_iter), X, batch_size=chunk)
    return xla.per_device(block, devs, seeds, args, scale)


@partial(jit, static_argnames=("field",))
def _residuals(field, X, args):
    """The residual F at every row of X."""
    return jax.vmap(lambda x: field(x, args))(X)


@partial(jit, static_argnames=("field",))
def _speed_gradients(field, X, args, w):
    """J_F^T (w F) at every row of X: the gradient of sum_i w_i F_i^2 / 2 (one reverse pass each)."""
    def one(x):
        F, pullback = jax.vjp(lambda y: field(y, args), x)
        return pullback(w * F)[0]
    return jax.vmap(one)(X)


@partial(jit, static_argnames=("field", "chunk"))
def _jacobians(field, X, args, chunk):
    """The Jacobian of f (the field or the map) at every row of X."""
    return lax.map(lambda x: jax.jacfwd(lambda y: field.f(y, args))(x), X, batch_size=chunk)


@partial(jit, static_argnames=("field", "chunk"))
def _arnoldi_batch(field, X, args, scale, V, H, start, chunk):
    r""":func:`.spectra.arnoldi` on the Jacobian of f at every row of X, in scaled coordinates
    (:math:`\mathrm{diag}(s)^{-1} f_x \mathrm{diag}(s)`: the same eigenvalues, balanced units);
    the operator is one linearisation per point, then one JVP per Krylov vector."""
    first = jnp.min(start)  # one loop index for the whole batch (see arnoldi)

    def one(a):
        x, V, H, s = a
        jvp = jax.linearize(lambda y: field.f(y, args), x)[1]
        return arnoldi(lambda v: jvp(scale * v) / scale, V, H, s, first)
    return lax.map(one, (X, V, H, start), batch_size=chunk)


@partial(jit, static_argnames=("field", "chunk"))
def _jvp_batch(field, X, args, scale, T, chunk):
    """The scaled Jacobian of f at every row of X applied to the columns of T (one linearisation
    per point, one JVP per column)."""
    def one(a):
        x, T = a
        jvp = jax.linearize(lambda y: field.f(y, args), x)[1]
        return jax.vmap(lambda t: jvp(scale * t) / scale, in_axes=1, out_axes=1)(T)
    return lax.map(one, (X, T), batch_size=chunk)


@partial(jit, static_argnames=("field", "max_iter"))
def _sweep(field, x0, P, scale, tol, max_iter):
    """Newton at each parameter vector (rows of P) in turn, seeded by the previous solution."""
    def body(x, p):
        y, ok = _newton(lambda z: field(z, p), x, scale, tol, max_iter)[:2]
        y = jnp.where(ok, y, x)  # a failure does not poison the next seed
        return y, (y, ok, field(y, p), jax.jacfwd(lambda z: field.f(z, p))(y))
    return lax.scan(body, x0, P)[1]


# --------------------------------------------------------------------------- results
@dataclasses.dataclass(frozen=True, eq=False)
class FixedPointSet(Result):
    """Distinct fixed points (and slow points) of a high-dimensional system.

    Arrays have one row per point, fixed points first (by seed index), then slow points (by
    speed, then seed index):
    ``points`` (k, dim); ``speeds`` q = |F|^2 / 2 (k,); ``residuals`` max_i |F_i| / s_i (k,);
    ``fixed`` (k,) True for fixed points, False for slow points; ``seed_index`` (k,) the seed each
    came from.  ``n_seeds`` seeds were tried: ``n_failed`` reached neither, ``n_outliers``
    converged far from the seeds (their points in ``outliers``), ``n_duplicates`` were merged.
    ``jacobians`` (k, dim, dim) of f, ``eigenvalues`` (k, dim), ``eigenvectors`` (k, dim, dim;
    column j belongs to eigenvalue j), ``labels``, ``n_unstable``, ``n_neutral`` are computed
    when first asked for.
    """

    points: np.ndarray
    speeds: np.ndarray
    residuals: np.ndarray
    fixed: np.ndarray
    seed_index: np.ndarray
    n_seeds: int
    n_failed: int
    n_outliers: int
    n_duplicates: int
    outliers: np.ndarray
    kind: str
    finder: Any = dataclasses.field(repr=False, default=None)

    _not_data = ("finder",)

    def __len__(self) -> int:
        return len(self.points)

    @functools.cached_property
    def jacobians(self) -> np.ndarray:
        return self.finder.jacobians(self.points)

    @functools.cached_property
    def _spectrum(self):
        return spectrum(self.jacobians, self.kind, vectors=False)[0]

    @functools.cached_property
    def _eig(self):
        return spectrum(self.jacobians, self.kind, vectors=True)

    @property
    def eigenvalues(self) -> np.ndarray:
        # from the decomposition with eigenvectors once that exists (equal to rounding)
        return self._eig[0] if "_eig" in self.__dict__ else self._spectrum

    @property
    def eigenvectors(self) -> np.ndarray:
        return self._eig[1]

    def leading_eigenvalues(self, k: int = 10, **options) -> LeadingEigenvalues:
        """The ``k`` leading eigenvalues at every point, without the full spectrum: by Arnoldi's
        method on Jacobian–vector products at large dimension (no Jacobian is formed);
        ``options`` as in :meth:`FixedPointFinder.leading_eigenvalues`."""
        if not len(self):
            k = check_number("k", k, integer=True)
            return LeadingEigenvalues(np.zeros((0, k), complex), np.zeros((0, k)), np.zeros((0, k), bool), "dense",
                                      self.kind, float(options.get("tol", 1e-10)))
        return self.finder.leading_eigenvalues(self.points, k, **options)

    @functools.cached_property
    def _counts(self):
        return counts(self.eigenvalues, stability.jacobian_scale(self.jacobians), self.kind)

    @property
    def n_unstable(self) -> np.ndarray:
        return self._counts[0]

    @property
    def n_neutral(self) -> np.ndarray:
        return self._counts[1]

    @property
    def stable(self) -> np.ndarray:
        return self.fixed & (self.n_unstable == 0)

    @property
    def labels(self) -> np.ndarray:
        n = self.points.shape[1]
        return np.array([count_label(int(u), int(z), n) if f else "slow point"
                         for u, z, f in zip(self.n_unstable, self.n_neutral, self.fixed)], dtype=object)

    @property
    def states(self) -> dict:
        """The points by variable: ``{name: (k, size)}`` (a plain function's state is ``"x"``)."""
        return self.finder._split(self.points)

    @property
    def variables(self) -> tuple:
        """The model's variables (``("x",)`` for a plain function's state)."""
        return tuple(self.finder._split(self.points[:0])) if self.finder is not None else ()

    @property
    def status(self) -> Status:
        """``converged``: every reported point converged (seeds that did not are counted in
        ``n_failed``, never reported); ``not found`` when there is none."""
        return Status.CONVERGED if len(self) else Status.NOT_FOUND

    @property
    def message(self) -> str:
        return (f"{int(np.sum(self.fixed))} fixed and {len(self) - int(np.sum(self.fixed))} slow points; "
                f"{self.n_failed} of {self.n_seeds} seeds failed, {self.n_outliers} outliers, "
                f"{self.n_duplicates} duplicates")

    def to_dict(self) -> dict:
        return {**super().to_dict(), "labels": plain(self.labels), "stable": plain(self.stable),
                "eigenvalues": plain(self.eigenvalues), "states": plain(self.states),
                "status": self.status.value, "message": self.message}

    def plot(self, ax=None, index=None, **style):
        """The spectra in the complex plane (all points, or the one at ``index``,
        :func:`dynanalysis.plotting.plot_spectrum`); returns the Axes."""
        from dynanalysis.plotting import plot_spectrum
        return plot_spectrum(self, ax=ax, index=index, **style)

    def __repr__(self) -> str:
        n_fixed = int(np.sum(self.fixed))
        return (f"FixedPointSet({n_fixed} fixed, {len(self) - n_fixed} slow points in dimension "
                f"{self.points.shape[1]}; {self.n_failed} failed, {self.n_outliers} outliers, "
                f"{self.n_duplicates} duplicates of {self.n_seeds} seeds)")


@dataclasses.dataclass(frozen=True, eq=False)
class LeadingEigenvalues(Result):
    r"""The ``k`` leading eigenvalues of the Jacobian f_x at each of ``p`` points: largest real part
    first (continuous), or largest modulus (discrete), as :func:`.spectra.spectrum` sorts them.

    ``eigenvalues`` (p, k) complex; ``residuals`` (p, k): :math:`\|J v - \lambda v\|` of the
    unit eigenvector relative to a lower bound of :math:`\|J\|` (the largest |eigenvalue| or
    |entry| the method saw); ``converged`` (p, k): residual at most ``tol``; ``method``
    (``"dense"``: NumPy's ``eig`` of the Jacobian, or ``"arnoldi"``: thick-restarted Arnoldi on
    Jacobian–vector products, :func:`.spectra.leading`); ``restarts`` the Arnoldi restarts used;
    ``eigenvectors`` (p, dim, k) unit columns, if asked for.
    """

    eigenvalues: np.ndarray
    residuals: np.ndarray
    converged: np.ndarray
    method: str
    kind: str
    tol: float
    restarts: int = 0
    eigenvectors: np.ndarray | None = None

    @property
    def status(self) -> Status:
        """``converged`` when every eigenvalue met ``tol``, else ``no convergence``."""
        return Status.CONVERGED if bool(np.all(self.converged)) else Status.NO_CONVERGENCE

    @property
    def message(self) -> str:
        bad = int(np.sum(~np.asarray(self.converged, bool)))
        p, k = np.shape(self.eigenvalues)
        where = f" after {self.restarts} restarts" if self.method == "arnoldi" else ""
        return (f"{k} leading eigenvalues at {p} points by {self.method}" + (
            f": all converged{where}" if not bad else
            f": {bad} of {p * k} did not reach the tolerance {self.tol:g}{where} (worst relative residual "
            f"{np.max(self.residuals):.1e}); raise restarts or krylov_dim"))

    def to_dict(self) -> dict:
        return {**super().to_dict(), "status": self.status.value, "message": self.message}


@dataclasses.dataclass(frozen=True, eq=False)
class ParameterSpectrum(Result):
    """One fixed point followed along a parameter and its spectrum at every value.

    ``parameter``, ``values`` (m,), ``points`` (m, dim), ``converged`` (m,), ``residuals`` (m,),
    ``jacobians`` (m, dim, dim), ``eigenvalues`` (m, dim) sorted as in :func:`spectrum`,
    ``n_unstable``, ``n_neutral`` (m,).
    """

    parameter: str
    values: np.ndarray
    points: np.ndarray
    converged: np.ndarray
    residuals: np.ndarray
    jacobians: np.ndarray
    eigenvalues: np.ndarray
    n_unstable: np.ndarray
    n_neutral: np.ndarray
    kind: str
    variables: tuple = ()

    @property
    def status(self) -> Status:
        """``converged`` when Newton converged at every value (else ``no convergence``)."""
        return Status.CONVERGED if bool(np.all(self.converged)) else Status.NO_CONVERGENCE

    @property
    def message(self) -> str:
        bad = self.values[~np.asarray(self.converged, bool)]
        return ("converged at every value" if not len(bad) else
                f"Newton did not converge at {len(bad)} of {len(self.values)} values of {self.parameter} "
                f"(first at {bad[0]:.6g})")

    def to_dict(self) -> dict:
        return {**super().to_dict(), "crossings": plain(self.crossings()), "status": self.status.value,
                "message": self.message}

    def crossings(self) -> list:
        """Where eigenvalues cross the stability boundary: ``[(value, n_before, n_after)]``.

        Modes neutral at every value (a symmetry's, such as a translation mode) are set aside
        first; then the k-th largest :func:`growth` is followed for each k, and where its sign
        changes the crossing is placed by linear interpolation between the bracketing values (at
        the value itself where it lies on the boundary to tolerance).  A complex pair crosses
        as one entry.  ``n_before``, ``n_after``: unstable counts on either side."""
        ok = np.flatnonzero(self.converged)
        if len(ok) < 2:
            return []
        v, n_u = self.values[ok], self.n_unstable[ok]
        g = growth(self.eigenvalues[ok], self.kind)
        tol = RTOL * stability.jacobian_scale(self.jacobians[ok])[:, None]
        structural = int(np.min(self.n_neutral[ok]))
        if structural:  # drop, at every value, the modes closest to the boundary
            drop = np.argsort(np.abs(g), axis=1)[:, :structural]
            g = np.stack([np.delete(row, d) for row, d in zip(g, drop)])
        g = -np.sort(-g, axis=1)
        sign = np.where(g > tol, 1, np.where(g < -tol, -1, 0))
        found = []
        for r in np.flatnonzero(np.any(sign > 0, 0) & np.any(sign < 0, 0)):
            nz = np.flatnonzero(sign[:, r])
            for a, b in zip(nz[:-1], nz[1:]):
                if sign[a, r] == sign[b, r]:
                    continue
                if b > a + 1:  # on the boundary in between
                    x = float(np.mean(v[a + 1:b]))
                else:
                    x = float(v[a] + g[a, r] / (g[a, r] - g[b, r]) * (v[b] - v[a]))
                found.append((x, int(n_u[a]), int(n_u[b])))
        out = []
        width = np.ptp(v) or 1.0
        for c in sorted(found):
            if not out or abs(c[0] - out[-1][0]) > 1e-9 * width:
                out.append(c)
        return out

    def plot(self, ax=None, n=6, **style):
        """The ``n`` leading growth rates against the parameter
        (:func:`dynanalysis.plotting.plot_spectrum_along`); returns the Axes."""
        from dynanalysis.plotting import plot_spectrum_along
        return plot_spectrum_along(self, ax=ax, n=n, **style)


# --------------------------------------------------------------------------- the analyzer
class FixedPointFinder:
    """Fixed points, slow points and spectra of a high-dimensional system.

    Parameters
    ----------
    model_or_function : a :class:`dynanalysis.ODE` (a zoo model, or any ``@da.ode`` function,
        BrainPy-style functions included), or a plain JAX function ``f(x)`` / ``f(x, inputs)`` of
        a flat state vector x returning a vector of the same shape.
    params : for a model, ``{parameter: value}`` overriding its defaults; for a plain function,
        the ``inputs`` passed as its second argument (any pytree; ``None``: ``f(x)``).
    kind : ``"continuous"`` (fixed points of dx/dt = f(x)) or ``"discrete"`` (x = f(x)).
    devices : the devices the seeds are split over (default: :mod:`dynanalysis.config`, all).

    The analysis runs in float64.  Constants a plain function captures should be NumPy arrays:
    a JAX array created outside ``jax.enable_x64`` is float32 and limits the points to ~1e-7.

    Example
    -------
    >>> import numpy as np, dynanalysis as da
    >>> W = np.diag([-1.0, -2.0, 0.5])
    >>> fps = da.FixedPointFinder(lambda x: W @ x - np.array([1.0, 2.0, 0.5])).find(np.ones((4, 3)))
    >>> fps.points.round(12).tolist(), list(fps.labels)
    ([[-1.0, -1.0, 1.0]], ['saddle (1 unstable)'])
    """

    def __init__(self, model_or_function, *, params=None, kind: str = "continuous", devices=None):
        self.devices = None if devices is None else config.check_devices(devices)
        if kind not in SYSTEM_KINDS:
            raise ValueError(f"kind must be one of {SYSTEM_KINDS}, got {kind!r}")
        self.kind = kind
        if isinstance(model_or_function, ODE) or isinstance(model_or_function, (list, tuple)):
            model = as_ode(model_or_function)
            if model.is_hybrid:
                raise ValueError(f"{model.name} is a hybrid (spiking) model: its reset is not part of "
                                 "the vector field, so its fixed points are not defined here")
            require_autonomous(model, "fixed points")
            if params is not None and not isinstance(params, Mapping):
                raise ValueError("params must be a dict {parameter: value} for a model")
            try:
                model = model.with_params(**(params or {}))
                _, p = model.flat_params()
            except ValueError as e:
                raise ValueError(f"params: {e}") from None
            self.model, self.dim = model, model.dim
            self.field = Field(model.flow, kind == "discrete", True, False)
            self.args = np.asarray(p, float)
        elif callable(model_or_function):
            self.model, self.dim = None, None
            self.field = Field(model_or_function, kind == "discrete", False, params is not None)
            self.args = params
        else:
            raise TypeError("model_or_function must be a dynanalysis ODE or a function f(x) / f(x, inputs), "
                            f"got {type(model_or_function).__name__}")

    # ----- input checking
    def _split(self, X) -> dict:
        X = np.asarray(X)
        if self.model is None:
            return {"x": X}
        out, o = {}, 0
        for v, size in self.model.sizes.items():
            out[v] = X[..., o:o + size] if size > 1 else X[..., o]
            o += size
        return out

    def _check_output(self, dim: int) -> None:
        try:
            with scope():
                out = jax.eval_shape(lambda x: self.field.f(x, self.args), jax.ShapeDtypeStruct((dim,), jnp.float64))
        except (TypeError, ValueError) as e:
            raise ValueError(f"the function could not be evaluated on a state of shape ({dim},): {e}") from None
        if out.shape != (dim,):
            raise ValueError(f"the function returned shape {out.shape} for a state of shape ({dim},); "
                             f"it must return one component per state variable, shape ({dim},)")

    def _states(self, seeds, name: str = "seeds") -> np.ndarray:
        """Seeds as a float64 array (k, dim), validated."""
        if isinstance(seeds, Mapping):
            if self.model is None:
                raise ValueError(f"{name}: a dict of variables needs a model; give an array (k, dim)")
            unknown = [v for v in seeds if v not in self.model.variables]
            missing = [v for v in self.model.variables if v not in seeds]
            if unknown or missing:
                raise ValueError(f"{name} must give every variable {list(self.model.variables)}; unknown "
                                 f"{unknown}, missing {missing}")
            parts = []
            for v, size in self.model.sizes.items():
                a = np.asarray(seeds[v], float)
                a = a.reshape(-1, 1) if size == 1 and a.ndim <= 1 else a.reshape(-1, size) if a.ndim == 1 else a
                if a.ndim != 2 or a.shape[1] != size:
                    raise ValueError(f"{name}[{v!r}] must have shape (k, {size}) or ({size},), got {np.shape(seeds[v])}")
                parts.append(a)
            if len({len(a) for a in parts}) != 1:
                raise ValueError(f"{name}: every variable needs the same number of seeds, got "
                                 f"{[len(a) for a in parts]}")
            X = np.concatenate(parts, axis=1)
        else:
            X = np.asarray(seeds, dtype=float)
            if X.ndim == 1:
                X = X[None]
        if X.ndim != 2 or X.shape[0] == 0:
            raise ValueError(f"{name} must be an array of shape (k, dim) with k >= 1, got shape {np.shape(seeds)}")
        if self.dim is not None and X.shape[1] != self.dim:
            raise ValueError(f"{name} have dimension {X.shape[1]}; {self.model.name} has {self.dim} state "
                             f"components ({', '.join(f'{v}: {s}' for v, s in self.model.sizes.items())})")
        bad = ~np.all(np.isfinite(X), axis=1)
        if np.any(bad):
            raise ValueError(f"{name} contain non-finite values (rows {np.flatnonzero(bad)[:8].tolist()})")
        if self.dim is None:
            self._check_output(X.shape[1])
        return X

    def scales(self, seeds) -> np.ndarray:
        """The per-component scales (dim,) that the solvers use for these seeds: tolerances and
        distances are relative to them."""
        return self._scale(self._states(seeds))

    def _scale(self, X) -> np.ndarray:
        """One scale per state component: a variable's typical range if the model has one, else
        the largest |value| of that variable over ``X`` (1 where that is 0)."""
        X = np.asarray(X, float)
        s = np.empty(X.shape[1])
        groups = self.model.sizes.items() if self.model is not None else [("x", X.shape[1])]
        o = 0
        for v, size in groups:
            r = self.model.ranges.get(v) if self.model is not None else None
            m = abs(r[1] - r[0]) if r else np.max(np.abs(X[:, o:o + size]))
            s[o:o + size] = m if m > 0 else 1.0
            o += size
        return s

    # ----- numerics
    @config.on_devices
    def solve(self, seeds, *, tol: float = 1e-10, max_iter: int = 50, slow: bool = True,
              gtol: float = 1e-8, slow_iter: int = 200, method: str = "auto", krylov=None):
        """The solvers of :meth:`find` from every seed, without selection: ``(points, fixed,
        stationary)``, one row per seed.  ``fixed``: Newton (or the least-squares stage) reached
        a root; ``stationary``: the least-squares stage reached a slow point; neither: the seed
        failed, and its row is where the solver stopped (possibly non-finite).  Arguments as in
        :meth:`find`."""
        X0 = self._states(seeds)
        _check_options((("tol", tol), ("gtol", gtol)), (("max_iter", max_iter), ("slow_iter", slow_iter)))
        linear = _linear(method, X0.shape[1], krylov)
        scale = self._scale(X0)
        x, fixed = self._newton(X0, scale, tol, int(max_iter), linear)
        stationary = np.zeros(len(X0), bool)
        left = np.flatnonzero(~fixed)
        if slow and len(left):
            x[left], fixed[left], stationary[left] = self._lm(X0[left], scale, tol, gtol, int(slow_iter))
        return x, fixed, stationary

    @config.on_devices
    def least_squares(self, seeds, *, tol: float = 1e-10, gtol: float = 1e-8, max_iter: int = 200, scale=None):
        """The second stage of :meth:`solve` alone (Levenberg–Marquardt on the speed) from every
        seed: ``(points, fixed, stationary)`` as :meth:`solve` returns them.  ``scale`` (dim,):
        the per-component scales (default: from the seeds, as :meth:`find` sets them)."""
        X0 = self._states(seeds)
        _check_options((("tol", tol), ("gtol", gtol)), (("max_iter", max_iter),))
        s = self._scale(X0) if scale is None else np.asarray(scale, float)
        if s.shape != (X0.shape[1],) or not np.all((s > 0) & np.isfinite(s)):
            raise ValueError(f"scale must hold {X0.shape[1]} positive numbers, got shape {s.shape}")
        return self._lm(X0, s, tol, gtol, int(max_iter))

    @config.on_devices
    def find(self, seeds, *, tol: float = 1e-10, max_iter: int = 50, slow: bool = True,
             gtol: float = 1e-8, slow_iter: int = 200, dedup_tol: float = 1e-6,
             outlier: float = 10.0, speed_tol: float | None = None, method: str = "auto",
             krylov=None) -> FixedPointSet:
        """Fixed points (and slow points) from every seed.

        Parameters
        ----------
        seeds : array (k, dim) (or one seed (dim,)), or for a model ``{variable: (k, size)}``.
        tol : Newton's residual tolerance, relative to the scaled Jacobian (see module notes).
        max_iter : Newton iterations per seed.
        slow : run the least-squares stage on the seeds Newton did not converge from, reporting
            the minima of the speed q it reaches as slow points.
        gtol, slow_iter : the least-squares stage's stationarity tolerance and iterations.
        dedup_tol : points closer than this (max-norm, scaled per variable) are one point.
        outlier : points farther than ``outlier`` times the seeds' mean distance from their
            centroid are outliers (``None``: keep all; a single seed has no spread, so no test).
        speed_tol : a seed whose final point has speed :math:`q = \\tfrac12 \\|F\\|^2` below
            this is kept as a slow point even where neither stage's test passed (BrainPy's
            ``filter_loss``, with q in place of its mean square).  Where f is not smooth (a
            ReLU network's kinks) q can have a minimum at which its gradient does not vanish:
            Newton and the least-squares stage stall there and would report a failure.  ``None``
            (default): no such points.  Slow points that pass the stationarity test are kept
            whatever their speed; select on ``speeds`` to drop them.
        method : Newton's linear solve.  ``"newton"``: a dense LU of the Jacobian (O(dim^3)
            time and O(dim^2) memory per seed and step); ``"krylov"``: matrix-free, GMRES on
            Jacobian–vector products to an Eisenstat–Walker accuracy (O(dim) memory per seed; see
            :mod:`dynanalysis._numerics.newton`); ``"auto"`` (default): Krylov from dimension
            ``KRYLOV_DIM`` (512) up, where it was 2-13 times faster on first calls and 14-84
            times on repeats on the networks measured (benchmarks/README.md, highdim).  The least-squares stage (``slow``) always forms
            Jacobians: at large dimension pass ``slow=False`` unless slow points are wanted.
        krylov : options of the Krylov solve, ``{"restart": 10, "cycles": 20, "forcing": None}``
            (Krylov vectors per GMRES cycle, cycles per Newton step, a fixed relative accuracy
            in (0, 1) instead of Eisenstat–Walker's).

        Duplicates are represented by the one of least speed.  The order is fixed by the data,
        not by round-off: fixed points (whose speeds are all round-off) by seed index, then slow
        points by speed (to ~7 digits), ties by seed index.
        """
        _check_options((("dedup_tol", dedup_tol),) + ((("speed_tol", speed_tol),) if speed_tol is not None else ()))
        X0 = self._states(seeds)
        k, n = X0.shape
        scale = self._scale(X0)
        x, fixed, stationary = self.solve(X0, tol=tol, max_iter=max_iter, slow=slow, gtol=gtol,
                                          slow_iter=slow_iter, method=method, krylov=krylov)
        found = fixed | stationary
        if speed_tol is not None:  # slow by their speed alone
            rest = np.flatnonzero(~found & np.all(np.isfinite(x), axis=1))
            if len(rest):
                q = 0.5 * np.sum(self.residual(x[rest]) ** 2, axis=1)
                found[rest[q < speed_tol]] = True
        F = self.residual(x[found]) if np.any(found) else np.zeros((0, n))
        idx = np.flatnonzero(found)
        speeds = 0.5 * np.sum(F**2, axis=1)
        residuals = np.max(np.abs(F) / scale, axis=1)
        # outliers: far from the seeds' cloud
        far = np.zeros(len(idx), bool)
        if outlier is not None and len(idx):
            centre = X0.mean(axis=0)
            spread = np.mean(np.linalg.norm((X0 - centre) / scale, axis=1))
            dist = np.linalg.norm((x[idx] - centre) / scale, axis=1)
            far = dist > float(outlier) * spread if spread > 0 else far  # one seed: no cloud
        # duplicates: the one of least speed represents them (fixed points first)
        near = idx[~far]
        cand = near[np.lexsort((near, speeds[~far], ~fixed[near]))]
        sel = cand[distinct(x[cand], scale, dedup_tol)]
        rows = np.searchsorted(idx, sel)  # idx is sorted: the rows of speeds, residuals
        # the order: fixed points by seed (their speeds are round-off), slow points by speed to
        # float32 precision, then by seed: round-off never decides it
        key = np.where(fixed[sel], 0.0, speeds[rows].astype(np.float32))
        order = np.lexsort((sel, key, ~fixed[sel]))
        sel, rows = sel[order], rows[order]
        return FixedPointSet(points=x[sel], speeds=speeds[rows], residuals=residuals[rows],
                             fixed=fixed[sel], seed_index=sel, n_seeds=k, n_failed=int(np.sum(~found)),
                             n_outliers=int(np.sum(far)), n_duplicates=int(len(cand) - len(sel)),
                             outliers=x[idx[far]], kind=self.kind, finder=self)

    def _device(self, *arrays):
        return jax.device_put((*arrays, self.args))

    @staticmethod
    def _over_devices(X, chunk):
        """``(X, devices)``: the rows padded to whole batches of ``chunk`` on every active device."""
        devs = xla.devices()
        return pad(X, size=-(-len(X) // (chunk * len(devs))) * chunk * len(devs)), devs

    def _newton(self, X0, scale, tol, max_iter, linear=None):
        k, n = X0.shape
        per_seed = _per_seed_bytes(n, linear)
        budget.check(2 * per_seed, "a batch of two Newton seeds",
                     "use a smaller system" + ("" if linear else ", or method='krylov' (matrix-free)"))
        basis = None if linear is None else 8.0 * n * (linear.restart + 1)
        X, chunk = _batches(X0, per_seed, basis)  # the caller's count (rounded to whole batches): one compile per count
        with scope():
            X, devs = self._over_devices(X, chunk)
            s, args = xla.replicate((scale, self.args))
            x, ok, _ = _newton_batch(self.field, xla.shard(X), args, s, tol, max_iter, chunk, linear, devs)
            x, ok = xla.fetch((x, ok))
        return np.array(x[:k]), np.array(ok[:k])

    def _lm(self, X0, scale, tol, gtol, max_iter):
        k, n = X0.shape
        X, chunk = _batches(_pad(X0))
        with scope():
            X, devs = self._over_devices(X, chunk)
            s, args = xla.replicate((scale, self.args))
            out = _lm_batch(self.field, xla.shard(X), args, s, tol, gtol, max_iter, chunk, devs)
            x, root, flat = xla.fetch(out)
        return np.array(x[:k]), np.array(root[:k]), np.array(flat[:k])

    def residual(self, points) -> np.ndarray:
        """F at ``points`` (k, dim): f, or f(x) - x for a map."""
        X = self._states(points, "points")
        with scope():
            P, args = self._device(_pad(X))
            return np.asarray(jax.device_get(_residuals(self.field, P, args)))[:len(X)]

    def speed_gradients(self, points, weights=None) -> np.ndarray:
        r"""Gradients ``(k, dim)`` of the speed :math:`q_w = \tfrac12 \sum_i w_i F_i^2` at
        ``points``: :math:`J_F^T (w \odot F)`, with weights ``w`` (dim,) (default 1: q itself).
        A slow point is where this vanishes with F != 0."""
        X = self._states(points, "points")
        k, n = X.shape
        w = np.ones(n) if weights is None else np.asarray(weights, float)
        if w.shape != (n,) or not np.all(np.isfinite(w)):
            raise ValueError(f"weights must be {n} finite numbers, got shape {w.shape}")
        with scope():
            P, w_, args = self._device(_pad(X), w)
            return np.asarray(jax.device_get(_speed_gradients(self.field, P, args, w_)))[:k]

    def jacobians(self, points) -> np.ndarray:
        """Jacobians ``(k, dim, dim)`` of f (the vector field, or the map) at ``points``."""
        X = np.asarray(points, float)
        if len(X) == 0:
            return np.zeros((0,) + X.shape[1:] * 2)
        X = self._states(X, "points")
        k, n = X.shape
        budget.check(8.0 * k * n * n, "the Jacobians of the points",
                     "ask for fewer points, or for the leading eigenvalues only (leading_eigenvalues)")
        P, chunk = _batches(_pad(X))
        with scope():
            P, args = self._device(P)
            return np.asarray(jax.device_get(_jacobians(self.field, P, args, chunk)))[:k]

    @config.on_devices
    def leading_eigenvalues(self, points, k: int = 10, *, method: str = "auto", tol: float = 1e-10,
                            krylov_dim: int | None = None, restarts: int = 300,
                            vectors: bool = False) -> LeadingEigenvalues:
        r"""The ``k`` leading eigenvalues of f_x (largest real part, or modulus for a map) at each
        of ``points`` (p, dim).

        method : ``"dense"``: the Jacobians formed and NumPy's ``eig`` (every eigenvalue, O(dim^3)
            time and O(dim^2) memory per point), the first k kept; ``"arnoldi"``: Arnoldi's method
            with thick restarts on Jacobian–vector products (:func:`.spectra.leading`; O(dim)
            memory per Krylov vector, one compiled program, every point at once); ``"auto"``
            (default): Arnoldi from dimension ``ARNOLDI_DIM`` (512) up, where it was faster on
            first calls and repeats alike (benchmarks/README.md, highdim); below, the dense
            spectrum costs little and needs no convergence.
        tol : an eigenpair has converged when its residual :math:`\|J v - \lambda v\|` is at
            most ``tol`` times the scale of J (see :class:`LeadingEigenvalues`); its eigenvalue
            error is that times its condition number (1 for a normal J).
        krylov_dim : Arnoldi's Krylov dimension m, between k + 3 and dim - 1 (default
            ``max(3 k, 40)``, at most dim - 1).  Larger: fewer restarts, more memory (ARPACK's
            default ``max(2 k + 1, 20)`` needed 128 restarts where 40 needed 20, for a random
            network's eigenvalues crowding at the edge of a disc).
        restarts : the most thick restarts; a pair not converged by then is reported so
            (``converged``, ``status``), not dropped.
        vectors : also return the unit eigenvectors (p, dim, k).
        """
        X = self._states(points, "points")
        p, n = X.shape
        k = check_number("k", k, integer=True)
        if k > n:
            raise ValueError(f"k must be at most the dimension {n}, got {k}")
        _check_options((("tol", tol),))
        restarts = check_number("restarts", restarts, integer=True, inclusive=True)
        if method not in EIGEN_METHODS:
            raise ValueError(f"method must be one of {EIGEN_METHODS}, got {method!r}")
        m = min(max(3 * k, 40), n - 1) if krylov_dim is None else check_number("krylov_dim", krylov_dim, integer=True)
        if method == "arnoldi" and not k + 3 <= m < n:
            raise ValueError(f"krylov_dim must be between k + 3 = {k + 3} and the dimension minus one, {n - 1}, "
                             f"got {m}" + ("" if m < n else "; use method='dense' at this dimension"))
        if method == "dense" or (method == "auto" and (n < ARNOLDI_DIM or not k + 3 <= m < n)):
            J = self.jacobians(X)
            ev, V = spectrum(J, self.kind, vectors=True)
            anorm = np.maximum(np.max(np.abs(ev), axis=-1), stability.jacobian_scale(J))
            ev, V = ev[:, :k], V[:, :, :k]
            res = np.linalg.norm(J @ V - V * ev[:, None, :], axis=1) / np.maximum(anorm, np.finfo(float).tiny)[:, None]
            return LeadingEigenvalues(ev, res, res <= tol, "dense", self.kind, float(tol), 0, V if vectors else None)
        scale = self._scale(X)
        P = _pad(X)
        per_point = 8.0 * n * (3 * (m + 1) + 8 * k + 64)  # the basis in, out, on the host; vectors; the linearisation
        budget.check(per_point * len(P), "the Krylov bases of the points", "ask for fewer points or a smaller krylov_dim")
        P, chunk = _batches(P, per_point, 8.0 * n * (m + 1))
        v0 = np.random.default_rng(0).standard_normal(n)
        with scope():
            P_, s, args = self._device(P, scale)

            def extend(V, H, start):
                V, H, start = jax.device_put((V, H, start))
                return jax.device_get(_arnoldi_batch(self.field, P_, args, s, V, H, start, chunk))

            def apply(T):
                return jax.device_get(_jvp_batch(self.field, P_, args, s, jax.device_put(T), chunk))

            ev, V, res, ok, used = leading(extend, v0, len(P), k, m, kind=self.kind, tol=float(tol),
                                           restarts=restarts, apply=apply)
        if vectors:  # back from the scaled coordinates
            V = scale[None, :, None] * V[:p]
            V = V / np.linalg.norm(V, axis=1, keepdims=True)
        return LeadingEigenvalues(ev[:p], res[:p], ok[:p], "arnoldi", self.kind, float(tol), int(used),
                                  V if vectors else None)

    # ----- seeds from dynamics
    def trajectory(self, x0, steps: int, *, dt: float = 0.1) -> np.ndarray:
        """States ``(steps + 1, dim)`` of the system from x0 (or ``(b, steps + 1, dim)`` for
        initial states ``(b, dim)``): RK4 with step ``dt`` (continuous) or ``steps`` iterations
        of the map (discrete; ``dt`` unused)."""
        X = self._states(x0, "x0")
        _check_options((("dt", dt),), (("steps", steps),))
        with scope():
            X_, args = self._device(X)
            out = np.asarray(jax.device_get(_trajectory(self.field, X_, args, float(dt), int(steps))))
        return out[0] if np.ndim(x0) == 1 or (isinstance(x0, Mapping) and len(X) == 1) else out

    def seeds_from_trajectory(self, x0, n: int, *, steps: int = 1000, dt: float = 0.1,
                              noise: float = 0.0, seed: int = 0) -> np.ndarray:
        """``n`` seeds sampled at random from the trajectories from x0 (see :meth:`trajectory`),
        each perturbed by Gaussian noise of standard deviation ``noise`` times the scale of its
        variable (the states' largest magnitude)."""
        states = self.trajectory(x0, steps, dt=dt)
        states = states.reshape(-1, states.shape[-1])
        return sample_states(states, n, noise=noise, seed=seed, scale=self._scale(states))

    # ----- along a parameter
    def _parameter(self, parameter: str) -> int:
        if self.model is None:
            raise ValueError("following a parameter needs a model with named parameters (a plain "
                             "function has none); wrap it with dynanalysis.ode")
        names = self.model.flow.param_names
        if parameter not in names:
            raise ValueError(f"parameter {parameter!r} is not a parameter of {self.model.name}; "
                             f"parameters are {list(names)}")
        if self.model.flow.param_shapes[list(names).index(parameter)] != ():
            raise ValueError(f"parameter {parameter!r} is not a scalar")
        return list(names).index(parameter)

    @config.on_devices
    def sweep(self, parameter: str, values, start, *, tol: float = 1e-10, max_iter: int = 50) -> ParameterSpectrum:
        """Follow the fixed point near ``start`` through ``values`` of ``parameter`` (Newton at each
        value from the previous solution; one compiled scan) and compute every spectrum.  Use
        :meth:`continuation` to pass a fold."""
        k = self._parameter(parameter)
        vals = np.asarray(values, float).ravel()
        if len(vals) < 2 or not np.all(np.isfinite(vals)):
            raise ValueError(f"values must hold at least two finite parameter values, got {values!r}")
        x0 = self._states(start, "start")
        if len(x0) != 1:
            raise ValueError(f"start must be one state, got {len(x0)}")
        P = np.tile(self.args, (len(vals), 1))
        P[:, k] = vals
        scale = self._scale(x0)
        budget.check(8.0 * len(vals) * self.dim**2 * 2, "the Jacobians along the sweep", "use fewer values")
        with scope():
            x0_, P_, s = jax.device_put((x0[0], P, scale))
            X, ok, F, J = (np.asarray(a) for a in jax.device_get(_sweep(self.field, x0_, P_, s, tol, int(max_iter))))
        ev, _ = spectrum(J, self.kind)
        nu, nz = counts(ev, stability.jacobian_scale(J), self.kind)
        return ParameterSpectrum(parameter, vals, X, ok, np.max(np.abs(F) / scale, axis=1), J, ev, nu, nz, self.kind,
                                 tuple(self.model.variables))

    def continuation(self, point, parameter: str, bounds, **options):
        """Pseudo-arclength continuation of the fixed point ``point`` in ``parameter`` (through
        folds): :func:`dynanalysis.continuation.equilibria`.  If the point lies on a continuous
        family of fixed points (a neutral eigenvalue, e.g. a ring network's translation mode),
        the family is pinned by a phase condition along that eigenvector, so the branch is
        well defined; ``options`` go to ``equilibria``."""
        from dynanalysis.continuation import equilibria
        self._parameter(parameter)
        if self.kind != "continuous":
            raise ValueError("continuation of fixed points of maps is not available; use sweep")
        x0 = self._states(point, "point")
        if len(x0) != 1:
            raise ValueError(f"point must be one state, got {len(x0)}")
        J = self.jacobians(x0)[0]
        ev, V = spectrum(J[None], vectors=True)
        g = growth(ev[0])
        neutral = np.abs(g) <= RTOL * stability.jacobian_scale(J)
        symmetry = None
        if np.any(neutral):
            v = V[0][:, np.flatnonzero(neutral)[0]].real
            symmetry = v / np.linalg.norm(v)
        return equilibria(self.model, parameter, start=self.model.named_state(x0[0]), bounds=bounds,
                          symmetry=symmetry, **options)


@partial(jit, static_argnames=("field", "steps"))
def _trajectory(field, X, args, dt, steps):
    f = lambda y: field.f(y, args)  # noqa: E731

    def step(x, _):
        y = f(x) if field.discrete else rk4(lambda z, t: f(z), x, 0.0, dt)
        return y, y

    def run(x):
        return jnp.concatenate([x[None], lax.scan(step, x, None, length=steps)[1]])

    return jax.vmap(run)(X)


def sample_states(states, n: int, *, noise: float = 0.0, seed: int = 0, scale=None) -> np.ndarray:
    """``n`` rows drawn at random (without replacement where possible) from ``states``
    ``(T, dim)`` (an array, or a :class:`dynanalysis.Trajectory` whose variables are stacked),
    plus Gaussian noise of standard deviation ``noise * scale`` (scale: per component; default
    the largest |state|)."""
    from dynanalysis._simulation.integrate import Trajectory
    if isinstance(states, Trajectory):
        states = np.concatenate([np.asarray(states[v]).reshape(len(states.t), -1) for v in states.states], axis=1)
    S = np.asarray(states, float)
    if S.ndim != 2 or len(S) == 0:
        raise ValueError(f"states must be an array (T, dim) with T >= 1, got shape {S.shape}")
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a non-negative number, got {noise!r}")
    rng = np.random.default_rng(seed)
    rows = S[rng.choice(len(S), size=int(n), replace=n > len(S))]
    if noise:
        s = np.max(np.abs(S), axis=0) if scale is None else np.asarray(scale, float)
        rows = rows + noise * np.where(s > 0, s, 1.0) * rng.standard_normal(rows.shape)
    return rows


def _pad(X):
    """A batch of varying size (points found, seeds left to the second stage) padded to a power
    of two, at least two (never a batch of one, see :func:`_batches`): few distinct shapes, few
    compilations."""
    return pad(X, minimum=2)
