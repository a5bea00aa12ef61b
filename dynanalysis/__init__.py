"""dynanalysis: dynamical-systems analysis of neural models, in JAX.

Importing the package never changes JAX's global configuration; analyses run in float64 inside
a scoped ``jax.enable_x64`` context, with JAX's persistent compilation cache in a per-user folder
unless configured otherwise (``dynanalysis.config``).

The public face is ``__all__``: these classes and functions, and the sub-packages
``continuation``, ``math``, ``budget`` (the memory budget), ``config`` (compilation cache and devices), ``plotting`` (imported when a result
is drawn), ``models`` (the zoo), ``brainpy`` (BrainPy compatibility) and ``gallery``.  Everything
in the underscored sub-packages (``_model``, ``_numerics``, ``_simulation``, ``_equilibria``,
``_cycles``, ``_analysis``) is internal.
"""
from dynanalysis import budget, config, continuation, math
from dynanalysis._model.system import ODE, Flow, ode, as_ode
from dynanalysis._simulation.integrate import Trajectory, simulate
from dynanalysis._equilibria.fixedpoints import FixedPoints, fixed_points
from dynanalysis._equilibria.nullclines import Nullclines
from dynanalysis._equilibria.fields import VectorField, LineField
from dynanalysis._cycles import LimitCycle, limit_cycle
from dynanalysis._analysis.phaseplane import PhasePlane1D, PhasePlane2D
from dynanalysis._analysis.bifurcation import Bifurcation, Bifurcation1D, Bifurcation2D, BifurcationDiagram, SpecialPoint
from dynanalysis._analysis.diagram import Diagram
from dynanalysis.continuation import Branch, Curve
from dynanalysis._analysis.fastslow import FastSlow1D, FastSlow2D
from dynanalysis._analysis.finder import FixedPointFinder, FixedPointSet, ParameterSpectrum
from dynanalysis._analysis.phase import (PhaseLocking, PhaseResponse, coupled_pair, kicked_phase_response,
                                         phase_locking, phase_response)
from dynanalysis._analysis.excitability import Excitability, FICurve, excitability, fI_curve

__version__ = "0.1.0"
__all__ = ["budget", "config", "continuation", "math", "plotting", "models", "brainpy", "gallery", "ODE", "Flow", "ode", "as_ode", "simulate", "Trajectory", "fixed_points",
           "FixedPoints", "Nullclines", "VectorField", "LineField", "limit_cycle", "LimitCycle",
           "PhasePlane1D", "PhasePlane2D", "Bifurcation", "Bifurcation1D", "Bifurcation2D",
           "BifurcationDiagram", "SpecialPoint", "Diagram", "Branch", "Curve", "FastSlow1D", "FastSlow2D",
           "FixedPointFinder", "FixedPointSet", "ParameterSpectrum", "phase_response", "kicked_phase_response", "PhaseResponse",
           "phase_locking", "PhaseLocking", "coupled_pair",
           "fI_curve", "FICurve", "excitability", "Excitability"]
