"""Two-parameter continuation of fold and Hopf points (placeholder: being written)."""


def fold_curve(lp, second_parameter, *, bounds, **options):
    raise NotImplementedError("fold_curve is not written yet")


def hopf_curve(h, second_parameter, *, bounds, **options):
    raise NotImplementedError("hopf_curve is not written yet")
