"""Personal data of dispute parties: masking of phone / ID numbers in free text, encryption of party names.

Law 35/2013 Art. 4 (confidentiality): summaries must not carry the parties' contact or ID numbers, and party
names are kept only when a commune turns it on, encrypted at rest with a key held outside the database.
"""

from __future__ import annotations

import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from vocabulary import messages as msg

#: What replaces a masked number or address in the stored text (part of the record; worded in the catalogue).
MASK_PHONE = msg.CASE_MASK_PHONE
MASK_ID = msg.CASE_MASK_ID
MASK_EMAIL = msg.CASE_MASK_EMAIL

#: A number as people write it: digits, optionally in groups of 2+ digits separated by one space, dot, comma
#: or dash, optionally led by + (international prefix) or wrapped country code "(+84)". Letters may touch it
#: on either side ("SĐT0912345678", "CCCD001234567890"): only digits may not.
_NUMBER = re.compile(r"(?<![\d+])(?:\(\+?84\)\s?)?\+?\d+(?:[ .,\-]\d{2,})*(?!\d)")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
#: Words after a number that make it an amount or a measure, not a phone or ID number.
_MEASURE_AFTER = re.compile(
    r"^\s?(?:đ\b|đồng|dong\b|vnđ|vnd|triệu|trieu|nghìn|nghin|ngàn|ngan|tỷ|ty\b|m2|m²|"
    r"mét|met\b|km|kg|%)",
    re.IGNORECASE,
)
_MONEY_GROUPS = re.compile(r"^[1-9]\d{0,2}(?:[.,]\d{3})+$")
MIN_MASKED_DIGITS = 9


def _classify(token: str, after: str) -> str | None:
    """'phone', 'id' or None (keep) for a number token and the text that follows it."""
    digits = re.sub(r"\D", "", token)
    if len(digits) < MIN_MASKED_DIGITS:
        return None
    international = token.lstrip("(").startswith("+") or (digits.startswith("84") and len(digits) in (11, 12))
    if international and len(digits) in (11, 12):
        return "phone"
    if _MONEY_GROUPS.match(token) or _MEASURE_AFTER.match(after):
        return None
    if digits.startswith("0") and len(digits) in (10, 11):
        return "phone"
    return "id"


def mask_personal_numbers(text: str | None) -> str:
    """Replace phone numbers, ID-card (CCCD 12 / CMND 9 digits) and other long numbers, and e-mail addresses.

    Amounts written with thousand separators ("200.000.000") or followed by a unit ("500000000 đồng") and
    short numbers (dates, plot numbers, ages) are kept.
    """
    if not text:
        return text or ""
    text = _EMAIL.sub(MASK_EMAIL, text)
    out: list[str] = []
    last = 0
    for m in _NUMBER.finditer(text):
        kind = _classify(m.group(0), text[m.end() : m.end() + 8])
        if kind is None:
            continue
        out.append(text[last : m.start()])
        out.append(MASK_PHONE if kind == "phone" else MASK_ID)
        last = m.end()
    out.append(text[last:])
    return "".join(out)


class PartyCipherError(RuntimeError):
    pass


class PartyCipher:
    """Fernet encryption of party names. PARTY_DATA_KEY may list several keys separated by commas: the first
    encrypts, all decrypt (key rotation with MultiFernet)."""

    def __init__(self, keys: str | None):
        parts = [k.strip() for k in (keys or "").split(",") if k.strip()]
        self._fernet: MultiFernet | None = None
        if parts:
            try:
                self._fernet = MultiFernet([Fernet(k.encode()) for k in parts])
            except (ValueError, TypeError) as exc:
                raise PartyCipherError(
                    "PARTY_DATA_KEY is not a valid Fernet key (urlsafe base64, 32 bytes)"
                ) from exc

    @property
    def available(self) -> bool:
        return self._fernet is not None

    def encrypt(self, text: str) -> str:
        if self._fernet is None:
            raise PartyCipherError("no PARTY_DATA_KEY")
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str | None:
        if self._fernet is None or not token:
            return None
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            return None
