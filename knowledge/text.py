"""Folding and tokenising Vietnamese text for search: 'Hòa giải viên Đức' → ['hoa', 'giai', 'vien', 'duc']."""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

_NON_WORD = re.compile(r"[^a-z0-9]+")
_HAS_NON_ASCII = re.compile(r"[^\x00-\x7f]")
MAX_QUERY_CHARS = 1000


def fold(text: str | None, keep: str = "") -> str:
    """Lower case, no diacritics (đ → d), only [a-z0-9] words (and the characters of `keep`, e.g. "/" for
    document numbers) separated by single spaces. The one folding of the project: search, library, menus."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    if _HAS_NON_ASCII.search(text):
        text = unidecode(text).lower()
    non_word = re.compile(f"[^a-z0-9{re.escape(keep)}]+") if keep else _NON_WORD
    return " ".join(non_word.split(text)).strip()


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
