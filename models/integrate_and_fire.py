"""Integrate-and-fire family: hybrid models (continuous flow + threshold + reset + refractory time).

Each model is an ``ode(field, spike=..., reset=..., refractory=...)``: the flow holds between
spikes; ``spike(state, params)`` returns the threshold margin (a spike when it is > 0, so that
the crossing time is interpolated exactly), ``reset(state, params)`` returns only the variables
that jump.
"""
from dynanalysis import math, ode


def _above_threshold(s, p):
    return s["V"] - p["V_th"]


def _to_reset(s, p):
    return {"V": p["V_reset"]}


def _named_preset(factory, preset):
    if preset is None:
        return {}
    if preset not in factory.presets:
        raise ValueError(f"{factory.__name__}: unknown preset {preset!r}; "
                         f"presets are {list(factory.presets)}")
    return factory.presets[preset]


# --------------------------------------------------------------------------- LIF
def _lif(V, I=0.0, V_rest=0.0, V_reset=-5.0, V_th=20.0, R=1.0, tau=10.0, t_ref=5.0):
    return (-(V - V_rest) + R * I) / tau


def LIF(**params):
    r"""Leaky integrate-and-fire neuron.

    .. math::
        \tau \frac{dV}{dt} = -(V - V_{rest}) + R I, \qquad
        V > V_{th} \Rightarrow V \leftarrow V_{reset}, \text{ held for } t_{ref}

    Units: V in mV, t in ms, R I in mV (R = 1: I is in mV-equivalents).
    Defaults: V_rest = 0, V_reset = -5, V_th = 20, R = 1, tau = 10, t_ref = 5, I = 0.
    Closed forms for constant I above the rheobase :math:`I_\theta = (V_{th} - V_{rest})/R`:
    time from reset to threshold
    :math:`T = \tau \ln\frac{R I + V_{rest} - V_{reset}}{R I + V_{rest} - V_{th}}`,
    rate :math:`f = 1/(T + t_{ref})`.

    Source: Lapicque (1907); parameters of the BrainPy LIF model and Gerstner et al. (2014)
    Neuronal Dynamics, ch. 1.3.

    Example
    -------
    >>> import numpy as np
    >>> import dynanalysis as da
    >>> from dynanalysis.models import LIF
    >>> tr = da.simulate(LIF(I=30.0), {"V": -5.0}, 100.0, dt=0.01)
    >>> round(float(np.diff(tr.spike_times).mean()), 2)   # T + t_ref = 10 ln(35/10) + 5
    17.53
    """
    return _LIF.with_params(**params)


_LIF = ode(_lif, spike=_above_threshold, reset=_to_reset, refractory="t_ref", name="LIF",
           doc=LIF.__doc__, units={"V": "mV", "t": "ms", "V_rest": "mV", "V_reset": "mV",
                                   "V_th": "mV", "tau": "ms", "t_ref": "ms"})


# --------------------------------------------------------------------------- QIF
def _qif(V, I=0.0, V_rest=-65.0, V_reset=-68.0, V_th=-30.0, V_c=-50.0, a0=0.07, R=1.0,
         tau=10.0, t_ref=0.0):
    return (a0 * (V - V_rest) * (V - V_c) + R * I) / tau


def QIF(**params):
    r"""Quadratic integrate-and-fire neuron.

    .. math::
        \tau \frac{dV}{dt} = a_0 (V - V_{rest})(V - V_c) + R I, \qquad
        V > V_{th} \Rightarrow V \leftarrow V_{reset}, \text{ held for } t_{ref}

    Units: V in mV, t in ms, a0 in 1/mV, R I in mV.
    Defaults: V_rest = -65, V_reset = -68, V_th = -30, V_c = -50, a0 = 0.07, R = 1, tau = 10,
    t_ref = 0, I = 0.  Saddle-node of the flow at
    :math:`R I = a_0 (V_c - V_{rest})^2 / 4`.

    Source: Latham et al. (2000) J. Neurophysiol. 83:808; parameters of the BrainPy QIF model
    (Gerstner et al. 2014, Neuronal Dynamics, ch. 5.3).

    Example
    -------
    >>> from dynanalysis.models import QIF
    >>> round(float(QIF(I=5.0).vector_field({"V": -60.0})["V"]), 12)   # (0.07*5*(-10) + 5)/10
    0.15
    """
    return _QIF.with_params(**params)


_QIF = ode(_qif, spike=_above_threshold, reset=_to_reset, refractory="t_ref", name="QIF",
           doc=QIF.__doc__, units={"V": "mV", "t": "ms"})


# --------------------------------------------------------------------------- theta neuron
def _theta_neuron(theta, I=0.0, beta=0.0):
    return 1.0 - math.cos(theta) + (1.0 + math.cos(theta)) * (beta + I)


def _theta_crossed_pi(s, p):
    return s["theta"] - math.pi


def _wrap_theta(s, p):
    return {"theta": s["theta"] - 2.0 * math.pi}  # applied at the crossing, where theta = pi


def ThetaNeuron(**params):
    r"""Ermentrout–Kopell theta neuron (canonical type-I neuron on the circle).

    .. math::
        \frac{d\theta}{dt} = 1 - \cos\theta + (1 + \cos\theta)(\beta + I)

    A spike is :math:`\theta` crossing :math:`\pi`; the "reset"
    :math:`\theta \leftarrow \theta - 2\pi`
    is only the wrap of the circle back to :math:`[-\pi, \pi)`, not a voltage reset: the flow
    is smooth on the circle and the wrap changes no dynamics.
    Saddle-node on invariant circle at :math:`\beta + I = 0`; for :math:`\beta + I > 0` the
    period is :math:`\pi / \sqrt{\beta + I}`.

    Units: theta in rad, time dimensionless (model units).
    Defaults: beta = 0, I = 0 (exactly at the SNIC).

    Source: Ermentrout & Kopell (1986) SIAM J. Appl. Math. 46:233; Ermentrout (1996)
    Neural Comput. 8:979.

    Example
    -------
    >>> import dynanalysis as da
    >>> from dynanalysis.models import ThetaNeuron
    >>> tr = da.simulate(ThetaNeuron(I=0.25), {"theta": 0.0}, 40.0, dt=0.01)
    >>> [round(float(s), 2) for s in tr.spike_times[:2]]   # period pi / sqrt(0.25) = 2 pi
    [3.14, 9.42]
    """
    return _THETA.with_params(**params)


_THETA = ode(_theta_neuron, spike=_theta_crossed_pi, reset=_wrap_theta, name="ThetaNeuron",
             doc=ThetaNeuron.__doc__, units={"theta": "rad"})


# --------------------------------------------------------------------------- ExpIF
def _exp_if(V, I=0.0, V_rest=-65.0, V_reset=-68.0, V_th=-30.0, V_T=-59.9, delta_T=3.48,
            R=1.0, tau=10.0, t_ref=0.0):
    return (-(V - V_rest) + delta_T * math.exp((V - V_T) / delta_T) + R * I) / tau


def ExpIF(**params):
    r"""Exponential integrate-and-fire neuron.

    .. math::
        \tau \frac{dV}{dt} = -(V - V_{rest}) + \Delta_T e^{(V - V_T)/\Delta_T} + R I, \qquad
        V > V_{th} \Rightarrow V \leftarrow V_{reset}, \text{ held for } t_{ref}

    Units: V in mV, t in ms, R I in mV.
    Defaults: V_rest = -65, V_reset = -68, V_th = -30, V_T = -59.9, delta_T = 3.48, R = 1,
    tau = 10, t_ref = 0, I = 0.
    The upswing above V_T is explosive: an RK4 step that overshoots V_th can overflow, and
    ``simulate`` then takes the Euler step instead (the spike time stays within one step);
    ``method="exp_euler"`` is the classic alternative.

    Source: Fourcaud-Trocmé et al. (2003) J. Neurosci. 23:11628; parameters of the BrainPy
    ExpIF model (Gerstner et al. 2014, Neuronal Dynamics, ch. 5.2).

    Example
    -------
    >>> import dynanalysis as da
    >>> from dynanalysis.models import ExpIF
    >>> tr = da.simulate(ExpIF(I=10.0), {"V": -65.0}, 100.0, dt=0.01, method="exp_euler")
    >>> len(tr.spike_times) > 0
    True
    """
    return _EXPIF.with_params(**params)


_EXPIF = ode(_exp_if, spike=_above_threshold, reset=_to_reset, refractory="t_ref", name="ExpIF",
             doc=ExpIF.__doc__, units={"V": "mV", "t": "ms"})


# --------------------------------------------------------------------------- AdEx
def _adex(V, w, I=0.0, V_rest=-65.0, V_reset=-68.0, V_th=-30.0, V_T=-59.9, delta_T=3.48,
          a=1.0, b=1.0, R=1.0, tau_m=10.0, tau_w=30.0, t_ref=0.0):
    dV = (-(V - V_rest) + delta_T * math.exp((V - V_T) / delta_T) - R * w + R * I) / tau_m
    dw = (a * (V - V_rest) - w) / tau_w
    return dV, dw


def _adex_reset(s, p):
    return {"V": p["V_reset"], "w": s["w"] + p["b"]}


# Naud, Marcille, Clopath & Gerstner (2008) Table 1, as transcribed (see the AdEx docstring):
# C (pF), gL (nS), EL (mV), VT (mV), DeltaT (mV), a (nS), tau_w (ms), b (pA), Vr (mV), I (pA)
_NAUD_2008_TABLE_1 = {
    "tonic":                    (200, 10, -70, -50, 2, 2.0, 30.0, 0.0, -58, 500),
    "adapting":                 (200, 12, -70, -50, 2, 2.0, 300.0, 60.0, -58, 500),
    "initial_burst":            (130, 18, -58, -50, 2, 4.0, 150.0, 120.0, -50, 400),
    "regular_bursting":         (200, 10, -58, -50, 2, 2.0, 120.0, 100.0, -46, 210),
    "delayed_accelerating":     (200, 12, -70, -50, 2, -10.0, 300.0, 0.0, -58, 300),
    "delayed_regular_bursting": (200, 12, -70, -50, 2, -6.0, 300.0, 0.0, -58, 110),
    "transient":                (100, 10, -65, -50, 2, -10.0, 90.0, 30.0, -47, 350),
    "irregular":                (100, 12, -60, -50, 2, -11.0, 130.0, 30.0, -48, 160),
}
# The printed rows f and g do not fire in their patterns (no spike / tonic spiking); these are
# P. Müller's corrections, used by Brian2's example of the paper, which do.
_MULLER_CORRECTIONS = {
    "delayed_regular_bursting": (100, 10, -65, -50, 2, -10.0, 90.0, 30.0, -47, 110),
    "transient":                (100, 10, -65, -50, 2, 10.0, 90.0, 100.0, -47, 180),
}


def _from_naud(C, gL, EL, VT, DeltaT, a, tau_w, b, Vr, I):
    # C dV/dt = -gL (V - EL) + ... - w + I, divided by gL: tau_m = C/gL (ms), R = 1/gL (GOhm)
    return {"tau_m": C / gL, "R": 1.0 / gL, "V_rest": float(EL), "V_T": float(VT),
            "delta_T": float(DeltaT), "a": a, "tau_w": tau_w, "b": b, "V_reset": float(Vr),
            "I": float(I)}


def AdEx(preset=None, **params):
    r"""Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005).

    .. math::
        \tau_m \frac{dV}{dt} = -(V - V_{rest}) + \Delta_T e^{(V - V_T)/\Delta_T} - R w + R I

        \tau_w \frac{dw}{dt} = a (V - V_{rest}) - w

        V > V_{th} \Rightarrow V \leftarrow V_{reset},\; w \leftarrow w + b,
        \text{ held for } t_{ref}

    Defaults (course notes / BrainPy AdExIF): V_rest = -65, V_reset = -68, V_th = -30,
    V_T = -59.9, delta_T = 3.48, a = 1, b = 1, R = 1, tau_m = 10, tau_w = 30, t_ref = 0, I = 0.
    Units: V in mV, t in ms; with the presets below, w, b and I in pA, a in nS, R in GOhm
    (so R w and R I are in mV).

    ``AdEx(preset="tonic", **overrides)`` starts from one of the eight firing patterns of
    Naud, Marcille, Clopath & Gerstner (2008) Biol. Cybern. 99:335, Table 1 / Fig. 4, converted
    from the paper's
    :math:`C \dot V = -g_L (V - E_L) + g_L \Delta_T e^{(V - V_T)/\Delta_T} - w + I` by
    tau_m = C/gL, R = 1/gL, V_rest = EL, V_T = VT, delta_T = DeltaT, V_reset = Vr (a, tau_w, b
    and the step current I unchanged); V_th and t_ref keep their defaults.  ``AdEx.presets``
    holds the converted values.  The rows used (C pF, gL nS, EL mV, VT mV, DeltaT mV, a nS,
    tau_w ms, b pA, Vr mV, I pA):

    ==========================  ===  ==  ===  ===  ==  ===  ===  ===  ===  ===
    tonic (4a)                  200  10  -70  -50  2    2    30    0  -58  500
    adapting (4b)               200  12  -70  -50  2    2   300   60  -58  500
    initial_burst (4c)          130  18  -58  -50  2    4   150  120  -50  400
    regular_bursting (4d)       200  10  -58  -50  2    2   120  100  -46  210
    delayed_accelerating (4e)   200  12  -70  -50  2  -10   300    0  -58  300
    delayed_regular_bursting *  100  10  -65  -50  2  -10    90   30  -47  110
    transient *                 100  10  -65  -50  2   10    90  100  -47  180
    irregular (4h)              100  12  -60  -50  2  -11   130   30  -48  160
    ==========================  ===  ==  ===  ===  ==  ===  ===  ===  ===  ===

    Rows 4a-4e and 4h are Table 1 as transcribed identically by two public codes
    (ANNarchy's AdEx notebook, "as in the paper", and pycaputo's ``integrate_fire/ad_ex.py``,
    "from [Naud2008] Table 1"); the paper itself was not available to check against.  Their
    transcription of the two starred rows, 4f delayed regular bursting (200, 12, -70, -50, 2,
    -6, 300, 0, -58, 110) and 4g transient (100, 10, -65, -50, 2, -10, 90, 30, -47, 350),
    does not produce those patterns (simulated: no spike in 500 ms, and sustained spiking);
    the starred rows are P. Müller's corrections used by Brian2's example of the paper
    (``examples/frompapers/Naud_et_al_2008_adex_firing_patterns.py``), which do.
    V_th stays at -30 mV (those codes cut the upswing at 0 mV; above V_T + 10 delta_T the
    exponential makes the difference negligible).
    The exponential upswing makes an RK4 step that crosses V_th overshoot by orders of magnitude;
    ``simulate`` replaces a step that overflows by its Euler step, so RK4 and
    ``method="exp_euler"`` give the same spike counts for every preset at dt = 0.02 ms.

    Source: Brette & Gerstner (2005) J. Neurophysiol. 94:3637; Naud et al. (2008) Table 1.

    Example
    -------
    >>> import numpy as np
    >>> import dynanalysis as da
    >>> from dynanalysis.models import AdEx
    >>> tr = da.simulate(AdEx(preset="adapting"), {"V": -70.0, "w": 0.0}, 300.0, dt=0.02,
    ...                  method="exp_euler")
    >>> isi = np.diff(tr.spike_times)
    >>> bool(isi[-1] > 2 * isi[0])   # spike-frequency adaptation
    True
    """
    return _ADEX.with_params(**{**_named_preset(AdEx, preset), **params})


AdEx.presets = {name: _from_naud(*_MULLER_CORRECTIONS.get(name, row))
                for name, row in _NAUD_2008_TABLE_1.items()}

_ADEX = ode(_adex, spike=_above_threshold, reset=_adex_reset, refractory="t_ref", name="AdEx",
            doc=AdEx.__doc__, units={"V": "mV", "t": "ms"}, meta={"presets": AdEx.presets})


# --------------------------------------------------------------------------- Izhikevich
def _izhikevich(V, u, I=10.0, a=0.02, b=0.2, c=-65.0, d=8.0):
    dV = 0.04 * V * V + 5.0 * V + 140.0 - u + I
    du = a * (b * V - u)
    return dV, du


def _izhikevich_spike(s, p):
    return s["V"] - 30.0  # V >= 30 up to the measure-zero case V == 30


def _izhikevich_reset(s, p):
    return {"V": p["c"], "u": s["u"] + p["d"]}


def Izhikevich(preset=None, **params):
    r"""Izhikevich (2003) simple model.

    .. math::
        \frac{dV}{dt} = 0.04 V^2 + 5 V + 140 - u + I, \qquad \frac{du}{dt} = a (b V - u)

        V \ge 30 \Rightarrow V \leftarrow c,\; u \leftarrow u + d

    Units: V in mV, t in ms (the coefficients 0.04, 5, 140 fix these units).
    Defaults: regular spiking (a, b, c, d) = (0.02, 0.2, -65, 8), I = 10.
    Presets (``Izhikevich(preset=name, **overrides)``, values in ``Izhikevich.presets``) from
    Izhikevich (2003) Fig. 2: regular_spiking (0.02, 0.2, -65, 8), intrinsically_bursting
    (0.02, 0.2, -55, 4), chattering (0.02, 0.2, -50, 2), fast_spiking (0.1, 0.2, -65, 2).

    Source: Izhikevich (2003) IEEE Trans. Neural Netw. 14:1569.

    Example
    -------
    >>> import dynanalysis as da
    >>> from dynanalysis.models import Izhikevich
    >>> tr = da.simulate(Izhikevich(preset="fast_spiking"), {"V": -65.0, "u": -13.0}, 200.0,
    ...                  dt=0.01)
    >>> len(tr.spike_times) > 5
    True
    """
    return _IZHIKEVICH.with_params(**{**_named_preset(Izhikevich, preset), **params})


Izhikevich.presets = {
    "regular_spiking": {"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0},
    "intrinsically_bursting": {"a": 0.02, "b": 0.2, "c": -55.0, "d": 4.0},
    "chattering": {"a": 0.02, "b": 0.2, "c": -50.0, "d": 2.0},
    "fast_spiking": {"a": 0.1, "b": 0.2, "c": -65.0, "d": 2.0},
}

_IZHIKEVICH = ode(_izhikevich, spike=_izhikevich_spike, reset=_izhikevich_reset,
                  name="Izhikevich", doc=Izhikevich.__doc__, units={"V": "mV", "t": "ms"},
                  meta={"presets": Izhikevich.presets})


# --------------------------------------------------------------------------- GIF
def _gif(V, Theta, I1, I2, I=0.0, V_rest=-70.0, V_reset=-70.0, Theta_inf=-50.0,
         Theta_reset=-60.0, R=20.0, tau=20.0, a=0.0, b=0.01, k1=0.2, k2=0.02, R1=0.0, R2=1.0,
         A1=0.0, A2=0.0):
    dV = (-(V - V_rest) + R * (I1 + I2 + I)) / tau
    dTheta = a * (V - V_rest) - b * (Theta - Theta_inf)
    return dV, dTheta, -k1 * I1, -k2 * I2


def _gif_spike(s, p):
    return s["V"] - s["Theta"]


def _gif_reset(s, p):
    return {"V": p["V_reset"], "Theta": math.maximum(p["Theta_reset"], s["Theta"]),
            "I1": p["R1"] * s["I1"] + p["A1"], "I2": p["R2"] * s["I2"] + p["A2"]}


def GIF(**params):
    r"""Generalized (linear) integrate-and-fire neuron of Mihalaş & Niebur (2009).

    .. math::
        \tau \frac{dV}{dt} = -(V - V_{rest}) + R (I_1 + I_2 + I)

        \frac{d\Theta}{dt} = a (V - V_{rest}) - b (\Theta - \Theta_\infty), \qquad
        \frac{dI_j}{dt} = -k_j I_j

        V > \Theta \Rightarrow I_j \leftarrow R_j I_j + A_j,\; V \leftarrow V_{reset},\;
        \Theta \leftarrow \max(\Theta_{reset}, \Theta)

    Units: V, Theta in mV; t in ms; R in MOhm and currents in nA (R I in mV); a, b, k_j in 1/ms.
    Defaults are those of BrainPy's GIF (``brainpy.dyn.GIF``, which implements Mihalaş &
    Niebur 2009): V_rest = -70, V_reset = -70, Theta_inf = -50, Theta_reset = -60, R = 20,
    tau = 20, a = 0, b = 0.01, k1 = 0.2, k2 = 0.02, R1 = 0, R2 = 1, A1 = 0, A2 = 0, and I = 0
    (in SI units b = 10/s, k1 = 200/s, k2 = 20/s).  With them, I = 1.5 gives the paper's first
    pattern, tonic spiking (as in BrainPy's Niebur_2009_GIF example); the other patterns change
    a, A1, A2 and the input.

    Source: Mihalaş & Niebur (2009) Neural Comput. 21:704; BrainPy ``brainpy.dyn.GIF``.

    Example
    -------
    >>> import dynanalysis as da
    >>> from dynanalysis.models import GIF
    >>> tr = da.simulate(GIF(I=1.5), {"V": -70.0, "Theta": -50.0, "I1": 0.0, "I2": 0.0},
    ...                  200.0, dt=0.01)
    >>> len(tr.spike_times) > 0    # R I = 30 mV > Theta_inf - V_rest = 20 mV
    True
    """
    return _GIF.with_params(**params)


_GIF = ode(_gif, spike=_gif_spike, reset=_gif_reset, name="GIF", doc=GIF.__doc__,
           units={"V": "mV", "Theta": "mV", "I1": "nA", "I2": "nA", "t": "ms", "I": "nA"})
