"""The model zoo: every model is an ``ODE`` built with the public :func:`dynanalysis.ode` API.

Each name is a function: calling it with keyword arguments returns the model with those
parameter defaults replaced, e.g. ``FitzHughNagumo(I=0.5)``; ``AdEx`` and ``Izhikevich`` also
take ``preset=`` (see their ``.presets``), as does ``MorrisLecar``, ``CANN1D``/``AdaptiveCANN1D`` take ``N=``.
``ZOO`` maps each model's name to its factory, from the conductance-based model through the
integrate-and-fire family and the smooth low-dimensional models to the networks.
"""
from .attractor import AdaptiveCANN1D, CANN1D
from .bursting import HindmarshRose
from .conductance import HodgkinHuxley, MorrisLecar, PersistentSodiumPotassium
from .decision import WongWang
from .integrate_and_fire import GIF, LIF, QIF, AdEx, ExpIF, Izhikevich, ThetaNeuron
from .planar import FitzHughNagumo

ZOO = {f.__name__: f for f in (
    HodgkinHuxley, MorrisLecar, PersistentSodiumPotassium,
    LIF, QIF, ThetaNeuron, ExpIF, AdEx, Izhikevich, GIF,
    FitzHughNagumo, HindmarshRose,
    WongWang,
    CANN1D, AdaptiveCANN1D,
)}

__all__ = list(ZOO) + ["ZOO"]
