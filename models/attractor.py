"""Continuous attractor neural networks on a ring (Wu, Fung et al.)."""
import functools

import numpy as np

from dynanalysis import math, ode

_SQRT_2PI = float(np.sqrt(2.0 * np.pi))


def _ring(N):
    """Positions x_i = -pi + 2 pi i / N and the squared ring distance of each offset 2 pi k / N."""
    x = -np.pi + 2.0 * np.pi * np.arange(N) / N
    offset = 2.0 * np.pi * np.arange(N) / N
    dist = np.pi - np.mod(np.pi - offset, 2.0 * np.pi)  # wrapped to (-pi, pi]
    return x, dist**2


def _network(N):
    """Recurrent input sum_j J_ij r_j and stimulus I_ext, as functions of the parameters."""
    x, dist2 = _ring(N)

    def recurrent(u, k, a, J0):
        # J is circulant and symmetric: J_ij = row[(i - j) mod N], so J r is a circular
        # convolution (FFT).  The row is rebuilt from a and J0 on every call, so both can be swept.
        row = J0 / (_SQRT_2PI * a) * math.exp(-dist2 / (2.0 * a * a))
        r = u * u / (1.0 + k * math.sum(u * u))
        return math.circular_convolve(row, r)

    def stimulus(A, z, a):
        # 2 arctan(tan(y / 2)) wraps y to (-pi, pi] for any z (math has no mod)
        d = 2.0 * math.arctan(math.tan((x - z) / 2.0))
        return A * math.exp(-d * d / (4.0 * a * a))

    return recurrent, stimulus


@functools.lru_cache(maxsize=None)
def _cann(N):
    recurrent, stimulus = _network(N)

    def cann(u, tau=1.0, k=8.1, a=0.5, A=10.0, J0=4.0, z=0.0):
        return (-u + recurrent(u, k, a, J0) + stimulus(A, z, a)) / tau

    return ode(cann, sizes={"u": N}, name="CANN1D", doc=CANN1D.__doc__)


@functools.lru_cache(maxsize=None)
def _adaptive_cann(N):
    recurrent, stimulus = _network(N)

    def adaptive_cann(u, v, tau=1.0, k=8.1, a=0.5, A=10.0, J0=4.0, z=0.0, m=0.1, tau_v=10.0):
        du = (-u + recurrent(u, k, a, J0) + stimulus(A, z, a) - v) / tau
        dv = (-v + m * u) / tau_v
        return du, dv

    return ode(adaptive_cann, sizes={"u": N, "v": N}, name="AdaptiveCANN1D",
               doc=AdaptiveCANN1D.__doc__)


def _structural_N(N):
    if isinstance(N, bool) or int(N) != N or N < 1:
        raise ValueError(f"N must be a positive integer (the number of neurons), got {N!r}")
    return int(N)


def CANN1D(N=512, **params):
    r"""One-dimensional continuous attractor network on a ring of N neurons.

    .. math::
        \tau \frac{du_i}{dt} = -u_i + \sum_j J_{ij} r_j + I^{ext}_i, \qquad
        r_i = \frac{u_i^2}{1 + k \sum_j u_j^2}

        J_{ij} = \frac{J_0}{\sqrt{2\pi} a} \exp\left(-\frac{d(x_i, x_j)^2}{2 a^2}\right),
        \qquad I^{ext}_i = A \exp\left(-\frac{d(x_i, z)^2}{4 a^2}\right)

    Neuron i sits at :math:`x_i = -\pi + 2\pi i / N` (i = 0..N-1, a uniform ring);
    :math:`d` is the ring distance, wrapped to :math:`(-\pi, \pi]`.  J is circulant, so
    :math:`\sum_j J_{ij} r_j` is evaluated as a circular convolution (FFT, O(N log N)) of a kernel
    row built inside the vector field from a and J0, so both can be swept; N is structural (not a
    parameter), and models with the same N share compiled code.

    Continuum limit: with the neuron density :math:`\rho = N / 2\pi`, a sum over neurons is
    :math:`\sum_j f(x_j) \approx \rho \int_{-\pi}^{\pi} f(x)\, dx`, so this is the continuum
    model :math:`\tau \dot u = -u + \rho \int J(x - x') r(x') dx' + I^{ext}` with
    :math:`r = u^2 / (1 + k \rho \int u^2 dx)`.  Its theory (Wu, Hamaguchi & Amari 2008;
    Fung, Wong & Wu 2010) gives a stationary bump for :math:`0 < k < k_c` with
    :math:`k_c = \rho J_0^2 / (8 \sqrt{2\pi} a)` in these discrete units (about 130 for the
    defaults and N = 512); along the bump family the translation mode is neutral (one zero
    eigenvalue), all other modes decay.

    Units: dimensionless (time in units of tau).
    Defaults: N = 512, tau = 1, k = 8.1, a = 0.5, A = 10, J0 = 4, z = 0 (stimulus position).
    The course's example uses k = 0.1, J0 = 1.

    Source: Wu, Hamaguchi & Amari (2008) Neural Comput. 20:994; Fung, Wong & Wu (2010)
    Neural Comput. 22:752; parameters of BrainPy's CANN1D example.

    Example
    -------
    >>> import numpy as np
    >>> import dynanalysis as da
    >>> from dynanalysis.models import CANN1D
    >>> model = CANN1D(N=128, z=1.0)
    >>> tr = da.simulate(model, {"u": np.zeros(128)}, 20.0, dt=0.05)
    >>> x = -np.pi + 2 * np.pi * np.arange(128) / 128
    >>> round(float(x[np.argmax(tr.states["u"][-1])]), 1)   # the bump sits at the stimulus
    1.0
    """
    return _cann(_structural_N(N)).with_params(**params)


def AdaptiveCANN1D(N=512, **params):
    r"""Continuous attractor network on a ring with spike-frequency adaptation.

    .. math::
        \tau \frac{du_i}{dt} = -u_i + \sum_j J_{ij} r_j + I^{ext}_i - v_i, \qquad
        \tau_v \frac{dv_i}{dt} = -v_i + m u_i

    with :math:`r`, :math:`J`, :math:`I^{ext}`, the ring :math:`x_i = -\pi + 2\pi i / N` and the
    continuum limit (:math:`\sum_j \to \rho \int`, :math:`\rho = N/2\pi`) as in :func:`CANN1D`.
    Without stimulus the bump starts to travel (a travelling wave) for
    :math:`m > \tau / \tau_v`.

    Units: dimensionless (time in units of tau).
    Defaults: N = 512, tau = 1, k = 8.1, a = 0.5, A = 10, J0 = 4, z = 0, m = 0.1, tau_v = 10.

    Source: Mi, Fung, Wong & Wu (2014) NIPS 27 ("Spike frequency adaptation implements
    anticipative tracking in continuous attractor neural networks"); BrainPy's CANN examples.

    Example
    -------
    >>> import numpy as np
    >>> from dynanalysis.models import AdaptiveCANN1D
    >>> model = AdaptiveCANN1D(N=64, m=0.2)
    >>> f = model.vector_field({"u": np.ones(64), "v": np.zeros(64)}, {"A": 0.0})
    >>> bool(np.allclose(f["v"], 0.2 / 10.0))   # tau_v dv/dt = -v + m u
    True
    """
    return _adaptive_cann(_structural_N(N)).with_params(**params)
