"""All matplotlib code lives here: results call these functions from their ``.plot`` methods.

Plotting never computes anything but what it draws.  ``STYLE`` maps stability labels to
markers: filled for stable, open for unstable, one colour per kind.
"""
from __future__ import annotations

import numpy as np

from dynanalysis._numerics import points

STYLE = {
    "stable": dict(marker="o", color="tab:blue", fill=True),
    "stable node": dict(marker="o", color="tab:blue", fill=True),
    "stable focus": dict(marker="o", color="tab:cyan", fill=True),
    "unstable": dict(marker="o", color="tab:red", fill=False),
    "unstable node": dict(marker="o", color="tab:red", fill=False),
    "unstable focus": dict(marker="o", color="tab:orange", fill=False),
    "saddle": dict(marker="X", color="tab:purple", fill=False),
    "saddle-node": dict(marker="D", color="tab:brown", fill=False),
    "degenerate stable": dict(marker="D", color="tab:blue", fill=True),
    "degenerate unstable": dict(marker="D", color="tab:red", fill=False),
    "center": dict(marker="s", color="tab:green", fill=False),
    "degenerate": dict(marker="s", color="tab:gray", fill=False),
}


def headless():
    """Render to files only (the gallery)."""
    import matplotlib
    matplotlib.use("Agg")


def show():
    import matplotlib.pyplot as plt
    plt.show()


def close_all():
    import matplotlib.pyplot as plt
    plt.close("all")


def _axes(ax):
    """``ax``, else the current axes (BrainPy scripts call several ``plot_*`` for one portrait;
    pyplot opens a figure only when there is none)."""
    if ax is None:
        import matplotlib.pyplot as plt
        ax = plt.gca()
    return ax


def named_axes(name):
    """The current axes of the figure called ``name`` (created if needed): BrainPy draws each
    variable's bifurcation diagram in a figure of its own, named after the variable."""
    import matplotlib.pyplot as plt
    return plt.figure(name).gca()


def plot_spectra_grid(eigenvalues, kind="continuous", num_col=4, len_col=3, len_row=2):
    """One :func:`plot_spectrum` panel per row of ``eigenvalues`` (k, n), ``num_col`` panels a row,
    each ``len_col`` x ``len_row`` inches (BrainPy's ``compute_jacobians(plot=True)``); returns the figure."""
    import math
    import matplotlib.pyplot as plt
    k = len(eigenvalues)
    cols = min(int(num_col), max(k, 1))
    rows = int(math.ceil(k / cols)) if k else 1
    fig, axes = plt.subplots(rows, cols, figsize=(cols * len_col, rows * len_row), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        if i >= k:
            ax.set_visible(False)
            continue
        plot_spectrum(eigenvalues[i], ax=ax, kind=kind, legend=i == 0)
        ax.set_title(f"Point {i}")
    fig.tight_layout()
    return fig


def include_y(ax, *values):
    """Widen the y-limits (never narrow them) so that the finite ``values`` show: an overlay on a
    diagram whose limits were set to its equilibria (cycle envelopes, a trajectory)."""
    v = np.concatenate([np.ravel(np.asarray(a, float)) for a in values])
    v = v[np.isfinite(v)]
    if v.size:
        lo, hi = ax.get_ylim()
        pad = 0.05 * max(np.ptp(v), 1e-12)
        ax.set_ylim(min(lo, v.min() - pad), max(hi, v.max() + pad))


def label(model, name: str) -> str:
    """Axis label ``name (unit)`` from the model's units."""
    unit = model.units.get(name, "")
    return f"{name} ({unit})" if unit else name


def plot_trajectory(traj, ax=None, variables=None, member=None, **style):
    """Variables against time; ``member`` selects one element of a batch (index tuple or int).

    Spike times of hybrid models are marked with short ticks at the top of the axes.
    """
    ax = _axes(ax)
    variables = list(variables or traj.model.variables[:1])
    for name in variables:
        y = traj.states[name]
        if traj.batch_shape:
            if member is None:
                y = y.reshape((-1,) + y.shape[len(traj.batch_shape):])
                ax.plot(traj.t, y.T, **style)
                continue
            y = y[member]
        ax.plot(traj.t, y, **{"label": name, **style})
    if traj.spike_times is not None and not traj.batch_shape:
        for s in traj.spike_times:
            ax.axvline(s, ymin=0.96, ymax=1.0, color="k", lw=0.8)
    ax.set_xlabel(label(traj.model, "t") if "t" in traj.model.units else "t")
    if len(variables) == 1:
        ax.set_ylabel(label(traj.model, variables[0]))
    else:
        ax.legend()
    return ax


def _marker(label_: str, size=8):
    from dynanalysis._numerics.spectra import kind
    s = STYLE.get(kind(label_), STYLE["degenerate"])
    return dict(marker=s["marker"], markersize=size, markeredgecolor=s["color"], markeredgewidth=1.6,
                markerfacecolor=s["color"] if s["fill"] else "white", linestyle="none")


def plot_fixed_points(fp, ax=None, x=None, y=None, size=8, legend=True):
    """Equilibria as markers from ``STYLE`` (filled: stable, open: unstable), one legend entry per kind.

    1-D: on the x axis of the phase line.  n-D: in the plane of ``x`` and ``y`` (default: the
    first two variables)."""
    ax = _axes(ax)
    names = fp.names
    x = x or names[0]
    y = y or (names[1] if len(names) > 1 else None)
    seen = set()
    for i, lab in enumerate(fp.labels):
        xv = fp.states[x][i]
        yv = fp.states[y][i] if y else 0.0
        ax.plot([xv], [yv], zorder=5, label=None if lab in seen else lab, **_marker(lab, size))
        seen.add(lab)
    if fp.model is not None:
        ax.set_xlabel(label(fp.model, x))
        if y:
            ax.set_ylabel(label(fp.model, y))
    if legend and seen:
        ax.legend(loc="best", fontsize="small")
    return ax


def plot_nullclines(nc, ax=None, colors=("tab:red", "tab:blue"), lw=2.0, legend=True):
    """Each variable's nullcline branches as separate lines (never joined)."""
    ax = _axes(ax)
    for (name, curves), colour in zip(nc.curves.items(), colors):
        for j, c in enumerate(curves):
            ax.plot(c[:, 0], c[:, 1], color=colour, lw=lw,
                    label=f"d{name}/dt = 0" if j == 0 else None)
    if nc.model is not None:
        ax.set_xlabel(label(nc.model, nc.names[0]))
        ax.set_ylabel(label(nc.model, nc.names[1]))
    if legend:
        ax.legend(loc="best", fontsize="small")
    return ax


def plot_vector_field(vf, ax=None, method="streamplot", density=1.2, cmap="Greys", **kw):
    """Streamlines coloured by speed (``method="streamplot"``) or arrows (``"quiver"``)."""
    import matplotlib.colors as mcolors
    import matplotlib.pyplot as plt
    ax = _axes(ax)
    speed = vf.speed
    # log speed on the middle of the colour map: slow regions stay visible, fast ones darker
    base = plt.get_cmap(cmap)
    cmap = mcolors.LinearSegmentedColormap.from_list("speed", base(np.linspace(0.3, 0.85, 64)))
    positive = speed[speed > 0]
    norm = mcolors.LogNorm(positive.min(), positive.max()) if positive.size and positive.max() > positive.min() else None
    if method == "streamplot":
        ax.streamplot(vf.X, vf.Y, vf.U, vf.V, color=np.maximum(speed, positive.min() if positive.size else 1.0),
                      cmap=cmap, norm=norm, density=density, linewidth=0.7, arrowsize=0.8, **kw)
    elif method == "quiver":
        step = max(1, vf.X.shape[0] // 25)
        sl = (slice(None, None, step), slice(None, None, step))
        ax.quiver(vf.X[sl], vf.Y[sl], vf.U[sl], vf.V[sl], speed[sl], cmap=cmap, norm=norm, **kw)
    else:
        raise ValueError(f"method must be 'streamplot' or 'quiver', got {method!r}")
    ax.set_xlim(vf.X.min(), vf.X.max())
    ax.set_ylim(vf.Y.min(), vf.Y.max())
    if vf.model is not None:
        ax.set_xlabel(label(vf.model, vf.names[0]))
        ax.set_ylabel(label(vf.model, vf.names[1]))
    return ax


def plot_line_field(lf, ax=None, color="k", **kw):
    """A phase line: dx/dt against x, with flow arrows along the axis."""
    ax = _axes(ax)
    name = lf.names[0]
    ax.plot(lf.x, lf.dx, color=color, lw=1.5, label=f"d{name}/dt", **kw)
    ax.axhline(0.0, color="0.6", lw=0.8)
    idx = np.linspace(0, len(lf.x) - 1, 25).astype(int)[1:-1]
    for i in idx:
        if lf.dx[i] != 0:
            ax.annotate("", xy=(lf.x[i] + 0.01 * np.sign(lf.dx[i]) * np.ptp(lf.x), 0), xytext=(lf.x[i], 0),
                        arrowprops=dict(arrowstyle="->", color="0.4", lw=1))
    if lf.model is not None:
        ax.set_xlabel(label(lf.model, name))
        ax.set_ylabel(f"d{name}/dt")
    return ax


def _segments(tr, member_t, member_x, member_y, spikes):
    """Split one recorded trajectory at its spikes (a reset is a jump, not a path)."""
    if spikes is None or len(spikes) == 0:
        return [(member_x, member_y)]
    cuts = np.searchsorted(member_t, spikes)  # first record after each spike
    return [(member_x[a:b], member_y[a:b]) for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(member_t)]) if b - a > 1]


def reset_lines(model, names):
    """Variables that the reset sets to a constant, with that value: {name: value}."""
    flow = model.flow
    if flow.reset is None:
        return {}
    import jax
    params = model.named_params(model.flat_params()[1])
    probes = [{v: np.asarray(val, float) for v, val in zip(flow.variables, vals)}
              for vals in ((0.3,) * len(flow.variables), (0.7,) * len(flow.variables))]
    with jax.enable_x64(True):
        out = [flow.reset(s, params) for s in probes]
    return {k: float(out[0][k]) for k in out[0] if k in names and np.allclose(out[0][k], out[1][k])}


def plot_phase_trajectory(tr, names, ax=None, window=None, color=None, lw=1.2, **kw):
    """Trajectories in the plane of ``names``; hybrid models split at spikes, reset line drawn."""
    ax = _axes(ax)
    x, y = names
    X = tr.states[x].reshape(-1, len(tr.t))
    Y = tr.states[y].reshape(-1, len(tr.t))
    spikes = tr.spike_times
    spikes = [spikes] if not tr.batch_shape and spikes is not None else (None if spikes is None else list(np.ravel(spikes)))
    sel = np.ones(len(tr.t), bool) if window is None else (tr.t >= window[0]) & (tr.t <= window[1])
    for m in range(X.shape[0]):
        colour = color or f"C{(m + 2) % 10}"
        s = None if spikes is None else spikes[m]
        for j, (a, b) in enumerate(_segments(tr, tr.t[sel], X[m][sel], Y[m][sel], s)):
            ax.plot(a, b, color=colour, lw=lw, label="trajectory" if (m == 0 and j == 0) else None, **kw)
        ax.plot(X[m][sel][0], Y[m][sel][0], marker=">", color=colour, markersize=5)
    for name, value in reset_lines(tr.model, names).items():
        line = ax.axvline if name == x else ax.axhline
        line(value, color="0.3", ls=":", lw=1.2, label=f"reset {name} = {value:g}")
    ax.set_xlabel(label(tr.model, x))
    ax.set_ylabel(label(tr.model, y))
    return ax


def plot_limit_cycle(lc, ax=None, x=None, y=None, color="tab:green", lw=2.5, **kw):
    """The cycle's orbit in the plane (solid if stable, dashed if unstable or unknown)."""
    ax = _axes(ax)
    if not lc.found:
        return ax
    names = list(lc.states)
    x, y = x or names[0], y or names[1]
    ls = "-" if lc.stable else "--"
    what = "stable" if lc.stable else ("unstable" if lc.stable is False else "")
    ax.plot(lc.states[x], lc.states[y], color=color, lw=lw, ls=ls,
            label=kw.pop("label", f"{what} limit cycle, T = {lc.period:.4g}".strip()), **kw)
    return ax


def special_style(code: str) -> tuple[dict, str]:
    """Marker style and legend label of a special-point kind, as declared in the registry
    (``_numerics/points.py``); an undeclared code is drawn as a grey circle under its own name."""
    k = points.REGISTRY.get(code)
    return (k.style, k.label) if k else (dict(marker="o", color="tab:gray"), code)


def stability_pieces(p, y, stable):
    """Split a polyline where its stability changes; neighbouring pieces share the switching
    point.  Returns a list of (p values, y values, stable)."""
    cuts = np.flatnonzero(stable[1:] != stable[:-1]) + 1
    return [(p[a:b + 1], y[a:b + 1], bool(stable[a])) for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(stable)])]


def mark_special_points(ax, points, pname, y):
    """Each special point marked in its kind's style and labelled (a Hopf point with its
    criticality where the first Lyapunov coefficient is known); one legend entry per kind.
    A point the locator could not pin down (``data["located"]`` False, drawn where it was
    bracketed) is faded and labelled with a question mark.  Returns the Axes (new ones when
    ``ax`` is None)."""
    ax = _axes(ax)
    seen = set()
    for s in points:
        style, name = special_style(s.kind)
        located = s.data.get("located", True)
        yv = s.data["maximum"][y] if "maximum" in s.data else s.states[y]  # cycles: at their maximum
        ax.plot(s.params[pname], yv, ls="none", markersize=7, zorder=6, markeredgecolor="black",
                alpha=1.0 if located else 0.4, label=name if s.kind not in seen else None, **style)
        seen.add(s.kind)
        text = s.kind if located else s.kind + "?"
        if "lyapunov" in s.data:
            text += " sub" if s.data["lyapunov"] > 0 else " super" if s.data["lyapunov"] < 0 else ""
        ax.annotate(text, (s.params[pname], yv), textcoords="offset points", xytext=(5, 5),
                    fontsize="small", color=style["color"])
    return ax


def branches(eq, p, y_index):
    """Polylines of the equilibrium branches: each equilibrium is joined to its continuation at
    the next grid value (mutual nearest neighbours in the state scaled by each variable's
    spread), so a branch is drawn unbroken while others appear or vanish around it.  Each
    polyline is split where its stability changes (the pieces share the switching point).
    Returns a list of (p values, y values, stable)."""
    x, valid = eq.x, eq.valid
    G, R = valid.shape
    scale = np.nanmax(x, axis=(0, 1)) - np.nanmin(x, axis=(0, 1)) if valid.any() else np.ones(x.shape[-1])
    z = np.nan_to_num(x / np.where(scale > 0, scale, 1.0))  # invalid slots are masked below
    D = np.max(np.abs(z[:-1, :, None, :] - z[1:, None, :, :]), axis=-1)  # (G-1, R, R)
    D = np.where(valid[:-1, :, None] & valid[1:, None, :], D, np.inf)
    fwd, back = np.argmin(D, axis=2), np.argmin(D, axis=1)
    rows = np.arange(R)[None, :]
    linked = np.isfinite(np.take_along_axis(D, fwd[..., None], 2)[..., 0]) & (np.take_along_axis(back, fwd, 1) == rows)
    nxt = np.where(linked, fwd, -1)  # (G-1, R)
    has_prev = np.zeros((G, R), bool)
    ii, rr = np.nonzero(nxt >= 0)
    has_prev[ii + 1, nxt[ii, rr]] = True
    out = []
    for i0, r0 in zip(*np.nonzero(valid & ~has_prev)):  # follow each branch from its start
        idx, i, r = [], i0, r0
        while True:
            idx.append((i, r))
            if i >= G - 1 or nxt[i, r] < 0:
                break
            i, r = i + 1, nxt[i, r]
        gi, ri = np.array(idx).T
        out += stability_pieces(p[gi], x[gi, ri, y_index], eq.stable[gi, ri])
    return out


def plot_bifurcation(diagram, ax=None, y=None, legend=True):
    """One parameter: equilibrium branches against it (stable solid, unstable dashed), special
    points labelled, cycle envelope if measured.  Two parameters: the located fold and Hopf
    curves in the parameter plane."""
    ax = _axes(ax)
    eq = diagram.equilibria
    model = diagram.model
    if len(diagram.parameters) == 2:
        p1, p2 = diagram.parameters
        for kind in ("LP", "BP", "H"):
            pts = sorted(diagram.points(kind), key=lambda s: (s.params[p2], s.params[p1]))
            if pts:
                ax.plot([s.params[p1] for s in pts], [s.params[p2] for s in pts], linestyle="none",
                        markersize=3, label=special_style(kind)[1] + " points", **special_style(kind)[0])
        ax.set_xlabel(label(model, p1))
        ax.set_ylabel(label(model, p2))
        if legend:
            ax.legend(loc="best", fontsize="small")
        return ax
    (pname,) = diagram.parameters
    p = diagram.grid[pname]
    y = y or diagram.variables[0]
    yi = list(diagram.variables).index(y)
    first = {True: True, False: True}
    for pv, yv, st in branches(eq, p, yi):
        ax.plot(pv, yv, color="k", lw=2 if st else 1.2, ls="-" if st else "--",
                label=("stable" if st else "unstable") if first[st] else None)
        first[st] = False
    ax.set_xlim(p.min(), p.max())
    ys = eq.x[..., yi][eq.valid]
    if ys.size:
        pad = 0.05 * max(np.ptp(ys), 1e-12)
        ax.set_ylim(ys.min() - pad, ys.max() + pad)
    mark_special_points(ax, [s for kind in ("LP", "BP", "H") for s in diagram.points(kind)], pname, y)
    if diagram.cycles is not None:
        plot_cycle_envelope(diagram, ax=ax, y=y, legend=False)
    ax.set_xlabel(label(model, pname))
    ax.set_ylabel(label(model, y))
    if legend:
        ax.legend(loc="best", fontsize="small")
    return ax


def plot_cycle_envelope(diagram, ax=None, y=None, color="tab:blue", legend=True):
    """Max and min of the limit cycles measured at each parameter value."""
    ax = _axes(ax)
    env = diagram.cycles
    if env is None or len(diagram.parameters) != 1:
        return ax
    (pname,) = diagram.parameters
    y = y or diagram.variables[0]
    p = diagram.grid[pname]
    ax.plot(p, env.maximum[y], color=color, lw=1.5, label="limit cycle max / min")
    ax.plot(p, env.minimum[y], color=color, lw=1.5)
    include_y(ax, env.maximum[y], env.minimum[y])
    if legend:
        ax.legend(loc="best", fontsize="small")
    return ax


def plot_branch(branch, ax=None, y=None, color=None, legend=True):
    """A continued branch against its parameter: stable solid, unstable dashed (pieces share the
    point where stability changes); periodic orbits as the envelope of their max and min; special
    points marked and labelled (H with its criticality)."""
    ax = _axes(ax)
    model, pname = branch.model, branch.parameter
    y = y or model.variables[0]
    cycle = branch.kind == "periodic"
    color = color or ("tab:blue" if cycle else "black")
    what = "periodic orbits (max / min)" if cycle else "equilibria"
    curves = [branch.states[f"{y}_max"], branch.states[f"{y}_min"]] if cycle else [branch.states[y]]
    for yc in curves:
        for pv, yv, st in stability_pieces(branch.params[pname], yc, branch.stable):
            ax.plot(pv, yv, color=color, lw=1.8 if st else 1.2, ls="-" if st else "--")
    if legend:  # one legend entry per line style
        ax.plot([], [], color=color, lw=1.8, label=f"stable {what}")
        ax.plot([], [], color=color, lw=1.2, ls="--", label=f"unstable {what}")
    mark_special_points(ax, branch.special_points, pname, y)
    ax.set_xlabel(label(model, pname))
    ax.set_ylabel(label(model, y))
    if legend:
        ax.legend(loc="best", fontsize="small")
    return ax


def unique_legend(ax, loc="best"):
    """One legend entry per label (several branches on one Axes add the same entries); returns
    the Axes."""
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    ax.legend(unique.values(), unique.keys(), loc=loc, fontsize="small")
    return ax


def plot_diagram(diagram, ax=None, y=None, legend=True):
    """Every branch of a continuation diagram (equilibria black, periodic orbits blue; with two
    parameters the fold and Hopf curves in the parameter plane), with one legend entry per line
    style and special-point kind."""
    ax = _axes(ax)
    for b in diagram.branches:
        if diagram.second is not None:
            plot_curve(b, ax=ax, legend=legend)
        else:
            plot_branch(b, ax=ax, y=y, legend=legend)
    ax.set_xlim(*diagram.bounds)
    if diagram.second is not None:
        ax.set_ylim(*diagram.second_bounds)
    if legend:
        unique_legend(ax)
    return ax


def plot_curve(branch, ax=None, x=None, color=None, legend=True):
    """A fold, Hopf or homoclinic curve in the parameter plane (``x``: the parameter on the x
    axis, by default the first one; the second parameter ``branch.parameter`` on y).  Fold curves
    solid red, Hopf curves dashed green, homoclinic curves dash-dotted purple, the neutral-saddle continuation of a Hopf curve beyond a
    Bogdanov–Takens point dotted (where ``tests["kappa"] < 0``); codimension-two points marked
    in their registry style (:func:`special_style`) and labelled.  Several curves on one Axes share legend entries."""
    ax = _axes(ax)
    model = branch.model
    names = list(branch.params)
    x = x or next(k for k in names if k != branch.parameter)
    y = next(k for k in names if k != x)
    px, py = branch.params[x], branch.params[y]
    have = set(ax.get_legend_handles_labels()[1])

    def once(text):  # one legend entry per label on these Axes
        if text in have:
            return None
        have.add(text)
        return text

    if branch.kind == "fold":
        ax.plot(px, py, color=color or "tab:red", lw=1.8, ls="-", label=once("fold curve (LP)"))
        snic = (getattr(branch, "tests", None) or {}).get("snic")
        if snic is not None:  # the segment where the fold lies on an invariant circle
            for a, b, on in stability_pieces(px, py, np.asarray(snic, bool)):
                if on:
                    ax.plot(a, b, color=color or "tab:red", lw=5, alpha=0.35, solid_capstyle="butt",
                            label=once("SNIC: fold on the invariant circle"))
    elif branch.kind == "homoclinic":
        ax.plot(px, py, color=color or "tab:purple", lw=1.8, ls="-.", label=once("homoclinic curve (HOM)"))
    else:
        kappa = (getattr(branch, "tests", None) or {}).get("kappa")
        hopf = np.ones(len(px), bool) if kappa is None else np.asarray(kappa) >= 0
        for a, b, is_hopf in stability_pieces(px, py, hopf):
            ax.plot(a, b, color=color or "tab:green", lw=1.8 if is_hopf else 1.2, ls="--" if is_hopf else ":",
                    label=once("Hopf curve (H)" if is_hopf else "neutral saddles"))
    for s in branch.special_points:
        style, name = special_style(s.kind)
        ax.plot(s.params[x], s.params[y], ls="none", markersize=10 if style["marker"] == "*" else 7, zorder=6,
                markeredgecolor="black", label=once(name), **style)
        ax.annotate(s.kind, (s.params[x], s.params[y]), textcoords="offset points", xytext=(6, 6),
                    fontsize="small", color="black")
    ax.set_xlabel(label(model, x))
    ax.set_ylabel(label(model, y))
    if legend:
        ax.legend(loc="best", fontsize="small")
    return ax


# --------------------------------------------------------------------------- spectra (finder)
def _growth_label(kind):
    return "|λ| − 1" if kind == "discrete" else "Re λ"


def plot_spectrum(result, ax=None, index=None, kind=None, size=36, legend=True):
    """Eigenvalues in the complex plane with the stability boundary (the imaginary axis, or the
    unit circle for a map): filled inside the stable region, open outside, diamonds on the
    boundary (neutral, to the finder's tolerance).  ``result``: a :class:`FixedPointSet` (all
    points, or the one at ``index``) or an eigenvalue array (n,) / (k, n)."""
    from dynanalysis._numerics.spectra import RTOL, growth
    from dynanalysis._numerics.spectra import jacobian_scale
    ax = _axes(ax)
    if hasattr(result, "eigenvalues"):
        kind = result.kind
        ev = np.atleast_2d(result.eigenvalues)
        scale = np.atleast_1d(jacobian_scale(result.jacobians))
        names = [f"point {i}: {lab}" for i, lab in enumerate(result.labels)]
    else:
        kind = kind or "continuous"
        ev = np.atleast_2d(np.asarray(result, complex))
        scale = np.max(np.abs(ev), axis=1)
        names = [f"point {i}" for i in range(len(ev))]
    rows = range(len(ev)) if index is None else [index]
    if kind == "discrete":
        t = np.linspace(0, 2 * np.pi, 400)
        ax.plot(np.cos(t), np.sin(t), color="k", lw=1.0, label="stability boundary |λ| = 1")
        ax.set_aspect("equal", adjustable="datalim")
    else:
        ax.axvline(0.0, color="k", lw=1.0, label="stability boundary Re λ = 0")
    colours = [f"C{i % 10}" for i in range(len(ev))]
    for i in rows:
        e = ev[i]
        g = growth(e, kind)
        tol = RTOL * max(scale[i], np.finfo(float).tiny)
        c = colours[i] if index is None and len(ev) > 1 else "tab:blue"
        name = names[i] if index is None and len(ev) > 1 else None
        st, un, ne = g < -tol, g > tol, np.abs(g) <= tol
        ax.scatter(e.real[st], e.imag[st], s=size, color=c, edgecolors=c, label=name or "stable (inside)")
        ax.scatter(e.real[un], e.imag[un], s=size, facecolors="none", edgecolors="tab:red" if name is None else c,
                   linewidths=1.4, label=None if name else "unstable (outside)")
        ax.scatter(e.real[ne], e.imag[ne], s=size * 1.6, marker="D", facecolors="none", edgecolors="k",
                   linewidths=1.4, label=None if name else "neutral (on the boundary)")
    shown = ev[list(rows)]
    if kind != "discrete" and np.all(np.abs(shown.imag) <= RTOL * np.max(scale)):
        span = max(np.ptp(shown.real), np.max(np.abs(shown.real)), 1e-300)
        ax.set_ylim(-0.25 * span, 0.25 * span)  # a real spectrum: do not magnify rounding noise
    ax.set_xlabel("Re λ")
    ax.set_ylabel("Im λ")
    if legend:
        unique_legend(ax)
    return ax


def plot_modes(result, index=0, modes=(0, 1), ax=None, positions=None, variable=None, xlabel=None):
    """A point of a :class:`FixedPointSet` (one variable's components against ``positions``, by
    default their index) and the real parts of its eigenvectors ``modes`` (right axis, scaled so
    that the largest component is +1), labelled with their eigenvalues.  Returns both Axes."""
    ax = _axes(ax)
    states = result.states
    name = variable or next(iter(states))
    if name not in states:
        raise ValueError(f"variable {name!r} is not one of {list(states)}")
    y = np.asarray(states[name])[index]
    o = 0
    for v, a in states.items():  # offset of the variable in the flat state
        if v == name:
            break
        o += np.size(a[index])
    pos = np.arange(np.size(y)) if positions is None else np.asarray(positions)
    ax.plot(pos, y, color="k", lw=2.2, label=f"fixed point: {name}")
    ax.set_xlabel(xlabel or "component")
    ax.set_ylabel(name)
    twin = ax.twinx()
    ev, V = result.eigenvalues[index], result.eigenvectors[index]
    for c, j in enumerate(modes):
        w = V[o:o + np.size(y), j].real
        w = w / (w[np.argmax(np.abs(w))] or 1.0)  # largest component +1: a fixed sign
        twin.plot(pos, w, color=f"C{c}", lw=1.4, ls="--",
                  label=f"eigenvector {j}: λ = {ev[j].real:.3g}" + (f" {ev[j].imag:+.3g}i" if abs(ev[j].imag) > 0 else ""))
    twin.set_ylabel("eigenvector (real part, largest component +1)")
    lines = ax.get_legend_handles_labels()
    more = twin.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], fontsize="small", loc="upper left")
    return ax, twin


def plot_spectrum_along(ps, ax=None, n=6, legend=True):
    """The ``n`` leading eigenvalues' distance past the stability boundary (Re λ, or |λ| − 1)
    against the parameter of a :class:`ParameterSpectrum`; crossings marked."""
    from dynanalysis._numerics.spectra import growth
    ax = _axes(ax)
    ok = ps.converged
    g = -np.sort(-growth(ps.eigenvalues, ps.kind), axis=1)[:, :n]
    for j in range(g.shape[1]):
        ax.plot(ps.values[ok], g[ok, j], color=f"C{j % 10}", lw=1.6, label=f"eigenvalue {j + 1}" if j < 3 else None)
    ax.axhline(0.0, color="k", lw=0.9, label="stability boundary")
    for x, a, b in ps.crossings():
        ax.axvline(x, color="tab:red", ls=":", lw=1.3, label=f"crossing at {ps.parameter} = {x:.6g} ({a} → {b} unstable)")
    if np.any(~ok):
        ax.plot(ps.values[~ok], np.zeros(np.sum(~ok)), "x", color="tab:gray", label="no convergence")
    ax.set_xlabel(ps.parameter)
    ax.set_ylabel(f"leading {_growth_label(ps.kind)}")
    if legend:
        unique_legend(ax)
    return ax


def plot_phase_response(prc, ax=None, **style):
    """The infinitesimal PRC of every variable against the phase (one cycle), each variable on
    its own scale divided by its largest |Z| when there are several; returns the Axes."""
    ax = _axes(ax)
    Z = {v: np.asarray(z) for v, z in prc.Z.items()}
    if any(z.ndim > 1 for z in Z.values()):
        raise ValueError("plot_phase_response draws one cycle's PRC; index a branch's Z[name][i] yourself")
    several = len(Z) > 1
    for v, z in Z.items():
        peak = np.max(np.abs(z)) or 1.0
        ax.plot(prc.phase, z / peak if several else z, label=f"Z_{v}" + (f" / {peak:.3g}" if several else ""), **style)
    ax.axhline(0.0, color="0.6", lw=0.8)
    ax.set_xlabel("phase (0 at the maximum of the first variable)")
    ax.set_ylabel("phase shift per unit kick (rad)" + (", scaled" if several else ""))
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_fi_curve(curve, ax=None, **style):
    """Firing frequency against the parameter: the simulated frequency as dots; for smooth
    models every periodic branch of the diagram, stable solid and unstable dashed, and the range
    where rest and firing coexist shaded.  Returns the Axes."""
    ax = _axes(ax)
    color = style.pop("color", "tab:blue")
    for b in curve.branches or []:
        for pv, fv, st in stability_pieces(np.asarray(b["values"]), np.asarray(b["frequency"]), np.asarray(b["stable"])):
            ax.plot(pv, fv, color=color, lw=1.8 if st else 1.0, ls="-" if st else "--")
    if curve.branches:
        ax.plot([], [], color=color, lw=1.8, label="stable cycles (continuation)")
        ax.plot([], [], color=color, lw=1.0, ls="--", label="unstable cycles")
    ax.plot(curve.values, curve.frequency, "o", color="black", markersize=3, label="simulation", **style)
    both = curve.bistable
    if both.any():
        v = curve.values[both]
        ax.axvspan(v.min(), v.max(), color="0.85", zorder=0, label="rest and firing both stable")
    ax.set_xlabel(label(curve.model, curve.parameter))
    ax.set_ylabel(f"firing frequency ({curve.unit})")
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_phase_locking(lock, ax=None, **style):
    """The interaction function H(psi) and the drift of the lag G(psi), locked states marked
    (filled stable, open unstable); returns the Axes."""
    ax = _axes(ax)
    ax.plot(lock.phase, lock.H, color="0.5", lw=1.2, label="H(psi)", **style)
    ax.plot(lock.phase, lock.G * 2 * np.pi, color="tab:blue", lw=1.8, label="H(-psi) - H(psi)")
    ax.axhline(0.0, color="0.7", lw=0.8)
    for psi, st in zip(lock.locked, lock.stable):
        ax.plot(psi, 0.0, "o", markersize=8, markeredgecolor="tab:blue", zorder=5,
                markerfacecolor="tab:blue" if st else "white")
    ax.plot([], [], "o", color="tab:blue", label="stable locked state")
    ax.plot([], [], "o", markerfacecolor="white", markeredgecolor="tab:blue", label="unstable locked state")
    ax.set_xlabel("phase lag psi (cycles)")
    ax.set_ylabel("rad per time unit (per unit coupling)")
    ax.legend(loc="best", fontsize="small")
    return ax

