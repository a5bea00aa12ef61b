"""BrainPy 2.8's first call on the workloads of ``first_call.py``: its tutorial analyses, run in
the interpreter of a separate venv that has BrainPy (never a dependency of dynanalysis):

    python -m venv bp && bp/bin/pip install "brainpy==2.8.2" matplotlib
    bp/bin/python benchmarks/brainpy_first_call.py CASE      # prints JSON {"seconds", "summary"}

One case per process.  Imports (brainpy, matplotlib.pyplot) and ``bm.enable_x64()`` are not
timed; the model definition, the analyser and its ``plot_*`` calls are (compilation included),
drawn with matplotlib's Agg backend, float64 as BrainPy's analysis tutorials set it.  The
workloads follow BrainPy's tutorials (docs/tutorial_analysis/lowdim_analysis.ipynb and
decision_making_model.ipynb), with the parameter ranges of dynanalysis issue #4 where those are
larger than the tutorial's (sine: Iext in [-1.5, 1.5], tutorial [0, 1.5]; FHN: Iext step 0.001,
tutorial 0.002; decision: mu in [0, 80] step 0.1, tutorial [-30, 90] step 0.2):

  sine_phase_line      PhasePlane1D, x in [-10, 10] step 0.01, Iext = 0: vector field, fixed points
  sine_bifurcation     Bifurcation1D, Iext in [-1.5, 1.5] step 0.005, x step 0.05
  fhn_phase_plane      PhasePlane2D, Iext = 0.8, [-3, 3]^2 step 0.01: nullclines, vector field,
                       fixed points, a trajectory from (-2.8, -1.8) for 100 time units
  fhn_bifurcation      Bifurcation2D, Iext in [0, 1] step 0.001 (num_rank=10, the tutorial's)
  decision_phase_plane PhasePlane2D, mu = 0, [0, 1]^2 step 0.001 (the tutorial's): vector
                       field, nullclines, fixed points
  decision_bifurcation Bifurcation2D, mu in [0, 80] step 0.1, coherence 0 (num_rank=50, the tutorial's)
"""
import json
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import brainpy as bp  # noqa: E402
import brainpy.math as bm  # noqa: E402


def _sine():
    @bp.odeint
    def int_x(x, t, Iext):
        return bp.math.sin(x) + Iext
    return int_x


class FitzHughNagumoModel(bp.DynamicalSystem):
    """The tutorial's FitzHugh-Nagumo class (lowdim_analysis.ipynb)."""

    def __init__(self, method="exp_auto"):
        super().__init__()
        self.a, self.b, self.tau = 0.7, 0.8, 12.5
        self.V = bm.Variable(bm.zeros(1))
        self.w = bm.Variable(bm.zeros(1))
        self.Iext = bm.Variable(bm.zeros(1))

        def dV(V, t, w, Iext=0.):
            return V - V * V * V / 3 - w + Iext

        def dw(w, t, V, a=0.7, b=0.8):
            return (V + a - b * w) / self.tau

        self.int_V = bp.odeint(dV, method=method)
        self.int_w = bp.odeint(dw, method=method)


def _decision():
    """The tutorial's Wong-Wang functions (decision_making_model.ipynb)."""
    gamma, tau, a, b, d = 0.641, 0.1, 270., 108., 0.154
    JE, JI, JAext, Ib = 0.2609, -0.0497, 0.00052, 0.3255

    @bp.odeint
    def int_s1(s1, t, s2, coh=0.5, mu=20.):
        I1 = JE * s1 + JI * s2 + Ib + JAext * mu * (1. + coh)
        r1 = (a * I1 - b) / (1. - bm.exp(-d * (a * I1 - b)))
        return - s1 / tau + (1. - s1) * gamma * r1

    @bp.odeint
    def int_s2(s2, t, s1, coh=0.5, mu=20.):
        I2 = JE * s2 + JI * s1 + Ib + JAext * mu * (1. - coh)
        r2 = (a * I2 - b) / (1. - bm.exp(-d * (a * I2 - b)))
        return - s2 / tau + (1. - s2) * gamma * r2
    return [int_s1, int_s2]


def _points(fp):
    return None if fp is None else np.asarray(fp).reshape(len(fp), -1).tolist()


def sine_phase_line():
    pp = bp.analysis.PhasePlane1D(model=_sine(), target_vars={"x": [-10, 10]}, pars_update={"Iext": 0.},
                                  resolutions={"x": 0.01})
    pp.plot_vector_field()
    fp = pp.plot_fixed_point(with_return=True)
    return {"fixed_points": len(fp)}


def sine_bifurcation():
    an = bp.analysis.Bifurcation1D(model=_sine(), target_vars={"x": [-10, 10]}, target_pars={"Iext": [-1.5, 1.5]},
                                   resolutions={"Iext": 0.005, "x": 0.05})
    an.plot_bifurcation()
    return {}


def fhn_phase_plane():
    pp = bp.analysis.PhasePlane2D(FitzHughNagumoModel(), target_vars={"V": [-3, 3], "w": [-3., 3.]},
                                  pars_update={"Iext": 0.8}, resolutions={"V": 0.01, "w": 0.01})
    pp.plot_nullcline(x_style={"fmt": "-"}, y_style={"fmt": "-"})
    pp.plot_vector_field()
    fp = pp.plot_fixed_point(with_return=True)
    pp.plot_trajectory({"V": [-2.8], "w": [-1.8]}, duration=100.)
    return {"fixed_points": _points(fp)}


def fhn_bifurcation():
    an = bp.analysis.Bifurcation2D(FitzHughNagumoModel(), target_vars={"V": [-3, 3], "w": [-3., 3.]},
                                   target_pars={"Iext": [0., 1.]}, resolutions={"Iext": 0.001})
    an.plot_bifurcation(num_rank=10)
    return {}


def decision_phase_plane():
    pp = bp.analysis.PhasePlane2D(model=_decision(), target_vars={"s1": [0, 1], "s2": [0, 1]},
                                  pars_update={"mu": 0.}, resolutions=0.001)
    pp.plot_vector_field()
    pp.plot_nullcline(coords=dict(s2="s2-s1"), x_style={"fmt": "-"}, y_style={"fmt": "-"})
    fp = pp.plot_fixed_point(with_return=True)
    return {"fixed_points": _points(fp)}


def decision_bifurcation():
    an = bp.analysis.Bifurcation2D(model=_decision(), target_vars={"s1": [0., 1.], "s2": [0., 1.]},
                                   target_pars={"mu": [0., 80.]}, pars_update={"coh": 0.},
                                   resolutions={"mu": 0.1})
    an.plot_bifurcation(num_rank=50)
    return {}


CASES = {f.__name__: f for f in (sine_phase_line, sine_bifurcation, fhn_phase_plane, fhn_bifurcation,
                                 decision_phase_plane, decision_bifurcation)}


if __name__ == "__main__":
    bm.enable_x64()
    t = time.perf_counter()
    summary = CASES[sys.argv[1]]()
    seconds = time.perf_counter() - t
    plt.close("all")
    print(json.dumps({"seconds": seconds, "summary": summary, "brainpy": bp.__version__}))
