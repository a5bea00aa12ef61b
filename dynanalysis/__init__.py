"""dynanalysis: dynamical-systems analysis of neural models, in JAX.

Importing the package never changes JAX's global configuration; analyses run in float64 inside
a scoped ``jax.enable_x64`` context.
"""
from . import math
from .system import ODE, Flow, ode, as_ode
from .integrate import Trajectory, simulate

__version__ = "0.1.0"
__all__ = ["math", "ODE", "Flow", "ode", "as_ode", "simulate", "Trajectory"]
