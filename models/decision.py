"""Decision making: the reduced two-variable model of Wong & Wang (2006)."""
from dynanalysis import math, ode


def _wong_wang(s1, s2, mu=0.0, c=0.0, gamma=0.641, tau=0.1, a=270.0, b=108.0, d=0.154,
               JE=0.2609, JI=0.0497, I0=0.3255, JAext=0.00052):
    x1 = JE * s1 - JI * s2 + I0 + JAext * mu * (1.0 + c / 100.0)
    x2 = JE * s2 - JI * s1 + I0 + JAext * mu * (1.0 - c / 100.0)
    # (a x - b) / (1 - exp(-d (a x - b))) = 1 / (d exprel(-d (a x - b))): finite, with the right
    # derivative, at the removable singularity a x = b (limit 1/d).
    r1 = 1.0 / (d * math.exprel(-d * (a * x1 - b)))
    r2 = 1.0 / (d * math.exprel(-d * (a * x2 - b)))
    ds1 = -s1 / tau + (1.0 - s1) * gamma * r1
    ds2 = -s2 / tau + (1.0 - s2) * gamma * r2
    return ds1, ds2


def WongWang(**params):
    r"""Reduced two-population decision-making model of Wong & Wang (2006).

    .. math::
        x_1 = J_E s_1 - J_I s_2 + I_0 + J_{A,ext}\, \mu \left(1 + \frac{c}{100}\right), \qquad
        x_2 = J_E s_2 - J_I s_1 + I_0 + J_{A,ext}\, \mu \left(1 - \frac{c}{100}\right)

        r_i = \frac{a x_i - b}{1 - e^{-d (a x_i - b)}}, \qquad
        \frac{ds_i}{dt} = -\frac{s_i}{\tau} + (1 - s_i)\, \gamma\, r_i

    s1, s2 are the NMDA gating variables of the two selective populations; r_i their rates.
    The removable singularity of r_i at :math:`a x_i = b` (limit :math:`1/d`) is evaluated
    exactly (value and derivative).

    Units: **time in seconds** (tau = 0.1 s; rates in Hz), x in nA, a in Hz/nA, b in Hz, d in s,
    J in nA, JAext in nA/Hz, mu in Hz (stimulus strength), c in % (motion coherence).
    Defaults: gamma = 0.641, tau = 0.1, a = 270, b = 108, d = 0.154, JE = 0.2609, JI = 0.0497,
    I0 = 0.3255, JAext = 0.00052, mu = 0, c = 0.  At mu = 0 there are three stable states
    (low symmetric, two decisions) and two saddles.
    The stochastic version (Ornstein–Uhlenbeck noise on the inputs, tau_noise = 2 ms,
    sigma = 0.02 nA) is a simulation feature and not part of this vector field.

    Source: Wong & Wang (2006) J. Neurosci. 26:1314 (reduced model, eqs. and Table of the
    two-variable reduction).

    Example
    -------
    >>> from dynanalysis.models import WongWang
    >>> f = WongWang().vector_field({"s1": 0.1026512495649, "s2": 0.1026512495649})
    >>> bool(abs(f["s1"]) < 1e-9)   # the low symmetric (spontaneous) state at mu = 0
    True
    """
    return _WW.with_params(**params)


_WW = ode(_wong_wang, name="WongWang", doc=WongWang.__doc__,
          units={"t": "s", "mu": "Hz", "c": "%", "tau": "s", "d": "s", "a": "Hz/nA", "b": "Hz",
                 "JE": "nA", "JI": "nA", "I0": "nA", "JAext": "nA/Hz"},
          ranges={"s1": (0.0, 1.0), "s2": (0.0, 1.0)})
