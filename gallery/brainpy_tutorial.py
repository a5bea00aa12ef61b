"""BrainPy's low-dimensional analysis tutorial, run with only its imports changed
(``import dynanalysis.brainpy as bp``, ``import dynanalysis.brainpy.math as bm``): the phase line
and bifurcation of dx/dt = sin(x) + Iext, and the FitzHugh–Nagumo class model's phase plane and
codimension-1 diagram, drawn where BrainPy draws them (the current axes)."""
from pathlib import Path

import matplotlib.pyplot as plt

import dynanalysis.brainpy as bp
import dynanalysis.brainpy.math as bm

bm.enable_x64()          # a no-op here: every analysis runs in float64 in its own scope


@bp.odeint
def int_x(x, t, Iext):
    return bp.math.sin(x) + Iext


class FitzHughNagumoModel(bp.DynamicalSystem):
    def __init__(self, method='exp_auto'):
        super(FitzHughNagumoModel, self).__init__()
        self.a, self.b, self.tau = 0.7, 0.8, 12.5
        self.V = bm.Variable(bm.zeros(1))
        self.w = bm.Variable(bm.zeros(1))
        self.Iext = bm.Variable(bm.zeros(1))

        def dV(V, t, w, Iext=0.):
            return V - V * V * V / 3 - w + Iext

        def dw(w, t, V, a=0.7, b=0.8):
            return (V + a - b * w) / self.tau

        self.int_V = bp.odeint(dV, method=method)
        self.int_w = bp.odeint(dw, method=method)


def render(out_dir: Path) -> str:
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    # --- the tutorial's cells, each drawing on the current axes
    plt.sca(axes[0, 0])
    pp = bp.analysis.PhasePlane1D(model=int_x, target_vars={'x': [-10, 10]}, pars_update={'Iext': 0.},
                                  resolutions={'x': 0.01})
    pp.plot_vector_field()
    roots = pp.plot_fixed_point(with_return=True)

    plt.sca(axes[0, 1])
    bif = bp.analysis.Bifurcation1D(model=int_x, target_vars={'x': [-10, 10]}, target_pars={'Iext': [0., 1.5]},
                                    resolutions={'Iext': 0.005, 'x': 0.05})
    bif.plot_bifurcation(ax=plt.gca())

    model = FitzHughNagumoModel()
    plt.sca(axes[1, 0])
    pp = bp.analysis.PhasePlane2D(model, target_vars={'V': [-3, 3], 'w': [-3., 3.]}, pars_update={'Iext': 0.8},
                                  resolutions={'V': 0.01, 'w': 0.01})
    pp.plot_nullcline(x_style={'fmt': '-'}, y_style={'fmt': '-'})
    pp.plot_vector_field()
    fp = pp.plot_fixed_point(with_return=True)
    pp.plot_trajectory({'V': [-2.8], 'w': [-1.8]}, duration=100.)

    plt.sca(axes[1, 1])
    analyzer = bp.analysis.Bifurcation2D(model, target_vars={'V': [-3, 3], 'w': [-3., 3.]},
                                         target_pars={'Iext': [0., 2.]}, resolutions={'Iext': 0.01})
    analyzer.plot_bifurcation(num_rank=10, ax=plt.gca())
    analyzer.plot_limit_cycle_by_sim(duration=400, ax=plt.gca())

    titles = ["sin(x) + Iext, Iext = 0: phase line", "sin(x) + Iext: folds at Iext = 1",
              "FitzHugh–Nagumo class model, Iext = 0.8", "FitzHugh–Nagumo: Hopf points, cycles by simulation"]
    for ax, title in zip(axes.flat, titles):
        ax.set_title(title, fontsize="medium")
        handles, _ = ax.get_legend_handles_labels()
        if handles:
            ax.legend(loc="best", fontsize="x-small", framealpha=0.9)
    fig.suptitle("BrainPy's analysis tutorial with `import dynanalysis.brainpy as bp`", fontsize="large")
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "brainpy_tutorial.png", dpi=110)
    plt.close("all")
    hopf = [s.params["Iext"] for s in analyzer.compute().points("H")]
    return (f"{len(roots)} roots of sin(x) on [-10, 10]; FHN fixed point (V, w) = ({fp[0, 0]:.12f}, {fp[0, 1]:.12f}); "
            f"Hopf at Iext = {', '.join(f'{h:.10f}' for h in hopf)}")


if __name__ == "__main__":
    print(render(Path(".")))
