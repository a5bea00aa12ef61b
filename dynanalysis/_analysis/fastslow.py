"""Fast–slow analysis (BrainPy's ``FastSlow1D`` / ``FastSlow2D``).

The slow variables are frozen into parameters of the fast subsystem (:meth:`ODE.restrict`), so
the critical manifold is exactly a bifurcation diagram of the fast subsystem over the slow
variables: its equilibria with stability, folds and Hopf points (:mod:`.bifurcation`), the
envelope of the fast subsystem's limit cycles (batched simulation), and the full system's
trajectory drawn on top (``plot_trajectory``).
"""
from __future__ import annotations

from typing import Mapping


from dynanalysis._analysis.bifurcation import Bifurcation1D, Bifurcation2D
from dynanalysis._model.domain import check_range
from dynanalysis._simulation.integrate import simulate
from dynanalysis._analysis.phaseplane import _flags, _show
from dynanalysis._model.system import as_ode


def _restrict(model, fast_vars, slow_vars, fixed_vars):
    model = as_ode(model)
    for what, names in (("fast_vars", fast_vars), ("slow_vars", slow_vars)):
        if not isinstance(names, Mapping) or not names:
            raise ValueError(f"{what} must be a non-empty dict {{variable: (lo, hi)}}")
        unknown = [k for k in names if k not in model.variables]
        if unknown:
            raise ValueError(f"{what}: {unknown} not state variable(s) of {model.name}; variables are "
                             f"{list(model.variables)}")
    both = [k for k in slow_vars if k in fast_vars or k in (fixed_vars or {})]
    if both:
        raise ValueError(f"{both} cannot be both slow and fast (or fixed)")
    ranges = {k: check_range(k, v, "slow_vars") for k, v in slow_vars.items()}
    # slow variables become parameters of the fast subsystem (default: the middle of their range)
    return model, model.restrict({k: 0.5 * (lo + hi) for k, (lo, hi) in ranges.items()},
                                 order=tuple(v for v in model.variables if v not in slow_vars))


class _FastSlow:
    def _setup(self, model, fast_vars, slow_vars, fixed_vars, pars_update, resolutions, **kw):
        self.full_model, fast = _restrict(model, fast_vars, slow_vars, fixed_vars)
        self.slow_vars = tuple(slow_vars)
        self.fast_vars = tuple(fast_vars)
        self.fixed_vars = dict(fixed_vars or {})
        self.pars_update = dict(pars_update or {})
        super().__init__(fast, dict(slow_vars), dict(fast_vars), fixed_vars, pars_update, resolutions, **kw)

    def trajectory(self, initials: Mapping, duration: float, dt: float | None = None, **kw):
        """The full system (fast and slow variables) from ``initials``."""
        dt = duration / 50000 if dt is None else dt
        return simulate(self.full_model, initials, duration, dt=dt, params=self.pars_update, **kw)

    def plot_trajectory(self, initials: Mapping, duration: float, ax=None, y=None, dt=None,
                        transient: float = 0.0, **kw):
        """Overlay the full system's trajectory on the critical manifold (slow variable on x)."""
        show, kw = _flags(kw)
        tr = self.trajectory(initials, duration, dt=dt)
        y = y or self.fast_vars[0]
        from dynanalysis.plotting import _axes, include_y, label
        ax = _axes(ax)
        keep = tr.t >= transient
        ys = tr.states[y].reshape(-1, len(tr.t))[:, keep]
        ax.plot(tr.states[self.slow_vars[0]].reshape(-1, len(tr.t))[:, keep].T, ys.T,
                color=kw.pop("color", "tab:orange"), lw=kw.pop("lw", 0.8), label="full system", **kw)
        include_y(ax, ys)
        ax.set_xlabel(label(self.full_model, self.slow_vars[0]))
        ax.set_ylabel(label(self.full_model, y))
        _show(show)
        return tr


class FastSlow1D(_FastSlow, Bifurcation1D):
    """One fast variable, one or two slow ones: ``FastSlow1D(model, fast_vars={"x": (lo, hi)},
    slow_vars={"z": (lo, hi)}, fixed_vars=..., pars_update=..., resolutions=...)``."""

    def __init__(self, model, fast_vars: Mapping, slow_vars: Mapping, fixed_vars: Mapping | None = None,
                 pars_update: Mapping | None = None, resolutions=None, **kw):
        self._setup(model, fast_vars, slow_vars, fixed_vars, pars_update, resolutions, **kw)


class FastSlow2D(_FastSlow, Bifurcation2D):
    """Two fast variables, one or two slow ones (e.g. Hindmarsh–Rose: fast x, y; slow z).
    ``limit_cycles(duration)`` measures the fast subsystem's cycles at every slow value."""

    def __init__(self, model, fast_vars: Mapping, slow_vars: Mapping, fixed_vars: Mapping | None = None,
                 pars_update: Mapping | None = None, resolutions=None, **kw):
        self._setup(model, fast_vars, slow_vars, fixed_vars, pars_update, resolutions, **kw)
