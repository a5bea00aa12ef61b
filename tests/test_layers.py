"""The package's layers, read from the source: every import goes down (or sideways within a
layer), nothing imports in a circle, and the public faces export exactly their ``__all__``."""
import ast
import pathlib

import pytest

import dynanalysis

ROOT = pathlib.Path(dynanalysis.__file__).parent
OUTSIDE = ("dynanalysis.models", "dynanalysis.gallery")  # installed from models/ and gallery/
# layer of each module or package prefix, lowest first (README: Architecture)
LAYERS = [
    ("model", ["dynanalysis._model", "dynanalysis.math", "dynanalysis.budget", "dynanalysis.config"]),
    ("numerics", ["dynanalysis._numerics"]),
    ("simulation", ["dynanalysis._simulation"]),
    ("equilibria and cycles", ["dynanalysis._equilibria", "dynanalysis._cycles"]),
    ("continuation", ["dynanalysis.continuation"]),
    ("analysers", ["dynanalysis._analysis", "dynanalysis.brainpy", "dynanalysis.cli"]),
    ("plotting", ["dynanalysis.plotting"]),
    ("public face", ["dynanalysis"]),
]


def rank(module: str) -> int:
    best = None
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if module == p or module.startswith(p + "."):
                if best is None or len(p) > best[1]:
                    best = (i, len(p))
    assert best is not None, f"{module} belongs to no layer"
    return best[0]


def modules():
    out = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts[:2] in (["dynanalysis", "models"], ["dynanalysis", "gallery"]):
            continue
        out[".".join(parts)] = path
    return out


def imports(name: str, path: pathlib.Path):
    """``[(imported module, lazy)]``: absolute targets inside the package; lazy = inside a function."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    known = modules()
    found = []

    def visit(node, lazy):
        for child in ast.iter_child_nodes(node):
            inner = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[:len(package.split(".")) - child.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                for alias in child.names:
                    target = f"{base}.{alias.name}"
                    found.append((target if target in known or target.startswith(OUTSIDE) else base, inner))
            elif isinstance(child, ast.Import):
                found.extend((a.name, inner) for a in child.names)
            visit(child, inner)

    visit(tree, False)
    return [(t, lazy) for t, lazy in found if t == "dynanalysis" or t.startswith("dynanalysis.")]


def graph():
    return {name: imports(name, path) for name, path in modules().items()}


def test_every_import_goes_down_a_layer_or_stays_in_its_own():
    wrong = []
    for name, edges in graph().items():
        if name == "dynanalysis":
            continue
        for target, lazy in edges:
            if target.startswith(OUTSIDE):
                assert lazy and name == "dynanalysis.cli", (name, target)
                continue
            if lazy and target == "dynanalysis.plotting":
                continue  # a result's .plot(): the one upward call
            if rank(target) > rank(name):
                wrong.append(f"{name} ({LAYERS[rank(name)][0]}) imports {target} ({LAYERS[rank(target)][0]})")
    assert not wrong, "\n".join(wrong)


def test_plotting_is_a_leaf_that_imports_only_numerics_constants():
    targets = {t for t, _ in graph()["dynanalysis.plotting"]}
    assert all(rank(t) <= 1 for t in targets), targets


def test_no_import_cycles():
    g = {name: {t for t, lazy in edges if not (lazy and t == "dynanalysis.plotting")}
         for name, edges in graph().items()}
    state = {}

    def walk(node, path):
        state[node] = "open"
        for nxt in sorted(g.get(node, ())):
            if nxt == "dynanalysis" or nxt not in g:
                continue
            if state.get(nxt) == "open":
                pytest.fail("import cycle: " + " -> ".join(path[path.index(nxt):] + [nxt]))
            if nxt not in state:
                walk(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(g):
        if node not in state:
            walk(node, [node])


def test_public_faces_export_exactly_their_all():
    import dynanalysis.continuation as ct
    import dynanalysis.plotting  # noqa: F401  (imported by any .plot(); a listed public module)
    for mod in (dynanalysis, ct):
        public = {n for n in vars(mod) if not n.startswith("_")}
        assert public <= set(mod.__all__), sorted(public - set(mod.__all__))
        assert all(hasattr(mod, n) or n in ("models", "brainpy", "gallery") for n in mod.__all__)
