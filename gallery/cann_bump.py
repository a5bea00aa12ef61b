"""CANN1D: a bump formed by a stimulus, tracking it when it jumps and moves, persisting without it."""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import CANN1D

N, DT, T, EVERY = 512, 0.1, 80.0, 2  # neurons; time in units of tau
A_ON = 0.5  # stimulus strength while it is on (weak: the bump's own dynamics shows)
JUMP, MOVE, OFF = 10.0, 25.0, 60.0  # stimulus jumps from 0 to Z_JUMP, then moves, then is off
Z_JUMP, SPEED = 1.5, 0.05  # rad, rad per time unit
SNAPSHOTS = (9.0, 12.0, 45.0, 80.0)


def wrap(z):
    return np.angle(np.exp(1j * np.asarray(z)))


def stimulus(t):
    """Stimulus strength A(t) and position z(t) (rad, unwrapped)."""
    A = np.where(t < OFF, A_ON, 0.0)
    z = np.where(t < JUMP, 0.0, np.where(t < MOVE, Z_JUMP, Z_JUMP + SPEED * (t - MOVE)))
    return A, z


def render(out_dir: Path) -> str:
    model = CANN1D(N=N)
    x = -np.pi + 2.0 * np.pi * np.arange(N) / N  # neuron positions (CANN1D docstring)
    t_grid = DT * np.arange(int(round(T / DT)))
    A, z = stimulus(t_grid)
    tr = da.simulate(model, {"u": np.zeros(N)}, T, dt=DT, inputs={"A": A, "z": z},
                     record_every=EVERY)
    u = tr["u"]
    # bump centre: the population-vector angle of u
    centre = np.angle(u @ np.exp(1j * x))
    A_rec, z_rec = stimulus(tr.t)
    moving = (tr.t > MOVE + 10) & (tr.t < OFF)
    lag = float(np.mean(wrap(z_rec[moving] - centre[moving])))
    free = tr.t > OFF + 5
    drift = float(np.ptp(np.unwrap(centre[free])))

    fig, (hm, snap) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [1.5, 1]})
    mesh = hm.pcolormesh(tr.t, x, u.T, shading="nearest", cmap="viridis", rasterized=True)
    fig.colorbar(mesh, ax=hm, label="synaptic input u (model units)", pad=0.02)
    zw = np.where(A_rec > 0, wrap(z_rec), np.nan)
    zw[1:][np.abs(np.diff(zw)) > np.pi] = np.nan  # no line across the wrap of the ring
    hm.plot(tr.t, zw, color="w", ls="--", lw=1.2, label="stimulus position z(t)")
    hm.axvline(OFF, color="tab:orange", lw=1.2, label=f"stimulus off (t = {OFF:g})")
    for s in SNAPSHOTS:
        hm.plot([s], [np.pi * 0.96], "v", color="tab:red", ms=6, clip_on=False)
    hm.set_yticks([-np.pi, -np.pi / 2, 0, np.pi / 2, np.pi], ["-π", "-π/2", "0", "π/2", "π"])
    hm.set_xlabel("t (units of τ)")
    hm.set_ylabel("neuron position x (rad)")
    hm.set_title(f"u(x, t): stimulus at 0, jumps to {Z_JUMP:g} rad at t = {JUMP:g}, moves at "
                 f"{SPEED:g} rad/τ from t = {MOVE:g}\nlag behind the moving stimulus "
                 f"{lag:.3f} rad; no stimulus after t = {OFF:g}: drift {drift:.1e} rad",
                 fontsize=10)
    hm.legend(loc="lower left", fontsize="small", framealpha=0.9)

    colours = plt.cm.plasma(np.linspace(0.0, 0.8, len(SNAPSHOTS)))
    for s, c in zip(SNAPSHOTS, colours):
        k = int(np.argmin(np.abs(tr.t - s)))
        where = f"z = {wrap(z_rec[k]):.2f}" if A_rec[k] > 0 else "no stimulus"
        snap.plot(x, u[k], color=c, lw=1.8, label=f"t = {tr.t[k]:g} ({where})")
        if A_rec[k] > 0:
            snap.axvline(wrap(z_rec[k]), color=c, ls=":", lw=1.2)
    snap.set_xticks([-np.pi, -np.pi / 2, 0, np.pi / 2, np.pi], ["-π", "-π/2", "0", "π/2", "π"])
    snap.set_xlim(-np.pi, np.pi)
    snap.set_xlabel("neuron position x (rad)")
    snap.set_ylabel("u (model units)")
    snap.set_title("snapshots of the bump profile (dotted: stimulus position;\n"
                   "red triangles on the heat map mark the times)", fontsize=10)
    snap.legend(loc="upper left", fontsize="small")
    p = model.parameters
    fig.suptitle(f"CANN1D, N = {N} (k = {p['k']:g}, a = {p['a']:g}, J0 = {p['J0']:g}, "
                 f"τ = {p['tau']:g}), stimulus A = {A_ON:g}: a bump tracks its stimulus and "
                 "persists without it", fontsize=11)
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "cann_bump.png", dpi=120)
    driven = u[int(np.argmin(np.abs(tr.t - (OFF - 1))))].max()
    return (f"CANN1D N = {N}: bump lags the moving stimulus by {lag:.3f} rad, persists after "
            f"it with height {u[-1].max():.3f} (driven {driven:.3f}), drift {drift:.1e} rad")

if __name__ == "__main__":
    print(render(Path(".")))
