"""The README's import column tables are the generated ones, complete and unabridged."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_ar.io.excel.columns_doc import (
    END,
    START,
    main,
    markdown_tables,
    readme_block,
    replace_block,
)
from desktop_ar.io.excel.mapping import KINDS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_block_is_generated() -> None:
    block = readme_block(README.read_text(encoding="utf-8"))
    assert block == markdown_tables(), (
        "The import column tables in README.md are out of date; regenerate them with "
        "`python -m desktop_ar.io.excel.columns_doc --write README.md`"
    )


def test_every_name_of_every_field_is_listed() -> None:
    tables = markdown_tables()
    for kind, specs in KINDS.items():
        assert f"**{kind}**" in tables
        for spec in specs:
            row = next(line for line in tables.splitlines() if f" {spec.label_zh} |" in line)
            assert all(name in tables for name in spec.names)
            assert row.count("|") == 4, row
    assert "Each row needs **Amount** or **Net amount**." in tables
    assert "`key_account` (大客户" in tables


def test_write_replaces_only_the_block(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n\n{START}\nold\n{END}\n\nafter\n", encoding="utf-8")
    assert main(["--write", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nbefore\n\n") and text.endswith(f"{END}\n\nafter\n")
    assert "old" not in text and readme_block(text) == markdown_tables()
    assert replace_block(text) == text
    assert main([]) == 0 and capsys.readouterr().out == markdown_tables()
    with pytest.raises(ValueError, match="import-columns"):
        replace_block("no markers")
