"""Where the window remembers geometry and column layouts (QSettings)."""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

ORG = "DesktopAR"
APP = "DesktopAR"
ENV_PATH = "DESKTOP_AR_SETTINGS"  # an INI file to use instead (tests, portable installs)


def app_settings() -> QSettings:
    """The user's settings: ``$DESKTOP_AR_SETTINGS`` (INI) if set, else the platform store."""
    path = os.environ.get(ENV_PATH)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(ORG, APP)
