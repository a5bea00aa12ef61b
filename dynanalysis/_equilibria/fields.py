"""The vector field of a plane evaluated on a grid, in one vmapped call."""
from __future__ import annotations

import dataclasses
from functools import partial

import numpy as np
import jax
import jax.numpy as jnp

from dynanalysis import budget
from dynanalysis._model.domain import Domain
from dynanalysis._model.results import Result
from dynanalysis._model.system import require_autonomous
from dynanalysis._model.xla import jit, scope
from dynanalysis._numerics.batch import apply, even


@partial(jit, static_argnames=("flow",))
def field_on_grid(flow, X, Y, p):
    """``(ny, nx, 2)``: the two free variables' derivatives at every grid point."""
    pts = jnp.stack([X.ravel(), Y.ravel()], axis=-1)
    return jax.vmap(lambda y: flow.rhs(y, p))(pts).reshape(X.shape + (2,))


@dataclasses.dataclass(frozen=True)
class VectorField(Result):
    """``X, Y`` grids (rows: y), ``U, V`` the derivatives of the x and y variables there."""

    names: tuple
    X: np.ndarray
    Y: np.ndarray
    U: np.ndarray
    V: np.ndarray
    model: object = None
    params: dict = None

    @property
    def speed(self) -> np.ndarray:
        return np.hypot(self.U, self.V)

    def plot(self, ax=None, **style):
        """Stream lines or arrows (:func:`dynanalysis.plotting.plot_vector_field`); returns the Axes."""
        from dynanalysis.plotting import plot_vector_field
        return plot_vector_field(self, ax=ax, **style)


def compute(dom: Domain, resolution) -> VectorField:
    require_autonomous(dom.flow, "a direction field")
    nx, ny = (int(r) for r in resolution)
    budget.check(8.0 * nx * ny * 6, f"a {nx} x {ny} vector-field grid", "use a coarser resolution")
    X, Y = np.meshgrid(np.linspace(dom.lo[0], dom.hi[0], nx), np.linspace(dom.lo[1], dom.hi[1], ny))
    with scope():
        Z = apply(lambda X, Y: field_on_grid(dom.flow, X, Y, dom.p), (X, Y), size=even(ny))  # rows over the devices
    return VectorField(dom.names, X, Y, Z[..., 0], Z[..., 1], dom.model, dom.params())


@dataclasses.dataclass(frozen=True)
class LineField(Result):
    """A phase line: ``dx[i]`` is the derivative of ``names[0]`` at ``x[i]``."""

    names: tuple
    x: np.ndarray
    dx: np.ndarray
    model: object = None
    params: dict = None

    def plot(self, ax=None, **style):
        """The phase line (:func:`dynanalysis.plotting.plot_line_field`); returns the Axes."""
        from dynanalysis.plotting import plot_line_field
        return plot_line_field(self, ax=ax, **style)


@partial(jit, static_argnames=("flow",))
def _on_line(flow, x, p):
    return jax.vmap(lambda y: flow.rhs(y[None], p)[0])(x)


def compute_line(dom: Domain, x) -> LineField:
    require_autonomous(dom.flow, "a phase line")
    with scope():
        x = np.asarray(x, float)
        dx = apply(lambda x: _on_line(dom.flow, x, dom.p), (x,), size=even(len(x)))
    return LineField(dom.names, x, dx, dom.model, dom.params())
