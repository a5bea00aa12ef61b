"""Numerics layer: the special-point registry, the status enum, the one options object."""
import json

import numpy as np
import pytest

from dynanalysis._numerics import points, spectra
from dynanalysis._numerics.roots import illinois, secant
from dynanalysis._numerics.status import ComputationFailed, Status, throw
from dynanalysis.continuation._engine import Options


def test_every_kind_is_declared_once_with_a_style_and_a_locator():
    assert set(points.REGISTRY) == {"LP", "BP", "H", "LPC", "PD", "NS", "BT", "CP", "GH", "ZH", "SNIC", "HOM"}
    assert points.chord_kinds() == ("LP", "BP", "H")
    for k in points.REGISTRY.values():
        assert k.locator in ("chord", "branch", "end") and k.dedup > 0 and k.style["marker"]
        assert (k.index is not None) == (k.locator == "chord")
    with pytest.raises(ValueError, match="declared twice"):
        points.declare(points.PointKind("LP", "fold", {"equilibrium": None}))
    with pytest.raises(ValueError, match=r"unknown special-point kind 'XX'; kinds are \['BP'"):
        points.kind("XX")
    with pytest.raises(ValueError, match="no host test function on periodic"):
        points.kind("BT").test("periodic")


def test_a_new_kind_is_one_declaration_and_its_test():
    from dynanalysis.plotting import special_style
    k = points.declare(points.PointKind("QQ", "test kind", {"periodic": lambda Z, O, ctx: Z[:, 0] - 1.0},
                                        marker="<", color="tab:red"))
    try:
        assert special_style("QQ") == ({"marker": "<", "color": "tab:red"}, "test kind (QQ)")
        assert k.at("periodic", np.array([3.0, 0.0]), {}, points.Context()) == 2.0
    finally:
        del points.REGISTRY["QQ"]


def test_cycle_tests_against_closed_forms():
    ctx = points.Context(n=3)
    # multipliers 1 (trivial), -0.9 and 0.5: det(M + I) = 2 * 0.1 * 1.5
    M = np.diag([1.0, -0.9, 0.5])[None]
    assert points.kind("PD").test("periodic")(None, {"monodromy": M}, ctx)[0] == pytest.approx(0.3, rel=1e-12)
    # a complex pair r e^{+-i phi}: NS test = r^2 - 1 (one pair among the non-trivial multipliers)
    r, phi = 1.1, 0.7
    R = np.array([[1.0, 0, 0], [0, r * np.cos(phi), -r * np.sin(phi)], [0, r * np.sin(phi), r * np.cos(phi)]])
    assert points.kind("NS").test("periodic")(None, {"monodromy": R[None]}, ctx)[0] == pytest.approx(r * r - 1, rel=1e-12)
    # Hopf curve: BT test = product of the pair whose sum is nearest zero (omega^2 here)
    J = np.array([[-0.0, -2.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, -3.0]])[None]
    assert points.kind("BT").test("hopf")(None, {"J": J}, ctx)[0] == pytest.approx(4.0, rel=1e-12)
    assert points.kind("ZH").test("hopf")(None, {"J": J}, ctx)[0] == pytest.approx(-12.0, rel=1e-12)


def test_regula_falsi_bookkeeping_finds_a_root_superlinearly():
    f = lambda x: x**3 - 2.0  # noqa: E731
    a, b, side = (0.0, f(0.0)), (2.0, f(2.0)), 0
    for it in range(40):
        m = float(secant(*a, *b))
        g = f(m)
        if abs(g) < 1e-15:
            break
        a, b, side = illinois(np.sign(g) == np.sign(a[1]), a, b, (m, g), side)
    assert m == pytest.approx(2.0 ** (1 / 3), abs=1e-14) and it < 15


def test_status_compares_as_its_value_and_throws_on_failure():
    assert Status.BOUNDS == "bounds" and Status.MAX_STEPS.ok and not Status.NO_CONVERGENCE.ok
    assert json.dumps({"status": Status.SPIKE}) == '{"status": "spike condition"}'
    throw(Status.CONVERGED, "fine")
    with pytest.raises(ComputationFailed, match="no convergence: corrector failed") as e:
        throw(Status.NO_CONVERGENCE, "corrector failed")
    assert e.value.status is Status.NO_CONVERGENCE


@pytest.mark.parametrize("kw, match", [
    ({"ds": "0.1"}, "ds must be a positive finite number"), ({"ds_min": 0.1, "ds": 0.01}, "ds_min <= ds"),
    ({"max_steps": 2.5}, "max_steps must be a positive integer"), ({"direction": 0}, "direction must be"),
    ({"max_angle": 200.0}, "max_angle must be in"), ({"tol": float("nan")}, "tol"),
])
def test_options_name_the_bad_argument(kw, match):
    with pytest.raises((ValueError, TypeError), match=match):
        Options(**kw)
    with pytest.raises(ValueError, match=r"unknown option\(s\) \['dss'\]"):
        Options.with_defaults({}, {"dss": 1})


def test_critical_pair_and_floquet_bookkeeping():
    ev = np.array([[-1.0 + 0j, 0.1 + 2j, 0.1 - 2j]])
    kappa, others = spectra.critical_pair(ev)
    assert kappa[0] == pytest.approx(0.01 + 4.0) and others.tolist() == [[True, False, False]]
    mu, trivial = spectra.floquet(np.diag([0.5, 1.0, -2.0]))
    assert mu.tolist() == [-2.0, 1.0, 0.5] and trivial == 1


def test_throw_turns_a_failed_status_into_an_exception():
    import dynanalysis as da
    import dynanalysis.continuation as ct
    from dynanalysis.models import FitzHughNagumo
    # a damped spiral, not a cycle: the result says so; throw=True raises with the same message
    lc = da.limit_cycle(FitzHughNagumo(I=0.0), {"V": -1.0, "w": 0.0}, 200.0)
    assert lc.status == "not found" and not lc.found
    with pytest.raises(ComputationFailed, match="not found: settled on an equilibrium"):
        da.limit_cycle(FitzHughNagumo(I=0.0), {"V": -1.0, "w": 0.0}, 200.0, throw=True)
    # a branch that ends by design does not raise
    b = ct.equilibria(FitzHughNagumo(), "I", bounds=(0.0, 0.1), start=None, throw=True)
    assert b.status == "bounds" and b.params["I"][-1] == pytest.approx(0.1, abs=1e-12)


def test_trajectory_says_how_it_ended():
    import dynanalysis as da
    from dynanalysis._simulation.integrate import SimulationWarning
    blow_up = da.ode(lambda x, a=1.0: a * x * x)  # x' = x^2 from x = 1 blows up at t = 1
    with pytest.warns(SimulationWarning, match="1 of 2"):
        tr = da.simulate(blow_up, {"x": np.array([1.0, -1.0])}, 2.0, dt=0.01)
    assert tr.status == "diverged" and tr.diverged.tolist() == [True, False]
    assert "1 of 2" in tr.message
