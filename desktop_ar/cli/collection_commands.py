"""The collections, credit and analysis commands (issue 8), registered together.

``collections``, ``dunning run``, ``credit grades|holds`` and ``report
dashboard|forecast|profit|collectors``: each lives in its own module; this one adds them all.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from desktop_ar.cli.collections_command import add_collections_command
from desktop_ar.cli.credit_command import add_credit_command
from desktop_ar.cli.dunning_command import add_dunning_command
from desktop_ar.cli.report_command import add_report_command

__all__ = ["add_collection_commands"]

Opener = Callable[[argparse.Namespace], AbstractContextManager[Any]]


def add_collection_commands(
    sub: Any, parents: list[argparse.ArgumentParser], opener: Opener
) -> None:
    """Add every issue-8 command; ``opener(args)`` opens the chosen book as a context."""
    for add in (
        add_collections_command,
        add_dunning_command,
        add_credit_command,
        add_report_command,
    ):
        add(sub, parents, opener)
