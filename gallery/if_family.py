"""Integrate-and-fire family: LIF, QIF, ExpIF, GIF and theta neuron under a step current."""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import GIF, LIF, QIF, ExpIF, ThetaNeuron

DT = 0.01
STEP_COLOUR = "#fff1c9"


def step_input(duration, on, off, amplitudes):
    """The step current on the simulation's step grid (one row per amplitude)."""
    t = DT * np.arange(int(round(duration / DT)))
    return np.asarray(amplitudes, float)[..., None] * ((t >= on) & (t < off))


def spike_stems(ax, tr, v, spikes, top):
    """Vertical line at each spike time from the last recorded V before it up to ``top``
    (V is reset at the crossing, so the recorded trace never shows the spike itself)."""
    before = np.clip(np.searchsorted(tr.t, spikes) - 1, 0, len(tr.t) - 1)
    return ax.vlines(spikes, v[before], top, color="k", lw=0.8)


def isi_rate(spikes, window=(-np.inf, np.inf), unit=1000.0):
    """Rate from the mean inter-spike interval of the spikes inside ``window`` (Hz for ms)."""
    spikes = spikes[(spikes >= window[0]) & (spikes < window[1])]
    return unit / np.mean(np.diff(spikes)) if len(spikes) > 1 else 0.0


def threshold_and_reset(ax, v_th, v_reset):
    a = ax.axhline(v_th, color="tab:red", ls="--", lw=1)
    b = ax.axhline(v_reset, color="tab:blue", ls=":", lw=1.2)
    return a, b


def render(out_dir: Path) -> str:
    T, ON, OFF = 200.0, 20.0, 180.0  # ms
    fig, axes = plt.subplots(3, 2, figsize=(11, 10))
    (ax_lif, ax_fi), (ax_qif, ax_exp), (ax_gif, ax_theta) = axes
    for ax in (ax_lif, ax_qif, ax_exp, ax_gif):
        ax.axvspan(ON, OFF, color=STEP_COLOUR, zorder=0)

    # ---- LIF: the shown trace (I = 30) and an f-I sweep, in one batched run
    lif = LIF()
    p = lif.parameters
    i_show = 30.0
    amps = np.r_[i_show, np.linspace(0.0, 60.0, 41)]
    tr = da.simulate(lif, {"V": p["V_rest"]}, T, dt=DT, inputs={"I": step_input(T, ON, OFF, amps)})
    v = tr["V"][0]
    tr.plot(ax=ax_lif, variables=["V"], member=0, color="k", lw=1)
    spike_stems(ax_lif, tr, v, tr.spike_times[0], p["V_th"] + 12)
    th, rs = threshold_and_reset(ax_lif, p["V_th"], p["V_reset"])

    def lif_rate(i):  # closed form (LIF docstring), Hz
        i = np.asarray(i, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            per = p["tau"] * np.log((p["R"] * i + p["V_rest"] - p["V_reset"])
                                    / (p["R"] * i + p["V_rest"] - p["V_th"]))
        return np.where(p["R"] * i + p["V_rest"] > p["V_th"], 1000.0 / (per + p["t_ref"]), 0.0)

    f_theory, f_measured = float(lif_rate(i_show)), isi_rate(tr.spike_times[0], (ON, OFF))
    ax_lif.set_title(f"LIF, step I = {i_show:g} (R I in mV), V_th = {p['V_th']:g}, V_reset = "
                     f"{p['V_reset']:g} mV, t_ref = {p['t_ref']:g} ms\nrate: measured "
                     f"{f_measured:.2f} Hz, closed form 1/(T + t_ref) = {f_theory:.2f} Hz",
                     fontsize=10)

    fine = np.linspace(0.0, 60.0, 600)
    ax_fi.plot(fine, lif_rate(fine), color="tab:gray", lw=2, label="closed form 1/(T + t_ref)")
    sweep = [isi_rate(s, (ON, OFF)) for s in tr.spike_times[1:]]
    ax_fi.plot(amps[1:], sweep, "o", color="k", ms=4, mfc="white", label="simulated (mean ISI)")
    ax_fi.axvline((p["V_th"] - p["V_rest"]) / p["R"], color="tab:red", ls="--", lw=1,
                  label="rheobase (V_th - V_rest)/R")
    ax_fi.set_xlabel("step current I (mV-equivalent, R = 1)")
    ax_fi.set_ylabel("firing rate (Hz)")
    ax_fi.set_title("LIF f–I curve: simulation vs closed form", fontsize=10)
    ax_fi.legend(loc="upper left", fontsize="small")
    err = np.nanmax(np.abs(np.array(sweep) - lif_rate(amps[1:])))

    # ---- QIF and ExpIF: the same V_th/V_reset, spikes cut at V_th
    panels = {}
    for ax, model, amp, method, what in (
            (ax_qif, QIF(), 8.0, "rk4", "QIF"),
            (ax_exp, ExpIF(), 10.0, "exp_euler", "ExpIF")):
        q = model.parameters
        r = da.simulate(model, {"V": q["V_rest"]}, T, dt=DT, method=method,
                        inputs={"I": step_input(T, ON, OFF, amp)})
        r.plot(ax=ax, variables=["V"], color="k", lw=1)
        spike_stems(ax, r, r["V"], r.spike_times, q["V_th"] + 15)
        th, rs = threshold_and_reset(ax, q["V_th"], q["V_reset"])
        panels[what] = isi_rate(r.spike_times, (ON, OFF))
        inside = int(np.sum((r.spike_times >= ON) & (r.spike_times < OFF)))
        ax.set_title(f"{what}, step I = {amp:g} (R I in mV), V_th = {q['V_th']:g}, V_reset = "
                     f"{q['V_reset']:g} mV\n{inside} spikes during the step, rate "
                     f"{panels[what]:.1f} Hz (mean ISI)", fontsize=10)

    # ---- GIF: the threshold Theta is itself a variable
    gif = GIF()
    g = gif.parameters
    amp = 1.5
    r = da.simulate(gif, {"V": g["V_rest"], "Theta": g["Theta_inf"], "I1": 0.0, "I2": 0.0}, T,
                    dt=DT, inputs={"I": step_input(T, ON, OFF, amp)})
    r.plot(ax=ax_gif, variables=["V"], color="k", lw=1)
    spike_stems(ax_gif, r, r["V"], r.spike_times, g["Theta_inf"] + 15)
    (theta_line,) = ax_gif.plot(r.t, r["Theta"], color="tab:red", ls="--", lw=1)
    rs = ax_gif.axhline(g["V_reset"], color="tab:blue", ls=":", lw=1.2)
    ax_gif.set_ylabel("V, Θ (mV)")
    panels["GIF"] = isi_rate(r.spike_times, (ON, OFF))
    ax_gif.set_title(f"GIF (Mihalaş–Niebur, tonic), step I = {amp:g} nA, R = {g['R']:g} MΩ\n"
                     f"threshold Θ(t) (here constant, a = 0), V_reset = {g['V_reset']:g} mV: "
                     f"{panels['GIF']:.1f} Hz", fontsize=10)

    # ---- theta neuron: dimensionless time, excitable (beta < 0) until the step
    beta, amp, t_theta = -0.1, 0.35, 60.0
    theta_model = ThetaNeuron(beta=beta)
    rest = -np.arccos((1.0 + beta) / (1.0 - beta))  # the stable node for I = 0
    r = da.simulate(theta_model, {"theta": rest}, t_theta, dt=DT,
                    inputs={"I": step_input(t_theta, 5.0, 55.0, amp)})
    ax_theta.axvspan(5.0, 55.0, color=STEP_COLOUR, zorder=0)
    r.plot(ax=ax_theta, variables=["theta"], color="k", lw=1)
    th = ax_theta.axhline(np.pi, color="tab:red", ls="--", lw=1)
    rs = ax_theta.axhline(-np.pi, color="tab:blue", ls=":", lw=1.2)
    ax_theta.set_xlabel("t (model time units)")
    ax_theta.set_yticks([-np.pi, 0, np.pi], ["-π", "0", "π"])
    period = np.mean(np.diff(r.spike_times))
    ax_theta.set_title(f"theta neuron, β = {beta:g}, step I = {amp:g}\nperiod {period:.3f}, "
                       f"theory π/√(β + I) = "
                       f"{np.pi / np.sqrt(beta + amp):.3f}", fontsize=10)

    for ax in (ax_lif, ax_qif, ax_exp, ax_gif):
        ax.set_xlabel("t (ms)")
    from matplotlib.patches import Patch
    fig.legend([ax_lif.lines[0], th, rs, Patch(color=STEP_COLOUR), ax_lif.collections[-1]],
               ["V (θ for the theta neuron)", "threshold (V_th, Θ, θ = π)",
                "reset value (V_reset; θ wraps to -π)", "step current on",
                "spike (drawn: V is reset at the threshold)"],
               loc="lower center", ncol=3, fontsize="small")
    fig.suptitle("Integrate-and-fire family: responses to a current step", fontsize=12)
    fig.tight_layout(rect=(0, 0.055, 1, 1))
    fig.savefig(Path(out_dir) / "if_family.png", dpi=120)
    return (f"IF family: LIF {f_measured:.2f} Hz vs closed form {f_theory:.2f} Hz (f-I max error "
            f"{err:.2g} Hz over 41 currents), QIF {panels['QIF']:.1f} Hz, ExpIF "
            f"{panels['ExpIF']:.1f} Hz, GIF {panels['GIF']:.1f} Hz, theta period {period:.3f}")


if __name__ == "__main__":
    print(render(Path(".")))
