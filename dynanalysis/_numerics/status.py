"""How a computation ended: one enum for every result, with a message beside it.

Decisions inside the package are taken on the enum, never on the text.  ``Status`` is a ``str``
enum, so ``branch.status == "bounds"`` keeps working; the human explanation lives in the result's
``message``.  ``throw`` turns a failure into an exception for users who want one.
"""
from __future__ import annotations

import enum
import functools
import inspect


class Status(str, enum.Enum):
    """Why a computation ended.  ``ok`` says whether the result is what was asked for."""

    CONVERGED = "converged"            # a solve met its tolerance
    BOUNDS = "bounds"                  # a branch reached the end of its parameter range or box
    MAX_STEPS = "max_steps"            # a branch used all its steps (not a failure: ask for more)
    NO_CONVERGENCE = "no convergence"  # Newton / the corrector failed (down to the smallest step)
    SINGULAR = "singular"              # a linear system had no unique solution
    DIVERGED = "diverged"              # a simulation or iteration left the finite numbers
    SPECIAL_POINT = "special point"    # a branch ended at a bifurcation (a cycle shrank to a Hopf point)
    SPIKE = "spike condition"          # an equilibrium branch of a hybrid model reached the threshold
    CLOSED = "closed"                  # a branch came back to its start (a closed curve, an isola)
    UNBOUNDED_PERIOD = "unbounded period"  # a cycle's period grows without bound (a global bifurcation)
    NOT_FOUND = "not found"            # a search found nothing (no cycle, no equilibrium)
    UNDECIDED = "undecided"            # the evidence does not decide (simulate longer)

    def __str__(self) -> str:
        return self.value

    @property
    def ok(self) -> bool:
        """A result that is what was asked for: converged, or a branch that ended by design."""
        return self in (Status.CONVERGED, Status.BOUNDS, Status.MAX_STEPS, Status.SPECIAL_POINT, Status.SPIKE,
                        Status.UNBOUNDED_PERIOD, Status.CLOSED)


class ComputationFailed(RuntimeError):
    """Raised by ``throw=True`` (or :func:`throw`) when a result's status is a failure."""

    def __init__(self, status: Status, message: str):
        super().__init__(f"{status.value}: {message}")
        self.status, self.message = status, message


def throw(status: Status, message: str) -> None:
    """Raise :class:`ComputationFailed` unless ``status.ok``."""
    if not Status(status).ok:
        raise ComputationFailed(Status(status), message)


_raise_on_failure = throw  # the keyword ``throw`` below shadows the function's name


def throwing(fn):
    """Give ``fn`` (returning a result with ``status`` and ``message``) a keyword ``throw=False``:
    with ``throw=True`` a failed status raises :class:`ComputationFailed` instead of returning."""
    @functools.wraps(fn)
    def wrapper(*args, throw: bool = False, **kwargs):
        result = fn(*args, **kwargs)
        if throw:
            _raise_on_failure(result.status, result.message)
        return result

    sig = inspect.signature(fn)
    wrapper.__signature__ = sig.replace(parameters=[*sig.parameters.values(), inspect.Parameter(
        "throw", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=bool)])
    wrapper.__doc__ = (fn.__doc__ or "") + ("\n\n    throw : raise :class:`~dynanalysis._numerics.status."
                                            "ComputationFailed` if the result's status is a failure.\n")
    return wrapper
