"""Small, pure text helpers shared by the flows."""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def clean_text(text: str | None, limit: int = 4096) -> str:
    """NFC-normalise, drop zero-width and direction marks, collapse spaces, cut to `limit`."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    return " ".join(text.split())[:limit]


def clean_name(text: str | None) -> str | None:
    """A person's full name: 2–100 characters, letters, spaces, apostrophes and hyphens only."""
    name = clean_text(text, limit=200)
    if not 2 <= len(name) <= 100:
        return None
    if not all(ch.isalpha() or ch in " '-." for ch in name) or not any(ch.isalpha() for ch in name):
        return None
    return name
