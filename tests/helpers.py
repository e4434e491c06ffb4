"""Helpers shared by several test files (importable as ``helpers``: pytest puts tests/ on sys.path)."""

import ast
import json

from conftest import ROOT


def without_timings(numbers: dict) -> dict:
    """``numbers`` without wall-clock timings (keys containing ``_seconds``), which cannot repeat."""
    return {k: v for k, v in numbers.items() if "_seconds" not in k}


def _bound_names(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
        node, ast.AnnAssign) else []
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def notebook_definitions(stem: str, *names: str, **namespace: object) -> dict:
    """Run what ``notebooks/<stem>.ipynb`` defines under ``names``, and nothing else of it.

    Each name must be bound by exactly one top-level statement of the notebook's code cells (a
    ``def``, a ``class`` or an assignment), found by name, not by cell position. Those statements
    run in the order named, in ``namespace`` (give it the modules and values they use);
    annotations are not evaluated. Returns the namespace.
    """
    cells = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text())["cells"]
    found: dict[str, list[ast.stmt]] = {name: [] for name in names}
    for cell in cells:
        if cell["cell_type"] == "code":
            for node in ast.parse("".join(cell["source"])).body:
                for name in _bound_names(node) & set(names):
                    found[name].append(node)
    for name in names:
        if len(found[name]) != 1:
            raise LookupError(f"{stem}: {len(found[name])} top-level statements bind {name!r}, expected 1")
        lazy_annotations = ast.parse("from __future__ import annotations").body
        module = ast.Module(body=lazy_annotations + found[name], type_ignores=[])
        exec(compile(module, f"<{stem}: {name}>", "exec", dont_inherit=True), namespace)
    return namespace
