"""Two-dimensional smooth models."""
from dynanalysis import ode


def _fitzhugh_nagumo(V, w, I=0.0, a=0.7, b=0.8, tau=12.5):
    return V - V**3 / 3.0 - w + I, (V + a - b * w) / tau


def FitzHughNagumo(**params):
    r"""FitzHugh–Nagumo model.

    .. math::
        \frac{dV}{dt} = V - \frac{V^3}{3} - w + I, \qquad \tau \frac{dw}{dt} = V + a - b w

    Units: dimensionless (V, w and time in model units, not mV/ms).
    Defaults: a = 0.7, b = 0.8, tau = 12.5, I = 0.
    Exact facts: equilibria satisfy :math:`w = (V + a)/b` and :math:`I = V^3/3 - V + w`; the
    Jacobian trace is :math:`1 - V^2 - b/\tau`, so Hopf points sit at
    :math:`V = \pm\sqrt{1 - b/\tau}` (I = 0.3313 and 1.4187 for the defaults).

    Source: FitzHugh (1961) Biophys. J. 1:445; Nagumo, Arimoto & Yoshizawa (1962)
    Proc. IRE 50:2061; parameters of BrainPy's FHN model.

    Example
    -------
    >>> from dynanalysis.models import FitzHughNagumo
    >>> f = FitzHughNagumo(I=0.8).vector_field({"V": -0.272900958997298, "w": 0.533873801253378})
    >>> bool(abs(f["V"]) < 1e-12 and abs(f["w"]) < 1e-12)   # the equilibrium at I = 0.8
    True
    """
    return _FHN.with_params(**params)


_FHN = ode(_fitzhugh_nagumo, name="FitzHughNagumo", doc=FitzHughNagumo.__doc__,
           ranges={"V": (-3.0, 3.0), "w": (-3.0, 3.0)})
