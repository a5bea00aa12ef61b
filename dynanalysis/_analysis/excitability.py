r"""f–I curves and Hodgkin's excitability classes.

``fI_curve``: the firing frequency against a parameter (an injected current), by one batched
simulation for any model (hybrid integrate-and-fire models included: spikes are their resets),
and for smooth models also from the bifurcation diagram: every periodic branch as frequency
1/T, stable and unstable, and where the rest state is stable (so where rest and firing coexist).

``excitability``: Hodgkin's class, decided from the located bifurcations of the diagram, not from
a threshold on the f–I curve:

* class 1: repetitive firing starts at an orbit of infinite period, a saddle-node on an invariant
  circle (SNIC) or a saddle homoclinic orbit, so the frequency rises from zero
  (:math:`f \propto \sqrt{I - I^*}` at a SNIC);
* class 2: it starts at a Hopf point or a fold of limit cycles, with a non-zero frequency;
* class 3: no stable periodic orbit in the range (the neuron fires only transiently).

The rheobase is where the rest state loses stability or disappears (a fold or Hopf point of the
rest branch); the bistable range is where stable firing and a stable rest state coexist.
"""
from __future__ import annotations

import dataclasses
from typing import Mapping

import numpy as np

from dynanalysis._cycles import detect
from dynanalysis._model.domain import check_range
from dynanalysis._model.results import Result
from dynanalysis._model.system import as_ode
from dynanalysis._numerics.points import SpecialPoint
from dynanalysis._simulation.integrate import simulate


@dataclasses.dataclass(frozen=True)
class FICurve(Result):
    """Firing frequency against ``parameter``.

    ``values`` (k,); ``frequency`` (k,): of the state the simulation from ``initial`` settles on
    (0 where it rests), in Hz when the model's time unit is ms, else per time unit;
    ``stable`` (k,): whether that firing is a stable periodic orbit (True where it fires);
    ``spike_count`` and ``latency`` (the first spike's time, NaN if none) per value;
    ``rest_stable`` (k,): a stable equilibrium exists there (smooth models, from the diagram);
    ``branches``: every periodic branch of the diagram as ``{"values", "frequency", "stable"}``
    (smooth models); ``unit`` of the frequency."""

    parameter: str
    values: np.ndarray
    frequency: np.ndarray
    stable: np.ndarray
    spike_count: np.ndarray
    latency: np.ndarray
    unit: str
    rest_stable: np.ndarray | None = None
    branches: list | None = None
    model: object = None

    @property
    def bistable(self) -> np.ndarray:
        """(k,) where a stable rest state and stable firing coexist (smooth models)."""
        if self.rest_stable is None:
            return np.zeros(len(self.values), bool)
        firing = np.zeros(len(self.values), bool)
        for b in self.branches or []:
            v, st = np.asarray(b["values"]), np.asarray(b["stable"], bool)
            for lo, hi in _runs(v, st):
                firing |= (self.values >= lo) & (self.values <= hi)
        return firing & self.rest_stable

    def plot(self, ax=None, **style):
        """Frequency against the parameter (:func:`dynanalysis.plotting.plot_fi_curve`)."""
        from dynanalysis.plotting import plot_fi_curve
        return plot_fi_curve(self, ax=ax, **style)


@dataclasses.dataclass(frozen=True)
class Excitability(Result):
    """Hodgkin's excitability class of a model along ``parameter``: ``kind`` 1, 2 or 3;
    ``onset`` the :class:`~dynanalysis.SpecialPoint` where stable repetitive firing begins (SNIC or
    HOM for class 1, H or LPC for class 2; None for class 3), ``onset_frequency`` there (0 for
    class 1); ``rheobase`` the parameter value where the rest state loses stability or
    disappears, with the point behind it (``rest_end``: LP or H); ``bistable`` the range
    (lo, hi) where stable rest and stable firing coexist, or None; ``reason`` in words."""

    kind: int
    parameter: str
    onset: SpecialPoint | None
    onset_frequency: float
    rheobase: float
    rest_end: SpecialPoint | None
    bistable: tuple | None
    reason: str
    diagram: object = dataclasses.field(default=None, repr=False, compare=False)


def _firing_branch(model, parameter, lo, hi, box=None) -> list:
    """The cycle a simulation at ``hi`` settles on from the rest state at ``lo`` (durations of
    1000, 5000 and 20000 time units tried), continued down in ``parameter``; [] if none."""
    from dynanalysis import continuation
    from dynanalysis._cycles import limit_cycle
    try:
        start = _default_initial(model, parameter, lo, box)
    except ValueError:
        return []
    for duration in (1000.0, 5000.0, 20000.0):
        lc = limit_cycle(model, start, duration, params={parameter: hi})
        if lc.found:
            break
    if not lc.found or lc.stable is False:
        return []
    return [continuation.periodic_orbits(lc, parameter=parameter, bounds=(lo, hi), direction=-1, max_steps=1000)]


def _runs(v, mask):
    """(lo, hi) parameter ranges of the runs of True in ``mask`` along a branch's values."""
    out, start = [], None
    for i, m in enumerate(list(mask) + [False]):
        if m and start is None:
            start = i
        elif not m and start is not None:
            seg = v[start:i]
            out.append((float(np.min(seg)), float(np.max(seg))))
            start = None
    return out


def _time_factor(model):
    return (1000.0, "Hz") if model.units.get("t") == "ms" else (1.0, f"1/{model.units.get('t', 'time unit')}")


def _default_initial(model, parameter, value, box=None):
    from dynanalysis._equilibria.fixedpoints import fixed_points
    missing = [v for v in model.variables if v not in model.ranges]
    if box is None and missing:
        raise ValueError(f"initial=None needs typical ranges for {missing}; give initial={{variable: value}}")
    fps = fixed_points(model, dict(box) if box is not None else {v: model.ranges[v] for v in model.variables},
                       params={parameter: value})
    stable = [x for x, lab in zip(fps.points, fps.labels) if str(lab).startswith("stable")]
    if not stable:
        raise ValueError(f"initial=None: no stable rest state at {parameter} = {value}; give initial=")
    return dict(zip(model.variables, stable[0]))


def fI_curve(model, parameter: str, values, *, initial: Mapping | None = None, duration: float | None = None,
             dt: float | None = None, transient: float | None = None, diagram: bool = True,
             box: Mapping | None = None) -> FICurve:
    """The f–I curve of ``model`` over ``values`` of ``parameter`` (module doc).

    Parameters
    ----------
    initial : the state every run starts from (default: the stable rest state at the smallest
        value, from the fixed-point search over the model's typical ranges; the origin where the
        model has no ranges or no stable rest state there).
    duration : of each run (default 2000 time units); the frequency is measured after
        ``transient`` (default: the first half).
    dt : RK4 step (default duration / 100000).
    diagram : for smooth models, also the continuation diagram over the range (periodic branches
        from its Hopf points, and the cycle a simulation at the largest value settles on continued
        down to where it ends; where the rest state is stable).  It searches the state box
        ``box = {variable: (lo, hi)}`` (default: the model's typical ranges); without either, the
        diagram is left out (``branches`` and ``rest_stable`` None).
    """
    model = as_ode(model)
    if parameter not in model.flow.param_names:
        raise ValueError(f"parameter {parameter!r} is not a parameter of {model.name}; parameters are "
                         f"{list(model.flow.param_names)}")
    values = np.asarray(values, float)
    if values.ndim != 1 or len(values) == 0 or not np.all(np.isfinite(values)):
        raise ValueError(f"values must be a non-empty 1-D array of finite numbers, got shape {values.shape}")
    duration = 2000.0 if duration is None else float(duration)
    transient = 0.5 * duration if transient is None else float(transient)
    if not 0 <= transient < duration:
        raise ValueError(f"transient must be in [0, duration), got {transient}")
    dt = duration / 100000 if dt is None else float(dt)
    if initial is None:  # the rest state at the smallest value; without typical ranges, the origin
        try:
            initial = _default_initial(model, parameter, float(values.min()), box)
        except ValueError:
            initial = {v: 0.0 for v in model.variables}
    if not isinstance(initial, Mapping) or set(initial) != set(model.variables):
        raise ValueError(f"initial must give every variable of {model.name} {list(model.variables)}, got "
                         f"{list(initial) if isinstance(initial, Mapping) else initial!r}")
    start = {v: np.full(len(values), float(np.asarray(initial[v]))) for v in model.variables}
    factor, unit = _time_factor(model)
    hybrid = model.flow.is_hybrid
    steps = int(np.ceil(duration / dt))
    # hybrid models: the spike times are all that is used (recorded apart), so few state records
    tr = simulate(model, start, duration, dt=dt, method="rk4", params={parameter: values},
                  record_every=max(1, steps // 100) if hybrid else 10,
                  **({"max_spikes": min(steps, 4096)} if hybrid else {}))
    if hybrid:
        freq, count, latency = np.zeros(len(values)), np.zeros(len(values), int), np.full(len(values), np.nan)
        for i, times in enumerate(tr.spike_times):
            times = np.asarray(times)
            count[i] = len(times)
            latency[i] = times[0] if len(times) else np.nan
            late = times[times >= transient]
            if len(late) >= 2:
                freq[i] = (len(late) - 1) / (late[-1] - late[0])
    else:
        xs = np.stack([np.asarray(tr.states[v]) for v in model.variables], -1)
        period, _, level, _, _ = detect(tr.t, xs, 0, transient)
        freq = np.where(np.isfinite(period), 1.0 / np.where(np.isfinite(period), period, 1.0), 0.0)
        v0 = xs[..., 0]
        ups = (v0[:, :-1] < level[:, None]) & (v0[:, 1:] >= level[:, None]) & np.isfinite(level)[:, None]
        count = ups.sum(1)
        first = np.argmax(ups, axis=1)
        latency = np.where(count > 0, tr.t[first + 1], np.nan)
    rest, branches = None, None
    if diagram and not hybrid and (box is not None or all(v in model.ranges for v in model.variables)):
        from dynanalysis._analysis.bifurcation import Bifurcation
        lo, hi = float(values.min()), float(values.max())
        d = Bifurcation(model, {parameter: (lo, hi)}, target_vars=box).compute()
        periodic = d.of_kind("periodic")
        fired = _firing_branch(model, parameter, lo, hi, box) if hi > lo else []
        for b in fired:  # unless a cycle from a Hopf point already is that cycle
            T0 = b.period[0]
            if not any(np.any(np.asarray(c.stable, bool) & (np.abs(c.params[parameter] - hi) < 1e-6 * max(1, abs(hi)))
                              & (np.abs(c.period - T0) < 1e-3 * T0)) for c in periodic):
                periodic = periodic + [b]
        branches = [{"values": b.params[parameter], "frequency": factor / b.period, "stable": b.stable}
                    for b in periodic]
        rest = np.zeros(len(values), bool)
        for b in d.of_kind("equilibrium"):
            for lo, hi in _runs(b.params[parameter], b.stable):
                rest |= (values >= lo) & (values <= hi)
    return FICurve(parameter, values, factor * freq, freq > 0, count, latency, unit, rest, branches, model)


def excitability(model, parameter: str, bounds, *, box: Mapping | None = None) -> Excitability:
    """Hodgkin's excitability class of a smooth ``model`` as ``parameter`` (an injected current)
    rises through ``bounds``, from its bifurcation diagram by continuation (module doc), whose
    equilibria are searched in ``box = {variable: (lo, hi)}`` (default: the model's typical
    ranges)."""
    from dynanalysis._analysis.bifurcation import Bifurcation
    model = as_ode(model)
    if model.flow.is_hybrid:
        raise ValueError(f"{model.name} is a hybrid (spike/reset) model: its excitability follows from its reset, "
                         f"not from bifurcations of a smooth flow; use fI_curve")
    lo, hi = check_range(parameter, bounds, "bounds")
    missing = [v for v in model.variables if v not in model.ranges]
    if box is None and missing:
        raise ValueError(f"excitability needs box={{variable: (lo, hi)}}: {model.name} declares no typical range "
                         f"for {missing}")
    d = Bifurcation(model, {parameter: (lo, hi)}, target_vars=box).compute()
    factor, unit = _time_factor(model)
    # the rest branch: stable at the low end of the range; where it first stops being stable
    rest_end, rheobase = None, np.nan
    for b in d.of_kind("equilibrium"):
        p, st = b.params[parameter], np.asarray(b.stable, bool)
        at_lo = np.flatnonzero(st & (np.abs(p - lo) <= 1e-9 * max(1.0, abs(lo))))
        if not len(at_lo):
            continue
        i0 = int(at_lo[0])  # walk away from the low end, the way the parameter grows
        forward = i0 < len(p) - 1 and (i0 == 0 or p[i0 + 1] >= p[i0 - 1])
        order = np.arange(i0, len(p)) if forward else np.arange(i0, -1, -1)
        lost = order[np.flatnonzero(~b.stable[order])]
        if len(lost):
            rheobase = float(p[lost[0]])
            near = [s for s in b.special_points if s.kind in ("LP", "H")]
            if near:
                rest_end = min(near, key=lambda s: abs(s.params[parameter] - rheobase))
                rheobase = float(rest_end.params[parameter])
        break
    # stable repetitive firing: the lowest parameter value on a stable cycle, and what starts it;
    # the diagram's cycles are born at Hopf points, so the firing found by simulation at the top
    # of the range (from the rest state) is continued down too (a SNIC branch has no Hopf point)
    periodic = d.of_kind("periodic") + _firing_branch(model, parameter, lo, hi, box)
    candidates = []
    for b in periodic:
        p, st = b.params[parameter], np.asarray(b.stable, bool)
        if not st.any():
            continue
        i = int(np.argmin(np.where(st, p, np.inf)))
        ends = [s for s in b.special_points if s.kind in ("SNIC", "HOM", "LPC", "H")]
        ends += [s for s in d.special_points if s.kind == "H"]
        onset = min(ends, key=lambda s: abs(s.params[parameter] - p[i])) if ends else None
        f_i = factor / b.period[i]
        if onset is not None and onset.kind == "LPC":  # the onset is the fold itself
            p_i, f_i = onset.params[parameter], factor / onset.data["period"]
        elif onset is not None and onset.kind in ("SNIC", "HOM", "H"):
            p_i = onset.params[parameter]
        else:
            p_i = p[i]
        candidates.append((p_i, f_i, onset))
    if not candidates:
        return Excitability(3, parameter, None, 0.0, rheobase, rest_end, None,
                            f"no stable periodic orbit for {parameter} in [{lo:g}, {hi:g}]: no repetitive firing", d)
    p_on, f_on, onset = min(candidates, key=lambda c: c[0])
    kind = 1 if onset is not None and onset.kind in ("SNIC", "HOM") else 2
    what = {"SNIC": "a saddle-node on an invariant circle", "HOM": "a saddle homoclinic orbit",
            "LPC": "a fold of limit cycles", "H": "a Hopf point"}.get(getattr(onset, "kind", None), "an unlocated point")
    bistable = (float(p_on), float(rheobase)) if np.isfinite(rheobase) and p_on < rheobase - 1e-9 * max(1, abs(p_on)) \
        else None
    f0 = 0.0 if kind == 1 else float(f_on)
    return Excitability(kind, parameter, onset, f0, rheobase, rest_end, bistable,
                        f"repetitive firing starts at {what} at {parameter} = {p_on:.8g}"
                        + (f" with {f0:.4g} {unit}" if kind == 2 else " with frequency from zero"), d)
