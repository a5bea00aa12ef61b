"""A random recurrent network with a rank-one structure: its fixed points, found from seeds on its
trajectories, and their spectra (Mastrogiuseppe & Ostojic 2018 for the network)."""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis import math
from dynanalysis.plotting import plot_spectrum

N, GAIN, STRUCTURE, SEED = 60, 1.5, 2.5, 1  # units; random gain g; rank-one strength; seed


def render(out_dir: Path) -> str:
    rng = np.random.default_rng(SEED)
    m = rng.standard_normal(N)
    W = GAIN * rng.standard_normal((N, N)) / np.sqrt(N) + STRUCTURE * np.outer(m, m) / N

    def rnn(x):  # dx/dt = -x + W tanh(x)
        return -x + W @ math.tanh(x)

    finder = da.FixedPointFinder(rnn)
    x0 = 2.0 * rng.standard_normal((8, N))
    traj = finder.trajectory(x0, 1500, dt=0.1)                     # (8, 1501, N)
    seeds = finder.seeds_from_trajectory(x0, 512, steps=1500, dt=0.1, noise=0.3, seed=SEED)
    fps = finder.find(seeds)
    # principal components of the trajectories (for drawing only)
    flat = traj.reshape(-1, N)
    mean = flat.mean(0)
    _, _, Vt = np.linalg.svd(flat - mean, full_matrices=False)
    P = Vt[:2].T

    fig, (px, sx) = plt.subplots(1, 2, figsize=(13, 5.6), layout="constrained")
    for tr in traj:
        y = (tr - mean) @ P
        px.plot(y[:, 0], y[:, 1], color="0.7", lw=0.5)
    px.plot([], [], color="0.7", lw=0.8, label="trajectories (8 random starts, t = 0–150)")
    colours = [f"C{i % 10}" for i in range(len(fps))]
    for i in range(len(fps)):
        y = (fps.points[i] - mean) @ P
        stable = fps.stable[i]
        marker = "o" if fps.fixed[i] else "s"
        px.plot(*y, marker, ms=9, mfc=colours[i] if stable else "w", mec=colours[i], mew=2,
                label=f"point {i}: {fps.labels[i]}" + ("" if fps.fixed[i] else f", q = {fps.speeds[i]:.1e}"))
    px.set_xlabel("PC 1 of the trajectories")
    px.set_ylabel("PC 2 of the trajectories")
    px.legend(fontsize="x-small", loc="upper right", ncol=1)
    px.set_title(f"{int(np.sum(fps.fixed))} fixed points and {int(np.sum(~fps.fixed))} slow points from "
                 f"{fps.n_seeds} seeds on the trajectories\n({fps.n_duplicates} duplicates merged, "
                 f"{fps.n_failed} seeds failed, {fps.n_outliers} outliers)", fontsize=10)

    plot_spectrum(fps, ax=sx)
    t = np.linspace(0, 2 * np.pi, 300)
    sx.plot(-1 + GAIN * np.cos(t), GAIN * np.sin(t), color="0.5", ls=":", lw=1.2,
            label=f"x = 0: circular law of the random part (radius g = {GAIN:g} around −1)")
    sx.legend(fontsize="x-small", loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=3)
    sx.set_title("spectra of the Jacobian −I + W diag(1 − tanh²(x*)) at each point\n"
                 "(filled: decaying modes, open: growing modes)", fontsize=10)
    fig.suptitle(f"random RNN dx/dt = −x + W tanh(x), N = {N}, W = g χ / √N + s m mᵀ / N "
                 f"(χ, m standard normal; g = {GAIN:g}, s = {STRUCTURE:g}): fixed points and their spectra",
                 fontsize=11)
    fig.savefig(Path(out_dir) / "rnn_fixed_points.png", dpi=110)
    return (f"random RNN N = {N}, g = {GAIN:g}, s = {STRUCTURE:g}: {int(np.sum(fps.fixed))} fixed points "
            f"({', '.join(sorted(set(fps.labels[fps.fixed])))}), {int(np.sum(~fps.fixed))} slow points")


if __name__ == "__main__":
    print(render(Path(".")))
