"""BrainPy 2.8's ``Bifurcation1D`` / ``Bifurcation2D`` on the work of ``bifurcation.py``: the peer
figure, timed in the same run.  Runs under an interpreter that has BrainPy (never a dependency
of dynanalysis):

    python -m venv bp && bp/bin/pip install "brainpy==2.8.0" matplotlib
    BRAINPY_PYTHON=bp/bin/python python benchmarks/bifurcation.py

``python brainpy_bifurcation.py CASE`` prints the seconds of one first call (analyser built and
``plot_bifurcation`` run, compilation included; the import is not timed), float64 as in
BrainPy's analysis tutorials.  CASE is sine, fhn or decision.
"""
import sys
import time

import matplotlib

matplotlib.use("Agg")
import brainpy as bp  # noqa: E402
import brainpy.math as bm  # noqa: E402


def sine():
    @bp.odeint
    def int_x(x, t, I):
        return bm.sin(x) + I

    an = bp.analysis.Bifurcation1D(model=int_x, target_vars={"x": [-10, 10]}, target_pars={"I": [-1.5, 1.5]},
                                   resolutions={"I": 0.005, "x": 0.05})
    an.plot_bifurcation(show=False)


def fhn():
    a, b, tau = 0.7, 0.8, 12.5

    @bp.odeint
    def int_V(V, t, w, Iext):
        return V - V * V * V / 3 - w + Iext

    @bp.odeint
    def int_w(w, t, V):
        return (V + a - b * w) / tau

    an = bp.analysis.Bifurcation2D(model=[int_V, int_w], target_vars={"V": [-3, 3], "w": [-3.0, 3.0]},
                                   target_pars={"Iext": [0.0, 1.0]}, resolutions={"Iext": 0.001})
    an.plot_bifurcation(num_rank=50, show=False)


def decision():
    gamma, tau, a, b, d = 0.641, 0.1, 270.0, 108.0, 0.154
    JE, JI, I0, JA = 0.2609, 0.0497, 0.3255, 0.00052

    @bp.odeint
    def int_s1(s1, t, s2, mu=0.0):
        x1 = JE * s1 - JI * s2 + I0 + JA * mu
        return -s1 / tau + (1.0 - s1) * gamma * (a * x1 - b) / (1.0 - bm.exp(-d * (a * x1 - b)))

    @bp.odeint
    def int_s2(s2, t, s1, mu=0.0):
        x2 = JE * s2 - JI * s1 + I0 + JA * mu
        return -s2 / tau + (1.0 - s2) * gamma * (a * x2 - b) / (1.0 - bm.exp(-d * (a * x2 - b)))

    an = bp.analysis.Bifurcation2D(model=[int_s1, int_s2], target_vars={"s1": [0.0, 1.0], "s2": [0.0, 1.0]},
                                   target_pars={"mu": [0.0, 80.0]}, resolutions={"mu": 0.1})
    an.plot_bifurcation(num_rank=50, show=False)


if __name__ == "__main__":
    bm.enable_x64()
    t = time.perf_counter()
    {"sine": sine, "fhn": fhn, "decision": decision}[sys.argv[1]]()
    print(time.perf_counter() - t)
