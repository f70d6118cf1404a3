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


def test_no_float_in_money_paths() -> None:
    """I5: no float() calls or float annotations in domain, db and services."""
    offenders = []
    for layer in ("domain", "db", "services"):
        for path in (ROOT / "desktop_ar" / layer).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "float":
                    offenders.append(f"{path}:{node.lineno} float()")
                annotations = []
                if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
                    annotations.append(node.annotation)
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
                    annotations.append(node.returns)
                for ann in annotations:
                    if "float" in ast.unparse(ann):
                        offenders.append(f"{path}:{node.lineno} float annotation")
    assert offenders == []
