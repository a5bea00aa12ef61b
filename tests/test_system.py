"""Model definition: plain and BrainPy-style functions, vector variables, the symbolic view."""
import subprocess
import sys

import numpy as np
import pytest
import sympy
import jax
import jax.numpy as jnp

import dynanalysis as da
from dynanalysis import math as dm


def test_plain_function_reads_variables_parameters_and_time():
    @da.ode
    def toggle(u, v, t, a=1.0, n=2.0):
        return a / (1 + v**n) - u, a / (1 + u**n) - v

    assert toggle.variables == ("u", "v")
    assert toggle.parameters == {"a": 1.0, "n": 2.0}
    d = toggle.vector_field({"u": 0.5, "v": 2.0}, {"a": 3.0})
    assert d["u"] == pytest.approx(3 / 5 - 0.5) and d["v"] == pytest.approx(3 / 1.25 - 2.0)


def test_brainpy_derivative_functions_port_unchanged():
    # BrainPy's FitzHugh–Nagumo tutorial, verbatim style: one function per variable
    def dV(V, t, w, Iext):
        return V - V * V * V / 3 - w + Iext

    def dw(w, t, V, a=0.7, b=0.8):
        return (V + a - b * w) / 12.5

    m = da.ode([dV, dw])
    assert m.variables == ("V", "w")
    assert m.parameters == {"Iext": None, "a": 0.7, "b": 0.8}
    d = m.vector_field({"V": 1.0, "w": 0.5}, {"Iext": 0.25})
    assert d["V"] == pytest.approx(1 - 1 / 3 - 0.5 + 0.25)
    assert d["w"] == pytest.approx((1 + 0.7 - 0.4) / 12.5)
    with pytest.raises(ValueError, match="'Iext'"):
        m.vector_field({"V": 1.0, "w": 0.5})

    # a joint BrainPy function: variables before t, parameters after it (no defaults needed)
    def joint(V, w, t, Iext, a, b):
        return V - V**3 / 3 - w + Iext, (V + a - b * w) / 12.5

    j = da.ode(joint)
    assert j.variables == ("V", "w") and list(j.parameters) == ["Iext", "a", "b"]
    dj = j.vector_field({"V": 1.0, "w": 0.5}, {"Iext": 0.25, "a": 0.7, "b": 0.8})
    assert dj == pytest.approx(d)

    # a single one-variable BrainPy derivative
    s = da.ode(lambda x, t, I: jnp.sin(x) + I)
    assert s.variables == ("x",) and s.vector_field({"x": 0.0}, {"I": 0.3})["x"] == pytest.approx(0.3)


def test_derivatives_may_be_returned_as_a_dict():
    m = da.ode(lambda x, y, k=2.0: {"y": -k * x, "x": y}, name="osc")
    d = m.vector_field({"x": 1.0, "y": 3.0})
    assert d == {"x": pytest.approx(3.0), "y": pytest.approx(-2.0)}


def test_vector_variables_keep_their_shape():
    W = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])

    @da.ode(sizes={"r": 3})
    def ring(r, s, g=0.5):
        return -r + g * dm.dot(W, dm.tanh(r)) + s, -s

    assert ring.dim == 4 and ring.sizes == {"r": 3, "s": 1}
    tr = da.simulate(ring, {"r": np.array([1.0, 0.0, 0.0]), "s": 0.0}, 1.0, dt=0.1)
    assert tr["r"].shape == (11, 3) and tr["s"].shape == (11,)
    batch = da.simulate(ring, {"r": np.ones((5, 3)), "s": 0.0}, 1.0, dt=0.1)
    assert batch["r"].shape == (5, 11, 3)
    sym = ring.symbolic()
    assert sym.jacobian.shape == (4, 4)
    g = sym.params["g"]
    assert sympy.simplify(sym.jacobian[0, 1] - g * (1 - sympy.tanh(sym.state[1]) ** 2)) == 0


def test_with_params_and_unknown_names():
    m = da.ode(lambda x, a=1.0: -a * x, name="decay")
    m2 = m.with_params(a=3.0)
    assert m2.parameters == {"a": 3.0} and m.parameters == {"a": 1.0}
    with pytest.raises(ValueError, match="'b'"):
        m.with_params(b=1.0)
    with pytest.raises(ValueError, match="'a'"):
        m.with_params(a=np.nan)


def test_definition_errors_name_the_problem():
    with pytest.raises(ValueError, match="no state variables"):
        da.ode(lambda a=1.0: a)
    with pytest.raises(TypeError, match="args"):
        da.ode(lambda *x: x)
    with pytest.raises(ValueError, match="sizes"):
        da.ode(lambda x, a=1.0: x, sizes={"y": 3})
    with pytest.raises(ValueError, match="spike= and reset="):
        da.ode(lambda V, a=1.0: -V, spike=lambda s, p: s["V"] > 1)
    with pytest.raises(ValueError, match="refractory"):
        da.ode(lambda V, a=1.0: -V, spike=lambda s, p: s["V"] > 1,
               reset=lambda s, p: {"V": 0.0}, refractory="t_ref")


def test_exprel_value_and_derivative_at_the_singularity():
    with jax.enable_x64(True):
        f = lambda z: dm.exprel(z)  # noqa: E731
        assert float(f(0.0)) == 1.0
        assert float(jax.grad(f)(0.0)) == pytest.approx(0.5, abs=1e-12)
        for z in (1e-5, 1e-4 * 1.0001, 0.3, -2.0):
            assert float(f(z)) == pytest.approx(np.expm1(z) / z, rel=1e-13)
            exact = (np.exp(z) * z - np.expm1(z)) / z**2
            assert float(jax.grad(f)(z)) == pytest.approx(exact, rel=1e-7)


def test_math_dispatches_to_sympy():
    x = sympy.Symbol("x")
    assert dm.exp(x) == sympy.exp(x)
    assert dm.where(x > 0, x, -x) == sympy.Piecewise((x, x > 0), (-x, True))
    arr = np.array([x, 2 * x], dtype=object)
    assert list(dm.tanh(arr)) == [sympy.tanh(x), sympy.tanh(2 * x)]


def test_import_leaves_jax_configuration_alone(tmp_path):
    code = ("import jax; before = jax.config.jax_enable_x64; import dynanalysis, "
            "dynanalysis.models; print(before, jax.config.jax_enable_x64)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=tmp_path)
    assert out.stdout.split() == ["False", "False"]
