"""CANN1D: the bump fixed point from a noisy seed, its spectrum and its translation mode."""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import CANN1D
from dynanalysis.plotting import plot_modes, plot_spectrum

N, A_WIDTH = 512, 0.5  # neurons; the model's a
NOISE = 0.05           # seed: a rough bump plus this much white noise


def render(out_dir: Path) -> str:
    model = CANN1D(N=N, A=0.0)  # no stimulus: the bump is free to sit anywhere on the ring
    p = model.parameters
    x = -np.pi + 2.0 * np.pi * np.arange(N) / N  # neuron positions (CANN1D docstring)
    rng = np.random.default_rng(0)
    seed = 0.2 * np.exp(-(x - 1.0) ** 2 / 0.5) + NOISE * rng.standard_normal(N)
    fps = da.FixedPointFinder(model).find(seed)
    V = fps.eigenvectors[0]  # first: eigenvalues then come from the same decomposition
    u, ev = fps.points[0], fps.eigenvalues[0]
    # theory (continuum limit, rho = N / 2 pi): u(x) = u0 exp(-(x - z)^2 / 4a^2)
    rho, k, a, J0 = N / (2 * np.pi), p["k"], p["a"], p["J0"]
    k_c = rho * J0**2 / (8 * np.sqrt(2 * np.pi) * a)
    u0 = J0 * (1 + np.sqrt(1 - k / k_c)) / (4 * np.sqrt(np.pi) * a * k)
    fine = np.fft.irfft(np.fft.rfft(u), n=64 * N) * 64  # trigonometric interpolation of u
    height = fine.max()
    centre = -np.pi + 2 * np.pi * np.argmax(fine) / (64 * N)
    du = np.fft.irfft(1j * np.fft.rfftfreq(N, 1.0 / N) * np.fft.rfft(u), n=N)  # spectral d/dx
    v0 = V[:, 0].real
    cosine = abs(v0 @ du) / (np.linalg.norm(v0) * np.linalg.norm(du))

    fig = plt.figure(figsize=(13, 8.2), layout="constrained")
    grid = fig.add_gridspec(2, 3)
    prof = fig.add_subplot(grid[0, :2])
    prof.plot(x, seed, color="0.75", lw=0.8, label="seed (rough bump + noise)")
    prof.plot(x, u, color="k", lw=2.2, label=f"fixed point: bump, height {height:.6f}")
    theory = u0 * np.exp(-np.angle(np.exp(1j * (x - centre))) ** 2 / (4 * a * a))
    prof.plot(x, theory, color="tab:orange", ls=":", lw=2.0,
              label=f"theory u0 exp(-(x-z)²/4a²), u0 = {u0:.6f}")
    prof.set_xlabel("neuron position x (rad)")
    prof.set_ylabel("synaptic input u (model units)")
    prof.set_xlim(-np.pi, np.pi)
    prof.legend(loc="upper left", fontsize="small")
    prof.set_title(f"bump found by Newton from the noisy seed (residual {fps.residuals[0]:.1e}); "
                   f"height / theory − 1 = {height / u0 - 1:.1e}", fontsize=10)

    modes, twin = plot_modes(fps, 0, modes=(0, 1, 2), ax=fig.add_subplot(grid[1, :2]), positions=x,
                             xlabel="neuron position x (rad)")
    w0 = v0 / v0[np.argmax(np.abs(v0))]  # eigenvector 0 as plot_modes draws it
    twin.plot(x, du * (w0 @ du) / (du @ du), color="k", lw=4, alpha=0.3,
              label="du/dx (spectral derivative), least-squares scaled")
    lines = [a.get_legend_handles_labels() for a in (modes, twin)]
    modes.legend(lines[0][0] + lines[1][0], lines[0][1] + lines[1][1], loc="upper left", fontsize="small")
    modes.set_ylabel("synaptic input u (model units)")
    modes.set_xlim(-np.pi, np.pi)
    modes.set_title(f"translation mode: eigenvector 0 ∥ du/dx (cosine {cosine:.8f}); "
                    "the next modes change the bump's height and width", fontsize=10)

    full = fig.add_subplot(grid[0, 2])
    plot_spectrum(fps, ax=full, index=0)
    full.set_title(f"all {N} eigenvalues of the Jacobian", fontsize=10)
    zoom = fig.add_subplot(grid[1, 2])
    ranks = np.arange(N)
    zoom.semilogy(ranks[1:], -ev[1:].real, ".", color="tab:blue", ms=4, label="−Re λ, decaying modes")
    zoom.semilogy([0], [max(abs(ev[0]), 1e-18)], "D", mfc="none", mec="k", ms=8,
                  label=f"|λ0| = {abs(ev[0]):.1e} (translation)")
    zoom.set_xlabel("eigenvalue rank (by real part)")
    zoom.set_ylabel("|Re λ| (1 / τ)")
    zoom.set_xscale("symlog", linthresh=10)
    zoom.legend(loc="center right", fontsize="small")
    zoom.set_title("one neutral mode; every other decays", fontsize=10)
    fig.suptitle(f"CANN1D, N = {N} (k = {k:g}, a = {a:g}, J0 = {J0:g}, τ = {p['tau']:g}, no stimulus): "
                 "the bump, its spectrum and its translation mode", fontsize=11)
    fig.savefig(Path(out_dir) / "cann_spectrum.png", dpi=110)
    return (f"CANN1D N = {N}: bump height {height:.8f} (theory {u0:.8f}), zero eigenvalue {abs(ev[0]):.1e}, "
            f"translation mode cosine {cosine:.8f}, next eigenvalue {ev[1].real:.6f}")


if __name__ == "__main__":
    print(render(Path(".")))
