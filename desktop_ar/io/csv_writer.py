"""CSV export (UTF-8 with BOM, formula-guarded text) and the safe-output helpers it shares.

Every user string bound for a spreadsheet passes through :func:`guard_text`: a leading ``=``,
``+``, ``-``, ``@``, tab or carriage return gets a ``'`` in front (OWASP / ASVS 1.2.10), so that
Excel or LibreOffice never run a customer name as a formula. Numbers, dates and amounts are not
text and are written as they are, so a negative amount stays a number. :func:`unguard_text`
strips the guard once when our own export is read back, so it never accumulates.

Files are never written in place: :func:`atomic_target` hands out ``name.tmp``, fsyncs it and
renames it over the destination only when writing succeeded.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from desktop_ar.domain.money import Money

__all__ = ["GUARD_CHARS", "atomic_target", "cell_text", "guard_text", "unguard_text", "write_csv"]

GUARD_CHARS = ("=", "+", "-", "@", "\t", "\r", "\0")
BOM = "\ufeff"


def guard_text(value: str) -> str:
    """Prefix ``'`` to text that a spreadsheet could take for a formula.

    Args:
        value: user text (a customer name, a note, a reference).

    Returns:
        ``value`` unchanged, or ``"'" + value`` when it starts with ``= + - @``, tab, CR or NUL.
    """
    if value.startswith(GUARD_CHARS):
        return "'" + value
    return value


def unguard_text(value: str) -> str:
    """Undo :func:`guard_text` once (for reading our own exports back).

    Args:
        value: a text field read from a file this application wrote.

    Returns:
        The original text: one leading ``'`` is removed only where :func:`guard_text` added it.
    """
    if value.startswith("'") and value[1:].startswith(GUARD_CHARS):
        return value[1:]
    return value


def cell_text(value: object) -> str:
    """The CSV text of one value: text guarded, numbers and dates written plainly.

    Args:
        value: ``str`` (user text, guarded), ``Money`` (``-1234.50``), ``Decimal``, ``int``,
            ``date`` (ISO ``YYYY-MM-DD``), ``bool`` (``true``/``false``) or ``None`` (empty).

    Returns:
        The field text.

    Raises:
        TypeError: for ``float`` (money never passes through float) and unknown types.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return guard_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Money):
        return value.amount_str()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to CSV")


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success fsync it and rename it over ``path``.

    When the body raises, the temporary file is removed and ``path`` is left as it was.

    Args:
        path: the destination file.

    Yields:
        The temporary file to write (``<name>.tmp`` in the same folder), or ``path`` itself
        when it is an existing device or pipe (``/dev/full``, ``/dev/stdout``): renaming a
        file over a device node would replace the device, not write to it.

    Raises:
        IsADirectoryError: ``path`` is a folder.
    """
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
    if path.exists() and not path.is_file():
        yield path
        return
    tmp = path.with_name(path.name + ".tmp")
    try:
        yield tmp
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _write(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([guard_text(h) for h in header])
    for row in rows:
        writer.writerow([cell_text(v) for v in row])


def write_csv(
    target: Path | TextIO, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    """Write a CSV file (UTF-8 with BOM, CRLF, header row, formula-guarded text).

    Args:
        target: a file path (written atomically through ``name.tmp``) or an open text stream
            (the BOM is written to it too, so redirecting stdout gives the same file).
        header: column titles.
        rows: the rows; each value as accepted by :func:`cell_text`.

    Raises:
        OSError: the file cannot be written; an existing file at ``target`` is unchanged.
        TypeError: a value of a type that has no CSV form (``float`` included).
    """
    if isinstance(target, Path):
        with atomic_target(target) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
            fh.write(BOM)
            _write(fh, header, rows)
        return
    target.write(BOM)
    _write(target, header, rows)
