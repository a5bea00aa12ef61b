"""Bursting models (three variables, for fast–slow analysis)."""
from dynanalysis import ode


def _hindmarsh_rose(x, y, z, I=2.0, a=1.0, b=3.0, c=1.0, d=5.0, s=4.0, x_r=-1.6, r=0.001):
    dx = y - a * x**3 + b * x**2 - z + I
    dy = c - d * x**2 - y
    dz = r * (s * (x - x_r) - z)
    return dx, dy, dz


def HindmarshRose(**params):
    r"""Hindmarsh–Rose bursting neuron.

    .. math::
        \frac{dx}{dt} = y - a x^3 + b x^2 - z + I, \qquad \frac{dy}{dt} = c - d x^2 - y,
        \qquad \frac{dz}{dt} = r \left(s (x - x_r) - z\right)

    (x, y) is the fast subsystem, z the slow adaptation variable (r small).
    Units: dimensionless (model units).
    Defaults: a = 1, b = 3, c = 1, d = 5, s = 4, x_r = -1.6, r = 0.001, I = 2 (square-wave
    bursting).

    Source: Hindmarsh & Rose (1984) Proc. R. Soc. Lond. B 221:87; parameters of BrainPy's
    HindmarshRose model.

    Example
    -------
    >>> import dynanalysis as da
    >>> from dynanalysis.models import HindmarshRose
    >>> tr = da.simulate(HindmarshRose(), {"x": -1.6, "y": -10.0, "z": 2.0}, 1000.0, dt=0.05)
    >>> bool(tr.states["x"].max() > 1.0)   # spikes (bursts) occur
    True
    """
    return _HR.with_params(**params)


_HR = ode(_hindmarsh_rose, name="HindmarshRose", doc=HindmarshRose.__doc__,
          ranges={"x": (-2.5, 2.5), "y": (-15.0, 2.0), "z": (-1.0, 4.0)})
