"""Model definition: named ODEs at the edges, one flat representation inside the numerics.

A model is written once as a plain Python function (see :func:`ode`).  Inside the numerics it is
a :class:`Flow`: a flat state vector ``x`` of shape ``(n,)``, a flat parameter vector ``p`` and
``f(x, p, t) -> dx``.  Converting between names and flat vectors happens only here
(:meth:`Flow.unpack_x`, :func:`flatten`).  A ``Flow`` is hashable and excludes the parameter
*values*, so every copy of a model with other defaults reuses the same compiled code.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
from typing import Any, Callable, Mapping

import numpy as np
import jax.numpy as jnp
from dynanalysis._model.xla import scope

__all__ = ["ODE", "Flow", "ode", "as_ode", "flatten", "depends_on_time", "require_autonomous"]

REQUIRED = None  # default recorded for a parameter the caller must supply (BrainPy style)


# --------------------------------------------------------------------------- the flat core
@dataclasses.dataclass(frozen=True, eq=True)
class Flow:
    """The numerics' view of a model: ``rhs(x, p, t)`` on flat vectors (one point).

    ``evaluate(states: dict, params: dict, t)`` is the user's vector field with names; every
    field is hashable so a ``Flow`` can be a static argument of ``jax.jit``.
    """

    name: str
    evaluate: Callable
    variables: tuple
    var_shapes: tuple  # () for scalars, (N,) for vector-valued variables
    param_names: tuple
    param_shapes: tuple
    spike: Callable | None = None
    reset: Callable | None = None
    refractory: Any = None  # float, parameter name, or None

    # --- sizes and slices
    @property
    def dim(self) -> int:
        return int(sum(int(np.prod(s)) for s in self.var_shapes))

    @property
    def n_params(self) -> int:
        return int(sum(int(np.prod(s)) for s in self.param_shapes))

    @property
    def is_hybrid(self) -> bool:
        return self.spike is not None

    def _unpack(self, v, names, shapes):
        out, o = {}, 0
        for name, shape in zip(names, shapes):
            size = int(np.prod(shape))
            out[name] = v[o] if shape == () else v[o:o + size].reshape(shape)
            o += size
        return out

    def unpack_x(self, x) -> dict:
        return self._unpack(x, self.variables, self.var_shapes)

    def unpack_p(self, p) -> dict:
        return self._unpack(p, self.param_names, self.param_shapes)

    def pack_x(self, values: Mapping, like) -> Any:
        """Flat vector from per-variable derivatives/values (broadcast to each variable's shape)."""
        parts = []
        for name, shape in zip(self.variables, self.var_shapes):
            c = jnp.asarray(values[name], dtype=like.dtype)
            if c.shape != shape:
                try:
                    c = jnp.broadcast_to(c, shape)
                except ValueError:
                    raise ValueError(
                        f"model {self.name!r}: the derivative of {name!r} has shape {c.shape}; "
                        f"expected {shape} (the variable's shape)") from None
            parts.append(c.reshape(-1))
        return jnp.concatenate(parts)

    def components(self, out) -> dict:
        """The user function's return value as ``{variable: derivative}``, checked."""
        names = self.variables
        if isinstance(out, Mapping):
            missing = [n for n in names if n not in out]
            extra = [n for n in out if n not in names]
            if missing or extra:
                raise ValueError(f"model {self.name!r} returned derivatives for {sorted(out)}; "
                                 f"expected exactly {list(names)}")
            return dict(out)
        if not isinstance(out, (tuple, list)):
            out = (out,)
        if len(out) != len(names):
            raise ValueError(
                f"model {self.name!r} returned {len(out)} derivative(s); expected {len(names)}, "
                f"one per state variable {list(names)}")
        return dict(zip(names, out))

    # --- the vector field on flat vectors
    def rhs(self, x, p, t=0.0):
        out = self.evaluate(self.unpack_x(x), self.unpack_p(p), t)
        return self.pack_x(self.components(out), like=x)

    # --- hybrid models
    def spike_value(self, x, p):
        """The spike function at ``x``: a bool, or a float that is > 0 at a spike."""
        g = jnp.asarray(self.spike(self.unpack_x(x), self.unpack_p(p)))
        if g.shape != ():
            raise ValueError(f"model {self.name!r}: spike must return one bool or float, got "
                             f"shape {g.shape}")
        return g if g.dtype == jnp.bool_ else g.astype(x.dtype)

    def fires(self, x, p):
        """Whether the spike condition holds at ``x`` (a bool array; False for a smooth model).
        A hybrid model cannot rest there: it fires and resets."""
        if self.spike is None:
            return jnp.zeros((), bool)
        g = self.spike_value(x, p)
        return g if g.dtype == jnp.bool_ else g > 0

    def after_reset(self, x, p):
        new = self.reset(self.unpack_x(x), self.unpack_p(p))
        unknown = [k for k in new if k not in self.variables]
        if unknown:
            raise ValueError(f"model {self.name!r}: reset returned unknown variables {unknown}")
        return self.pack_x({**self.unpack_x(x), **new}, like=x)

    def refractory_time(self, p):
        if self.refractory is None:
            return jnp.zeros((), p.dtype)
        if isinstance(self.refractory, str):
            return self.unpack_p(p)[self.refractory]
        return jnp.asarray(self.refractory, p.dtype)


# --------------------------------------------------------------------------- names <-> flat
def flatten(names, shapes, values: Mapping, what: str, defaults: Mapping | None = None):
    """Named values -> ``(batch_shape, array of shape batch_shape + (total,))`` (NumPy float64).

    Each value is a scalar/array of the entry's own shape, optionally with leading batch
    dimensions; batch dimensions of all entries broadcast together.  ``defaults`` fill entries
    that are not given; an entry with neither raises.
    """
    values = dict(values or {})
    unknown = [k for k in values if k not in names]
    if unknown:
        raise ValueError(f"unknown {what} name(s) {unknown}; the model has {list(names)}")
    arrays, batch_shapes = [], []
    for name, shape in zip(names, shapes):
        if name in values:
            v = values[name]
        elif defaults is not None and defaults.get(name) is not None:
            v = defaults[name]
        else:
            raise ValueError(f"missing {what} {name!r}: give a value for it "
                             f"(the model's {what}s are {list(names)})")
        try:
            v = np.asarray(v, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{what} {name!r} must be numeric, got {type(v).__name__}") from None
        if not np.all(np.isfinite(v)):
            raise ValueError(f"{what} {name!r} contains non-finite values")
        k = len(shape)
        if v.ndim < k or tuple(v.shape[v.ndim - k:]) != tuple(shape):
            raise ValueError(f"{what} {name!r} has shape {v.shape}; expected {shape} "
                             f"(optionally with leading batch dimensions)")
        arrays.append((v, shape))
        batch_shapes.append(v.shape[:v.ndim - k])
    try:
        batch = np.broadcast_shapes(*batch_shapes) if batch_shapes else ()
    except ValueError:
        sizes = {n: b for n, b in zip(names, batch_shapes) if b}
        raise ValueError(f"{what} arrays have incompatible batch shapes {sizes}") from None
    flat = [np.broadcast_to(v, batch + shape).reshape(batch + (-1,)) for v, shape in arrays]
    return batch, (np.concatenate(flat, axis=-1) if flat else np.zeros(batch + (0,)))


def _split_last(x, names, shapes) -> dict:
    x = np.asarray(x)
    out, o = {}, 0
    for name, shape in zip(names, shapes):
        size = int(np.prod(shape))
        out[name] = x[..., o] if shape == () else x[..., o:o + size].reshape(x.shape[:-1] + shape)
        o += size
    return out


# --------------------------------------------------------------------------- restriction
@dataclasses.dataclass(frozen=True)
class _Restricted:
    """A model's function with some variables turned into parameters (hashable, so compiled
    code is shared by every restriction of the same model to the same variables)."""

    fn: Callable
    fixed: tuple   # variables held, now read from the parameters
    kind: str      # "field", "spike" or "reset"
    keep: tuple = ()

    def _split(self, states, params):
        full = {**states, **{v: params[v] for v in self.fixed}}
        own = {k: v for k, v in params.items() if k not in self.fixed}
        return full, own

    def __call__(self, states, params, t=None):
        full, own = self._split(states, params)
        if self.kind == "field":
            comps = self.fn.components(self.fn.evaluate(full, own, t))  # fn is the parent Flow
            return {k: comps[k] for k in self.keep}
        out = self.fn(full, own)
        if self.kind == "reset":
            return {k: v for k, v in out.items() if k in self.keep}
        return out


# --------------------------------------------------------------------------- the user's model
class ODE:
    """A named ordinary differential equation (optionally hybrid: spike, reset, refractory).

    Build one with :func:`ode`.  ``.variables`` are the state names, ``.parameters`` the
    defaults (``None`` marks a parameter the caller must supply), ``.flow`` the flat form the
    numerics use.  ``with_params(**kw)`` returns a copy with new defaults.
    """

    def __init__(self, flow: Flow, defaults: Mapping, *, units=None, doc=None, meta=None, ranges=None):
        self.flow = flow
        self.ranges = {k: tuple(map(float, v)) for k, v in (ranges or {}).items() if k in flow.variables}
        self._defaults = {n: (None if defaults.get(n) is None else np.asarray(defaults[n], float))
                          for n in flow.param_names}
        self.units = dict(units or {})
        self.__doc__ = doc
        self.meta = dict(meta or {})  # e.g. presets of zoo models

    # --- names
    @property
    def name(self) -> str:
        return self.flow.name

    @property
    def variables(self) -> tuple:
        return self.flow.variables

    @property
    def sizes(self) -> dict:
        """Length of each variable (1 for scalars)."""
        return {n: int(np.prod(s)) for n, s in zip(self.flow.variables, self.flow.var_shapes)}

    @property
    def dim(self) -> int:
        return self.flow.dim

    @property
    def parameters(self) -> dict:
        return {n: (None if v is None else (float(v) if v.ndim == 0 else v.copy()))
                for n, v in self._defaults.items()}

    @property
    def is_hybrid(self) -> bool:
        return self.flow.is_hybrid

    def with_params(self, **values) -> "ODE":
        """A copy whose parameter defaults are replaced by ``values``."""
        names = self.flow.param_names
        unknown = [k for k in values if k not in names]
        if unknown:
            raise ValueError(f"{self.name}: unknown parameter(s) {unknown}; "
                             f"parameters are {list(names)}")
        new = dict(self._defaults)
        for k, v in values.items():
            shape = dict(zip(names, self.flow.param_shapes))[k]
            v = np.asarray(v, dtype=float)
            if v.shape != shape or not np.all(np.isfinite(v)):
                raise ValueError(f"{self.name}: parameter {k!r} must be a finite value of shape "
                                 f"{shape}, got {v!r}")
            new[k] = v
        return ODE(self.flow, new, units=self.units, doc=self.__doc__, meta=self.meta, ranges=self.ranges)

    def with_missing(self, **values) -> "ODE":
        """A copy in which only the parameters that have no default (BrainPy-style required
        arguments) take ``values``; parameters with a default keep it.  Analyses that sweep or
        continue a parameter use this: a swept parameter needs no value of its own."""
        missing = {k: v for k, v in values.items() if self._defaults.get(k, 0.0) is None}
        return self.with_params(**missing) if missing else self

    # --- names <-> flat vectors
    def flat_state(self, values: Mapping):
        """``(batch_shape, x)`` with ``x`` of shape ``batch_shape + (dim,)``."""
        return flatten(self.flow.variables, self.flow.var_shapes, values, "state variable")

    def flat_params(self, values: Mapping | None = None):
        """``(batch_shape, p)``: the defaults overridden by ``values`` (which may be batched)."""
        return flatten(self.flow.param_names, self.flow.param_shapes, values or {}, "parameter",
                       defaults=self._defaults)

    def named_state(self, x) -> dict:
        """Flat array ``(..., dim)`` -> ``{variable: array}`` (NumPy)."""
        return _split_last(x, self.flow.variables, self.flow.var_shapes)

    def named_params(self, p) -> dict:
        """Flat array ``(..., n_params)`` -> ``{parameter: array}`` (NumPy)."""
        return _split_last(p, self.flow.param_names, self.flow.param_shapes)

    def restrict(self, fixed: Mapping, order=None) -> "ODE":
        """The same model with the variables in ``fixed`` held at those values: they become
        parameters (so they can be swept like any parameter, e.g. the slow variables of a
        fast–slow analysis).  ``order`` lists the remaining variables in the order wanted."""
        flow = self.flow
        unknown = [k for k in fixed if k not in flow.variables]
        if unknown:
            raise ValueError(f"{unknown} not state variable(s) of {self.name}; variables are "
                             f"{list(flow.variables)}")
        keep = tuple(order) if order is not None else tuple(v for v in flow.variables if v not in fixed)
        if sorted(keep + tuple(fixed)) != sorted(flow.variables):
            raise ValueError(f"variables {list(keep)} plus fixed {list(fixed)} must be exactly "
                             f"{list(flow.variables)}")
        if not fixed and keep == flow.variables:
            return self
        shapes = dict(zip(flow.variables, flow.var_shapes))
        fixed_names = tuple(fixed)
        new_flow = Flow(
            name=flow.name, evaluate=_Restricted(flow, fixed_names, "field", keep), variables=keep,
            var_shapes=tuple(shapes[v] for v in keep),
            param_names=flow.param_names + fixed_names,
            param_shapes=flow.param_shapes + tuple(shapes[v] for v in fixed_names),
            spike=None if flow.spike is None else _Restricted(flow.spike, fixed_names, "spike"),
            reset=None if flow.reset is None else _Restricted(flow.reset, fixed_names, "reset", keep),
            refractory=flow.refractory)
        defaults = {**self._defaults, **{k: np.asarray(v, float) for k, v in fixed.items()}}
        return ODE(new_flow, defaults, units=self.units, doc=self.__doc__, meta=self.meta, ranges=self.ranges)

    def vector_field(self, state: Mapping, params: Mapping | None = None, t: float = 0.0) -> dict:
        """Evaluate the derivatives at one named state (float64), as ``{variable: value}``."""
        import jax
        with scope():
            _, x = self.flat_state(state)
            _, p = self.flat_params(params)
            if x.ndim != 1 or p.ndim != 1:
                raise ValueError("vector_field takes one state and one parameter set (no batch)")
            dx = np.asarray(self.flow.rhs(jnp.asarray(x), jnp.asarray(p), t))
        return {k: (float(v) if v.ndim == 0 else v) for k, v in self.named_state(dx).items()}

    def symbolic(self):
        """The sympy view: right-hand sides, exact Jacobian and LaTeX (see :mod:`dynanalysis.symbolic`)."""
        from dynanalysis._model.symbolic import symbolic
        return symbolic(self)

    def __repr__(self) -> str:
        pars = ", ".join(f"{k}={'?' if v is None else (float(v) if np.ndim(v) == 0 else 'array')}"
                         for k, v in self._defaults.items())
        var = ", ".join(n if s == () else f"{n}[{s[0]}]"
                        for n, s in zip(self.flow.variables, self.flow.var_shapes))
        return f"ODE {self.name}({var}; {pars})"


# --------------------------------------------------------------------------- building models
@dataclasses.dataclass(frozen=True)
class _Call:
    """Calls the user's function(s) by argument name.  A value, not a closure: two models built
    from the same functions compare equal and share compiled code.

    ``fns`` holds ``(function, argument names)`` pairs; names ``None`` means: pass every state
    and parameter (one plain function), otherwise the function's own arguments (BrainPy style,
    one function per variable)."""

    fns: tuple
    has_t: bool

    def __call__(self, states, parameters, t):
        scope = {**states, **parameters}
        if self.has_t:
            scope["t"] = t
        if len(self.fns) == 1 and self.fns[0][1] is None:
            return self.fns[0][0](**scope)
        return tuple(f(**{n: scope[n] for n in names}) for f, names in self.fns)


def _signature(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        raise TypeError(f"cannot read the signature of {fn!r}; pass a plain Python function") from None
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.POSITIONAL_ONLY):
            raise TypeError(f"{getattr(fn, '__name__', fn)}: argument {p.name!r} must be an "
                            f"ordinary named argument (no *args, **kwargs or positional-only)")
    return sig


def _no_default(p) -> bool:
    return p.default is inspect.Parameter.empty


def _parse_single(fn):
    """Variables, parameter defaults and the named evaluator of one function.

    Plain style: arguments without defaults are variables, with defaults parameters, ``t`` time.
    BrainPy style (``def f(V, w, t, I)``): arguments before ``t`` are variables, after ``t``
    parameters, defaults optional.  A function is read BrainPy style when ``t`` stands between
    arguments without defaults.
    """
    sig = _signature(fn)
    params = list(sig.parameters.values())
    names = [p.name for p in params]
    has_t = "t" in names
    if has_t:
        i = names.index("t")
        before, after = params[:i], params[i + 1:]
    if has_t and any(map(_no_default, before)) and any(map(_no_default, after)):
        if not all(map(_no_default, before)):
            raise TypeError(f"{fn.__name__}: arguments before 't' are state variables and "
                            f"cannot have defaults")
        variables = [p.name for p in before]
        pars = {p.name: (REQUIRED if _no_default(p) else p.default) for p in after}
    else:
        variables = [p.name for p in params if p.name != "t" and _no_default(p)]
        pars = {p.name: p.default for p in params if p.name != "t" and not _no_default(p)}

    return variables, pars, _Call(((fn, None),), has_t)


def _parse_brainpy_list(fns):
    """One BrainPy derivative per variable: ``def dV(V, t, w, I)``; first argument is the variable."""
    variables, arg_lists = [], []
    for f in fns:
        if not callable(f):
            raise TypeError(f"model entries must be functions, got {type(f).__name__}")
        sig = _signature(f)
        names = list(sig.parameters)
        if not names or names[0] == "t":
            raise TypeError(f"{f.__name__}: the first argument must be the state variable it "
                            f"differentiates (BrainPy style: def dV(V, t, ...))")
        variables.append(names[0])
        arg_lists.append((f, names, sig))
    if len(set(variables)) != len(variables):
        raise ValueError(f"two derivative functions share a first argument: {variables}")
    pars: dict = {}
    for f, names, sig in arg_lists:
        for n in names[1:]:
            if n == "t" or n in variables:
                continue
            p = sig.parameters[n]
            d = REQUIRED if _no_default(p) else p.default
            if n in pars and pars[n] is not REQUIRED and d is not REQUIRED and pars[n] != d:
                raise ValueError(f"parameter {n!r} has different defaults in different functions")
            if pars.get(n) is REQUIRED or n not in pars:
                pars[n] = d

    return variables, pars, _Call(tuple((f, tuple(names)) for f, names, _ in arg_lists), True)


def ode(fn=None, *, spike=None, reset=None, refractory=None, units=None, sizes=None,
        name=None, doc=None, meta=None, ranges=None):
    """Build an :class:`ODE` from a plain function; usable as a decorator.

    ``fn(V, w, I=0.0, a=0.7, t)`` returns the derivatives (a tuple in variable order, a dict, or
    one value for one variable).  Arguments without defaults are state variables, arguments with
    defaults parameters, an argument named ``t`` is time.  BrainPy derivative functions are
    accepted unchanged: ``def dV(V, t, w, I)`` alone (variables before ``t``, parameters after),
    or a list of them, one per variable; parameters without a default must then be supplied by
    the caller (``params=`` / ``pars_update=``).

    Hybrid (integrate-and-fire) models add ``spike(state, params)``, returning a bool, or better
    a float that becomes positive at a spike (``state["V"] - params["V_th"]``: the crossing time
    is then interpolated exactly in one evaluation instead of bisected),
    ``reset(state, params) -> {variable: new value}`` (only the variables that change) and
    ``refractory`` (a time, or the name of a parameter holding it) during which the whole state
    is frozen at its reset value.  ``sizes={"u": 512}`` declares vector-valued variables;
    ``units={"V": "mV"}`` feeds axis labels; ``ranges={"V": (-90, 60)}`` gives each variable's
    typical range (the default search box of analyses that are given none); ``meta`` holds
    free-form facts (e.g. presets).
    """
    if fn is None:
        return lambda f: ode(f, spike=spike, reset=reset, refractory=refractory, units=units,
                             sizes=sizes, name=name, doc=doc, meta=meta, ranges=ranges)
    if isinstance(fn, ODE):
        return fn
    if isinstance(fn, (list, tuple)):
        if not fn:
            raise ValueError("an empty list of derivative functions is not a model")
        variables, pars, evaluate = _parse_brainpy_list(fn)
        default_name = "+".join(getattr(f, "__name__", "f") for f in fn)
        default_doc = None
    elif callable(fn):
        variables, pars, evaluate = _parse_single(fn)
        default_name = getattr(fn, "__name__", "model")
        default_doc = fn.__doc__
    else:
        raise TypeError(f"a model must be a function or a list of functions, got {type(fn).__name__}")
    if not variables:
        raise ValueError(f"{default_name}: no state variables (arguments without defaults)")

    sizes = dict(sizes or {})
    bad = [k for k in sizes if k not in variables]
    if bad:
        raise ValueError(f"sizes given for unknown variable(s) {bad}; variables are {variables}")
    var_shapes = []
    for v in variables:
        s = sizes.get(v)
        if s is not None and (int(s) != s or s < 1):
            raise ValueError(f"sizes[{v!r}] must be a positive integer, got {s!r}")
        var_shapes.append(() if s is None else (int(s),))
    bad_units = [k for k in (units or {}) if k not in variables and k not in pars and k != "t"]
    if bad_units:
        raise ValueError(f"units given for unknown name(s) {bad_units}")
    if (spike is None) != (reset is None):
        raise ValueError("a hybrid model needs both spike= and reset=")
    if isinstance(refractory, str) and refractory not in pars:
        raise ValueError(f"refractory={refractory!r} is not a parameter; parameters are {list(pars)}")
    if refractory is not None and not isinstance(refractory, str):
        refractory = float(refractory)
        if not refractory >= 0:
            raise ValueError("refractory must be a non-negative time")

    param_shapes = tuple(() if d is REQUIRED else tuple(np.shape(d)) for d in pars.values())
    flow = Flow(name=name or default_name, evaluate=evaluate, variables=tuple(variables),
                var_shapes=tuple(var_shapes), param_names=tuple(pars), param_shapes=param_shapes,
                spike=spike, reset=reset, refractory=refractory)
    bad_ranges = [k for k in (ranges or {}) if k not in variables]
    if bad_ranges:
        raise ValueError(f"ranges given for unknown variable(s) {bad_ranges}")
    model = ODE(flow, pars, units=units, doc=doc or default_doc, meta=meta, ranges=ranges)
    if all(d is not REQUIRED for d in pars.values()):
        _check_output(model)
    return model


def _check_output(model: ODE):
    """Evaluate the vector field abstractly once, so a wrong return value fails at definition."""
    import jax
    flow = model.flow
    x = jax.ShapeDtypeStruct((flow.dim,), jnp.float32)
    p = jax.ShapeDtypeStruct((flow.n_params,), jnp.float32)
    jax.eval_shape(lambda x, p: flow.rhs(x, p, 0.0), x, p)


@functools.lru_cache(maxsize=256)
def depends_on_time(flow: Flow) -> bool:
    """Whether the vector field's value depends on ``t`` (a non-autonomous model).

    Decided on the traced program, not the signature (BrainPy functions take ``t`` and rarely use
    it): ``t`` is followed through the jaxpr's equations; an equation with a sub-program counts as
    depending on every input it is given, so the answer errs towards "depends"."""
    import jax
    from jax.extend.core import Literal
    x = jax.ShapeDtypeStruct((flow.dim,), jnp.float32)
    p = jax.ShapeDtypeStruct((flow.n_params,), jnp.float32)
    t = jax.ShapeDtypeStruct((), jnp.float32)
    closed = jax.make_jaxpr(lambda x, p, t: flow.rhs(x, p, t))(x, p, t)
    jaxpr = closed.jaxpr
    tainted = {jaxpr.invars[2]}
    for eqn in jaxpr.eqns:
        if any(not isinstance(v, Literal) and v in tainted for v in eqn.invars):
            tainted.update(eqn.outvars)
    return any(not isinstance(v, Literal) and v in tainted for v in jaxpr.outvars)


def require_autonomous(model, what: str) -> None:
    """Refuse an analysis that is only defined for an autonomous field (equilibria, nullclines,
    vector fields, bifurcations) when the model's field depends on ``t``: analysing the field
    frozen at t = 0 would be a silent wrong answer."""
    flow = model.flow if isinstance(model, ODE) else model
    if depends_on_time(flow):
        raise ValueError(
            f"model {flow.name!r} is non-autonomous (its vector field depends on t): {what} of the "
            f"field frozen at t = 0 would describe a different system. Make the time-dependent term a "
            f"parameter (e.g. a constant input I) and analyse or sweep that, or simulate the model with "
            f"dynanalysis.simulate")


def as_ode(model) -> ODE:
    """Accept an :class:`ODE`, a plain/BrainPy function or a list of BrainPy functions."""
    if isinstance(model, ODE):
        return model
    if callable(model) or isinstance(model, (list, tuple)):
        return ode(model)
    raise TypeError(f"expected a dynanalysis ODE or derivative function(s), got {type(model).__name__}")
