"""Folding and tokenising Vietnamese text for search: 'Hòa giải viên Đức' → ['hoa', 'giai', 'vien', 'duc']."""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

_NON_WORD = re.compile(r"[^a-z0-9]+")
_HAS_NON_ASCII = re.compile(r"[^\x00-\x7f]")
MAX_QUERY_CHARS = 1000


def fold(text: str | None) -> str:
    """Lower case, no diacritics (đ → d), only [a-z0-9] words separated by single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    if _HAS_NON_ASCII.search(text):
        text = unidecode(text).lower()
    return " ".join(_NON_WORD.split(text)).strip()


def tokens(text: str | None) -> list[str]:
    """The folded words of `text`."""
    folded = fold(text)
    return folded.split() if folded else []


def has_diacritics(text: str) -> bool:
    """True when the text carries Vietnamese marks (so it was typed with an accented keyboard)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "đ" in text.lower() or any(unicodedata.category(ch) == "Mn" for ch in decomposed)


_WORD = re.compile(r"\w+")


def accented_words(text: str | None) -> list[str]:
    """Lower-case words with their diacritics kept (NFC): 'Bản án' → ['bản', 'án']; đ stays đ."""
    if not text:
        return []
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())
