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
