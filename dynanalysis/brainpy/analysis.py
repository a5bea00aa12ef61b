"""``brainpy.analysis`` on dynanalysis: the low-dimensional analysers with BrainPy's signatures,
return values and figures, and BrainPy's option constants (``C``).

Each class converts the BrainPy model with :func:`~dynanalysis.brainpy.to_ode` and is a subclass
of the dynanalysis analyser of the same name, so its compute-only methods (``fixed_points()``,
``nullclines()``, ``compute()``, ...) are there too.  What differs from the dynanalysis classes is
BrainPy's behaviour:

* ``plot_*`` methods take ``with_plot``, ``with_return`` and ``show`` and, with
  ``with_return=True``, return BrainPy's arrays (``plot_fixed_point``: the ``(k, 2)`` array of
  fixed points; ``plot_bifurcation``: ``(fixed points, parameters, Jacobians)``; ...), otherwise
  None.  Fixed points and special points are printed, as BrainPy prints its findings.
* Bifurcation diagrams are drawn in one figure per variable, named after it, as BrainPy does
  (``plot_limit_cycle_by_sim`` and ``FastSlow*.plot_trajectory`` draw into the same figures);
  phase planes draw on the current axes.  ``show_figure()`` shows them.
* A state variable in ``pars_update`` is held fixed (moved to ``fixed_vars``), and a state
  variable in ``target_pars`` is swept as a parameter, as BrainPy allows.

Accepted and unused, because dynanalysis solves numerically to float64 precision and locates
special points exactly: ``options`` (and every ``C`` key), ``jit_device``, ``lim_scale``,
``tol_*``, ``select_candidates`` (validated), ``num_rank``, ``num_par_segments``,
``num_fp_segment``, ``nullcline_aux_filter``, ``loss_screen``, ``coords`` (validated), the
limit-cycle ``tol`` and ``offset`` (runs start next to every unstable equilibrium), and the parts
of BrainPy's style dicts other than colour, line width and streamplot density.  Resolutions given
as arrays of points are replaced by their smallest spacing as a step.
"""
from __future__ import annotations

import inspect
import types
from typing import Mapping

import numpy as np

from dynanalysis._analysis import bifurcation as _bifurcation

from dynanalysis._analysis import fastslow as _fastslow

from dynanalysis._analysis import phaseplane as _phaseplane
from dynanalysis._analysis.phaseplane import _initials, _show
from dynanalysis._model.system import ODE
from ._model import DEFAULT_METHOD, ODEIntegrator, components, to_ode

__all__ = ["PhasePlane1D", "PhasePlane2D", "Bifurcation1D", "Bifurcation2D", "FastSlow1D", "FastSlow2D",
           "SlowPointFinder", "C", "CONTINUOUS", "DISCRETE"]

# --------------------------------------------------------------------------- BrainPy's constants
CONTINUOUS = "continuous"
DISCRETE = "discrete"
C = types.SimpleNamespace(
    CONTINUOUS=CONTINUOUS, DISCRETE=DISCRETE,
    **{k: k for k in ("F_vmap_fx", "F_vmap_fy", "F_vmap_brentq_fx", "F_vmap_brentq_fy", "F_vmap_dfxdx",
                      "F_fx", "F_fy", "F_fz", "F_dfxdx", "F_dfxdy", "F_dfydx", "F_dfydy", "F_jacobian",
                      "F_vmap_jacobian", "F_fixed_point_aux", "F_fixed_point_opt", "F_x_by_y",
                      "F_y_by_x", "F_y_convert", "F_x_convert", "F_int_x", "F_int_y", "x_by_y",
                      "y_by_x", "fx_nullcline_points", "fy_nullcline_points")},
    F_vmap_fp_aux="vmap_fixed_point_aux", F_vmap_fp_opt="vmap_fixed_point_opt",
    y_by_x_in_fy="fy::y=f(x)", y_by_x_in_fx="fx::y=f(x)", x_by_y_in_fx="fx::x=f(y)",
    x_by_y_in_fy="fy::x=f(y)", F_y_by_x_in_fy="F[fy::y=f(x)]", F_x_by_y_in_fy="F[fy::x=f(y)]",
    F_y_by_x_in_fx="F[fx::y=f(x)]", F_x_by_y_in_fx="F[fx::x=f(y)]", prefix="\t")

_CANDIDATES = ("fx-nullcline", "fy-nullcline", "nullclines", "aux_rank")


# --------------------------------------------------------------------------- helpers
def _value(v):
    """A value from a BrainPy script (number, array, bm.Variable); one element -> float."""
    v = np.asarray(getattr(v, "value", v), dtype=float)
    return float(v.reshape(())) if v.size == 1 else v


def _prepare(model, fixed_vars, pars_update, swept=()):
    """The ODE, fixed variables and parameters, with BrainPy's meaning: a state variable in
    ``pars_update`` is held (moved to ``fixed_vars``); a state variable in ``swept`` (target_pars,
    or BrainPy's slow variables) becomes a parameter of the ODE."""
    for what, d in (("fixed_vars", fixed_vars), ("pars_update", pars_update)):
        if d is not None and not isinstance(d, Mapping):
            raise ValueError(f"{what} must be a dict {{name: value}}, got {type(d).__name__}")
    ode = to_ode(model)
    fixed = {k: _value(v) for k, v in (fixed_vars or {}).items()}
    pars = {}
    for k, v in (pars_update or {}).items():
        if k in ode.variables:
            if k in fixed:
                raise ValueError(f"{k!r} is given both in fixed_vars and pars_update")
            fixed[k] = _value(v)
        else:
            pars[k] = _value(v)
    frozen = [k for k in swept if k in ode.variables]
    if frozen:
        held = [k for k in frozen if k in fixed]
        if held:
            raise ValueError(f"{held} are both swept (target_pars) and held fixed")
        ode = ode.restrict({k: 0.0 for k in frozen})
    return ode, fixed, pars


def _steps(resolutions):
    """BrainPy resolutions (a step, or {name: step or array of points}) -> steps."""
    def one(name, r):
        if np.ndim(r) == 0:
            return r
        pts = np.unique(np.asarray(getattr(r, "value", r), dtype=float).ravel())
        if pts.size < 2:
            raise ValueError(f"resolutions[{name!r}] must be a step or at least two points, got {r!r}")
        return float(np.min(np.diff(pts)))

    if isinstance(resolutions, Mapping):
        return {k: one(k, v) for k, v in resolutions.items()}
    return None if resolutions is None else one("all", resolutions)


def _check_options(options):
    if options is not None and not isinstance(options, Mapping):
        raise ValueError(f"options must be a dict, got {type(options).__name__}")


class _Monitor(dict):
    """BrainPy's monitor of a trajectory run: ``mon[var]`` of shape ``(time, n_initials)`` and
    ``mon.ts``; ``mon.trajectory`` is the dynanalysis :class:`~dynanalysis.Trajectory`."""

    def __init__(self, tr, names):
        n = len(tr.t)
        super().__init__({k: np.asarray(tr.states[k]).reshape(-1, n).T for k in names})
        self.ts = tr.t
        self.trajectory = tr


def _window(plot_durations, duration):
    """One drawing window (start, end) from BrainPy's ``plot_durations``."""
    if plot_durations is None:
        return None
    w = np.asarray(plot_durations, dtype=float)
    if w.shape == (2,):
        return tuple(w)
    if w.ndim == 2 and w.shape[1] == 2 and np.all(w == w[0]):
        return tuple(w[0])
    raise ValueError(f"plot_durations must be (start, end) (or the same pair for every initial value), "
                     f"got {plot_durations!r}")


class _BrainPy:
    """What every BrainPy analyser has beyond dynanalysis's: the names, the derivative and
    integrator functions (``F_fx``, ``F_int_x``, ...), ``show_figure()``."""

    def _brainpy_setup(self, model, target_vars, target_pars, fixed, pars):
        self._bp_model = model
        self.target_var_names = list(target_vars)
        self.target_par_names = list(target_pars or {})
        self.x_var = self.target_var_names[0]
        if len(self.target_var_names) > 1:
            self.y_var = self.target_var_names[1]
        self.fixed_vars = dict(fixed)
        self.pars_update = dict(pars)

    def show_figure(self):
        from dynanalysis.plotting import show
        show()

    def _function(self, var, step: bool):
        """BrainPy's standard call ``F(*target_vars, *target_pars)``: the derivative of ``var``
        (``step=False``) or one step of its integrator (``step=True``, keyword ``dt``), with the
        fixed variables and ``pars_update`` bound."""
        if isinstance(self._bp_model, ODE):
            raise AttributeError("F_fx / F_int_x are BrainPy's functions of BrainPy models; this analyser "
                                 "was given a dynanalysis ODE (use its vector_field())")
        fn, owner = next((f, o) for v, f, o in components(self._bp_model) if v == var)
        args = list(inspect.signature(fn).parameters)
        order = self.target_var_names + self.target_par_names
        bound = {**self.pars_update, **self.fixed_vars}
        integ = ODEIntegrator(fn, method=owner.method if owner else DEFAULT_METHOD,
                              dt=owner._dt if owner else None) if step else None

        def call(*values, **kw):
            scope = {**bound, **dict(zip(order, values))}
            given = {n: scope[n] for n in args[2:] if n in scope}
            return integ(scope[var], 0.0, **given, **kw) if step else fn(scope[var], 0.0, **given, **kw)

        call.__name__ = f"{'int' if step else 'f'}_{var}"
        return call

    @property
    def F_fx(self):
        return self._function(self.x_var, False)

    @property
    def F_fy(self):
        return self._function(self.y_var, False)

    @property
    def F_int_x(self):
        return self._function(self.x_var, True)

    @property
    def F_int_y(self):
        return self._function(self.y_var, True)


def _no_target_pars(target_pars):
    if target_pars:
        raise ValueError(f"phase plane analysis does not take target_pars (BrainPy refuses them too), "
                         f"got {dict(target_pars)}; set values with pars_update, or sweep them with "
                         f"Bifurcation1D/Bifurcation2D")


def _print_fixed_points(fp):
    if not len(fp):
        print("No fixed point found.")
    for i, label in enumerate(fp.labels):
        where = ", ".join(f"{n}={fp.states[n][i]:.15g}" for n in fp.names)
        print(f"Fixed point #{i + 1} at {where}: {label}")


# --------------------------------------------------------------------------- phase planes
class PhasePlane1D(_BrainPy, _phaseplane.PhasePlane1D):
    """BrainPy's ``PhasePlane1D(model, target_vars, fixed_vars, target_pars, pars_update,
    resolutions)``: the phase line of one variable."""

    def __init__(self, model, target_vars, fixed_vars=None, target_pars=None, pars_update=None,
                 resolutions=None, *, options=None, jit_device=None, lim_scale=1.05):
        _no_target_pars(target_pars)
        _check_options(options)
        ode, fixed, pars = _prepare(model, fixed_vars, pars_update)
        super().__init__(ode, target_vars, fixed, pars, _steps(resolutions))
        self._brainpy_setup(model, target_vars, None, fixed, pars)

    def plot_vector_field(self, show=False, with_plot=True, with_return=False, ax=None):
        """dx/dt along the line; ``with_return``: its values on the resolution grid."""
        lf = self.vector_field()
        if with_plot:
            lf.plot(ax=ax)
            _show(show)
        return lf.dx if with_return else None

    def plot_fixed_point(self, show=False, with_plot=True, with_return=False, ax=None):
        """Equilibria with their stability; ``with_return``: their values, shape ``(k,)``."""
        fp = self.fixed_points()
        _print_fixed_points(fp)
        if with_plot:
            fp.plot(ax=ax)
            _show(show)
        return fp.states[self.x_var] if with_return else None


class PhasePlane2D(_BrainPy, _phaseplane.PhasePlane2D):
    """BrainPy's ``PhasePlane2D(model, target_vars, fixed_vars, target_pars, pars_update,
    resolutions)``: nullclines, vector field, fixed points, trajectories, limit cycles."""

    def __init__(self, model, target_vars, fixed_vars=None, target_pars=None, pars_update=None,
                 resolutions=None, *, options=None, jit_device=None, lim_scale=1.05):
        _no_target_pars(target_pars)
        _check_options(options)
        ode, fixed, pars = _prepare(model, fixed_vars, pars_update)
        super().__init__(ode, target_vars, fixed, pars, _steps(resolutions))
        self._brainpy_setup(model, target_vars, None, fixed, pars)

    def plot_vector_field(self, with_plot=True, with_return=False, plot_method="streamplot",
                          plot_style=None, show=False, ax=None):
        """Streamlines or arrows; ``with_return``: ``(dx, dy)`` on the plotted grid."""
        vf = self.vector_field()
        if with_plot:
            style = {"density": plot_style["density"]} if plot_style and "density" in plot_style else {}
            vf.plot(ax=ax, method=plot_method, **style)
            _show(show)
        return (vf.U, vf.V) if with_return else None

    def plot_nullcline(self, with_plot=True, with_return=False, y_style=None, x_style=None, show=False,
                       coords=None, tol_nullcline=1e-7, ax=None):
        """Both nullclines (refined curves, drawn as lines whatever the style's ``fmt``);
        ``with_return``: ``{x_var: (xs, ys), y_var: (xs, ys)}``, the points of each."""
        if coords is not None:
            if not isinstance(coords, Mapping) or any(k not in self.target_var_names for k in coords):
                raise ValueError(f"coords must be a dict keyed by the target variables "
                                 f"{self.target_var_names}, got {coords!r}")
        nc = self.nullclines()
        if with_plot:
            styles = [dict(x_style or {}), dict(y_style or {})]
            colors = tuple(s.get("color", c) for s, c in zip(styles, ("tab:red", "tab:blue")))
            widths = [s.get("linewidth", s.get("lw")) for s in styles]
            lw = next((w for w in widths if w is not None), 2.0)
            nc.plot(ax=ax, colors=colors, lw=lw)
            _show(show)
        if not with_return:
            return None
        out = {}
        for name in self.target_var_names:
            curves = nc.curves[name]
            pts = np.concatenate(curves) if curves else np.zeros((0, 2))
            out[name] = (pts[:, 0], pts[:, 1])
        return out

    def plot_fixed_point(self, with_plot=True, with_return=False, show=False, tol_unique=1e-2,
                         tol_aux=1e-8, tol_opt_screen=None, select_candidates="fx-nullcline",
                         num_rank=100, ax=None):
        """Fixed points with their stability; ``with_return``: a ``(k, 2)`` array, columns
        ``(x_var, y_var)`` (BrainPy's return value)."""
        if select_candidates not in _CANDIDATES:
            raise ValueError(f"select_candidates must be one of {_CANDIDATES}, got {select_candidates!r}")
        fp = self.fixed_points()
        _print_fixed_points(fp)
        if with_plot:
            fp.plot(ax=ax)
            _show(show)
        return fp.points.reshape(-1, 2) if with_return else None

    def plot_trajectory(self, initials, duration, plot_durations=None, axes="v-v", dt=None, show=False,
                        with_plot=True, with_return=False, ax=None, **kwargs):
        """Trajectories from ``initials`` (a dict of lists, one point, or a list of points);
        ``plot_durations=(start, end)`` limits what is drawn; ``kwargs`` are matplotlib styles.
        ``with_return``: BrainPy's monitor, ``mon[var]`` of shape ``(time, n_initials)``, ``mon.ts``."""
        window = _window(plot_durations, duration)
        if with_plot:
            tr = super().plot_trajectory(initials, duration, ax=ax, axes=axes, dt=dt,
                                         plot_durations=window, **kwargs)
            _show(show)
        else:
            tr = self.trajectory(initials, duration, dt=dt)
        return _Monitor(tr, self.target_var_names) if with_return else None

    def plot_limit_cycle_by_sim(self, initials, duration, tol=0.01, show=False, dt=None, ax=None):
        """The limit cycle that each trajectory from ``initials`` settles on (``tol`` unused: the
        period is detected on a Poincaré section and refined by shooting)."""
        found = self.limit_cycle(initials, duration, dt=dt)
        for lc in found:
            if lc.found:
                lc.plot(ax=ax, x=self.x_var, y=self.y_var)
            else:
                print(f"No limit cycle found: {lc.reason}")
        _show(show)


# --------------------------------------------------------------------------- bifurcations
def _print_special_points(diagram):
    """One line per special point of a one-parameter diagram; for two parameters (curves of
    points) one line per kind with the count and the parameter ranges."""
    if len(diagram.parameters) == 1:
        for s in diagram.special_points:
            pars = ", ".join(f"{k}={v:.10g}" for k, v in s.params.items())
            state = ", ".join(f"{k}={v:.10g}" for k, v in s.states.items())
            unlocated = "" if s.data.get("located", True) else " (not located: the middle of its grid interval)"
            print(f"{s.kind} point at {pars}: {state}{unlocated}")
        return
    for kind in sorted({s.kind for s in diagram.special_points}):
        pts = diagram.points(kind)
        span = ", ".join(f"{p} in [{min(s.params[p] for s in pts):.6g}, {max(s.params[p] for s in pts):.6g}]"
                         for p in diagram.parameters)
        missed = sum(not s.data.get("located", True) for s in pts)
        print(f"{len(pts) - missed} {kind} points located" + (f" ({missed} not located)" if missed else "")
              + f", {span}")


class _BifurcationMixin(_BrainPy):
    def _figure_axes(self, name, ax):
        from dynanalysis.plotting import named_axes
        return ax if ax is not None else named_axes(name)

    def _plotted(self, ax):
        """The variables drawn: one figure each, as BrainPy does; only the first on a given ``ax``."""
        names = self.target_var_names if len(self.pnames) == 1 else self.target_var_names[:1]
        return names if ax is None else names[:1]

    def plot_bifurcation(self, with_plot=True, show=False, with_return=False, tol_aux=1e-8,
                         tol_unique=1e-2, tol_opt_candidate=None, num_par_segments=1, num_fp_segment=1,
                         nullcline_aux_filter=1.0, select_candidates="aux_rank", num_rank=100,
                         loss_screen=None, ax=None):
        """Equilibria over the target parameters, drawn in one figure per variable (two
        parameters: the fold and Hopf curves in the parameter plane), special points printed.
        ``with_return``: BrainPy's ``(fixed points, parameters, Jacobians)`` (see
        :meth:`brainpy_arrays`).  ``ax`` (not BrainPy's): draw the first variable there."""
        if select_candidates not in _CANDIDATES:
            raise ValueError(f"select_candidates must be one of {_CANDIDATES}, got {select_candidates!r}")
        diagram = self.compute()
        _print_special_points(diagram)
        if with_plot:
            for var in self._plotted(ax):
                diagram.plot(ax=self._figure_axes(var, ax), y=var)
            _show(show)
        return self.brainpy_arrays() if with_return else None

    def brainpy_arrays(self):
        """Every equilibrium on the grid as BrainPy returns them.  One variable:
        ``(x (N,), (p1 (N,), ...), dfdx (N,))``; two: ``(points (N, 2), parameters (N, m),
        Jacobians (N, 2, 2))``."""
        eq = self.compute().equilibria
        mesh = np.meshgrid(*self.grids, indexing="ij")
        valid = eq.valid
        pars = [np.broadcast_to(m[..., None], valid.shape)[valid] for m in mesh]
        x, J = eq.x[valid], eq.jacobians[valid]
        if self.domain.dim == 1:
            return x[:, 0], tuple(pars), J[:, 0, 0]
        return x, np.stack(pars, axis=-1), J

    def plot_limit_cycle_by_sim(self, duration=100, with_plot=True, with_return=False, plot_style=None,
                                tol=0.001, show=False, dt=None, offset=1.0, ax=None):
        """Limit cycles by one batched simulation from next to every unstable equilibrium at
        every grid value; max/min drawn into each variable's figure (one parameter).
        ``with_return``: BrainPy's ``(({'min', 'max'} per variable), (values per parameter))``
        at the grid values where a cycle was found."""
        env = self.limit_cycles(duration, dt=dt)
        if not env.found.any():
            print(f"No limit cycle found with duration={duration:g}: a cycle is detected from three "
                  f"periods after a transient of half the duration; pass a longer duration")
        if with_plot and len(self.pnames) == 1:
            from dynanalysis.plotting import plot_cycle_envelope
            color = (plot_style or {}).get("color", "tab:blue")
            for var in self._plotted(ax):
                plot_cycle_envelope(self._diagram, ax=self._figure_axes(var, ax), y=var, color=color)
            _show(show)
        if not with_return:
            return None
        mesh = np.meshgrid(*self.grids, indexing="ij")
        found = env.found
        vs = tuple({"min": env.minimum[v][found], "max": env.maximum[v][found]} for v in self.target_var_names)
        return vs, tuple(m[found] for m in mesh)


class _BrainPyBifurcation(_BifurcationMixin):
    def __init__(self, model, target_pars, target_vars, fixed_vars=None, pars_update=None,
                 resolutions=None, options=None, *, jit_device=None, lim_scale=1.05):
        _check_options(options)
        ode, fixed, pars = _prepare(model, fixed_vars, pars_update, swept=tuple(target_pars or {}))
        super().__init__(ode, target_pars, target_vars, fixed, pars, _steps(resolutions))
        self._brainpy_setup(model, target_vars, target_pars, fixed, pars)


class Bifurcation1D(_BrainPyBifurcation, _bifurcation.Bifurcation1D):
    """BrainPy's ``Bifurcation1D(model, target_pars, target_vars, fixed_vars, pars_update,
    resolutions, options)``."""


class Bifurcation2D(_BrainPyBifurcation, _bifurcation.Bifurcation2D):
    """BrainPy's ``Bifurcation2D(model, target_pars, target_vars, fixed_vars, pars_update,
    resolutions, options)``."""


class _FastSlowMixin(_BifurcationMixin):
    def _fast_slow_setup(self, model, fast_vars, slow_vars, fixed_vars, pars_update, resolutions, options):
        _check_options(options)
        ode, fixed, pars = _prepare(model, fixed_vars, pars_update)
        self._setup(ode, fast_vars, slow_vars, fixed, pars, _steps(resolutions))
        self._brainpy_setup(model, fast_vars, slow_vars, fixed, pars)

    def plot_trajectory(self, initials, duration, plot_durations=None, dt=None, show=False, with_plot=True,
                        with_return=False, ax=None):
        """The full system from ``initials`` (fast and slow variables: a dict of lists, or
        points in the order fast then slow), drawn against the first slow variable in each fast
        variable's figure.  ``with_return``: BrainPy's monitor (``mon[var]``: time x initials)."""
        names = self.target_var_names + self.target_par_names
        tr = self.trajectory(_initials(tuple(names), initials), duration, dt=dt)
        if with_plot:
            from dynanalysis.plotting import plot_phase_trajectory
            window = _window(plot_durations, duration)
            for var in self.target_var_names:
                plot_phase_trajectory(tr, (self.target_par_names[0], var), ax=self._figure_axes(var, ax),
                                      window=window)
            _show(show)
        return _Monitor(tr, names) if with_return else None


class FastSlow1D(_FastSlowMixin, _fastslow.FastSlow1D):
    """BrainPy's ``FastSlow1D(model, fast_vars, slow_vars, fixed_vars, pars_update, resolutions,
    options)``."""

    def __init__(self, model, fast_vars, slow_vars, fixed_vars=None, pars_update=None, resolutions=None,
                 options=None, *, jit_device=None, lim_scale=1.05):
        self._fast_slow_setup(model, fast_vars, slow_vars, fixed_vars, pars_update, resolutions, options)


class FastSlow2D(_FastSlowMixin, _fastslow.FastSlow2D):
    """BrainPy's ``FastSlow2D(model, fast_vars, slow_vars, fixed_vars, pars_update, resolutions,
    options)`` (BrainPy's default resolution 0.1 for the slow variables)."""

    def __init__(self, model, fast_vars, slow_vars, fixed_vars=None, pars_update=None, resolutions=0.1,
                 options=None, *, jit_device=None, lim_scale=1.05):
        self._fast_slow_setup(model, fast_vars, slow_vars, fixed_vars, pars_update, resolutions, options)


from .slow_points import SlowPointFinder  # noqa: E402  (built on to_ode by its own module)
