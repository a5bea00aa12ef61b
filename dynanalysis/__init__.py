"""dynanalysis: dynamical-systems analysis of neural models, in JAX.

Importing the package never changes JAX's global configuration; analyses run in float64 inside
a scoped ``jax.enable_x64`` context.
"""
from . import continuation, math
from .system import ODE, Flow, ode, as_ode
from .integrate import Trajectory, simulate
from .fixedpoints import FixedPoints, fixed_points
from .nullclines import Nullclines
from .fields import VectorField, LineField
from .cycles import LimitCycle, limit_cycle
from .phaseplane import PhasePlane1D, PhasePlane2D
from .bifurcation import Bifurcation, Bifurcation1D, Bifurcation2D, BifurcationDiagram, SpecialPoint
from .fastslow import FastSlow1D, FastSlow2D
from .finder import FixedPointFinder, FixedPointSet, ParameterSpectrum

__version__ = "0.1.0"
__all__ = ["continuation", "math", "ODE", "Flow", "ode", "as_ode", "simulate", "Trajectory", "fixed_points",
           "FixedPoints", "Nullclines", "VectorField", "LineField", "limit_cycle", "LimitCycle",
           "PhasePlane1D", "PhasePlane2D", "Bifurcation", "Bifurcation1D", "Bifurcation2D",
           "BifurcationDiagram", "SpecialPoint", "FastSlow1D", "FastSlow2D",
           "FixedPointFinder", "FixedPointSet", "ParameterSpectrum"]
