"""Argument types and the parser class of the ``desktop-ar`` command line."""

from __future__ import annotations

import argparse
import re
from datetime import date
from typing import NoReturn

__all__ = ["Parser", "iso_date", "positive_int"]


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``message`` on one line and exit with status 2."""
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())}\n")


def iso_date(text: str) -> date:
    """A date written exactly as YYYY-MM-DD (argparse type)."""
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a valid date") from None


def positive_int(text: str) -> int:
    """A whole number ≥ 1 (argparse type)."""
    if re.fullmatch(r"[0-9]+", text) is None or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)
