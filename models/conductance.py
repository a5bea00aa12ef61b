"""Conductance-based models."""
from dynanalysis import math, ode


def _hodgkin_huxley(V, m, h, n, I=0.0, C=1.0, gNa=120.0, gK=36.0, gL=0.3,
                    ENa=50.0, EK=-77.0, EL=-54.387):
    # alpha_m and alpha_n have removable 0/0 singularities at V = -40 and V = -55 mV:
    # x / (1 - exp(-x)) = 1 / exprel(-x) is finite with the right derivative there.
    alpha_m = 1.0 / math.exprel(-(V + 40.0) / 10.0)
    beta_m = 4.0 * math.exp(-(V + 65.0) / 18.0)
    alpha_h = 0.07 * math.exp(-(V + 65.0) / 20.0)
    beta_h = 1.0 / (1.0 + math.exp(-(V + 35.0) / 10.0))
    alpha_n = 0.1 / math.exprel(-(V + 55.0) / 10.0)
    beta_n = 0.125 * math.exp(-(V + 65.0) / 80.0)
    I_Na = gNa * m**3 * h * (V - ENa)
    I_K = gK * n**4 * (V - EK)
    I_L = gL * (V - EL)
    dV = (-I_Na - I_K - I_L + I) / C
    dm = alpha_m * (1.0 - m) - beta_m * m
    dh = alpha_h * (1.0 - h) - beta_h * h
    dn = alpha_n * (1.0 - n) - beta_n * n
    return dV, dm, dh, dn


def HodgkinHuxley(**params):
    r"""Hodgkin–Huxley (1952) squid giant axon, modern voltage convention (rest near -65 mV).

    .. math::
        C \frac{dV}{dt} = -g_{Na} m^3 h (V - E_{Na}) - g_K n^4 (V - E_K) - g_L (V - E_L) + I

        \frac{dx}{dt} = \alpha_x(V) (1 - x) - \beta_x(V) x, \quad x \in \{m, h, n\}

    with :math:`\alpha_m = 0.1 (V+40) / (1 - e^{-(V+40)/10})`, :math:`\beta_m = 4 e^{-(V+65)/18}`,
    :math:`\alpha_h = 0.07 e^{-(V+65)/20}`, :math:`\beta_h = 1 / (1 + e^{-(V+35)/10})`,
    :math:`\alpha_n = 0.01 (V+55) / (1 - e^{-(V+55)/10})`, :math:`\beta_n = 0.125 e^{-(V+65)/80}`.
    The removable singularities of :math:`\alpha_m` (V = -40) and :math:`\alpha_n` (V = -55) are
    evaluated exactly (value and derivative).

    Units: V in mV, t in ms, I in µA/cm², conductances in mS/cm², C in µF/cm².
    Defaults: C = 1, gNa = 120, gK = 36, gL = 0.3, ENa = 50, EK = -77, EL = -54.387, I = 0.

    Source: Hodgkin & Huxley (1952) J. Physiol. 117:500; bifurcations: Rinzel & Miller (1980)
    Math. Biosci. 49:27 (subcritical Hopf near I = 9.78, fold of cycles near 6.26, second Hopf
    near 154.5); Guckenheimer & Labouriau (1993) Bull. Math. Biol. 55:937.

    Example
    -------
    >>> import dynanalysis as da
    >>> from dynanalysis.models import HodgkinHuxley
    >>> tr = da.simulate(HodgkinHuxley(I=10.0), {"V": -65.0, "m": 0.05, "h": 0.6, "n": 0.32},
    ...                  100.0, dt=0.01)
    >>> bool(tr.states["V"].max() > 20)   # it spikes
    True
    """
    return _HH.with_params(**params)


_HH = ode(_hodgkin_huxley, name="HodgkinHuxley", doc=HodgkinHuxley.__doc__,
          units={"V": "mV", "m": "", "h": "", "n": "", "t": "ms", "I": "µA/cm²"},
          ranges={"V": (-90.0, 60.0), "m": (0.0, 1.0), "h": (0.0, 1.0), "n": (0.0, 1.0)})


def _persistent_sodium_potassium(V, n, I=0.0, C=1.0, gL=8.0, EL=-80.0, gNa=20.0, ENa=60.0, gK=10.0, EK=-90.0,
                                 Vm=-20.0, km=15.0, Vn=-25.0, kn=5.0, tau=1.0):
    m_inf = 1.0 / (1.0 + math.exp((Vm - V) / km))
    n_inf = 1.0 / (1.0 + math.exp((Vn - V) / kn))
    dV = (I - gL * (V - EL) - gNa * m_inf * (V - ENa) - gK * n * (V - EK)) / C
    return dV, (n_inf - n) / tau


def PersistentSodiumPotassium(**params):
    r"""The :math:`I_{Na,p} + I_K` model (Izhikevich 2007): an instantaneous persistent sodium
    current and a delayed-rectifier potassium current.

    .. math::
        C \frac{dV}{dt} = I - g_L (V - E_L) - g_{Na} m_\infty(V) (V - E_{Na}) - g_K n (V - E_K),
        \qquad \tau \frac{dn}{dt} = n_\infty(V) - n

    with :math:`x_\infty(V) = 1 / (1 + e^{(V_{1/2} - V)/k})`.

    Units: V in mV, t in ms, I in µA/cm² (C in µF/cm², conductances in mS/cm²).
    Defaults (Izhikevich's high-threshold K set, his Fig. 4.1): C = 1, gL = 8, EL = -80,
    gNa = 20, ENa = 60, gK = 10, EK = -90, m: V1/2 = -20, k = 15; n: V1/2 = -25, k = 5,
    tau = 1 ms, I = 0.
    Exact facts: the equilibria are the roots of the steady-state I-V relation
    :math:`I = g_L (V - E_L) + g_{Na} m_\infty (V - E_{Na}) + g_K n_\infty (V - E_K)`; the
    resting state disappears in a saddle-node on an invariant circle (SNIC, class-1
    excitability) at its local maximum, I = 4.5128676 (V = -60.93 mV).

    Source: Izhikevich (2007) *Dynamical Systems in Neuroscience*, MIT Press, sec. 4.1.1 and
    ch. 6 (the SNIC at I = 4.51).

    Example
    -------
    >>> import dynanalysis as da
    >>> from dynanalysis.models import PersistentSodiumPotassium
    >>> fps = da.fixed_points(PersistentSodiumPotassium(I=0.0), {"V": (-90.0, 20.0), "n": (0.0, 1.0)})
    >>> list(fps.labels)   # the rest state, the saddle that will meet it at I = 4.51, and a focus
    ['stable node', 'saddle', 'unstable focus']
    """
    return _INAPK.with_params(**params)


_INAPK = ode(_persistent_sodium_potassium, name="PersistentSodiumPotassium", doc=PersistentSodiumPotassium.__doc__,
             units={"V": "mV", "n": "", "t": "ms", "I": "µA/cm²"},
             ranges={"V": (-90.0, 30.0), "n": (0.0, 1.0)})


def _morris_lecar(V, w, I=0.0, C=20.0, gCa=4.4, gK=8.0, gL=2.0, VCa=120.0, VK=-84.0, VL=-60.0,
                  V1=-1.2, V2=18.0, V3=2.0, V4=30.0, phi=0.04):
    m_inf = 0.5 * (1.0 + math.tanh((V - V1) / V2))
    w_inf = 0.5 * (1.0 + math.tanh((V - V3) / V4))
    tau_w = 1.0 / math.cosh((V - V3) / (2.0 * V4))
    dV = (I - gL * (V - VL) - gCa * m_inf * (V - VCa) - gK * w * (V - VK)) / C
    return dV, phi * (w_inf - w) / tau_w


def MorrisLecar(preset=None, **params):
    r"""Morris–Lecar model of the barnacle muscle fibre, in the reduced form of Rinzel and
    Ermentrout (instantaneous calcium activation).

    .. math::
        C \frac{dV}{dt} = I - g_L (V - V_L) - g_{Ca} m_\infty(V) (V - V_{Ca}) - g_K w (V - V_K),
        \qquad \frac{dw}{dt} = \phi \frac{w_\infty(V) - w}{\tau_w(V)}

    with :math:`m_\infty = (1 + \tanh((V - V_1)/V_2))/2`,
    :math:`w_\infty = (1 + \tanh((V - V_3)/V_4))/2`, :math:`\tau_w = 1/\cosh((V - V_3)/(2 V_4))`.

    Units: V in mV, t in ms, I in µA/cm² (C in µF/cm², conductances in mS/cm²).
    Defaults: the Hopf set (class-2 excitability): C = 20, gCa = 4.4, gK = 8, gL = 2,
    VCa = 120, VK = -84, VL = -60, V1 = -1.2, V2 = 18, V3 = 2, V4 = 30, phi = 0.04, I = 0.
    Presets (``MorrisLecar(preset=name, **overrides)``, values in ``MorrisLecar.presets``):
    "hopf" (the defaults) and "snic" (class 1: V3 = 12, V4 = 17.4, gCa = 4, phi = 1/15; the
    rest state disappears in a saddle-node on an invariant circle near I = 40).

    Source: Morris & Lecar (1981) Biophys. J. 35:193; parameter sets of Rinzel & Ermentrout
    (1989) in *Methods in Neuronal Modeling* (Koch & Segev, eds.), and Ermentrout & Terman (2010)
    *Mathematical Foundations of Neuroscience*, sec. 3.1 and table 3.1.

    Example
    -------
    >>> import dynanalysis as da
    >>> from dynanalysis.models import MorrisLecar
    >>> box = {"V": (-80.0, 60.0), "w": (0.0, 1.0)}
    >>> list(da.fixed_points(MorrisLecar(), box).labels)   # Hopf set at I = 0: one rest state
    ['stable focus']
    >>> list(da.fixed_points(MorrisLecar(preset="snic", I=30.0), box).labels)   # SNIC set
    ['stable node', 'saddle', 'unstable focus']
    """
    if preset is not None and preset not in MorrisLecar.presets:
        raise ValueError(f"MorrisLecar: unknown preset {preset!r}; presets are {list(MorrisLecar.presets)}")
    return _ML.with_params(**{**MorrisLecar.presets.get(preset, {}), **params})


MorrisLecar.presets = {"hopf": {}, "snic": {"V3": 12.0, "V4": 17.4, "gCa": 4.0, "phi": 1.0 / 15.0}}
_ML = ode(_morris_lecar, name="MorrisLecar", doc=MorrisLecar.__doc__,
          units={"V": "mV", "w": "", "t": "ms", "I": "µA/cm²"},
          ranges={"V": (-80.0, 60.0), "w": (0.0, 1.0)}, meta={"presets": MorrisLecar.presets})

