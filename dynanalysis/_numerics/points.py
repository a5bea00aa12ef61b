r"""The registry of special-point kinds: each kind is declared once, here.

A declaration gives the ``code`` (as in AUTO and MatCont), a ``name``, its test functions (one per
kind of branch it lies on; a sign change between two consecutive points of the branch brackets
the point, and the same function is the locator's target), the ``locator`` that pins it down,
the scaled distance under which two located points are one (``dedup``), and the plot style.
A new kind is one :func:`declare` call plus its test function.

Test functions are host functions on a batch of branch points, ``test(Z, O, ctx) -> (N,)``:
``Z`` the points (N, unknowns), ``O`` the quantities the problem observed there (a dict of
arrays with leading axis N), ``ctx`` what a test needs beyond them (:class:`Context`).

Locators:
  ``"chord"``   the jitted regula falsi on the chord between two equilibria
                (:func:`.locate.locate`; the test is computed inside it, ``index`` selects it);
  ``"branch"``  regula falsi on the arclength along the branch, each trial corrected onto it
                (:func:`dynanalysis.continuation._engine.locate_on_branch`) on the declared test.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Mapping

import numpy as np

from dynanalysis._model.results import Result, renamed
from dynanalysis._numerics import spectra


@renamed(state="states")
@dataclasses.dataclass(frozen=True)
class SpecialPoint(Result):
    """A located bifurcation: ``kind`` ("LP" fold, "BP" branch point, "H" Hopf, ...), the
    parameter values ``params`` and state ``states[name]`` there (``state`` is a deprecated
    alias), and ``data`` (eigenvalues; for Hopf points the ``frequency`` and, from continuation,
    the first Lyapunov coefficient ``lyapunov``).  ``model`` is the model with every parameter at
    its value there (a start for two-parameter and periodic-orbit continuation)."""

    kind: str
    params: dict
    states: dict
    data: dict
    model: object = dataclasses.field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        out = super().to_dict()
        return {**out, "state": out["states"]}  # "state": the key before the rename

    def plot(self, ax=None, y=None, **style):
        """A labelled marker in its kind's style at (its first parameter, variable ``y``, by default
        the first) (:func:`dynanalysis.plotting.mark_special_points`); returns the Axes."""
        from dynanalysis.plotting import mark_special_points
        return mark_special_points(ax, [self], next(iter(self.params)), y or next(iter(self.states)), **style)

    def __repr__(self) -> str:
        p = ", ".join(f"{k}={v:.10g}" for k, v in self.params.items())
        return f"{self.kind}({p})"


@dataclasses.dataclass(frozen=True)
class Context:
    """What a test function may need beyond the branch data: the model's ``flow``, the state
    dimension ``n`` and ``params(Z) -> P`` (the flat parameter rows at the points)."""

    flow: object = None
    n: int = 0
    params: Callable | None = None


@dataclasses.dataclass(frozen=True)
class PointKind:
    code: str
    name: str
    tests: Mapping[str, Callable | None]  # branch kind -> test(Z, O, ctx); None: computed by the chord locator
    locator: str = "branch"               # "chord", "branch", or "end" (ends a branch: found by its end's analysis)
    dedup: float = 1e-6                   # scaled distance under which two located points are one
    marker: str = "o"
    color: str = "k"
    index: int | None = None              # the chord locator's code for this kind

    @property
    def style(self) -> dict:
        return {"marker": self.marker, "color": self.color}

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"

    def test(self, on: str) -> Callable:
        if on not in self.tests or self.tests[on] is None:
            raise ValueError(f"{self.code} points have no host test function on {on} branches")
        return self.tests[on]

    def at(self, on: str, z, o, ctx: Context) -> float:
        """The test function at one point ``z`` with observed ``o`` (the locator's target)."""
        one = {k: np.asarray(v)[None] for k, v in o.items()}
        return float(self.test(on)(np.asarray(z)[None], one, ctx)[0])


REGISTRY: dict[str, PointKind] = {}


def declare(kind: PointKind) -> PointKind:
    if kind.code in REGISTRY:
        raise ValueError(f"special-point kind {kind.code!r} is declared twice")
    REGISTRY[kind.code] = kind
    return kind


def kind(code: str) -> PointKind:
    try:
        return REGISTRY[code]
    except KeyError:
        raise ValueError(f"unknown special-point kind {code!r}; kinds are {sorted(REGISTRY)}") from None


def chord_kinds() -> tuple:
    """Codes handled by the chord locator, in the order of its ``index``."""
    return tuple(k.code for k in sorted((k for k in REGISTRY.values() if k.locator == "chord"), key=lambda k: k.index))


# --------------------------------------------------------------------------- test functions
def _hopf_kappa(Z, O, ctx):
    """The product of the critical pair (the two eigenvalues whose sum is nearest zero):
    omega^2 on a Hopf curve, -r^2 on its neutral-saddle part; 0 at a Bogdanov-Takens point."""
    return spectra.critical_pair(spectra.eigenvalues(O["J"]))[0]


def _first_lyapunov(Z, O, ctx):
    from dynanalysis._numerics.normalform import lyapunov_coefficients
    return lyapunov_coefficients(ctx.flow, Z[:, :ctx.n], ctx.params(Z), np.asarray(O["J"]))[0]


def _fold_zero_hopf(Z, O, ctx):
    J = np.asarray(O["J"])
    ev = spectra.eigenvalues(J)
    return spectra.zero_hopf_test(ev, spectra.critical_zero(ev), spectra.RTOL * spectra.jacobian_scale(J))


def _period_doubling(Z, O, ctx):
    M = np.asarray(O["monodromy"])
    return np.real(np.linalg.det(M + np.eye(M.shape[-1])))


def _neimark_sacker(Z, O, ctx):
    mu, trivial = spectra.floquet(np.asarray(O["monodromy"]))
    return np.array([spectra.neimark_sacker_test(m, t) for m, t in zip(mu, np.atleast_1d(trivial))])


# --------------------------------------------------------------------------- the kinds
EQ, CYCLE, FOLD, HOPF = "equilibrium", "periodic", "fold", "hopf"
declare(PointKind("LP", "fold", {EQ: None}, "chord", 1e-6, "s", "tab:red", index=0))
declare(PointKind("BP", "branch point", {EQ: None}, "chord", 1e-4, "^", "tab:purple", index=1))  # located less sharply in the state
declare(PointKind("H", "Hopf", {EQ: None}, "chord", 1e-6, "D", "tab:green", index=2))
declare(PointKind("LPC", "fold of cycles", {CYCLE: lambda Z, O, ctx: np.asarray(O["fold"])}, marker="s",
                  color="tab:orange"))
declare(PointKind("PD", "period doubling", {CYCLE: _period_doubling}, marker="v", color="tab:brown"))
declare(PointKind("NS", "Neimark–Sacker", {CYCLE: _neimark_sacker}, marker="p", color="tab:pink"))
declare(PointKind("BT", "Bogdanov–Takens", {FOLD: lambda Z, O, ctx: np.asarray(O["bt"]), HOPF: _hopf_kappa},
                  marker="*", color="tab:blue"))
declare(PointKind("CP", "cusp", {FOLD: lambda Z, O, ctx: np.asarray(O["cp"])}, marker="P", color="tab:olive"))
declare(PointKind("GH", "generalised Hopf", {HOPF: _first_lyapunov}, marker="h", color="tab:cyan"))
declare(PointKind("ZH", "zero-Hopf", {FOLD: _fold_zero_hopf, HOPF: lambda Z, O, ctx: np.linalg.det(np.asarray(O["J"]))},
                  marker="X", color="tab:gray"))
# the ends of cycle branches whose period diverges (continuation._global): no test function
declare(PointKind("SNIC", "saddle-node on invariant circle", {}, "end", 1e-6, "o", "tab:red"))
declare(PointKind("HOM", "saddle homoclinic", {}, "end", 1e-6, "o", "tab:purple"))
