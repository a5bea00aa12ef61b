"""Command line: ``dynanalysis models`` and ``dynanalysis gallery [-o DIR] [NAME ...]``."""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
import traceback
from pathlib import Path


def _models(_args) -> int:
    from dynanalysis.models import ZOO
    for name, factory in ZOO.items():
        m = factory()
        var = ", ".join(f"{v}[{n}]" if n > 1 else v for v, n in m.sizes.items())
        pars = ", ".join(f"{k}={v:g}" if isinstance(v, float) else k for k, v in m.parameters.items())
        kind = " (hybrid: spike/reset)" if m.is_hybrid else ""
        print(f"{name}{kind}\n  variables:  {var}\n  parameters: {pars}")
    return 0


def gallery_scripts() -> list[str]:
    from dynanalysis import gallery
    return sorted(m.name for m in pkgutil.iter_modules(gallery.__path__) if not m.name.startswith("_"))


def _gallery(args) -> int:
    from dynanalysis import plotting
    plotting.headless()

    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    names = args.names or gallery_scripts()
    unknown = sorted(set(names) - set(gallery_scripts()))
    if unknown:
        print(f"unknown gallery script(s) {unknown}; available: {gallery_scripts()}", file=sys.stderr)
        return 2
    failed = 0
    for name in names:
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(f"dynanalysis.gallery.{name}")
            summary = module.render(out)
            print(f"{out / (name + '.png')}: {summary} ({time.perf_counter() - t0:.1f} s)", flush=True)
        except Exception:  # report every failing figure, keep rendering the others
            failed += 1
            print(f"{name}: FAILED", file=sys.stderr)
            traceback.print_exc()
        finally:
            plotting.close_all()
    print(f"{len(names) - failed} of {len(names)} figures written to {out}/")
    return 1 if failed else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="dynanalysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("models", help="list every model of the zoo with its variables and parameters")
    g = sub.add_parser("gallery", help="render every gallery figure to PNG")
    g.add_argument("-o", "--output", default="gallery_out", help="output folder (default ./gallery_out)")
    g.add_argument("names", nargs="*", help="only these scripts (default: all)")
    args = parser.parse_args(argv)
    return {"models": _models, "gallery": _gallery}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
