#!/usr/bin/env python
"""Reference for the second period doubling of the Rossler system (a = b = 0.2): the PD point
on the period-2 branch, independent of any continuation code (NumPy + SciPy only, the shooting
and variational code of ``cycles_reference.py``).

Method: at c = 3.5 the attractor is the period-2 cycle; a long DOP853 run (rtol = atol = 1e-12)
gives a point on the section y = 0 and the time of two returns; single shooting (Newton on
(x, z, T), y(0) = 0, the Jacobian from the monodromy matrix) converges it.  Stepping c up with
the previous orbit as the guess brackets the value where the leading Poincare multiplier passes
-1, and brentq (xtol 1e-14) locates it.  Run twice, at rtol = atol = 1e-12 and 1e-10, the two
results bound the error.  Writes ``rossler_pd2.json`` next to this script.

    python benchmarks/references/rossler_pd2.py
"""
import json
import os
import warnings

import numpy as np
from scipy.optimize import brentq

from cycles_reference import Rossler, crossings, rossler_solve

HERE = os.path.dirname(os.path.abspath(__file__))


def second_pd(tol):
    c0 = 3.5
    t, y = crossings(Rossler, [1.0, 1.0, 0.0], 800.0, c0, tol, 1, 0.0, -1)
    x = y[-1].copy()
    x[1] = 0.0
    cache = {c0: rossler_solve(c0, tol, x, t[-1] - t[-3])}  # two returns: the period-2 orbit
    assert abs(cache[c0]["T"] - 2 * 5.9) < 1.5, cache[c0]["T"]
    prev, bracket = c0, None
    for c in np.arange(3.55, 4.0, 0.05):
        s = rossler_solve(c, tol, cache[prev]["x0"], cache[prev]["T"])
        cache[c] = s
        mu = s["mu_poincare"]
        if np.isreal(mu).all() and np.real(mu[0]) < -1 and np.real(cache[prev]["mu_poincare"][0]) > -1:
            bracket = (prev, c)
            break
        prev = c

    def g(c):
        near = min(cache, key=lambda q: abs(q - c))
        s = rossler_solve(c, tol, cache[near]["x0"], cache[near]["T"])
        cache[c] = s
        return float(np.real(s["mu_poincare"][0])) + 1.0

    c_pd = brentq(g, *bracket, xtol=1e-14, rtol=1e-15)
    s = cache[c_pd]
    return dict(c_PD2=c_pd, T_PD2=s["T"], x0=s["x0"].tolist(), residual=s["res"])


def main():
    warnings.simplefilter("ignore", RuntimeWarning)
    A, B = second_pd(1e-12), second_pd(1e-10)
    out = {"description": __doc__.strip().splitlines()[0], "a": Rossler.a, "b": Rossler.b, **A,
           "tol_1e-10": B, "error_estimate": {"c_PD2": abs(A["c_PD2"] - B["c_PD2"]), "T_PD2": abs(A["T_PD2"] - B["T_PD2"])}}
    print(json.dumps(out, indent=2))
    with open(os.path.join(HERE, "rossler_pd2.json"), "w") as fh:
        fh.write(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
