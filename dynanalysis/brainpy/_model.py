"""BrainPy's model objects, and their conversion to a dynanalysis :class:`~dynanalysis.ODE`.

``odeint`` and ``JointEq`` keep what BrainPy's analysers read from them: the derivative
function (``.f``), its variables (arguments before ``t``) and parameters (after ``t``).
:func:`to_ode` turns any BrainPy analysis target into one ODE: an integrator, a derivative
function, a ``JointEq``, a list/tuple/dict of those, or a :class:`DynamicalSystem` whose
integrators are found among its attributes as BrainPy's ``model_transform`` finds them.
"""
from __future__ import annotations

import dataclasses
import inspect
from typing import Mapping

import numpy as np
import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from dynanalysis._simulation import steppers
from dynanalysis._model.system import ODE, ode
from .math import Variable

__all__ = ["OutOfScopeError", "ODEIntegrator", "ExplicitRKIntegrator", "AdaptiveRKIntegrator",
           "ExponentialEuler", "odeint", "JointEq", "DynamicalSystem", "NeuGroup", "to_ode",
           "integrators_of", "components"]


class OutOfScopeError(NotImplementedError):
    """A BrainPy feature that dynanalysis.brainpy deliberately does not provide (simulation,
    training, BrainPy's neuron library)."""


SIMULATE_HINT = ("simulation is out of scope of dynanalysis.brainpy: use dynanalysis.simulate(model, "
                 "initial, duration, dt=...) on the ODE from dynanalysis.brainpy.to_ode(model)")

# BrainPy's registered ODE methods; the ones dynanalysis can step map to its steppers
_EXP = ("exponential_euler", "exp_euler", "exp_euler_auto", "exp_auto")
_RK = ("euler", "midpoint", "heun2", "ralston2", "rk2", "rk3", "heun3", "ralston3", "ssprk3", "rk4",
       "ralston4", "rk4_38rule")
_ADAPTIVE = ("rkf12", "rkf45", "rkdp", "ck", "bs", "heun_euler", "BoSh3")
_STEPPABLE = {"euler": "euler", "heun2": "heun", "rk4": "rk4", **{m: "exp_euler" for m in _EXP}}
DEFAULT_METHOD = "euler"  # BrainPy's default for odeint


# --------------------------------------------------------------------------- argument parsing
def _split_args(f):
    """BrainPy's rule: arguments before ``t`` are variables, after it parameters.
    Returns ``(variables, parameters without t, signature)``."""
    try:
        sig = inspect.signature(f)
    except (TypeError, ValueError):
        raise TypeError(f"cannot read the signature of {f!r}; pass a derivative function") from None
    names = []
    for p in sig.parameters.values():
        if p.kind is not p.POSITIONAL_OR_KEYWORD:
            raise TypeError(f"{_name(f)}: argument {p.name!r} must be an ordinary named argument "
                            f"(BrainPy's integrators take no *args, **kwargs, keyword-only or "
                            f"positional-only arguments)")
        names.append(p.name)
    if "t" not in names:
        raise ValueError(f"{_name(f)}{sig}: no time argument 't'; BrainPy derivative functions are "
                         f"written f(x, t, ...) (variables before t, parameters after)")
    i = names.index("t")
    if i == 0:
        raise ValueError(f"{_name(f)}{sig}: no state variable before 't'")
    return names[:i], names[i + 1:], sig


def _name(f) -> str:
    return getattr(f, "__name__", type(f).__name__)


# --------------------------------------------------------------------------- JointEq
class JointEq:
    """Several derivative functions integrated together (BrainPy's ``bp.JointEq``).

    ``JointEq(dV, dw)`` or ``JointEq([dV, dw])``: each function's arguments before ``t`` are its
    variables; a variable of one function may be an argument after ``t`` of another.  Calling it
    with ``(*variables, t, *parameters)`` returns the list of derivatives, as BrainPy's does.
    """

    def __init__(self, *eqs, **kw):
        if "eqs" in kw:
            eqs = eqs + (kw.pop("eqs"),)
        if kw:
            raise TypeError(f"JointEq() got unexpected keyword argument(s) {sorted(kw)}")
        self.eqs = list(self._flatten(eqs))
        if not self.eqs:
            raise ValueError("JointEq needs at least one derivative function")
        self.vars_in_eqs, variables = [], []
        for eq in self.eqs:
            vs, _, _ = _split_args(eq)
            again = [v for v in vs if v in variables]
            if again:
                raise ValueError(f"JointEq: variable(s) {again} appear before 't' in more than one "
                                 f"function; each state variable is the variable of exactly one")
            variables += vs
            self.vars_in_eqs.append(vs)
        positional, keyword, self.args_in_eqs = [], {}, []
        for eq in self.eqs:
            vs, rest, sig = _split_args(eq)
            self.args_in_eqs.append(list(sig.parameters))
            for n in rest:
                if n in variables:
                    continue
                d = sig.parameters[n].default
                if d is inspect.Parameter.empty:
                    if n not in positional:
                        positional.append(n)
                elif n in keyword and keyword[n] is not d and np.any(keyword[n] != d):
                    raise ValueError(f"JointEq: parameter {n!r} has two different defaults "
                                     f"({keyword[n]!r} and {d!r})")
                else:
                    keyword[n] = d
        keyword = {k: v for k, v in keyword.items() if k not in positional}
        self.arg_keys = variables + ["t"] + positional
        self.kwarg_keys = list(keyword)
        self.kwargs = keyword
        P = inspect.Parameter
        self.__signature__ = inspect.Signature(
            [P(n, P.POSITIONAL_OR_KEYWORD) for n in self.arg_keys] +
            [P(k, P.POSITIONAL_OR_KEYWORD, default=v) for k, v in keyword.items()])
        self.__name__ = "joint_eq"

    @staticmethod
    def _flatten(eqs):
        for eq in eqs:
            if isinstance(eq, (list, tuple)):
                yield from JointEq._flatten(eq)
            elif callable(eq):
                yield eq
            else:
                raise TypeError(f"JointEq takes derivative functions, got {type(eq).__name__}")

    def __call__(self, *args, **kwargs):
        keys = self.arg_keys + self.kwarg_keys
        if len(args) > len(keys):
            raise TypeError(f"joint_eq takes at most {len(keys)} arguments ({keys}), got {len(args)}")
        scope = {**self.kwargs, **dict(zip(keys, args)), **kwargs}
        out = []
        for eq, names in zip(self.eqs, self.args_in_eqs):
            r = eq(**{n: scope[n] for n in names if n in scope})
            out.extend(r if isinstance(r, (list, tuple)) else [r])
        return out

    def __repr__(self):
        return f"JointEq({', '.join(_name(f) for f in self.eqs)})"


# --------------------------------------------------------------------------- integrators
class ODEIntegrator:
    """What ``bp.odeint`` returns: the derivative function ``f`` with its variables and
    parameters, accepted by every analyser alone or in a list.

    Calling it does one step of the chosen method, with BrainPy's argument order
    ``int_x(*variables, t, *parameters, dt=...)``, for the methods dynanalysis has steppers for
    (``euler``, ``heun2``, ``rk4`` and the exponential Euler family ``exp_auto``/``exp_euler``);
    other methods raise.  Loops of such steps are simulations: :func:`dynanalysis.simulate`
    runs them compiled and batched.
    """

    def __init__(self, f, var_type=None, dt=None, name=None, show_code=False, method=DEFAULT_METHOD,
                 state_delays=None, neutral_delays=None, **kwargs):
        if not callable(f):
            raise TypeError(f"odeint needs a derivative function, got {type(f).__name__}")
        if state_delays or neutral_delays:
            raise OutOfScopeError("odeint(state_delays=/neutral_delays=): delay differential equations "
                                  "are out of scope of dynanalysis.brainpy")
        unknown = [k for k in kwargs if k not in ("adaptive", "tol", "var_type")]
        if unknown:
            raise TypeError(f"odeint() got unexpected keyword argument(s) {unknown}")
        variables, rest, _ = _split_args(f)
        self.f = f
        self.derivative = {"f": f}
        self.method = method
        self.var_type = var_type
        self.show_code = show_code  # accepted; no code is generated
        self._dt = dt
        self.name = name or f"ode_{_name(f)}"
        self._variables = list(variables)
        self._parameters = ["t"] + list(rest)
        self.arg_names = self._variables + self._parameters + ["dt"]

    @property
    def dt(self) -> float:
        if self._dt is not None:
            return self._dt
        from .math import get_dt
        return get_dt()

    @property
    def variables(self) -> list:
        return list(self._variables)

    @property
    def parameters(self) -> list:
        """BrainPy's list: ``t`` first, then the arguments after it."""
        return list(self._parameters)

    @property
    def arguments(self) -> list:
        return self._variables + self._parameters + [f"dt={self.dt}"]

    def __call__(self, *args, **kwargs):
        if len(args) > len(self.arg_names):
            raise TypeError(f"{self.name} takes at most {len(self.arg_names)} arguments "
                            f"{self.arg_names}, got {len(args)}")
        for n, a in zip(self.arg_names, args):
            if n in kwargs:
                raise TypeError(f"{self.name} got {n!r} both by position and by keyword")
            kwargs[n] = a
        method = _STEPPABLE.get(self.method)
        if method is None:
            raise OutOfScopeError(f"one step of method {self.method!r} is not provided (steps are "
                                  f"provided for {sorted(_STEPPABLE)}); {SIMULATE_HINT}")
        dt = kwargs.pop("dt", self.dt)
        t = kwargs.pop("t", 0.0)
        missing = [v for v in self._variables if v not in kwargs]
        if missing:
            raise TypeError(f"{self.name}: missing state variable(s) {missing}")
        states = [jnp.asarray(kwargs.pop(v)) for v in self._variables]
        unknown = [k for k in kwargs if k not in self._parameters]
        if unknown:
            raise TypeError(f"{self.name}: unexpected argument(s) {unknown}; arguments are {self.arg_names}")

        def field(xs, tt):
            out = self.f(*xs, tt, **kwargs)
            out = list(out) if isinstance(out, (list, tuple)) else [out]
            if len(out) != len(xs):
                raise ValueError(f"{_name(self.f)} returned {len(out)} derivative(s) for "
                                 f"{len(xs)} variable(s) {self._variables}")
            return [jnp.asarray(o) for o in out]

        # a state that is a scalar while its derivative is an array takes the derivative's shape
        shapes = [jnp.broadcast_shapes(x.shape, d.shape) for x, d in
                  zip(states, jax.eval_shape(lambda xs: field(xs, t), states))]
        states = [jnp.broadcast_to(x, s) for x, s in zip(states, shapes)]
        flat, unravel = ravel_pytree(states)
        step = steppers.fixed_stepper(method, shapes)
        new = unravel(step(lambda x, tt: ravel_pytree(field(unravel(x), tt))[0], flat, t, dt))
        return new[0] if len(new) == 1 else list(new)

    def __repr__(self):
        return f"{type(self).__name__}({_name(self.f)}, method={self.method!r}, variables={self._variables})"


class ExplicitRKIntegrator(ODEIntegrator):
    """``bp.odeint`` with an explicit Runge–Kutta method."""


class AdaptiveRKIntegrator(ODEIntegrator):
    """``bp.odeint`` with an adaptive Runge–Kutta method."""


class ExponentialEuler(ODEIntegrator):
    """``bp.odeint`` with ``exp_auto`` / ``exp_euler`` / ``exponential_euler``."""


def _integrator_class(method):
    if method in _EXP:
        return ExponentialEuler
    if method in _RK:
        return ExplicitRKIntegrator
    if method in _ADAPTIVE:
        return AdaptiveRKIntegrator
    raise ValueError(f"unknown ODE method {method!r}; BrainPy's methods are {list(_RK + _ADAPTIVE + _EXP)}")


def odeint(f=None, method=None, var_type=None, dt=None, name=None, show_code=False,
           state_delays=None, neutral_delays=None, **kwargs):
    """``bp.odeint``: as a call ``odeint(f, method=...)`` or a decorator ``@odeint`` /
    ``@odeint(method=...)``.  ``f`` is a derivative function ``f(x, t, ...)`` or a
    :class:`JointEq`.  The method matters only when the integrator is called as a stepper;
    analyses solve the equations themselves."""
    method = DEFAULT_METHOD if method is None else method
    cls = _integrator_class(method)

    def build(fn):
        return cls(fn, var_type=var_type, dt=dt, name=name, show_code=show_code, method=method,
                   state_delays=state_delays, neutral_delays=neutral_delays, **kwargs)

    return build if f is None else build(f)


# --------------------------------------------------------------------------- models
class DynamicalSystem:
    """A minimal ``bp.DynamicalSystem`` / ``bp.NeuGroup``: a container for a model's
    parameters, ``bm.Variable`` states and ``bp.odeint`` integrators, which the analysers find
    among its attributes (and those of nested systems), as BrainPy does.

    ``size`` (NeuGroup) sets ``size``, ``varshape`` and ``num``.  Stepping the model
    (``update``, calling it, ``DSRunner``) is simulation, out of scope here: see
    :func:`dynanalysis.simulate`.
    """

    def __init__(self, size=None, keep_size: bool = False, sharding=None, name: str | None = None,
                 mode=None, method=None):
        self.name = name or type(self).__name__
        self.mode = mode
        self.keep_size = keep_size
        if size is not None:
            shape = (int(size),) if np.isscalar(size) else tuple(int(s) for s in size)
            if any(s < 1 for s in shape):
                raise ValueError(f"size must be positive, got {size!r}")
            self.size = shape
            self.varshape = shape
            self.num = int(np.prod(shape))

    def update(self, *args, **kwargs):
        raise OutOfScopeError(f"{type(self).__name__}.update: {SIMULATE_HINT}")

    def __call__(self, *args, **kwargs):
        raise OutOfScopeError(f"calling {type(self).__name__} steps it: {SIMULATE_HINT}")

    def step_run(self, *args, **kwargs):
        raise OutOfScopeError(f"{type(self).__name__}.step_run: {SIMULATE_HINT}")

    def reset_state(self, *args, **kwargs):
        raise OutOfScopeError(f"{type(self).__name__}.reset_state: {SIMULATE_HINT}")

    def integrators(self) -> list:
        """The ``odeint`` integrators found among the attributes (see :func:`integrators_of`)."""
        return integrators_of(self)


NeuGroup = DynamicalSystem


def integrators_of(system) -> list:
    """Every :class:`ODEIntegrator` reachable from ``system``'s attributes (nested systems and
    lists/tuples/dicts of them included), once each, in attribute order (BrainPy's
    ``model.nodes().subset(ODEIntegrator).unique()``)."""
    found, seen = [], set()

    def visit(obj):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, ODEIntegrator):
            found.append(obj)
        elif isinstance(obj, DynamicalSystem):
            for v in vars(obj).values():
                visit(v)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                visit(v)
        elif isinstance(obj, dict):
            for v in obj.values():
                visit(v)

    visit(system)
    return found


# --------------------------------------------------------------------------- conversion
@dataclasses.dataclass(frozen=True)
class _Component:
    """Component ``index`` of a derivative function of several variables, as a one-variable
    BrainPy function ``(x_index, t, other variables, parameters)``.  A value (hashable, equal for
    equal inputs) so that models built from the same function share compiled code."""

    fn: object
    index: int

    @property
    def __signature__(self):
        variables, _, sig = _split_args(self.fn)
        P = inspect.Parameter
        own = variables[self.index]
        others = [sig.parameters[v].replace(default=P.empty) for v in variables if v != own]
        rest = [p for p in sig.parameters.values() if p.name not in variables and p.name != "t"]
        return inspect.Signature([P(own, P.POSITIONAL_OR_KEYWORD), P("t", P.POSITIONAL_OR_KEYWORD)]
                                 + others + rest)

    @property
    def __name__(self):
        variables, _, _ = _split_args(self.fn)
        return f"{_name(self.fn)}[{variables[self.index]}]"

    def __call__(self, **kwargs):
        out = self.fn(**kwargs)
        if not isinstance(out, (list, tuple)):
            raise ValueError(f"{_name(self.fn)} has variables {_split_args(self.fn)[0]} but returned "
                             f"one value; return one derivative per variable")
        return out[self.index]


def components(model) -> list:
    """``[(variable, one-variable derivative function, integrator or None)]`` for every state
    variable of a BrainPy analysis target (see :func:`to_ode`)."""
    out = []

    def add(item, owner):
        if isinstance(item, ODEIntegrator):
            add(item.f, item)
        elif isinstance(item, JointEq):
            for eq in item.eqs:
                add(eq, owner)
        elif callable(item):
            variables, _, _ = _split_args(item)
            if len(variables) == 1:
                out.append((variables[0], item, owner))
            else:
                out.extend((v, _Component(item, i), owner) for i, v in enumerate(variables))
        else:
            raise TypeError(f"expected a derivative function, bp.odeint integrator or bp.JointEq, "
                            f"got {type(item).__name__}: {item!r}")

    if isinstance(model, DynamicalSystem):
        items = integrators_of(model)
        if not items and getattr(model, "derivative", None) is not None:
            items = [model.derivative]
        if not items:
            raise ValueError(f"{type(model).__name__} has no bp.odeint integrator among its attributes "
                             f"(e.g. self.int_V = bp.odeint(self.dV)) and no 'derivative'; assign "
                             f"them, or pass the integrators as a list")
    elif isinstance(model, Mapping):
        items = list(model.values())
    elif isinstance(model, (list, tuple)):
        items = list(model)
    else:
        items = [model]
    if not items:
        raise ValueError("found no derivative function / integrator in an empty model")
    for item in items:
        add(item, None)
    names = [v for v, _, _ in out]
    twice = sorted({v for v in names if names.count(v) > 1})
    if twice:
        raise ValueError(f"variable(s) {twice} are integrated by more than one integrator of the model "
                         f"(e.g. both self.int_V and a joint self.integral); pass the ones to analyse "
                         f"as a list, e.g. [model.int_V, model.int_w]")
    return out


def _size_of(value, name):
    v = value.value if isinstance(value, Variable) else value
    try:
        n = int(np.size(np.asarray(v)))
    except (TypeError, ValueError):
        raise TypeError(f"target_vars[{name!r}] must be an array or bm.Variable (its shape sets the "
                        f"variable's size), got {type(value).__name__}") from None
    return n


def _as_value(value, size):
    v = np.asarray(value.value if isinstance(value, Variable) else value, dtype=float)
    return v.reshape(()) if size == 1 else v.reshape(-1)


def to_ode(model, target_vars: Mapping | None = None) -> ODE:
    """A dynanalysis :class:`~dynanalysis.ODE` from a BrainPy analysis target.

    ``model``: a ``bp.odeint`` integrator, a derivative function ``f(x, t, ...)``, a
    ``bp.JointEq``, a list/tuple/dict of these, a :class:`DynamicalSystem` (its integrators are
    found among its attributes; if it has none, its ``derivative``), or an ODE (returned as is).
    Each function's arguments before ``t`` are its variables, those after ``t`` parameters (a
    parameter without a default must be given by the analysis, as in BrainPy); a function of
    several variables is split into one function per variable.

    ``target_vars``: ``None`` keeps every variable; a variable's size is read from the
    system's attribute of the same name (a ``bm.Variable`` or array of more than one element
    makes it vector-valued).  A dict ``{name: array or bm.Variable}`` (as ``SlowPointFinder``
    takes it) keeps only those variables, in that order, sized by those arrays; every other
    variable is held at its current value, read from the system's attribute of the same name.
    """
    if isinstance(model, ODE):
        base = model
        host = None
    else:
        comps = components(model)
        host = model if isinstance(model, DynamicalSystem) else None
        variables = [v for v, _, _ in comps]
        sizes = {}
        for v in variables:
            source = None
            if target_vars is not None and v in target_vars:
                source = target_vars[v]
            elif host is not None and isinstance(getattr(host, v, None), (Variable, np.ndarray, jax.Array)):
                source = getattr(host, v)
            if source is not None:
                n = _size_of(source, v)
                if n > 1:
                    sizes[v] = n
        name = type(host).__name__ if host is not None else "+".join(_name(f) for _, f, _ in comps)
        base = ode([f for _, f, _ in comps], sizes=sizes or None, name=name)
    if target_vars is None:
        return base
    if not isinstance(target_vars, Mapping):
        raise TypeError(f"target_vars must be a dict {{variable: array}}, got {type(target_vars).__name__}")
    unknown = [k for k in target_vars if k not in base.variables]
    if unknown:
        raise ValueError(f"target_vars: {unknown} are not state variables of {base.name}; variables "
                         f"are {list(base.variables)}")
    held = {}
    for v in base.variables:
        if v in target_vars:
            continue
        value = getattr(host, v, None) if host is not None else None
        if value is None:
            raise ValueError(f"variable {v!r} of {base.name} is not in target_vars and has no current "
                             f"value to be held at (no attribute {v!r} on the model); add it to target_vars")
        held[v] = _as_value(value, base.sizes[v])
    return base.restrict(held, order=tuple(target_vars))
