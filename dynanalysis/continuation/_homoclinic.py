r"""Curves of homoclinic orbits in two parameters, from a large-period cycle.

A cycle of fixed large period :math:`T_h` exists only next to a homoclinic orbit: along a
homoclinic bifurcation the period of the nearby cycle diverges as
:math:`T \sim -\lambda_u^{-1}\ln|p - p^*|`, so holding :math:`T = T_h` pins the parameters to
within :math:`e^{-\lambda_u T_h}` of the homoclinic curve (Doedel & Kernévez; AUTO's standard
approximation of a homoclinic orbit by a periodic one).  The curve is then traced by continuing
the cycle with its period held and both parameters free: the collocation equations of
:mod:`._periodic` with ``second`` set (unknowns: the profile and the two parameters), the
integral phase condition and the pseudo-arclength engine unchanged, the mesh adapted after every
step (it crowds into the fast excursion).

This is not the projection-boundary-condition formulation of HomCont / MatCont (a truncated
orbit on a long interval whose ends lie in the saddle's stable and unstable eigenspaces): its
error decays like :math:`e^{-\lambda_u T_h}` rather than :math:`e^{-2\lambda_u T_h}`, and it
does not follow the saddle itself, so codimension-two homoclinic points (inclination flips,
Belyakov points) are not detected.  Where the curve approaches a Bogdanov–Takens point the
saddle's unstable eigenvalue tends to zero and the error bound grows accordingly.
"""
from __future__ import annotations

import math

import numpy as np

from dynanalysis._model.domain import check_range
from dynanalysis._numerics.points import SpecialPoint
from dynanalysis._numerics.status import throwing
from dynanalysis.continuation._engine import Branch, Options, _scales, arclength, both_ways, step
from dynanalysis.continuation._periodic import CycleSystem, _preparer


@throwing
def homoclinic_curve(point: SpecialPoint, second_parameter: str, *, bounds, ds: float = 0.01,
                     ds_min: float = 1e-7, ds_max: float = 0.05, max_steps: int = 400, max_angle: float = 30.0,
                     tol: float = 1e-10, adapt: bool = True, direction: int = 0) -> Branch:
    """Continue the homoclinic orbit ``point`` (a "HOM" point that ends a periodic branch:
    :func:`~.continuation.periodic_orbits`) in its parameter and ``second_parameter``.

    Parameters
    ----------
    point : a "HOM" :class:`~dynanalysis.SpecialPoint` whose ``data`` holds the branch's last,
        large-period orbit (``orbit``, ``mesh``, ``ncol``, ``orbit_period``, ``orbit_parameter``).
    second_parameter : the parameter freed in addition.
    bounds : ``{first: (lo, hi), second: (lo, hi)}``; the curve ends where it leaves them.
    ds, ds_min, ds_max, max_steps, max_angle, tol, adapt : as in
        :func:`~.continuation.periodic_orbits` (parameters scaled by the widths of their bounds).
    direction : +1 or -1: start towards larger or smaller values of the second parameter only;
        0 (default): both ways, joined.

    Returns a :class:`~.continuation.Branch` of kind "homoclinic" (``params`` both parameters,
    the first first; ``states`` the orbit's ``<variable>_min`` / ``_max`` and the held
    ``period``; ``orbits`` the profiles), which :meth:`~.Branch.plot` draws in the parameter
    plane.  The period held is the orbit's; the curve lies within about
    :math:`e^{-\\lambda_u T}` of the true homoclinic curve (module doc).
    """
    if not isinstance(point, SpecialPoint) or point.kind != "HOM":
        raise ValueError(f"homoclinic_curve needs a 'HOM' SpecialPoint (the end of a periodic branch), got "
                         f"{getattr(point, 'kind', type(point).__name__)!r}")
    if "orbit" not in point.data or point.model is None:
        raise ValueError("the HOM point carries no orbit or model: take it from continuation.periodic_orbits")
    model, first = point.model, next(iter(point.params))
    flow, names = model.flow, model.variables
    if second_parameter not in flow.param_names or second_parameter == first:
        raise ValueError(f"second_parameter must be a parameter of {model.name} other than {first!r}, got "
                         f"{second_parameter!r}; parameters are {list(flow.param_names)}")
    if not isinstance(bounds, dict) or set(bounds) != {first, second_parameter}:
        raise ValueError(f"bounds must be {{{first!r}: (lo, hi), {second_parameter!r}: (lo, hi)}}, got {bounds!r}")
    (lo1, hi1), (lo2, hi2) = (check_range(p, bounds[p], "bounds") for p in (first, second_parameter))
    if direction not in (-1, 0, 1):
        raise ValueError(f"direction must be -1, 0 or +1, got {direction!r}")
    options = Options(ds=ds, ds_min=ds_min, ds_max=ds_max, max_steps=max_steps, max_angle=max_angle, tol=tol)
    m = int(point.data["ncol"])
    mesh = np.asarray(point.data["mesh"], float)
    N = len(mesh) - 1
    X = np.stack([np.asarray(point.data["orbit"][v])[:-1] for v in names], -1)
    T_h = float(point.data["orbit_period"])
    a0 = float(point.data["orbit_parameter"])
    model = model.with_params(**{first: a0})
    _, p = model.flat_params()
    k1, k2 = (list(flow.param_names).index(q) for q in (first, second_parameter))
    b0 = float(p[k2])
    if not (lo1 <= a0 <= hi1 and lo2 <= b0 <= hi2):
        raise ValueError(f"the orbit's ({first}, {second_parameter}) = ({a0}, {b0}) lies outside bounds")
    system = CycleSystem(flow, N, m, second=k2)
    sv = _scales(model, X.mean(0))
    S = np.r_[np.tile(sv, N * m) * math.sqrt(N * m), hi2 - lo2, hi1 - lo1]
    q = np.r_[np.asarray(p, float), T_h]  # the period held, after the flow's parameters
    args = lambda mesh, z: (q, np.int32(k1), mesh, z[:-2], S)  # noqa: E731
    z0 = np.r_[X.ravel(), b0, a0]
    e = np.zeros(len(z0))
    e[-2] = 1.0  # the start: the second parameter held
    z, t, ok, o = step(system, z0, e, 0.0, args(mesh, z0), S, tol)
    if not ok:
        raise ValueError(f"the orbit of period {T_h:.6g} did not converge with {first} free at "
                         f"{second_parameter} = {b0}")
    prepare = _preparer(system, sv, m, adapt, args)
    limits = {len(z0) - 1: (lo1, hi1), len(z0) - 2: (lo2, hi2)}

    def run(sign):
        tau = t * (sign if t[-2] >= 0 else -sign)
        Z, _, O, status, message = arclength(system, None, z, tau, S, limits, options, observed=o,
                                             where=lambda z: f"({first}, {second_parameter}) = ({z[-1]:.8g}, {z[-2]:.8g})",
                                             prepare=prepare)
        states = {"period": np.full(len(Z), T_h)}
        for j, v in enumerate(names):
            states[f"{v}_min"], states[f"{v}_max"] = O["min"][:, j], O["max"][:, j]
        return Branch("homoclinic", second_parameter, {first: Z[:, -1], second_parameter: Z[:, -2]}, states,
                      np.zeros(len(Z), bool), np.zeros(len(Z), int), np.zeros((len(Z), 0)), [], status, model,
                      message=message, origin=f"homoclinic orbit at {first} = {point.params[first]:.10g} "
                                              f"(cycle of period {T_h:.6g} held)")

    return run(direction) if direction else both_ways(run)
