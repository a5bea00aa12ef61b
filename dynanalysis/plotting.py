"""All matplotlib code lives here: results call these functions from their ``.plot`` methods.

Plotting never computes anything but what it draws.  ``STYLE`` maps stability labels to
markers: filled for stable, open for unstable, one colour per kind.
"""
from __future__ import annotations

import numpy as np

STYLE = {
    "stable": dict(marker="o", color="tab:blue", fill=True),
    "stable node": dict(marker="o", color="tab:blue", fill=True),
    "stable focus": dict(marker="o", color="tab:cyan", fill=True),
    "unstable": dict(marker="o", color="tab:red", fill=False),
    "unstable node": dict(marker="o", color="tab:red", fill=False),
    "unstable focus": dict(marker="o", color="tab:orange", fill=False),
    "saddle": dict(marker="X", color="tab:purple", fill=False),
    "saddle-node": dict(marker="D", color="tab:brown", fill=False),
    "center": dict(marker="s", color="tab:green", fill=False),
    "degenerate": dict(marker="s", color="tab:gray", fill=False),
}


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots()
    return ax


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
        ax.plot(traj.t, y, label=name, **style)
    if traj.spike_times is not None and not traj.batch_shape:
        for s in traj.spike_times:
            ax.axvline(s, ymin=0.96, ymax=1.0, color="k", lw=0.8)
    ax.set_xlabel(label(traj.model, "t") if "t" in traj.model.units else "t")
    if len(variables) == 1:
        ax.set_ylabel(label(traj.model, variables[0]))
    else:
        ax.legend()
    return ax
