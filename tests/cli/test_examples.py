"""The example files shipped in examples/ import cleanly, in order (they stay true to the docs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_ar.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_example_files_import_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "book.db")
    assert main(["--db", db, "init"]) == 0
    for kind, created in (("customers", 3), ("invoices", 3), ("payments", 2)):
        assert main(["--db", db, "import", kind, str(EXAMPLES / f"{kind}.xlsx")]) == 0
        out = capsys.readouterr().out
        assert f"created: {created}" in out and "rejected: 0" in out
    assert main(["--db", db, "check"]) == 0
