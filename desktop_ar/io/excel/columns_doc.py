"""The README's tables of import columns, generated from the field specs in :mod:`.mapping`.

The tables are never typed by hand: ``python -m desktop_ar.io.excel.columns_doc`` prints them,
and ``python -m desktop_ar.io.excel.columns_doc --write README.md`` replaces the block between
:data:`START` and :data:`END` in the README. A test fails when the README's block differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_ar.io.excel.mapping import KINDS, ONE_OF_REQUIRED, FieldSpec
from desktop_ar.io.excel.records import CHOICE_ALIASES

__all__ = ["END", "START", "markdown_tables", "readme_block", "replace_block"]

START = "<!-- import-columns:start -->"
END = "<!-- import-columns:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _also(spec: FieldSpec) -> str:
    labels = {spec.label_en, spec.label_zh}
    names = dict.fromkeys(n for n in spec.synonyms if n not in labels)
    return ", ".join(_cell(n) for n in names)


def _values(spec: FieldSpec) -> str:
    aliases: dict[str, list[str]] = {}
    for alias, value in CHOICE_ALIASES.get(spec.key, {}).items():
        aliases.setdefault(value, []).append(alias)
    parts = []
    for choice in spec.choices:
        words = aliases.get(choice, [])
        parts.append(f"`{choice}`" + (f" ({', '.join(words)})" if words else ""))
    return f"{spec.label_en}: " + "; ".join(parts) + "."


def markdown_tables() -> str:
    """Markdown tables of every import kind's columns, in full (nothing cut short).

    Returns:
        For each kind of :data:`~desktop_ar.io.excel.mapping.KINDS`: a bold title, a table of
        column (bold when required), Chinese name and every other recognised name, then the
        accepted values of choice columns and the "one of" rules.
    """
    parts: list[str] = []
    for kind, specs in KINDS.items():
        lines = [f"**{kind}**", "", "| column | 中文 | also recognised |", "|---|---|---|"]
        for spec in specs:
            name = f"**{spec.label_en}**" if spec.required else spec.label_en
            lines.append(f"| {name} | {spec.label_zh} | {_also(spec)} |")
        extra = [_values(spec) for spec in specs if spec.choices]
        labels = {spec.key: spec.label_en for spec in specs}
        for group in ONE_OF_REQUIRED.get(kind, ()):
            names = " or ".join(f"**{labels[key]}**" for key in group)
            extra.append(f"Each row needs {names}.")
        if extra:
            lines += ["", *extra]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def readme_block(text: str) -> str:
    """The text between the markers of a README (empty when the markers are missing)."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        return ""
    return text[start + len(START) : end].strip("\n") + "\n"


def replace_block(text: str) -> str:
    """The README text with the block between the markers replaced by the current tables.

    Raises:
        ValueError: the markers are missing.
    """
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the README has no {START} … {END} block")
    # Blank lines around the tables keep the markers out of the Markdown blocks.
    return f"{text[: start + len(START)]}\n\n{markdown_tables()}\n{text[end:]}"


def main(argv: list[str] | None = None) -> int:
    """Print the tables, or write them into a README (``--write README.md``)."""
    parser = argparse.ArgumentParser(prog="python -m desktop_ar.io.excel.columns_doc")
    parser.add_argument("--write", metavar="README", help="replace the block in this file")
    args = parser.parse_args(argv)
    if args.write is None:
        sys.stdout.write(markdown_tables())
        return 0
    path = Path(args.write)
    path.write_text(replace_block(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
