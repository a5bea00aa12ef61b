r"""Roots of scalar functions: bracketing with a tangency search, and the non-hyperbolic ones told apart.

1-D roots (:func:`roots_1d`)
    f on a grid that includes both ends; every strict sign change is a bracket, solved by
    bisection to the last bit (60 halvings of a grid cell); grid values that are exactly 0 are roots.  At every
    local minimum of |f| without a sign change, the critical point of f is found (Newton on
    f' = 0): if f vanishes there it is a double root (a fold), if f changes sign there the two
    roots that the grid stepped over are bracketed on either side.  Nothing is missed for roots
    that are at least a grid cell apart or that come in close pairs around a critical point.
"""
from __future__ import annotations

import numpy as np
import jax
import jax.numpy as jnp
from jax import lax


def _bisect(f, a, b, fa, iters=60):
    def body(_, ab):
        a, b, fa = ab
        m = 0.5 * (a + b)
        fm = f(m)
        left = jnp.sign(fm) == jnp.sign(fa)
        return jnp.where(left, m, a), jnp.where(left, b, m), jnp.where(left, fm, fa)

    a, b, _ = lax.fori_loop(0, iters, body, (a, b, fa))
    return 0.5 * (a + b)


def _first(mask, k):
    """Indices of the first k True entries of a 1-D mask (padded with the last index): a cumulative
    sum and a binary search, much cheaper than ``nonzero(size=k)`` on long masks."""
    return jnp.minimum(jnp.searchsorted(jnp.cumsum(mask), jnp.arange(1, k + 1)), mask.shape[0] - 1)


def roots_1d(f, lo, hi, n: int, k: int = 64, ftol: float = 1e-12):
    """All roots of a scalar function on ``[lo, hi]`` from an ``n``-point grid.

    Only the first ``k`` sign changes and exact grid zeros, and ``k // 4`` tangency candidates
    (local minima of |f| without a sign change whose value is within the change to their
    neighbours, so f may touch or cross 0 between grid points), are solved: the grid is scanned in
    full, the expensive iterations run on a few compacted candidates.  Returns
    ``(x, valid, double, overflow)`` padded to ``2 k + 3 (k // 4)`` candidates; ``double`` marks roots found as tangencies (f and f' both vanish: a fold);
    ``overflow`` says that more than ``k`` candidates of one kind were present (raise ``k``).
    Duplicates are possible only within ~1e-12 of each other and are removed by the caller.
    """
    xs = jnp.linspace(lo, hi, n)
    fs = jax.vmap(f)(xs)
    scale_f = jnp.maximum(jnp.max(jnp.abs(fs)), 1e-300)
    # strict sign changes between neighbours (interval j = [x_j, x_j+1])
    change = (fs[:-1] * fs[1:]) < 0
    jb = _first(change, k)
    v_br = change[jb] & (jnp.arange(k) < jnp.sum(change))
    # exact zeros on the grid
    jz = _first(fs == 0, k)
    v_zero = (fs[jz] == 0) & (jnp.arange(k) < jnp.sum(fs == 0))
    # tangencies: interior local minima of |f| with no sign change on either side
    i = jnp.arange(1, n - 1)
    af = jnp.abs(fs)
    is_min = (af[i] <= af[i - 1]) & (af[i] <= af[i + 1]) & (fs[i - 1] * fs[i] > 0) & (fs[i] * fs[i + 1] > 0)
    # a local minimum of |f| is worth a closer look only if f could reach 0 nearby: its value is
    # within the change to its neighbours (the smooth extrema far from 0 are skipped)
    near = af[i] <= 2.0 * jnp.maximum(jnp.abs(fs[i - 1] - fs[i]), jnp.abs(fs[i + 1] - fs[i]))
    is_min = is_min & near
    kt = max(1, k // 4)  # tangencies (folds) are rarer than simple roots
    jt = _first(is_min, kt) + 1
    v_t = is_min[jt - 1] & (jnp.arange(kt) < jnp.sum(is_min))
    df = jax.grad(f)
    d2f = jax.grad(df)

    def critical_point(j):  # Newton on f' = 0 inside the two cells around grid point j
        def step(_, x):
            g, h = df(x), d2f(x)
            x_new = x - g / jnp.where(h == 0, 1.0, h)
            return jnp.clip(jnp.where(h == 0, x, x_new), xs[j - 1], xs[j + 1])

        return lax.fori_loop(0, 40, step, xs[j])

    xc = jax.vmap(critical_point)(jt)
    fc = jax.vmap(f)(xc)
    touches = jnp.abs(fc) <= ftol * scale_f
    crosses = (jnp.sign(fc) != jnp.sign(fs[jt])) & ~touches
    # one bisection for every bracket: the sign changes, and either side of a critical point
    # where f crosses 0 between two grid points
    a = jnp.concatenate([xs[jb], xs[jt - 1], xc])
    b = jnp.concatenate([xs[jb + 1], xc, xs[jt + 1]])
    fa = jnp.concatenate([fs[jb], fs[jt - 1], fc])
    roots = jax.vmap(lambda a, b, fa: _bisect(f, a, b, fa))(a, b, fa)
    x = jnp.concatenate([roots[:k], xs[jz], xc, roots[k:]])
    valid = jnp.concatenate([v_br, v_zero, v_t & touches, v_t & crosses, v_t & crosses])
    double = jnp.concatenate([jnp.zeros(2 * k, bool), v_t & touches, jnp.zeros(2 * kt, bool)])
    overflow = (jnp.sum(change) > k) | (jnp.sum(fs == 0) > k) | (jnp.sum(is_min) > kt)
    return x, valid, double, overflow



def classify_1d(f, x, valid, double, width, same: float = 1e-7):
    """Per root of a scalar ``f`` (x: (K,)): 0 hyperbolic (f' decides), 1 degenerate stable,
    2 degenerate unstable, 3 saddle-node.

    A root is non-hyperbolic when it was found as a tangency (``double``) or when the linear term
    does not carry the flow near it, |f'(x)| h < |f(x +- h)| / 100, at h = 1e-4 ``width`` (or half
    the way to the nearest other valid root; roots within ``same * width`` are one root).  Then the
    signs of f on both sides decide, i.e. the sign and parity of the first non-zero derivative:
    towards the root from both sides (x' = -x^3), away on both (x' = x^3), or one of each (x' = x^2)."""
    # distance to the nearest other valid root (farther than ``same``), from the sorted roots:
    # O(K log K), where all pairwise distances would take O(K^2) (K ~ 3 n for an n-point grid)
    xv = jnp.where(valid, x, jnp.inf)
    order = jnp.argsort(xv)
    srt, tie = xv[order], same * width
    left = jnp.searchsorted(srt, srt - tie, side="left") - 1      # last root below x - tie
    right = jnp.searchsorted(srt, srt + tie, side="right")         # first root above x + tie
    dl = jnp.where(left >= 0, srt - srt[jnp.maximum(left, 0)], jnp.inf)
    dr = jnp.where(right < srt.shape[0], srt[jnp.minimum(right, srt.shape[0] - 1)] - srt, jnp.inf)
    nearest = jnp.zeros_like(x).at[order].set(jnp.nan_to_num(jnp.minimum(dl, dr), nan=jnp.inf))
    h = jnp.minimum(1e-4 * width, 0.5 * nearest)
    fl, fr = jax.vmap(f)(x - h), jax.vmap(f)(x + h)
    neutral = double | (jnp.abs(jax.vmap(jax.grad(f))(x)) * h < 0.01 * jnp.maximum(jnp.abs(fl), jnp.abs(fr)))
    side = jnp.where((fl > 0) & (fr < 0), 1, jnp.where((fl < 0) & (fr > 0), 2, 3))
    return jnp.where(neutral, side, 0).astype(jnp.int32)


# --------------------------------------------------------------------------- regula falsi (Illinois)
def secant(a, wa, b, wb):
    """The regula falsi point of the bracket [a, b] with (Illinois-weighted) test values wa, wb:
    where the chord crosses zero (the midpoint if wa = wb), kept inside the bracket.  NumPy or JAX."""
    xp = jnp if isinstance(a + wa + b + wb, jax.Array) else np
    m = xp.where(wa != wb, (a * wb - b * wa) / xp.where(wa != wb, wb - wa, 1.0), 0.5 * (a + b))
    return xp.clip(m, xp.minimum(a, b), xp.maximum(a, b))


def illinois(left, a, b, mid, side=0, where=lambda c, u, v: u if c else v, always=False):
    """The Illinois bookkeeping of regula falsi.  Bracket ends are tuples ``(s, weighted g, ...)``,
    ``mid`` the end just evaluated; ``left`` (g at mid has the sign of g at a) means the zero lies
    between mid and b: the new bracket is (mid, b), else (a, mid).  ``side`` says which end the
    previous step replaced (+1 a, -1 b, 0 none yet); when the same end is replaced again, the
    weight of the end kept is halved, so the secant does not stall on one side (superlinear
    convergence on a smooth function).  ``always``: halve the kept weight at every step instead;
    both ends then close in geometrically, as the chord locator's acceptance test (g small at an
    end, with g known only to its rounding noise) needs.  ``where(c, u, v)`` selects between the
    outcomes (default: a Python condition; traced code passes a ``jnp.where`` over the tuples).
    Returns ``(a, b, side)``."""
    def halve(e, c):
        return (e[0], where(c, 0.5 * e[1], e[1]), *e[2:])
    a, b = where(left, (mid, halve(b, always or side == 1)), (halve(a, always or side == -1), mid))
    return a, b, where(left, 1, -1)
