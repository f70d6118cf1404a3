"""Search keys for names: pinyin initials and full pinyin (shmy → 上海明远贸易有限公司).

Chinese characters become their pinyin (polyphones resolved by pypinyin's phrase dictionary);
Latin words keep their letters; digits are kept. Both keys are lower-case letters and digits only,
so a search box can match them with a plain ``LIKE '%shmy%'``.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise_query", "search_keys"]

_WORD = re.compile(r"[a-z]+|[0-9]+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _latin_words(chunk: str) -> list[str]:
    # NFKD splits accents off their letters (é → e + ´); the marks are then dropped.
    bare = "".join(
        ch for ch in unicodedata.normalize("NFKD", chunk) if not unicodedata.combining(ch)
    )
    return _WORD.findall(bare.lower())


def search_keys(name: str) -> tuple[str, str]:
    """The pinyin initials and full pinyin of a name, for searching.

    Args:
        name: a customer name in Chinese, English or both, e.g. ``上海明远贸易有限公司``.

    Returns:
        ``(initials, full)``: ``("shmymyyxgs", "shanghaimingyuanmaoyiyouxiangongsi")``. For Latin
        words the initials are each word's first letter (a run of digits is kept whole) and the
        full key is the words run together: ``"Acme Trading 2"`` → ``("at2", "acmetrading2")``.
    """
    text = unicodedata.normalize("NFKC", name or "")
    # Imported here: pypinyin's phrase dictionary costs ~0.2 s, which start-up need not pay.
    from pypinyin import Style, lazy_pinyin

    firsts = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    fulls = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    initials: list[str] = []
    full: list[str] = []
    for first, syllable in zip(firsts, fulls, strict=True):
        if first != syllable or len(syllable) == 1:
            # A Chinese character (or a one-letter chunk, which reads the same either way).
            initials.append(_NOT_ALNUM.sub("", first.lower()))
            full.append(_NOT_ALNUM.sub("", syllable.lower()))
            continue
        for word in _latin_words(syllable):
            initials.append(word if word.isdigit() else word[0])
            full.append(word)
    return "".join(initials), "".join(full)


def normalise_query(text: str) -> str:
    """A search text reduced to the alphabet of the keys (lower-case letters and digits).

    Args:
        text: what the user typed, e.g. ``"SHMY"`` or ``"ｓｈｍｙ"``.

    Returns:
        The text to look for in the keys (``"shmy"``).
    """
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text or "").lower())
