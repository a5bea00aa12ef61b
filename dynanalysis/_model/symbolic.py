"""The exact (sympy) view of a model, built from the same definition as the numerics.

Model code uses :mod:`dynanalysis.math`, which returns sympy expressions when handed sympy
symbols; a vector-valued variable ``u`` of length N becomes a NumPy object array of symbols
``u_0 ... u_{N-1}``.  Parameters appear as symbols; substitute values with ``.subs(params)``.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import sympy


@dataclasses.dataclass(frozen=True)
class Symbolic:
    """``rhs[i]`` is d(state[i])/dt over the flat state; ``jacobian`` is exact."""

    state: tuple          # flat sympy symbols, in the numerics' order
    params: dict          # name -> sympy symbol (or object array for array parameters)
    t: sympy.Symbol
    rhs: tuple            # flat sympy expressions
    jacobian: sympy.Matrix
    latex: dict           # variable -> LaTeX of its equation (component 0 for vector variables)

    def subs(self, params: dict):
        """A ``sympy.Matrix`` of the right-hand sides with parameter values substituted."""
        return sympy.Matrix(self.rhs).subs({self.params[k]: v for k, v in params.items()})


def symbolic(model) -> Symbolic:
    flow = model.flow
    states, flat_state = {}, []
    for name, shape in zip(flow.variables, flow.var_shapes):
        if shape == ():
            s = sympy.Symbol(name, real=True)
            states[name] = s
            flat_state.append(s)
        else:
            arr = np.array([sympy.Symbol(f"{name}_{i}", real=True) for i in range(shape[0])],
                           dtype=object)
            states[name] = arr
            flat_state.extend(arr)
    params = {}
    for name, shape in zip(flow.param_names, flow.param_shapes):
        if shape == ():
            params[name] = sympy.Symbol(name, real=True)
        else:
            n = int(np.prod(shape))
            params[name] = np.array([sympy.Symbol(f"{name}_{i}", real=True) for i in range(n)],
                                    dtype=object).reshape(shape)
    t = sympy.Symbol("t", real=True)
    comps = flow.components(flow.evaluate(states, params, t))
    rhs = []
    for name, shape in zip(flow.variables, flow.var_shapes):
        c = comps[name]
        if shape == ():
            rhs.append(sympy.sympify(c))
        else:
            c = np.broadcast_to(np.asarray(c, dtype=object), shape)
            rhs.extend(sympy.sympify(e) for e in c)
    jac = sympy.Matrix(rhs).jacobian(sympy.Matrix(flat_state))
    latex, o = {}, 0
    for name, shape in zip(flow.variables, flow.var_shapes):
        lhs = sympy.Derivative(sympy.Symbol(name if shape == () else f"{name}_0"), t)
        latex[name] = sympy.latex(lhs) + " = " + sympy.latex(rhs[o])
        o += int(np.prod(shape))
    return Symbolic(tuple(flat_state), params, t, tuple(rhs), jac, latex)
