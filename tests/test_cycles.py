"""limit_cycle and detect: failures are reported in the result, quietly."""
import warnings

import numpy as np
import pytest

import dynanalysis as da
from dynanalysis import _cycles as cycles


@pytest.mark.parametrize("model,initial,duration", [
    (da.ode(lambda x, c=1.0: c * x**2, name="blowup"), {"x": 1.0}, 10.0),  # x = 1/(1 - t)
    # unstable focus with growth rate 1: |x| ~ exp(t) overflows float64 near t = 710
    (da.ode(lambda x, y: (x - y, x + y), name="spiral_out"), {"x": 1.0, "y": 0.0}, 1000.0),
])
def test_diverged_run_is_not_found_and_warns_nothing(model, initial, duration):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lc = da.limit_cycle(model, initial, duration)
    assert not lc.found and "diverged" in lc.reason


def test_blowup_time_is_reported():
    # x' = x^2 from 1 is infinite at t = 1: the reason names the first non-finite record
    lc = da.limit_cycle(da.ode(lambda x, c=1.0: c * x**2, name="blowup"), {"x": 1.0}, 10.0)
    t_bad = float(lc.reason.split("t = ")[1].split()[0])
    assert 1.0 <= t_bad < 1.01


def test_detect_reports_a_diverged_member_of_a_batch_quietly():
    # one good sine (period 2 pi) and one member with an infinite value
    t = np.linspace(0, 20 * np.pi, 4001)
    good = np.sin(t)
    bad = good.copy()
    bad[3000] = np.inf
    xs = np.stack([good, bad])[..., None]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        period, _, _, status, reason = cycles.detect(t, xs, 0, 0.0)
    assert period[0] == pytest.approx(2 * np.pi, rel=1e-4) and np.isnan(period[1])
    assert "diverged" in reason[1] and reason[0] == ""
    assert status.tolist() == ["converged", "diverged"]


def test_detect_handles_a_shorter_last_interval():
    # simulate() ends exactly at the duration, so the last record interval can be shorter; a
    # crossing inside it must be interpolated on its own length.  sin(t - 0.01) crosses 0 upwards
    # at 0.01 + 2 pi k; the last crossing (k = 3, t = 18.8596) falls in the last interval
    # [18.8, 18.86], 0.06 long against 0.1 for the others
    t = np.append(np.arange(0.0, 18.85, 0.1), 18.86)
    assert t[-2] == pytest.approx(18.8)
    xs = np.sin(t - 0.01)[None, :, None]
    period, _, _, _, _ = cycles.detect(t, xs, 0, 0.0)
    # the level (the mean, ~1e-6 here) sits where sin is straight (x'' = -x ~ 0), so linear
    # interpolation is exact to ~1e-6 in time; the 0.1 spacing in the last interval was 0.04 off
    assert period[0] == pytest.approx(2 * np.pi, rel=1e-5)


def test_too_few_records_after_the_transient_is_a_reason_not_a_crash():
    lc = da.limit_cycle(da.ode(lambda x, y: (-y, x), name="rotation"), {"x": 1.0, "y": 0.0},
                        1.0, dt=0.4)
    assert not lc.found and "records after the transient" in lc.reason


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(duration="100"), TypeError, "duration"),
    (dict(transient="10"), TypeError, "transient"),
    (dict(transient=-1.0), ValueError, "transient"),
    (dict(transient=200.0), ValueError, "transient"),
    (dict(dt="0.01"), TypeError, "dt"),
    (dict(steps=0), ValueError, "steps"),
])
def test_bad_numbers_name_the_argument(kwargs, exc, match):
    args = dict(duration=100.0)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        da.limit_cycle(da.ode(lambda x, y: (-y, x), name="rotation"), {"x": 1.0, "y": 0.0},
                       args.pop("duration"), **args)
