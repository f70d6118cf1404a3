"""Where bundled resource files (icons, fonts, translations, templates) live.

Works from the source tree and inside a PyInstaller bundle (``sys._MEIPASS``).
"""

from __future__ import annotations

import sys
from pathlib import Path


def resource_root() -> Path:
    """The directory holding ``resources/`` (the project root, or the bundle's unpack dir)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/``, e.g. ``resource_path("fonts", "x.ttf")``.

    Args:
        *parts: path components below ``resources/``.

    Returns:
        The path (it may not exist; callers check).
    """
    return resource_root().joinpath("resources", *parts)
