"""Numerical continuation: equilibria in one parameter, fold and Hopf curves in two, periodic
orbits by collocation, branch switching at branch points and period doublings, homoclinic
curves, all on one pseudo-arclength engine (:mod:`._engine`).

Layer: above the numerics, simulation, equilibria and cycles; below the analysers.
"""
from dynanalysis.continuation._engine import Branch
from dynanalysis.continuation._equilibria import equilibria
from dynanalysis.continuation._curves import Curve, fold_curve, hopf_curve
from dynanalysis.continuation._periodic import periodic_orbits
from dynanalysis.continuation._switch import switch
from dynanalysis.continuation._homoclinic import homoclinic_curve
from dynanalysis.continuation._global import snic_segment
from dynanalysis._numerics.points import SpecialPoint

__all__ = ["equilibria", "fold_curve", "hopf_curve", "periodic_orbits", "switch", "homoclinic_curve", "snic_segment", "Branch", "Curve", "SpecialPoint"]
