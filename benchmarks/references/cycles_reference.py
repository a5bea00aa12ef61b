#!/usr/bin/env python
"""High-accuracy reference values for periodic orbits, independent of any
continuation code (NumPy + SciPy only; no jax, no dynanalysis).

What is computed
----------------
1. Hodgkin-Huxley (V in mV, m, h, n; parameter I in uA/cm^2, classical
   rest near -65 mV, EL = -54.387).
   (a) Stable spiking cycle at I = 10: period T, V max, V min.
   (b) Fold of limit cycles (LPC) near I ~ 6.26 where the stable spiking
       cycle meets the unstable cycle: I_LPC and the period there.
2. Rossler x' = -y - z, y' = x + a y, z' = b + z (x - c), a = b = 0.2:
   first period doubling (PD) of the period-1 cycle for c in [2, 3.5]:
   c_PD and the period there; period and Floquet multipliers at c = 2.5.
3. FitzHugh-Nagumo V' = V - V^3/3 - w + I, w' = (V + 0.7 - 0.8 w)/12.5,
   I = 0.5: period of the stable cycle (sanity check of the shooting code
   against the known value 39.4744149802).

Methods
-------
* Orbits are integrated with scipy.integrate.solve_ivp (DOP853 by default)
  at rtol = atol = 1e-12, together with the variational equations
  M' = J M (monodromy) and S' = J S + df/dp (parameter sensitivity).
  The Jacobian J of the vector field is obtained by complex-step
  differentiation (exact to rounding), so no hand-written derivatives.
* Periodic orbits are found by single shooting: Newton on the unknowns
  (x0 without the phase coordinate, T) for the residual phi_T(x0) - x0,
  with the phase condition "one coordinate of x0 fixed" (V(0) = -20 for
  HH, y(0) = 0 for Rossler, V(0) = 0 for FHN).  Newton's Jacobian comes
  from the monodromy matrix, so convergence is quadratic; the converged
  residual is ~1e-12.
* HH period at I = 10 is cross-checked by brute-force forward simulation
  onto the attracting cycle (DOP853, LSODA and Radau, rtol = atol = 1e-12) and
  measuring the time between upward crossings of V = -20 (event location).
  V max / V min come from events on dV/dt = 0 along the converged cycle.
* HH LPC: cycles are parameterised by their period T near the fold; at
  fixed T the shooting Newton solves for (m0, h0, n0, I) (V(0) = -20).
  I(T) has a quadratic minimum at the LPC.  Two independent locators:
    - scipy.optimize.minimize_scalar (Brent) on I(T);
    - brentq on dI/dT = 0, where dI/dT comes from the implicit function
      theorem: dy/dT = -(dG/dy)^{-1} f(phi_T(x0)), y = (m0, h0, n0, I).
  The LPC value of I is reported from brentq (T there is accurate too).
* Rossler PD: the nontrivial Floquet multipliers are the eigenvalues of
  the 2x2 Jacobian of the Poincare map on the section y = 0 (obtained from
  the monodromy matrix by projecting along the flow); they are checked
  against eig(M) and against Liouville's formula det M = exp(int div f).
  brentq in c on (mu + 1), mu = the real multiplier that crosses -1.
* Error estimates: the whole pipeline is run twice, at rtol = atol = 1e-12
  (reported) and at 1e-10; the estimate is the absolute difference (a
  conservative bound for the 1e-12 values).  HH I = 10 also has the
  independent LSODA / Radau forward-simulation checks, and the LPC has the
  minimize_scalar vs brentq check.

Rerun
-----
    /work/venv/bin/python benchmarks/references/cycles_reference.py
prints the JSON and writes benchmarks/references/cycles_reference.json next
to this file.  Runtime: a few minutes (printed at the end; also stored in
the JSON under "timing_s").
"""
import json
import os
import sys
import time
import warnings

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq, minimize_scalar

HERE = os.path.dirname(os.path.abspath(__file__))
TOL_MAIN = 1e-12
TOL_CHECK = 1e-10
H_CS = 1e-30  # complex-step size


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------
# Models (vector fields broadcast over trailing axes, complex-safe)
# ----------------------------------------------------------------------------
def _xexpm1(u):
    """u / (exp(u) - 1), with the removable singularity at u = 0 handled."""
    u = np.asarray(u)
    small = np.abs(np.real(u)) < 1e-7
    us = np.where(small, 1.0, u)  # dummy value avoids 0/0 in the other branch
    return np.where(small, 1.0 - u / 2.0 + u * u / 12.0, us / np.expm1(us))


class HH:
    name = "hodgkin_huxley"
    C, gNa, gK, gL = 1.0, 120.0, 36.0, 0.3
    ENa, EK, EL = 50.0, -77.0, -54.387
    n = 4

    @staticmethod
    def rates(V):
        # alpha_m = 0.1 (V+40)/(1-exp(-(V+40)/10)) = u/(exp(u)-1), u=-(V+40)/10
        am = _xexpm1(-(V + 40.0) / 10.0)
        bm = 4.0 * np.exp(-(V + 65.0) / 18.0)
        ah = 0.07 * np.exp(-(V + 65.0) / 20.0)
        bh = 1.0 / (1.0 + np.exp(-(V + 35.0) / 10.0))
        # alpha_n = 0.01 (V+55)/(1-exp(-(V+55)/10)) = 0.1 u/(exp(u)-1)
        an = 0.1 * _xexpm1(-(V + 55.0) / 10.0)
        bn = 0.125 * np.exp(-(V + 65.0) / 80.0)
        return am, bm, ah, bh, an, bn

    @classmethod
    def f(cls, x, I):
        V, m, h, n = x[0], x[1], x[2], x[3]
        am, bm, ah, bh, an, bn = cls.rates(V)
        dV = (-cls.gNa * m ** 3 * h * (V - cls.ENa) - cls.gK * n ** 4 * (V - cls.EK)
              - cls.gL * (V - cls.EL) + I) / cls.C
        return np.stack([dV, am * (1 - m) - bm * m, ah * (1 - h) - bh * h,
                         an * (1 - n) - bn * n])

    @classmethod
    def dfdp(cls, x, I):
        return np.array([1.0 / cls.C, 0.0, 0.0, 0.0])

    @classmethod
    def steady(cls, V):
        am, bm, ah, bh, an, bn = cls.rates(np.float64(V))
        return np.array([V, am / (am + bm), ah / (ah + bh), an / (an + bn)])


class Rossler:
    name = "rossler"
    a = b = 0.2
    n = 3

    @classmethod
    def f(cls, x, c):
        X, Y, Z = x[0], x[1], x[2]
        return np.stack([-Y - Z, X + cls.a * Y, cls.b + Z * (X - c)])

    @classmethod
    def dfdp(cls, x, c):
        return np.array([0.0, 0.0, -x[2]])


class FHN:
    name = "fitzhugh_nagumo"
    n = 2

    @staticmethod
    def f(x, I):
        V, w = x[0], x[1]
        return np.stack([V - V ** 3 / 3.0 - w + I, (V + 0.7 - 0.8 * w) / 12.5])

    @staticmethod
    def dfdp(x, I):
        return np.array([1.0, 0.0])


def jac(model, x, p):
    """Complex-step Jacobian of the vector field (exact to rounding)."""
    n = model.n
    X = x[:, None] + 1j * H_CS * np.eye(n)
    return np.imag(model.f(X, p)) / H_CS


# ----------------------------------------------------------------------------
# Flow with variational equations
# ----------------------------------------------------------------------------
def flow(model, x0, T, p, tol, method="DOP853", var=True, **kw):
    n = model.n
    if var:
        def rhs(t, y):
            x = y[:n]
            J = jac(model, x, p)
            M = y[n:n + n * n].reshape(n, n)
            S = y[n + n * n:]
            return np.concatenate([model.f(x, p), (J @ M).ravel(),
                                   J @ S + model.dfdp(x, p)])
        y0 = np.concatenate([x0, np.eye(n).ravel(), np.zeros(n)])
    else:
        def rhs(t, y):
            return model.f(y, p)
        y0 = np.array(x0, float)
    sol = solve_ivp(rhs, (0.0, T), y0, method=method, rtol=tol, atol=tol, **kw)
    if sol.status < 0:
        raise RuntimeError(sol.message)
    yT = sol.y[:, -1]
    if not var:
        return yT, sol
    return yT[:n], yT[n:n + n * n].reshape(n, n), yT[n + n * n:], sol


# ----------------------------------------------------------------------------
# Shooting Newton solvers
# ----------------------------------------------------------------------------
def shoot_fixed_p(model, x0, T, p, k, tol, maxit=30, rtol_newton=1e-10):
    """Newton on (x0 without component k, T); x0[k] fixed (phase condition)."""
    n = model.n
    free = [j for j in range(n) if j != k]
    x0 = np.array(x0, float)
    for it in range(maxit):
        xT, M, _, _ = flow(model, x0, T, p, tol)
        R = xT - x0
        A = np.column_stack([M[:, free] - np.eye(n)[:, free], model.f(xT, p)])
        d = np.linalg.solve(A, -R)
        x0[free] += d[:-1]
        T += d[-1]
        if np.max(np.abs(d)) < rtol_newton * max(1.0, abs(T)):
            xT, M, _, _ = flow(model, x0, T, p, tol)
            return dict(x0=x0, T=T, M=M, res=float(np.max(np.abs(xT - x0))),
                        iters=it + 1)
    raise RuntimeError("shooting (fixed p) did not converge")


def shoot_fixed_T(model, x0, T, p, k, tol, maxit=30, rtol_newton=1e-10):
    """Newton on (x0 without component k, p) at fixed period T.
    Also returns dp/dT along the family (implicit function theorem)."""
    n = model.n
    free = [j for j in range(n) if j != k]
    x0 = np.array(x0, float)
    for it in range(maxit):
        xT, M, S, _ = flow(model, x0, T, p, tol)
        R = xT - x0
        A = np.column_stack([M[:, free] - np.eye(n)[:, free], S])
        d = np.linalg.solve(A, -R)
        x0[free] += d[:-1]
        p += d[-1]
        if np.max(np.abs(d)) < rtol_newton * max(1.0, abs(p)):
            xT, M, S, _ = flow(model, x0, T, p, tol)
            A = np.column_stack([M[:, free] - np.eye(n)[:, free], S])
            dy = -np.linalg.solve(A, model.f(xT, p))
            return dict(x0=x0, p=p, T=T, M=M, dydT=dy, dpdT=float(dy[-1]),
                        res=float(np.max(np.abs(xT - x0))), iters=it + 1)
    raise RuntimeError("shooting (fixed T) did not converge")


def crossings(model, x0, tend, p, tol, k, level, direction, method="DOP853",
              **kw):
    """Times and states of crossings of x[k] = level in a long simulation."""
    ev = lambda t, y: y[k] - level
    ev.direction = direction
    _, sol = flow(model, x0, tend, p, tol, method=method, var=False, events=ev,
                  **kw)
    return sol.t_events[0], sol.y_events[0]


# ----------------------------------------------------------------------------
# 3. FitzHugh-Nagumo sanity check
# ----------------------------------------------------------------------------
def fhn(tol):
    I = 0.5
    t, y = crossings(FHN, [0.0, 0.0], 400.0, I, tol, 0, 0.0, +1)
    x = y[-1].copy()
    x[0] = 0.0
    s = shoot_fixed_p(FHN, x, t[-1] - t[-2], I, 0, tol)
    return dict(I=I, period=s["T"], x0=s["x0"].tolist(), residual=s["res"],
                brute_force_period=float(t[-1] - t[-2]))


# ----------------------------------------------------------------------------
# 1. Hodgkin-Huxley
# ----------------------------------------------------------------------------
VSEC = -20.0


def hh_extrema(s, I, tol):
    ev = lambda t, y: HH.f(y, I)[0]
    _, sol = flow(HH, s["x0"], s["T"], I, tol, var=False, events=ev)
    V = sol.y_events[0][:, 0]
    return float(V.max()), float(V.min())


def hh_I10(tol, x_guess=None, T_guess=None):
    I = 10.0
    if x_guess is None:
        t, y = crossings(HH, HH.steady(-65.0), 300.0, I, tol, 0, VSEC, +1)
        x_guess, T_guess = y[-1].copy(), t[-1] - t[-2]
        x_guess[0] = VSEC
    s = shoot_fixed_p(HH, x_guess, T_guess, I, 0, tol)
    vmax, vmin = hh_extrema(s, I, tol)
    mults = np.sort(np.abs(np.linalg.eigvals(s["M"])))[::-1]
    return s, dict(I=I, period=s["T"], V_max=vmax, V_min=vmin,
                   x0=s["x0"].tolist(), residual=s["res"],
                   floquet_abs=mults.tolist())


def hh_bruteforce(method, tol, tend=300.0):
    kw = {} if method in ("RK45", "DOP853") else dict(jac=lambda t, y: jac(HH, y, 10.0))
    t, _ = crossings(HH, HH.steady(-65.0), tend, 10.0, tol, 0, VSEC, +1,
                     method=method, **kw)
    d = np.diff(t)
    return float(d[-1]), float(abs(d[-1] - d[-2]))


def hh_lpc(tol, s10):
    # natural continuation in I from the I = 10 cycle down towards the fold
    s = s10
    for I in [9.0, 8.0, 7.5, 7.0, 6.75, 6.5, 6.4, 6.35, 6.3]:
        s = shoot_fixed_p(HH, s["x0"], s["T"], I, 0, tol)
        log(f"  HH cont I={I}: T={s['T']:.10f}")
    I_start, T_start = 6.3, s["T"]
    cache = {}

    def solveT(T):
        # initial guess: nearest cached solution + tangent predictor
        if cache:
            Tn = min(cache, key=lambda q: abs(q - T))
            c = cache[Tn]
            y = np.concatenate([c["x0"][1:], [c["p"]]]) + c["dydT"] * (T - Tn)
        else:
            y = np.concatenate([s["x0"][1:], [I_start]])
        x0 = np.concatenate([[VSEC], y[:-1]])
        r = shoot_fixed_T(HH, x0, T, y[-1], 0, tol)
        cache[T] = r
        return r

    r0 = solveT(T_start)
    # step in T in the direction of decreasing I until dI/dT changes sign
    dT = -np.sign(r0["dpdT"]) * 0.2
    Ts = [T_start]
    while True:
        T_new = Ts[-1] + dT
        r_new = solveT(T_new)
        log(f"  HH T={T_new:.6f}: I={r_new['p']:.12f} dI/dT={r_new['dpdT']:.3e}")
        Ts.append(T_new)
        if np.sign(r_new["dpdT"]) != np.sign(r0["dpdT"]) and len(Ts) >= 3:
            break
    # locator 1: Brent minimisation of I(T) on the grid bracket (T[-3], T[-2], T[-1])
    # (I(T[-2]) is below both ends: dI/dT changed sign between T[-2] and T[-1])
    br = tuple(Ts[-3:])
    if cache[br[1]]["p"] > min(cache[br[0]]["p"], cache[br[2]]["p"]):
        br = (Ts[-3], 0.5 * (Ts[-2] + Ts[-1]), Ts[-1])
    ms = minimize_scalar(lambda q: solveT(q)["p"], bracket=br,
                         method="brent", tol=1e-7)
    rm = solveT(ms.x)
    # locator 2: brentq on dI/dT = 0
    Ta, Tb = sorted(Ts[-2:])
    T_br = brentq(lambda q: solveT(q)["dpdT"], Ta, Tb, xtol=1e-10, rtol=1e-14)
    rb = solveT(T_br)
    # stability of the two neighbouring cycles (for the record)
    eps = 0.05
    mu = {}
    for lab, q in (("T_minus", T_br - eps), ("T_plus", T_br + eps)):
        rr = solveT(q)
        ev = np.linalg.eigvals(rr["M"])
        ev = ev[np.argsort(-np.abs(ev))]
        mu[lab] = dict(T=q, I=rr["p"], multipliers_abs=np.abs(ev).tolist())
    evl = np.linalg.eigvals(rb["M"])
    evl = evl[np.argsort(-np.abs(evl))]
    return dict(I_LPC=rb["p"], T_LPC=T_br, x0=rb["x0"].tolist(),
                residual=rb["res"],
                I_LPC_minimize_scalar=rm["p"], T_LPC_minimize_scalar=float(ms.x),
                multipliers_at_LPC=[[float(z.real), float(z.imag)] for z in evl],
                neighbours=mu)


# ----------------------------------------------------------------------------
# 2. Rossler
# ----------------------------------------------------------------------------
def rossler_solve(c, tol, x0, T):
    s = shoot_fixed_p(Rossler, x0, T, c, 1, tol)
    M, x0 = s["M"], s["x0"]
    f0 = Rossler.f(x0, c)
    # Poincare-map Jacobian on the section y = 0: project M along the flow
    P = (np.eye(3) - np.outer(f0, np.eye(3)[1]) / f0[1]) @ M
    P2 = P[np.ix_([0, 2], [0, 2])]
    mu_p = np.linalg.eigvals(P2)
    mu_p = mu_p[np.argsort(-np.abs(mu_p))]
    mu_m = np.linalg.eigvals(M)
    mu_m = mu_m[np.argsort(-np.abs(mu_m))]
    # Liouville: det M = exp(int_0^T div f dt), div f = a + x - c
    def rhs(t, y):
        return np.concatenate([Rossler.f(y[:3], c), [Rossler.a + y[0] - c]])
    sol = solve_ivp(rhs, (0, s["T"]), np.concatenate([x0, [0.0]]),
                    method="DOP853", rtol=tol, atol=tol)
    s.update(mu_poincare=mu_p, mu_monodromy=mu_m,
             liouville_det=float(np.exp(sol.y[3, -1])),
             det_M=float(np.linalg.det(M)))
    return s


def rossler(tol):
    c0 = 2.5
    t, y = crossings(Rossler, [1.0, 1.0, 0.0], 600.0, c0, tol, 1, 0.0, -1)
    x = y[-1].copy()
    x[1] = 0.0
    s = rossler_solve(c0, tol, x, t[-1] - t[-2])
    s25 = s
    cache = {c0: s}
    cs = [2.6, 2.7, 2.75, 2.8, 2.82, 2.84, 2.86, 2.9]
    prev = c0
    bracket = None
    for c in cs:
        s = rossler_solve(c, tol, cache[prev]["x0"], cache[prev]["T"])
        cache[c] = s
        log(f"  Rossler c={c}: T={s['T']:.10f} mu={s['mu_poincare']}")
        if bracket is None and np.isreal(s["mu_poincare"]).all() and \
                np.real(s["mu_poincare"][0]) < -1 and \
                np.real(cache[prev]["mu_poincare"][0]) > -1:
            bracket = (prev, c)
            break
        prev = c

    def g(c):
        cn = min(cache, key=lambda q: abs(q - c))
        s = rossler_solve(c, tol, cache[cn]["x0"], cache[cn]["T"])
        cache[c] = s
        mu = s["mu_poincare"]
        assert abs(mu[0].imag) == 0.0
        return float(mu[0].real) + 1.0

    c_pd = brentq(g, *bracket, xtol=1e-14, rtol=1e-15)
    spd = cache[c_pd] if c_pd in cache else rossler_solve(
        c_pd, tol, cache[bracket[0]]["x0"], cache[bracket[0]]["T"])

    def cplx(z):
        return [[float(np.real(q)), float(np.imag(q))] for q in z]

    return dict(
        a=Rossler.a, b=Rossler.b,
        c_PD=c_pd, T_PD=spd["T"], x0_PD=spd["x0"].tolist(),
        multipliers_PD_poincare=cplx(spd["mu_poincare"]),
        residual_PD=spd["res"],
        c_2_5=dict(c=2.5, period=s25["T"], x0=s25["x0"].tolist(),
                   residual=s25["res"],
                   floquet_multipliers=cplx(s25["mu_monodromy"]),
                   nontrivial_multipliers_poincare=cplx(s25["mu_poincare"]),
                   det_M=s25["det_M"], liouville_exp_int_div=s25["liouville_det"]),
    )


# ----------------------------------------------------------------------------
def run(tol):
    out = {}
    t0 = time.time()
    out["fitzhugh_nagumo"] = fhn(tol)
    log(f"[tol={tol}] FHN done {time.time()-t0:.1f}s: {out['fitzhugh_nagumo']['period']}")
    s10, hh10 = hh_I10(tol)
    log(f"[tol={tol}] HH I=10 done {time.time()-t0:.1f}s: {hh10['period']}")
    hhlpc = hh_lpc(tol, s10)
    log(f"[tol={tol}] HH LPC done {time.time()-t0:.1f}s: {hhlpc['I_LPC']}")
    out["hodgkin_huxley"] = dict(I10=hh10, LPC=hhlpc)
    out["rossler"] = rossler(tol)
    log(f"[tol={tol}] Rossler done {time.time()-t0:.1f}s: {out['rossler']['c_PD']}")
    out["time_s"] = time.time() - t0
    return out


def main():
    warnings.simplefilter("ignore", RuntimeWarning)
    t_start = time.time()
    A = run(TOL_MAIN)
    B = run(TOL_CHECK)

    # independent forward-simulation checks of the HH I = 10 period
    t0 = time.time()
    bf = {}
    for meth in ("DOP853", "LSODA", "Radau"):
        T, drift = hh_bruteforce(meth, TOL_MAIN)
        bf[meth] = dict(period=T, last_two_periods_diff=drift)
        log(f"HH brute force {meth}: {T} (drift {drift:.1e}) {time.time()-t0:.1f}s")

    hhA, hhB = A["hodgkin_huxley"], B["hodgkin_huxley"]
    rA, rB = A["rossler"], B["rossler"]
    d = lambda u, v: float(abs(u - v))
    errors = {
        "fhn_period_tol_diff": d(A["fitzhugh_nagumo"]["period"], B["fitzhugh_nagumo"]["period"]),
        "fhn_period_vs_known_39.4744149802": d(A["fitzhugh_nagumo"]["period"], 39.4744149802),
        "hh_I10_period_tol_diff": d(hhA["I10"]["period"], hhB["I10"]["period"]),
        "hh_I10_period_vs_DOP853_bruteforce": d(hhA["I10"]["period"], bf["DOP853"]["period"]),
        "hh_I10_period_vs_LSODA_bruteforce": d(hhA["I10"]["period"], bf["LSODA"]["period"]),
        "hh_I10_period_vs_Radau_bruteforce": d(hhA["I10"]["period"], bf["Radau"]["period"]),
        "hh_I10_Vmax_tol_diff": d(hhA["I10"]["V_max"], hhB["I10"]["V_max"]),
        "hh_I10_Vmin_tol_diff": d(hhA["I10"]["V_min"], hhB["I10"]["V_min"]),
        "hh_I_LPC_tol_diff": d(hhA["LPC"]["I_LPC"], hhB["LPC"]["I_LPC"]),
        "hh_I_LPC_brentq_vs_minimize_scalar": d(hhA["LPC"]["I_LPC"], hhA["LPC"]["I_LPC_minimize_scalar"]),
        "hh_T_LPC_tol_diff": d(hhA["LPC"]["T_LPC"], hhB["LPC"]["T_LPC"]),
        "hh_T_LPC_brentq_vs_minimize_scalar": d(hhA["LPC"]["T_LPC"], hhA["LPC"]["T_LPC_minimize_scalar"]),
        "rossler_c_PD_tol_diff": d(rA["c_PD"], rB["c_PD"]),
        "rossler_T_PD_tol_diff": d(rA["T_PD"], rB["T_PD"]),
        "rossler_T_2_5_tol_diff": d(rA["c_2_5"]["period"], rB["c_2_5"]["period"]),
        "rossler_mu2_2_5_tol_diff": d(rA["c_2_5"]["nontrivial_multipliers_poincare"][0][0],
                                      rB["c_2_5"]["nontrivial_multipliers_poincare"][0][0]),
    }
    result = {
        "description": "Reference periodic-orbit values from independent "
                       "SciPy shooting (see cycles_reference.py docstring).",
        "settings": dict(main_tol=TOL_MAIN, check_tol=TOL_CHECK, integrator="DOP853",
                         hh_phase_condition="V(0) = -20 mV",
                         rossler_section="y = 0 (x < 0, y decreasing)",
                         fhn_phase_condition="V(0) = 0"),
        "fitzhugh_nagumo": A["fitzhugh_nagumo"],
        "hodgkin_huxley": dict(
            params=dict(C=HH.C, gNa=HH.gNa, gK=HH.gK, gL=HH.gL, ENa=HH.ENa,
                        EK=HH.EK, EL=HH.EL),
            I10=hhA["I10"], LPC=hhA["LPC"], I10_bruteforce=bf),
        "rossler": rA,
        "check_run_tol_1e-10": dict(
            fhn_period=B["fitzhugh_nagumo"]["period"],
            hh_I10_period=hhB["I10"]["period"], hh_I10_V_max=hhB["I10"]["V_max"],
            hh_I10_V_min=hhB["I10"]["V_min"], hh_I_LPC=hhB["LPC"]["I_LPC"],
            hh_T_LPC=hhB["LPC"]["T_LPC"], rossler_c_PD=rB["c_PD"],
            rossler_T_PD=rB["T_PD"], rossler_T_2_5=rB["c_2_5"]["period"]),
        "error_estimates": errors,
        "timing_s": dict(main_run=A["time_s"], check_run=B["time_s"],
                         bruteforce=time.time() - t0, total=time.time() - t_start),
    }
    js = json.dumps(result, indent=2)
    print(js)
    with open(os.path.join(HERE, "cycles_reference.json"), "w") as fh:
        fh.write(js + "\n")
    log(f"total time: {time.time() - t_start:.1f} s")


if __name__ == "__main__":
    main()
