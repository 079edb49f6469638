"""No library's private names: the package reaches python-docx, docxtpl, openpyxl, XlsxWriter
and lxml through their public APIs only (a private attribute can change in any release).

The rule, checked on every module's syntax tree: no ``from lib import _name``, no
``lib.module._name``, and no ``obj._name`` unless ``_name`` is one the package defines itself
(its own classes' private parts). Two underscore names are public by their documentation:
``os._exit`` and lxml's element class ``etree._Element`` (its API reference and type stubs
name it so).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "caseaudit_docx"
DOCUMENTED = {("os", "_exit"), ("etree", "_Element")}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _trees() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(PACKAGE.rglob("*.py"))}


def _own_names(trees: dict[Path, ast.Module]) -> set[str]:
    """Every private name the package defines: functions, classes, variables, attributes."""
    names: set[str] = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
    return {n for n in names if _private(n)}


def _imported_modules(tree: ast.Module) -> set[str]:
    """The names a module binds to other packages' modules (``import docx``, ``from lxml
    import etree``)."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names
                      if not a.name.startswith("caseaudit_docx")}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and not node.module.startswith("caseaudit_docx"):
            bound |= {a.asname or a.name for a in node.names}
    return bound


def private_uses(trees: dict[Path, ast.Module]) -> list[str]:
    own = _own_names(trees)
    found = []
    for path, tree in trees.items():
        where = path.relative_to(ROOT)
        libraries = _imported_modules(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                    and not node.module.startswith("caseaudit_docx"):
                found += [f"{where}:{node.lineno}: from {node.module} import {a.name}"
                          for a in node.names if _private(a.name)]
            if not isinstance(node, ast.Attribute) or not _private(node.attr):
                continue
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            on_library = isinstance(root, ast.Name) and root.id in libraries
            if isinstance(root, ast.Name) and (root.id, node.attr) in DOCUMENTED:
                continue
            if on_library or node.attr not in own:
                found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_package_uses_no_private_names_of_other_libraries() -> None:
    assert private_uses(_trees()) == []


@pytest.mark.parametrize("source", [
    "import docx\ndef f(cell):\n    return cell._tc\n",  # python-docx's element behind a cell
    "import docx\nx: docx.table._Cell\n",
    "from openpyxl.cell import _writer\n",
    "def f(ws):\n    return ws._writer\n",
])
def test_a_private_name_of_a_library_is_found(source: str) -> None:
    trees = _trees()
    trees[PACKAGE / "probe.py"] = ast.parse(source)
    assert [line for line in private_uses(trees) if line.startswith("caseaudit_docx/probe.py")]


def test_the_package_s_own_private_parts_are_not_flagged() -> None:
    trees = {PACKAGE / "probe.py": ast.parse(
        "class A:\n    def _zip(self):\n        return 1\n    def f(self, other):\n"
        "        return other._zip()\n")}
    assert private_uses(trees) == []
