"""AdaptiveCANN1D: the static bump loses stability at m = tau / tau_v and starts to travel."""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import AdaptiveCANN1D
from dynanalysis.plotting import plot_spectrum_along

N = 256                     # neurons (2N = 512 state variables)
M_VALUES = np.linspace(0.02, 0.2, 19)
M_WAVE, KICK = 0.15, 1e-3   # the simulated bump: above threshold, nudged along its unstable mode
T, DT = 200.0, 0.05


def render(out_dir: Path) -> str:
    x = -np.pi + 2.0 * np.pi * np.arange(N) / N
    base = AdaptiveCANN1D(N=N, A=0.0, m=M_VALUES[0])
    p = base.parameters
    threshold = p["tau"] / p["tau_v"]
    u = 0.3 * np.exp(-x**2 / (4 * p["a"] ** 2)) + 0.02 * np.random.default_rng(2).standard_normal(N)
    finder = da.FixedPointFinder(base)
    start = finder.find({"u": u, "v": M_VALUES[0] * u})
    along = finder.sweep("m", M_VALUES, start.points[0])
    (m_star, _, _), = along.crossings()

    # the static bump at M_WAVE is a saddle; start on it, nudged along the unstable eigenvector
    model = AdaptiveCANN1D(N=N, A=0.0, m=M_WAVE)
    wave = da.FixedPointFinder(model)
    static = wave.find(along.points[np.argmin(np.abs(M_VALUES - M_WAVE))])
    mode = static.eigenvectors[0][:, 0].real
    x0 = static.points[0] + KICK * mode / np.max(np.abs(mode))
    tr = da.simulate(model, model.named_state(x0), T, dt=DT, record_every=10)
    centre = np.unwrap(np.angle(tr["u"] @ np.exp(1j * x)))
    late = tr.t > T / 2
    speed = float(np.polyfit(tr.t[late], centre[late], 1)[0])

    fig, (sx, hx) = plt.subplots(1, 2, figsize=(13, 5.2), layout="constrained",
                                 gridspec_kw={"width_ratios": [1, 1.25]})
    plot_spectrum_along(along, ax=sx, n=4)
    sx.axvline(threshold, color="0.3", ls="--", lw=1.0, label=f"τ / τ_v = {threshold:g}")
    ref = M_VALUES / p["tau"] - 1 / p["tau_v"]
    sx.plot(M_VALUES, ref, "o", mfc="none", mec="k", ms=7, label="theory: m / τ − 1 / τ_v")
    sx.legend(fontsize="small", loc="lower right")
    sx.set_xlabel("adaptation strength m")
    sx.set_ylabel("leading Re λ of the static bump (1 / τ)")
    sx.set_title(f"static bump: eigenvalue crossing at m = {m_star:.10f}\n"
                 f"(τ / τ_v = {threshold:g}; the translation mode stays at 0)", fontsize=10)

    mesh = hx.pcolormesh(tr.t, x, tr["u"].T, shading="nearest", cmap="viridis", rasterized=True)
    fig.colorbar(mesh, ax=hx, label="synaptic input u (model units)", pad=0.01)
    hx.set_yticks([-np.pi, -np.pi / 2, 0, np.pi / 2, np.pi], ["-π", "-π/2", "0", "π/2", "π"])
    hx.set_xlabel("t (units of τ)")
    hx.set_ylabel("neuron position x (rad)")
    hx.set_title(f"m = {M_WAVE:g} > τ / τ_v: the static bump nudged by {KICK:g} along its unstable\n"
                 f"eigenvector starts to travel; mean speed over the second half {speed:+.4f} rad / τ",
                 fontsize=10)
    fig.suptitle(f"AdaptiveCANN1D, N = {N} (τ = {p['tau']:g}, τ_v = {p['tau_v']:g}, k = {p['k']:g}, "
                 f"a = {p['a']:g}, J0 = {p['J0']:g}, no stimulus): the travelling-wave instability",
                 fontsize=11)
    fig.savefig(Path(out_dir) / "cann_adaptive_instability.png", dpi=110)
    return (f"AdaptiveCANN1D N = {N}: static bump unstable from m = {m_star:.10f} (tau/tau_v = {threshold:g}); "
            f"travelling wave at m = {M_WAVE:g}: {speed:+.4f} rad/tau")


if __name__ == "__main__":
    print(render(Path(".")))
