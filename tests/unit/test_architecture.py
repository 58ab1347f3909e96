"""The house shows its flow: every import of smsgen's own code points down the layers, sits at module level, and
takes no private name from another module."""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "generator"
# The flow, in order: a module may import from its own layer and the layers before it, never after.
LAYERS = ["base", "model", "render", "control", "checks", "publish", "cli"]


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def layer_of(dotted: str) -> int:
    """generator.model.load -> 1; the root package (its version) counts as the base."""
    parts = dotted.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        return 0 if dotted == "generator" else len(LAYERS)   # generator/__main__ sits above everything
    return LAYERS.index(parts[1])


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)


def own_imports(tree: ast.Module) -> list[tuple[ast.stmt, str, list[str]]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "generator":
            found.append((node, node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(node, alias.name, []) for alias in node.names if alias.name.split(".")[0] == "generator"]
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_flow(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = layer_of(module_name(path))
    for node, target, names in own_imports(tree):
        # `from generator.render import figures` names a module: its layer is the package's
        assert layer_of(target) <= here, (f"{path.relative_to(PACKAGE)}:{node.lineno} imports {target}, a later layer "
                                          f"({LAYERS[layer_of(target)]}) than its own ({LAYERS[min(here, 6)]})")
        private = [n for n in names if n.startswith("_") and n != "__version__"]
        assert not private, f"{path.relative_to(PACKAGE)}:{node.lineno} takes private names {private} from {target}"


LATE_SPEC = re.compile(r"generator(?:\.\w+)+:\w+")


def late_specs(tree: ast.Module) -> list[tuple[ast.Constant, str]]:
    """The functions a module loads late (generator/base/late.py), named in full as `module:function` strings."""
    return [(node, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and LATE_SPEC.fullmatch(node.value)]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_what_is_loaded_late_exists_and_points_down_the_flow(path: Path):
    """A late load is an edge of the graph like an import: its function exists, and its module is in the module's
    own layer or one before it."""
    here = layer_of(module_name(path))
    for node, spec in late_specs(ast.parse(path.read_text(encoding="utf-8"))):
        module, name = spec.split(":")
        assert callable(getattr(importlib.import_module(module), name, None)), \
            f"{path.relative_to(PACKAGE)}:{node.lineno} loads {spec}, which does not exist"
        assert layer_of(module) <= here, f"{path.relative_to(PACKAGE)}:{node.lineno} loads {spec}, a later layer"


def test_pack_merging_and_font_files_are_loaded_late():
    found = {spec for path in modules() for _, spec in late_specs(ast.parse(path.read_text(encoding="utf-8")))}
    assert found == {"generator.publish.export.packs:save_pack", "generator.base.font_files:font_points"}


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_are_at_module_level(path: Path):
    """Function-local imports hide the dependency graph. (The CLI imports a command's module by name when that
    command runs, through importlib: a call, not an import statement.)"""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top:
            pytest.fail(f"{path.relative_to(PACKAGE)}:{node.lineno}: import inside a function or block")


def test_every_layer_is_a_package_with_a_docstring():
    for name in LAYERS:
        init = PACKAGE / name / "__init__.py"
        assert init.is_file(), f"generator/{name} has no __init__.py"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"generator/{name} says nothing of why"


def test_every_module_says_why():
    silent = [str(p.relative_to(PACKAGE)) for p in modules()
              if p.name not in ("__init__.py", "__main__.py") and not ast.get_docstring(ast.parse(p.read_text()))]
    assert not silent, f"modules without a docstring: {silent}"
