"""BrainPy compatibility: run BrainPy's analysis scripts on dynanalysis.

Change only the two imports::

    import dynanalysis.brainpy as bp          # was: import brainpy as bp
    import dynanalysis.brainpy.math as bm     # was: import brainpy.math as bm

and the analysis part of the script runs: ``bp.odeint``, ``bp.JointEq``,
``bp.DynamicalSystem`` / ``bp.NeuGroup`` model classes (their ``bm.Variable`` states and
``bp.odeint`` integrators), and ``bp.analysis`` (``PhasePlane1D/2D``, ``Bifurcation1D/2D``,
``FastSlow1D/2D``, ``SlowPointFinder``, ``C``).  :func:`to_ode` gives the dynanalysis
:class:`~dynanalysis.ODE` of any such model, for everything else dynanalysis does.

Simulation (``DSRunner``, ``bp.share``, stepping a model), BrainPy's neuron and synapse library
(``bp.neurons``, ``bp.dyn.<model>``), training and visualisation helpers are out of scope: using
them raises :class:`OutOfScopeError` naming the feature and pointing to
:func:`dynanalysis.simulate` (and the zoo model, where dynanalysis.models has one).
``bp.optim`` / ``bp.optimizers`` construct (for ``SlowPointFinder``'s ``optimizer=``) and are
not used: dynanalysis finds fixed points by Newton / Levenberg–Marquardt.
"""
from __future__ import annotations

import types

from . import math
from ._model import (AdaptiveRKIntegrator, DynamicalSystem, ExplicitRKIntegrator, ExponentialEuler,
                     JointEq, NeuGroup, ODEIntegrator, OutOfScopeError, SIMULATE_HINT, integrators_of,
                     odeint, to_ode)
from . import analysis

__version__ = "dynanalysis.brainpy (BrainPy 2.x analysis API)"
__all__ = ["math", "analysis", "odeint", "JointEq", "DynamicalSystem", "NeuGroup", "to_ode",
           "integrators_of", "OutOfScopeError", "ode", "dyn", "optim", "optimizers"]

# ``bp.ode.ExponentialEuler`` etc., for isinstance checks in model code
ode = types.SimpleNamespace(ODEIntegrator=ODEIntegrator, ExplicitRKIntegrator=ExplicitRKIntegrator,
                            AdaptiveRKIntegrator=AdaptiveRKIntegrator, ExponentialEuler=ExponentialEuler,
                            odeint=odeint)
integrators = types.SimpleNamespace(odeint=odeint, JointEq=JointEq, ODEIntegrator=ODEIntegrator, ode=ode)

# BrainPy's neuron models that have a counterpart in the zoo
_ZOO = {"HH": "HodgkinHuxley", "FHN": "FitzHughNagumo", "LIF": "LIF", "QIF": "QIF", "ExpIF": "ExpIF",
        "AdExIF": "AdEx", "Izhikevich": "Izhikevich", "GIF": "GIF", "HindmarshRose": "HindmarshRose"}

_TRAINING = "training is out of scope of dynanalysis.brainpy (analyse the trained network's function " \
            "with dynanalysis.FixedPointFinder or bp.analysis.SlowPointFinder)"
_REFUSED = {
    "DSRunner": SIMULATE_HINT, "IntegratorRunner": SIMULATE_HINT, "share": SIMULATE_HINT,
    "visualize": "plotting of simulation monitors is out of scope; a dynanalysis Trajectory has .plot()",
    "inputs": SIMULATE_HINT, "neurons": None, "synapses": SIMULATE_HINT, "rates": None,
    "channels": SIMULATE_HINT, "dnn": _TRAINING, "layers": _TRAINING, "init": _TRAINING,
    "initialize": _TRAINING, "losses": _TRAINING, "BPTT": _TRAINING, "BPFF": _TRAINING,
    "DSTrainer": _TRAINING, "train": _TRAINING, "connect": SIMULATE_HINT, "Network": SIMULATE_HINT,
    "sdeint": "stochastic differential equations are out of scope of dynanalysis.brainpy",
    "fdeint": "fractional differential equations are out of scope of dynanalysis.brainpy",
}


class _Refused:
    """A BrainPy name that is deliberately not provided: using it in any way (calling it,
    subclassing it, indexing it, reading an attribute) raises :class:`OutOfScopeError`."""

    def __init__(self, path: str, hint: str | None):
        self._path, self._hint = path, hint

    def _error(self):
        hint = self._hint
        if hint is None:  # a neuron model
            model = self._path.rsplit(".", 1)[-1]
            zoo = _ZOO.get(model)
            hint = ("BrainPy's model library (bp.neurons, bp.dyn, ...) is out of scope of dynanalysis.brainpy; "
                    + (f"dynanalysis.models.{zoo} is this model, " if zoo else "")
                    + "write the model as bp.odeint derivative functions to analyse it, and use "
                      "dynanalysis.simulate to simulate it")
        return OutOfScopeError(f"{self._path}: {hint}")

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Refused(f"{self._path}.{name}", self._hint)

    def __call__(self, *args, **kwargs):
        raise self._error()

    def __getitem__(self, key):
        raise self._error()

    def __mro_entries__(self, bases):  # class M(bp.dyn.ExpIF): ...
        raise self._error()

    def __repr__(self):
        return f"<{self._path}: not provided by dynanalysis.brainpy>"


class _Dyn(_Refused):
    """``bp.dyn``: its base classes are the model base class here; its models are refused."""

    _BASES = {"DynamicalSystem": DynamicalSystem, "NeuDyn": NeuGroup, "NeuGroup": NeuGroup,
              "NeuGroupNS": NeuGroup, "Dynamic": DynamicalSystem}

    def __getattr__(self, name):
        if name in self._BASES:
            return self._BASES[name]
        return super().__getattr__(name)


class _Unused:
    """An optimizer or learning-rate schedule: constructs, records its arguments, and is not
    used (dynanalysis finds fixed points by Newton / Levenberg–Marquardt)."""

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs

    def __repr__(self):
        return f"{type(self).__name__}(unused by dynanalysis)"


optim = types.SimpleNamespace(**{n: type(n, (_Unused,), {"__module__": __name__}) for n in (
    "SGD", "Momentum", "MomentumNesterov", "Adagrad", "Adadelta", "RMSProp", "Adam", "AdamW", "LARS",
    "Adan", "Constant", "ExponentialDecay", "InverseTimeDecay", "PolynomialDecay", "PiecewiseConstant",
    "StepLR", "MultiStepLR", "CosineAnnealingLR", "ExponentialLR")})
optimizers = optim
dyn = _Dyn("bp.dyn", None)


def __getattr__(name):
    if name in _REFUSED:
        return _Refused(f"bp.{name}", _REFUSED[name])
    raise AttributeError(f"dynanalysis.brainpy has no {name!r}: it maps BrainPy's analysis API "
                         f"(odeint, JointEq, DynamicalSystem, NeuGroup, math, analysis)")
