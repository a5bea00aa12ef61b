"""The model zoo: every model is an ``ODE`` built with the public :func:`dynanalysis.ode` API.

Each name is a function: calling it with keyword arguments returns the model with those
parameter defaults replaced, e.g. ``FitzHughNagumo(I=0.5)``.
"""
from .conductance import HodgkinHuxley

__all__ = ["HodgkinHuxley"]
