r"""The continuation engine: pseudo-arclength steps of any *problem* and the locator on a branch.

A problem is a hashable callable ``system(y, *args) -> residual`` (m equations in m + 1 unknowns)
with ``system.observe(y, D, *args) -> observed`` (what the branch records at each point, from the
Jacobian D of the residual) and, optionally, its own jitted ``corrector`` of :func:`_step`'s
signature where its structure allows a faster solve (collocation).  Unknowns are scaled by S.
From a point :math:`u_k = z_k / S` with unit tangent :math:`\tau_k`:

* predictor :math:`u^0 = u_k + h\,\tau_k`;
* corrector: Newton with capped steps (:func:`.._numerics.newton.correct`) on the bordered system
  :math:`F(S u) = 0,\ \tau_k \cdot (u - u^0) = 0`;
* new tangent from :math:`\begin{pmatrix} F_z S \\ \tau_k^T \end{pmatrix} \tau = e_{m+1}`,
  normalised, so its orientation follows the branch through folds;
* step control: a failed corrector, or a tangent turning by more than ``max_angle``, halves h
  (a guard against jumping to another branch); a success grows it by 1.3 up to ``ds_max``.

Each step is one jitted call (compiled once per problem and size; parameters and starts are data).
"""
from __future__ import annotations

import dataclasses
from functools import partial
from typing import Mapping, Protocol

import numpy as np
import jax
import jax.numpy as jnp

from dynanalysis._numerics.newton import correct

from dynanalysis._model.domain import check_number
from dynanalysis._model.results import Result, plain
from dynanalysis._model.xla import jit, scope
from dynanalysis._numerics.linalg import lu_solve
from dynanalysis._numerics.roots import illinois, secant
from dynanalysis._numerics.status import Status


class Problem(Protocol):
    """What the engine continues: m equations in m + 1 unknowns.  Implementations are frozen
    dataclasses holding only hashable structure (the model's flow, mesh sizes), so one compiled
    step serves every parameter value and start; everything else is ``args`` (runtime data).

    * ``problem(y, *args) -> residual`` (m,);
    * ``problem.observe(y, D, *args) -> observed``: what the branch records at a point, from the
      Jacobian D of the residual there (eigenvalue material, test-function inputs);
    * optionally ``problem.corrector``: a jitted step of :func:`_step`'s signature where the
      problem's structure allows a faster solve (collocation condenses its mesh intervals).

    Problems today: equilibria (:class:`~._equilibria.EquilibriumSystem`,
    :class:`~._equilibria.PinnedSystem`), fold and Hopf curves (``_curves``), periodic orbits
    (``_periodic.CycleSystem``)."""

    def __call__(self, y, *args): ...

    def observe(self, y, D, *args): ...


@dataclasses.dataclass(frozen=True)
class Options:
    """Step control of a branch, the one validated set for every problem.

    ``ds, ds_min, ds_max``: arclength steps in scaled units (each unknown divided by its scale);
    ``max_steps``; ``direction`` +1 or -1 (the problem says along which component); ``max_angle``:
    the largest turn of the tangent in one step (degrees) before the step is halved; ``tol``: the
    corrector's tolerance (a residual tolerance relative to the scaled Jacobian; collocation: a
    scaled step tolerance).  Each problem's function passes its own defaults; :meth:`with_defaults`
    merges defaults with options given as a mapping, naming unknown ones."""

    ds: float = 0.01
    ds_min: float = 1e-7
    ds_max: float = 0.05
    max_steps: int = 2000
    direction: int = +1
    max_angle: float = 30.0
    tol: float = 1e-10

    def __post_init__(self):
        for name in ("ds", "ds_min", "ds_max", "tol"):
            object.__setattr__(self, name, check_number(name, getattr(self, name)))
        if not 0 < self.ds_min <= self.ds <= self.ds_max:
            raise ValueError(f"need 0 < ds_min <= ds <= ds_max, got {self.ds_min}, {self.ds}, {self.ds_max}")
        if isinstance(self.max_steps, bool) or not isinstance(self.max_steps, (int, np.integer, float)) \
                or int(self.max_steps) != self.max_steps or self.max_steps < 1:
            raise ValueError(f"max_steps must be a positive integer, got {self.max_steps!r}")
        object.__setattr__(self, "max_steps", int(self.max_steps))
        if self.direction not in (1, -1):
            raise ValueError(f"direction must be +1 or -1, got {self.direction!r}")
        angle = check_number("max_angle", self.max_angle)
        if not angle < 180:
            raise ValueError(f"max_angle must be in (0, 180) degrees, got {angle}")
        object.__setattr__(self, "max_angle", angle)

    @classmethod
    def with_defaults(cls, defaults: Mapping, given: Mapping) -> "Options":
        """Options from a problem's ``defaults`` overridden by the user's ``given`` (unknown names
        are an error)."""
        names = [f.name for f in dataclasses.fields(cls)]
        unknown = [k for k in given if k not in names]
        if unknown:
            raise ValueError(f"unknown option(s) {unknown}; options are {names}")
        return cls(**{**defaults, **given})

@dataclasses.dataclass(frozen=True)
class Branch(Result):
    """A continued solution branch.

    ``kind`` ("equilibrium"), ``parameter`` (the free parameter), ``params[name]`` (arrays along
    the branch: the free parameter; both on two-parameter curves), ``states[name]``, ``stable``
    and ``n_unstable`` per point, ``eigenvalues`` (points, n), ``special_points`` (located LP, BP,
    H with their data), ``status`` (why the branch ended, a :class:`~.._numerics.status.Status`:
    ``"bounds"``, ``"max_steps"``, a failure, ...), ``message`` (the same in words) and
    ``origin`` (how it was started: "seed search", "switch at BP", "Hopf", ...).

    A periodic branch (``kind`` "periodic") has its own ``period`` (points,),
    ``minimum[name]`` / ``maximum[name]`` (points,) and Floquet ``multipliers`` (points, n); they
    are also kept where they were (``states["period"]``, ``states["V_min"]``, ``eigenvalues``).
    """

    kind: str
    parameter: str
    params: dict
    states: dict
    stable: np.ndarray
    n_unstable: np.ndarray
    eigenvalues: np.ndarray
    special_points: list
    status: Status
    model: object = None
    orbits: dict | None = None
    message: str = ""
    origin: str = ""

    def __len__(self) -> int:
        return len(self.stable)

    def points(self, kind: str) -> list:
        return [s for s in self.special_points if s.kind == kind]

    def point(self, i: int):
        """Point i of a fold or Hopf curve as a :class:`~dynanalysis.SpecialPoint` (its model at
        the point's parameter values), to start another continuation from: on a Hopf curve a
        Hopf point (kind "H", with its frequency), from which :func:`periodic_orbits` continues
        the cycles in either parameter (``parameter=``); on a fold curve a fold ("LP").  On a
        periodic branch, its i-th cycle as a :class:`~dynanalysis.LimitCycle` (for
        :func:`~dynanalysis.phase_response`, or to continue in another parameter)."""
        from dynanalysis._numerics.points import SpecialPoint
        if self.kind == "periodic":
            return self._cycle(i)
        if self.kind not in ("fold", "hopf"):
            raise ValueError(f"point(): fold and Hopf curves and periodic branches have points to start from, this "
                             f"branch is {self.kind!r}")
        i = range(len(self))[i]  # negative indices count from the end; out of range raises IndexError
        params = {k: float(v[i]) for k, v in self.params.items()}
        data = {"eigenvalues": self.eigenvalues[i], "located": True}
        tests = getattr(self, "tests", None) or {}
        if "frequency" in tests:
            if not np.isfinite(tests["frequency"][i]):
                raise ValueError(f"point {i} of this Hopf curve is a neutral saddle (no frequency), not a Hopf point")
            data["frequency"] = float(tests["frequency"][i])
        kind = {"fold": "LP", "hopf": "H"}[self.kind]
        return SpecialPoint(kind, params, {v: float(self.states[v][i]) for v in self.model.variables}, data,
                            self.model.with_params(**params))

    def _cycle(self, i: int):
        from dynanalysis._cycles import LimitCycle
        i = range(len(self))[i]
        T, value = float(self.period[i]), float(self.params[self.parameter][i])
        names = self.model.variables
        states = {v: np.asarray(self.orbits[v][i]) for v in names}
        return LimitCycle(True, T, np.asarray(self.orbits["t"][i]) * T, states,
                          {v: float(self.minimum[v][i]) for v in names}, {v: float(self.maximum[v][i]) for v in names},
                          self.eigenvalues[i], bool(self.stable[i]), True, model=self.model.with_params(**{self.parameter: value}),
                          params={self.parameter: value})

    def _periodic(self, what: str):
        if self.kind != "periodic":
            raise AttributeError(f"{what}: only a periodic branch has it, this one is {self.kind!r}")

    @property
    def period(self) -> np.ndarray:
        """Periodic branches: the period at each point."""
        self._periodic("period")
        return self.states["period"]

    @property
    def minimum(self) -> dict:
        """Periodic branches: ``{variable: (points,)}`` the orbit's minimum at each point."""
        self._periodic("minimum")
        return {k[:-4]: v for k, v in self.states.items() if k.endswith("_min")}

    @property
    def maximum(self) -> dict:
        """Periodic branches: ``{variable: (points,)}`` the orbit's maximum at each point."""
        self._periodic("maximum")
        return {k[:-4]: v for k, v in self.states.items() if k.endswith("_max")}

    @property
    def multipliers(self) -> np.ndarray:
        """Periodic branches: the Floquet multipliers (points, n), sorted by modulus."""
        self._periodic("multipliers")
        return self.eigenvalues

    def plot(self, ax=None, y=None, **style):
        """Against the parameter (``y`` a variable); fold and Hopf curves in the parameter plane
        (:func:`dynanalysis.plotting.plot_branch`, :func:`~dynanalysis.plotting.plot_curve`);
        returns the Axes."""
        from dynanalysis import plotting
        if self.kind in ("fold", "hopf", "homoclinic"):
            return plotting.plot_curve(self, ax=ax, **style)
        return plotting.plot_branch(self, ax=ax, y=y, **style)

    def to_dict(self) -> dict:
        out = super().to_dict()
        if self.kind == "periodic":
            out.update(period=plain(self.period), minimum=plain(self.minimum), maximum=plain(self.maximum),
                       multipliers=plain(self.multipliers))
        return out



@partial(jit, static_argnames=("system", "max_iter"))
def _step(system, z, tau, h, args, S, tol, max_iter=12):
    """One predictor-corrector step of ``system`` (m residuals in m + 1 unknowns, scales S) from
    z along the unit tangent tau (scaled).  Returns ``(z_new, tau_new, converged, observed)``."""
    m = z.shape[0] - 1
    z0 = z + h * tau * S

    def G(y):
        return jnp.concatenate([system(y, *args), (tau @ ((y - z0) / S))[None]])

    y, ok, _, D = correct(G, z0, S, iters=max_iter, ftol=tol)
    t = lu_solve(D * S[None, :], jnp.zeros(m + 1, z.dtype).at[m].set(1.0))
    t = t / jnp.linalg.norm(t)
    return y, t, ok & jnp.all(jnp.isfinite(t)), system.observe(y, D, *args)


def step(system, z, tau, h, args, S, tol):
    """Host view of one step (float64, NumPy out): :func:`_step`, or the system's own jitted
    ``corrector`` of the same signature where its structure allows a faster solve."""
    fn = getattr(system, "corrector", None) or _step
    with scope():
        return jax.device_get(fn(system, z, tau, np.float64(h), args, S, tol))


def arclength(system, args, z, tau, S, bounds: Mapping, options: Options, *, observed=None,
              where=lambda z: f"the last free component {z[-1]:.10g}", prepare=None, stop=None):
    """Pseudo-arclength continuation of ``system`` from the solution z with unit tangent tau
    (scaled), until a component leaves ``bounds = {index: (lo, hi)}`` (the last point is then
    placed on the bound), the branch comes back to its start (a closed curve; the start is
    repeated as the last point), ``options.max_steps`` steps, or a corrector failure below
    ``ds_min`` (``where(z)`` describes the last point in the message).

    Hooks: ``prepare(z, tau, observed) -> (z, tau, args)`` turns an accepted point into the start
    of the next step (e.g. a new collocation mesh and phase reference; called on the start too);
    ``stop(z, observed) -> (Status, message) | None`` ends the branch there.

    Returns ``(Z, T, O, status, message)``: points, tangents, the observed quantities of every
    point (``observed`` is the start's), and why the branch ended.  Points are as computed (before
    ``prepare``)."""
    Z, T, O = [z], [tau], [observed]
    h = options.ds
    cos_max = np.cos(np.radians(options.max_angle))
    cur = prepare(z, tau, observed) if prepare else (z, tau, args)
    for _ in range(options.max_steps):
        zc, tc, ac = cur
        while True:
            y, t, ok, o = step(system, zc, tc, h, ac, S, options.tol)
            t = t if t @ tc >= 0 else -t
            if ok and t @ tc >= cos_max:
                break
            h /= 2
            if h < options.ds_min:
                return _stack(Z, T, O, Status.NO_CONVERGENCE,
                              f"no convergence at {where(Z[-1])}: the corrector failed down to the smallest "
                              f"step ds_min = {options.ds_min}")
        out = [(i, hi if y[i] > hi else lo) for i, (lo, hi) in bounds.items() if not lo <= y[i] <= hi]
        if out:  # land exactly on the bound: hold that component there
            i, bound = out[0]
            e = np.zeros(len(S))
            e[i] = 1.0
            y, _, ok, o = step(system, zc, e, (bound - zc[i]) / S[i], ac, S, options.tol)
            if ok:
                Z.append(y), T.append(t), O.append(o)
            return _stack(Z, T, O, Status.BOUNDS, f"reached the bounds at {where(Z[-1])}")
        if len(Z) > 2 and _passes_start(Z[0], T[0], Z[-1], y, t, S, cos_max):
            Z.append(Z[0]), T.append(T[0]), O.append(O[0])
            return _stack(Z, T, O, Status.CLOSED, f"closed: the branch came back to its start at {where(Z[0])}")
        Z.append(y), T.append(t), O.append(o)
        ended = stop(y, o) if stop else None
        if ended:
            return _stack(Z, T, O, *ended)
        cur = prepare(y, t, o) if prepare else (y, t, ac)
        h = min(1.3 * h, options.ds_max)
    return _stack(Z, T, O, Status.MAX_STEPS, f"used all max_steps = {options.max_steps} steps at {where(Z[-1])}")


def _passes_start(z0, t0, za, zb, tb, S, cos_max) -> bool:
    """Whether the step from za to zb (scaled tangent tb at zb) passes through the branch's start
    z0 in its direction t0: z0 within the step's span and off the chord by less than a tenth of
    its length (a chord's deviation from the curve is far below that at the engine's step sizes)."""
    a, b, c = za / S, zb / S, z0 / S
    d = b - a
    length = np.linalg.norm(d)
    s = (c - a) @ d / max(length ** 2, 1e-300)
    return bool(0.0 <= s <= 1.0 and np.linalg.norm(a + s * d - c) <= 0.1 * length and tb @ t0 >= cos_max)


def _stack(Z, T, O, status, message):
    return np.array(Z), np.array(T), jax.tree.map(lambda *a: np.stack(a), *O), status, message


def locate_on_branch(system, args, za, ta, zb, S, test, tol, *, iters=40, htol=1e-12, h_b=None):
    """The zero of the host test function ``test(z, observed)`` between two consecutive branch
    points za, zb (of opposite test signs): Illinois regula falsi on the arclength h of the
    predictor from za along ta (h_b: that of zb, by default its projection), each trial point
    corrected on the branch (the bookkeeping of :func:`.._numerics.roots.illinois`, shared with
    the chord locator).  Returns ``(z, observed, converged)``."""
    h_b = float(ta @ ((zb - za) / S)) if h_b is None else float(h_b)

    def at(h):
        y, _, ok, o = step(system, za, ta, h, args, S, tol)
        return y, o, ok, float(test(y, o)) if ok else np.nan

    y, o, ok_a, ga = at(0.0)
    y, o, ok_b, gb = at(h_b)
    if not (ok_a and ok_b and np.sign(ga) * np.sign(gb) < 0):
        return y, o, False
    a, b, side, prev = (0.0, ga), (h_b, gb), 0, None  # bracket ends (h, Illinois-weighted g)
    for _ in range(iters):
        h = float(secant(*a, *b))
        y, o, ok, g = at(h)
        if not ok:  # exactly on a branch point of higher multiplicity the tangent is undefined: beside it
            y, o, ok, g = at(h + 1e-9 * (b[0] - a[0]))
        if not ok:
            return y, o, False
        if g == 0 or (prev is not None and abs(h - prev) <= htol * max(1.0, abs(h_b))):
            return y, o, True
        prev = h
        a, b, side = illinois(np.sign(g) == np.sign(a[1]), a, b, (h, g), side)
    return y, o, False


def _scales(model, x0):
    """One scale per state component: its variable's typical range, else max(1, |start|) over
    the variable's components."""
    parts = model.named_state(x0)
    return np.concatenate([np.full(model.sizes[v], abs(model.ranges[v][1] - model.ranges[v][0])
                                   if v in model.ranges else max(1.0, float(np.max(np.abs(parts[v])))))
                           for v in model.variables])


def join(back, ahead):
    """One branch (or curve) from the two halves continued from the same start (``back``
    reversed first)."""
    cat = lambda a, b: np.concatenate([a[::-1], b[1:]])  # noqa: E731
    extra = {"tests": {k: cat(back.tests[k], v) for k, v in ahead.tests.items()}} if getattr(ahead, "tests", None) else {}
    if ahead.orbits is not None:
        extra["orbits"] = {k: cat(back.orbits[k], v) for k, v in ahead.orbits.items()}
    return dataclasses.replace(
        ahead, **extra, params={k: cat(back.params[k], v) for k, v in ahead.params.items()},
        states={k: cat(back.states[k], v) for k, v in ahead.states.items()},
        stable=cat(back.stable, ahead.stable), n_unstable=cat(back.n_unstable, ahead.n_unstable),
        eigenvalues=cat(back.eigenvalues, ahead.eigenvalues), special_points=back.special_points[::-1] + ahead.special_points,
        status=ahead.status, message=f"{back.message} (start side) / {ahead.message}")


def both_ways(run):
    """``run(direction) -> Branch`` continued one way (+1) and, unless it closed on itself, the
    other (joined into one branch)."""
    ahead = run(+1)
    return ahead if ahead.status is Status.CLOSED else join(run(-1), ahead)


def near_polyline(P, q, tol) -> bool:
    """Whether the point q lies within ``tol`` (max norm) of the polyline through the rows of P
    (both already scaled)."""
    if len(P) == 1:
        return bool(np.max(np.abs(P[0] - q)) < tol)
    a, d = P[:-1], P[1:] - P[:-1]
    t = np.clip(np.sum((q - a) * d, 1) / np.maximum(np.sum(d ** 2, 1), 1e-300), 0.0, 1.0)
    return bool(len(a) and np.min(np.max(np.abs(a + t[:, None] * d - q), axis=1)) < tol)


def on_branch(branches, x, value, S, tol=1e-2) -> bool:
    """Whether the equilibrium x at parameter ``value`` lies on one of the equilibrium
    ``branches``: within ``tol`` (scaled by S: the variables' scales, then the parameter's; max
    norm) of one of a branch's chords (far above a chord's deviation from the curve at the
    engine's step sizes; also where the branch turns at a fold or a pitchfork)."""
    q = np.r_[x, value] / S
    return any(near_polyline(np.column_stack([*(b.states[v] for v in b.model.variables), b.params[b.parameter]]) / S,
                             q, tol) for b in branches if len(b))
