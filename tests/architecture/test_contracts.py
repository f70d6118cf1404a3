"""The layer rules of ARCHITECTURE.md, checked with import-linter."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_hold() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(exe).exists():
        pytest.skip("import-linter is not installed")
    result = subprocess.run(
        [exe, "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


MONEY_WORDS = ("amount", "money", "price", "balance", "total", "minor", "paid", "due", "cost",
               "rate", "fee", "credit", "open")  # fmt: skip


def _named(node: ast.AST) -> str:
    if isinstance(node, ast.arg):
        return node.arg
    if isinstance(node, ast.AnnAssign):
        return ast.unparse(node.target)
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return node.name
    return ""


def test_no_float_in_money_paths() -> None:
    """I5: no float() calls, and no float-typed money names, in domain, db and services."""
    offenders = []
    for layer in ("domain", "db", "services"):
        for path in (ROOT / "desktop_ar" / layer).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "float":
                    offenders.append(f"{path}:{node.lineno} float()")
                annotation = getattr(node, "annotation", None) or getattr(node, "returns", None)
                if annotation is None or "float" not in ast.unparse(annotation):
                    continue
                name = _named(node).lower()
                if any(word in name for word in MONEY_WORDS):
                    offenders.append(f"{path}:{node.lineno} float-typed {name}")
    assert offenders == []
