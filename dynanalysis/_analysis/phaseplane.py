"""Phase-plane analyzers with BrainPy's names and arguments: ``PhasePlane1D``, ``PhasePlane2D``.

They are thin: validate once (:func:`domain.domain`), call the numerics, wrap the results.
Compute-only methods (``fixed_points()``, ``nullclines()``, ``vector_field()``,
``trajectory()``, ``limit_cycle()``) return result objects; every ``plot_*`` method computes,
draws on ``ax`` (a new figure if None) and returns the same result.  BrainPy's display flags
(``show``, ``with_plot``, ``with_return``) and its solver tolerances (``tol_*``, ``num_rank``,
``select_candidates``, ...) are accepted so that scripts port unchanged; the tolerances are not
needed here (roots are solved to float64 precision) and are ignored.  ``devices=`` restricts
the devices the batches are split over (default: :mod:`dynanalysis.config`, all devices).
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from dynanalysis import budget, config

from dynanalysis import _cycles as cycles

from dynanalysis._equilibria import fields

from dynanalysis._equilibria import fixedpoints

from dynanalysis._equilibria import nullclines
from dynanalysis._model.domain import domain, grid_points
from dynanalysis._simulation.integrate import simulate

_BRAINPY_IGNORED = {"tol_unique", "tol_aux", "tol_opt_screen", "select_candidates", "num_rank",
                    "tol_nullcline_points", "coords", "num_par_segments", "num_fp_segment",
                    "nullcline_aux_filter", "tol", "plot_method_kwargs", "options", "num_seg",
                    "fp_aux_filter", "escape_sympy_solver", "sympy_solver_timeout", "lim_scale"}
_DEFAULT_POINTS = 201


def _counts(dom, resolutions, what="resolutions") -> list[int]:
    """BrainPy resolutions (a step, or {variable: step}) -> grid points per variable (ends included)."""
    if resolutions is None:
        return [_DEFAULT_POINTS] * dom.dim
    if isinstance(resolutions, Mapping):
        unknown = [k for k in resolutions if k not in dom.names]
        if unknown:
            raise ValueError(f"{what}: {unknown} are not target variables {list(dom.names)}")
        steps = [resolutions.get(n) for n in dom.names]
    else:
        steps = [resolutions] * dom.dim
    out = [grid_points(n, lo, hi, step, _DEFAULT_POINTS, what, minimum=3)
           for n, step, lo, hi in zip(dom.names, steps, dom.lo, dom.hi)]
    budget.check(8.0 * 8 * float(np.prod(out)), f"a {' x '.join(map(str, out))} grid",
                 f"use a coarser {what} step")
    return out


def _flags(kw: dict) -> tuple[bool, dict]:
    """Split BrainPy display flags and ignored tolerances from matplotlib style keywords."""
    show = bool(kw.pop("show", False))
    kw.pop("with_return", None)
    kw.pop("with_plot", None)
    for k in list(kw):
        if k in _BRAINPY_IGNORED:
            kw.pop(k)
    return show, kw


def _show(show):
    if show:
        from dynanalysis.plotting import show as show_figures
        show_figures()


def _initials(names, initials) -> dict:
    if not isinstance(initials, Mapping):
        # BrainPy also takes a list of points [[V0, w0], ...]
        arr = np.atleast_2d(np.asarray(initials, dtype=float))
        if arr.shape[-1] != len(names):
            raise ValueError(f"initials must be {{variable: values}} or points of length {len(names)}")
        return {n: arr[:, i] for i, n in enumerate(names)}
    unknown = [k for k in initials if k not in names]
    missing = [k for k in names if k not in initials]
    if unknown or missing:
        raise ValueError(f"initials must give exactly the target variables {list(names)}; "
                         f"unknown {unknown}, missing {missing}")
    return {k: np.asarray(v, dtype=float) for k, v in initials.items()}


class _PhasePlane:
    _dim = None

    def __init__(self, model, target_vars: Mapping, fixed_vars: Mapping | None = None,
                 pars_update: Mapping | None = None, resolutions=None, devices=None, **brainpy_options):
        unknown = [k for k in brainpy_options if k not in _BRAINPY_IGNORED]
        if unknown:
            raise TypeError(f"unexpected keyword argument(s) {unknown}")
        self.domain = domain(model, target_vars, fixed_vars=fixed_vars, params=pars_update)
        if self.domain.dim != self._dim:
            raise ValueError(f"{type(self).__name__} needs exactly {self._dim} target variable(s), "
                             f"got {list(self.domain.names)}")
        self.model = self.domain.model
        self.resolutions = _counts(self.domain, resolutions)
        self.devices = None if devices is None else config.check_devices(devices)

    def _plot(self, result, ax, kw, **options):
        """Draw a computed result, honour BrainPy's ``show``, return the result."""
        show, kw = _flags(kw)
        result.plot(ax=ax, **options, **kw)
        _show(show)
        return result

    def plot_fixed_point(self, ax=None, **kw):
        return self._plot(self.fixed_points(), ax, kw)

    # --- compute
    @config.on_devices
    def trajectory(self, initials, duration: float, dt: float | None = None, method: str = "rk4",
                   **kw):
        """Simulate the target variables (fixed variables held) from ``initials`` (batched)."""
        dt = duration / 20000 if dt is None else dt
        return simulate(self.model, _initials(self.domain.names, initials), duration, dt=dt,
                        method=method, params=self.domain.params() | self.domain.fixed, **kw)


class PhasePlane1D(_PhasePlane):
    """Phase line of one variable: dx/dt against x, and the equilibria with their stability."""

    _dim = 1

    @config.on_devices
    def fixed_points(self) -> fixedpoints.FixedPoints:
        return fixedpoints.solve(self.domain, resolution=self.resolutions[0])

    @config.on_devices
    def vector_field(self) -> fields.LineField:
        return fields.compute_line(self.domain, np.linspace(self.domain.lo[0], self.domain.hi[0],
                                                            self.resolutions[0]))

    def plot_vector_field(self, ax=None, **kw):
        return self._plot(self.vector_field(), ax, kw)


class PhasePlane2D(_PhasePlane):
    """Phase plane of two variables: nullclines, vector field, fixed points, trajectories and
    limit cycles.  ``target_vars={"V": (-3, 3), "w": (-3, 3)}`` (x axis first); every other
    variable goes in ``fixed_vars``; ``pars_update`` overrides parameters; ``resolutions`` is
    BrainPy's grid step (a number or ``{variable: step}``; default 201 points per axis)."""

    _dim = 2

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self._nullclines = None

    @config.on_devices
    def nullclines(self) -> nullclines.Nullclines:
        if self._nullclines is None:
            self._nullclines = nullclines.compute(self.domain, self.resolutions)
        return self._nullclines

    @config.on_devices
    def fixed_points(self, seeds=None) -> fixedpoints.FixedPoints:
        """Newton from a 30 x 30 grid plus every vertex of both nullclines (unless ``seeds``)."""
        extra = None
        if seeds is None:
            curves = [c for cs in self.nullclines().curves.values() for c in cs]
            extra = np.concatenate(curves) if curves else None
        return fixedpoints.solve(self.domain, seeds=seeds, extra_seeds=extra)

    @config.on_devices
    def vector_field(self, resolution: int | None = None) -> fields.VectorField:
        n = resolution or min(max(self.resolutions), 100)
        return fields.compute(self.domain, (n, n))

    @config.on_devices
    def limit_cycle(self, initials, duration: float, **kw) -> list:
        """One :class:`cycles.LimitCycle` per initial state (see :func:`cycles.limit_cycle`)."""
        init = _initials(self.domain.names, initials)
        count = np.broadcast(*init.values()).size
        params = self.domain.params() | self.domain.fixed
        points = {k: np.broadcast_to(v, np.broadcast(*init.values()).shape).ravel() for k, v in init.items()}
        return [cycles.limit_cycle(self.model, {k: v[i] for k, v in points.items()}, duration,
                                   params=params, **kw) for i in range(count)]

    # --- draw
    def plot_nullcline(self, ax=None, **kw):
        return self._plot(self.nullclines(), ax, kw)

    def plot_vector_field(self, ax=None, plot_method: str = "streamplot", **kw):
        kw.pop("plot_style", None)  # BrainPy's style dict; matplotlib keywords go directly
        return self._plot(self.vector_field(), ax, kw, method=plot_method)

    def plot_trajectory(self, initials, duration: float, ax=None, axes: str = "v-v",
                        dt: float | None = None, plot_durations=None, method: str = "rk4", **kw):
        """Trajectories from ``initials``; ``axes="v-v"`` in the plane, ``"t-v"`` against time.
        Hybrid models are split at every spike and their reset line is drawn."""
        show, kw = _flags(kw)
        if axes not in ("v-v", "t-v"):
            raise ValueError(f"axes must be 'v-v' or 't-v', got {axes!r}")
        tr = self.trajectory(initials, duration, dt=dt, method=method)
        from dynanalysis.plotting import plot_phase_trajectory, plot_trajectory
        if axes == "v-v":
            plot_phase_trajectory(tr, self.domain.names, ax=ax, window=plot_durations, **kw)
        else:
            plot_trajectory(tr, ax=ax, variables=self.domain.names, **kw)
        _show(show)
        return tr

    def plot_limit_cycle_by_sim(self, initials, duration: float, ax=None, **kw):
        show, kw = _flags(kw)
        style = {k: kw.pop(k) for k in list(kw) if k in ("color", "lw", "linewidth", "label")}
        found = self.limit_cycle(initials, duration, **kw)
        for lc in found:
            if lc.found:
                ax = lc.plot(ax=ax, x=self.domain.names[0], y=self.domain.names[1], **style)
        _show(show)
        return found
