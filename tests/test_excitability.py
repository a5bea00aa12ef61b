"""f-I curves and excitability classes against closed forms, published parameter sets and
SciPy references."""
import json
import pathlib

import numpy as np
import pytest

import dynanalysis as da
from dynanalysis.models import LIF, HodgkinHuxley, MorrisLecar, PersistentSodiumPotassium

REF = json.loads((pathlib.Path(__file__).parents[1] / "benchmarks" / "references" / "cycles_reference.json").read_text())


def test_lif_f_i_curve_meets_its_closed_form():
    I = np.linspace(10.0, 60.0, 11)
    c = da.fI_curve(LIF(), "I", I, initial={"V": 0.0})
    tau, t_ref, V_rest, V_reset, V_th = 10.0, 5.0, 0.0, -5.0, 20.0  # LIF's documented defaults
    above = I > V_th - V_rest  # the rheobase
    T = tau * np.log((I[above] + V_rest - V_reset) / (I[above] + V_rest - V_th))
    np.testing.assert_allclose(c.frequency[above], 1000.0 / (T + t_ref), rtol=1e-6)  # Hz: t in ms
    assert np.all(c.frequency[~above] == 0) and c.unit == "Hz"
    assert np.array_equal(c.stable, above) and np.all(np.isnan(c.latency[~above]))


def test_class_1_snic_onset_with_square_root_frequency():
    I_star = 4.512867630296475  # the fold of the I-V curve (tests/test_global.py computes it with SciPy)
    e = da.excitability(PersistentSodiumPotassium(), "I", (0.0, 10.0))
    assert e.kind == 1 and e.onset.kind == "SNIC" and e.onset_frequency == 0.0
    assert abs(e.onset.params["I"] - I_star) < 1e-5 and abs(e.rheobase - I_star) < 1e-5 and e.bistable is None
    c = da.fI_curve(PersistentSodiumPotassium(), "I", np.linspace(3.0, 10.0, 8))
    (snic,) = [b for b in c.branches if np.any(b["stable"])]
    # f = 1 / T with T = C (I - I*)^e + T1 fitted on the approach (the spike's own duration T1
    # bends a plain log-log slope): e = -1/2, so f ~ (I - I*)^(1/2), within 2 %
    assert abs(e.onset.data["period_scaling"]["exponent"] + 0.5) < 0.01
    assert snic["frequency"][-1] < 0.1 * snic["frequency"].max()  # down towards zero at the onset
    # where both apply, the simulation sits on the stable branch
    fire = c.frequency > 0
    on_branch = np.interp(c.values[fire], snic["values"][::-1], snic["frequency"][::-1])
    np.testing.assert_allclose(c.frequency[fire], on_branch, rtol=1e-3)


def test_hodgkin_huxley_is_class_2_with_a_jump_at_the_fold_of_cycles():
    e = da.excitability(HodgkinHuxley(), "I", (0.0, 20.0))
    lpc = REF["hodgkin_huxley"]["LPC"]  # SciPy shooting (benchmarks/references/cycles_reference.py)
    assert e.kind == 2 and e.onset.kind == "LPC"
    assert abs(e.onset.params["I"] - lpc["I_LPC"]) < 1e-6
    assert abs(1000.0 / e.onset_frequency - lpc["T_LPC"]) < 1e-4  # the period it jumps to, ~19.9 ms
    assert e.rest_end.kind == "H" and abs(e.rheobase - 9.7754) < 1e-3  # the subcritical Hopf point
    assert e.bistable[0] == e.onset.params["I"] and e.bistable[1] == e.rheobase


@pytest.mark.parametrize("preset,kind,onset", [("snic", 1, "SNIC"), ("hopf", 2, "LPC")])
def test_morris_lecar_class_1_and_class_2_sets(preset, kind, onset):
    """Rinzel & Ermentrout (1989): the SNIC set is class 1 (onset at I ~ 40), the Hopf set class 2
    (a subcritical Hopf point near I = 94, firing from the fold of cycles below it)."""
    e = da.excitability(MorrisLecar(preset=preset), "I", (0.0, 150.0))
    assert e.kind == kind and e.onset.kind == onset
    if kind == 1:
        assert abs(e.onset.params["I"] - 39.963) < 1e-3 and e.bistable is None
    else:
        assert e.rest_end.kind == "H" and e.onset.params["I"] < e.rheobase and e.onset_frequency > 0


def test_f_i_and_excitability_bad_input():
    with pytest.raises(ValueError, match="hybrid"):
        da.excitability(LIF(), "I", (0.0, 50.0))
    with pytest.raises(ValueError, match="'J'"):
        da.fI_curve(LIF(), "J", [1.0, 2.0], initial={"V": 0.0})
    with pytest.raises(ValueError, match="1-D array of finite"):
        da.fI_curve(LIF(), "I", [[1.0, np.nan]], initial={"V": 0.0})
    with pytest.raises(ValueError, match="every variable"):
        da.fI_curve(LIF(), "I", [1.0, 2.0], initial={"W": 0.0})
    with pytest.raises(ValueError, match="reversed|bounds"):
        da.excitability(HodgkinHuxley(), "I", (20.0, 0.0))


def test_a_users_model_without_typical_ranges_needs_a_box():
    """FitzHugh-Nagumo written by hand (no declared ranges): the rest state loses stability at the
    subcritical Hopf point I = 0.331281337454746 (REFERENCE.md), and firing starts below it at
    the fold of cycles (class 2)."""
    fhn = da.ode(lambda V, w, I=0.0: (V - V**3 / 3 - w + I, (V + 0.7 - 0.8 * w) / 12.5), name="my FHN")
    with pytest.raises(ValueError, match="box="):
        da.excitability(fhn, "I", (0.0, 1.5))
    e = da.excitability(fhn, "I", (0.0, 1.5), box={"V": (-3, 3), "w": (-3, 3)})
    assert e.kind == 2 and e.onset.kind == "LPC" and e.rest_end.kind == "H"
    assert abs(e.rheobase - 0.331281337454746) < 1e-8 and e.onset.params["I"] < e.rheobase
    c = da.fI_curve(fhn, "I", [0.0, 0.5, 1.0], initial={"V": -1.2, "w": -0.6}, duration=2000.0)
    assert c.branches is None and c.unit == "1/time unit"  # no box, no ranges: the simulation only
    # FitzHugh-Nagumo's cycle at I = 0.5 has period 39.4744149802 (REFERENCE.md)
    assert abs(c.frequency[1] - 1 / 39.4744149802) < 1e-6 * c.frequency[1] * 100
