"""Translations (Qt Linguist ``.qm`` files) and a font that can show Chinese text."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop_ar.resources import resource_path

log = logging.getLogger(__name__)

# Families known to carry the CJK ideographs, best first (Linux, Windows, macOS).
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans CJK",
    "Source Han Sans",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "WenQuanYi",
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
)

_installed: list[QTranslator] = []  # keep the translators alive as long as the app


def interface_is_chinese() -> bool:
    """True when a Chinese translation is installed; otherwise the interface is English."""
    return any(t.language().lower().startswith("zh") for t in _installed)


def install_translator(app: QApplication, lang: str | None) -> bool:
    """Load ``resources/translations/desktop_ar_<lang>.qm`` (and Qt's own strings) if present.

    ``lang`` None uses the system locale; "en" installs nothing. Returns True when our
    translation was loaded.
    """
    lang = lang or QLocale.system().name()
    if lang.startswith("en"):
        return False
    candidates = [lang, lang.split("_")[0]]
    if lang.startswith("zh") and "zh_CN" not in candidates:
        candidates.insert(1, "zh_CN")
    loaded = False
    for name in candidates:
        qm = resource_path("translations", f"desktop_ar_{name}.qm")
        if qm.is_file():
            translator = QTranslator(app)
            if translator.load(str(qm)):
                app.installTranslator(translator)
                _installed.append(translator)
                loaded = True
                break
    qt_translator = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_translator.load(QLocale(lang), "qtbase", "_", qt_dir):
        app.installTranslator(qt_translator)
        _installed.append(qt_translator)
    if not loaded:
        log.info("no translation for %s", lang)
    return loaded


def _load_bundled_fonts() -> None:
    fonts = resource_path("fonts")
    if not fonts.is_dir():
        return
    for path in sorted(fonts.iterdir()):
        if path.suffix.lower() in (".ttf", ".otf", ".ttc"):
            QFontDatabase.addApplicationFont(str(path))


def find_cjk_family() -> str | None:
    """The best installed (or bundled) font family with CJK glyphs, or None."""
    _load_bundled_fonts()
    families = QFontDatabase.families()
    for wanted in CJK_FAMILIES:
        for family in families:
            if family == wanted:
                return family
    for wanted in CJK_FAMILIES:
        for family in families:
            if family.startswith(wanted):
                return family
    for family in families:  # anything that declares Simplified Chinese support
        if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family):
            return family
    return None


def ensure_cjk_font(app: QApplication) -> str | None:
    """Make the application font one that renders Chinese; returns its family or None."""
    family = find_cjk_family()
    if family is None:
        log.warning("no font with Chinese glyphs found; install fonts-noto-cjk or bundle one")
        return None
    font = QFont(app.font())
    size = font.pointSizeF()
    font.setFamilies([family, *font.families()])
    if size > 0:
        font.setPointSizeF(size)
    app.setFont(font)
    return family
