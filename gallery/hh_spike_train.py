"""Hodgkin–Huxley: a spike train at I = 10 µA/cm² with its gating variables."""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import dynanalysis as da
from dynanalysis.models import HodgkinHuxley


def render(out_dir: Path) -> str:
    model = HodgkinHuxley(I=10.0)
    tr = da.simulate(model, {"V": -65.0, "m": 0.053, "h": 0.596, "n": 0.318}, 100.0, dt=0.01)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 5), sharex=True,
                                      gridspec_kw={"height_ratios": [2, 1]})
    tr.plot(ax=top, variables=["V"], color="k", lw=1)
    top.set_title("Hodgkin–Huxley, I = 10 µA/cm²")
    top.set_xlabel("")
    for name, colour in zip("mhn", ("tab:red", "tab:green", "tab:blue")):
        bottom.plot(tr.t, tr[name], color=colour, label=name)
    bottom.set_ylabel("gating variable")
    bottom.set_xlabel("t (ms)")
    bottom.legend(ncol=3, loc="upper right")
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "hh_spike_train.png", dpi=120)
    v = tr["V"]
    n_spikes = int(np.sum((v[:-1] < 0) & (v[1:] >= 0)))
    return f"HH at I = 10: {n_spikes} spikes in 100 ms, V peak {v.max():.1f} mV"


if __name__ == "__main__":
    print(render(Path(".")))
