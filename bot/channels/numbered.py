"""Buttons as numbered options, for channels that cannot show inline keyboards (console, Zalo).

`options(markup)` flattens a keyboard into numbered choices; `choose(text, options)` maps what the user
typed — a number, or the button's text with or without diacritics — back to the button they meant.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from knowledge.text import fold


@dataclass(frozen=True)
class Option:
    number: int
    label: str
    callback_data: str | None = None
    url: str | None = None


def options(markup: dict | None) -> list[Option]:
    if not markup:
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    found: list[Option] = []
    for row in rows:
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            found.append(
                Option(
                    len(found) + 1,
                    str(button.get("text", "")),
                    button.get("callback_data"),
                    button.get("url"),
                )
            )
    return found


def render(text: str, opts: list[Option]) -> str:
    if not opts:
        return text
    lines = [text, ""] if text else []
    # A button that is just its own number for a choice written out in the text ("2. …") is not listed twice.
    written = {line.split(". ", 1)[0] for line in text.splitlines() if ". " in line}
    lines += [
        f"  {o.number}. {_without_own_number(o)}" + (f" — {o.url}" if o.url else "")
        for o in opts
        if not (o.label == str(o.number) and o.label in written)
    ]
    return "\n".join(lines)


def _without_own_number(option: Option) -> str:
    """A label that already starts with its number ("1. Mức thù lao…") is not numbered twice."""
    prefix = f"{option.number}."
    return option.label[len(prefix) :].lstrip() if option.label.startswith(prefix) else option.label


def _fold(text: str) -> str:
    return fold(text, keep=string.punctuation)


def choose(text: str, opts: list[Option], body: str | None = None) -> Option | None:
    """The option the user meant, or None when `text` is something else (a typed answer).

    `body`: the message's text; choices too long for buttons are listed there ("2. Mẫu biên bản…") with
    buttons that carry only their numbers, and typing such a choice's text picks the button with its
    number."""
    if not opts:
        return None
    found = _choose(text, opts)
    if found is None and body:
        folded = _fold(text)
        for line in body.splitlines():
            number, dot, label = line.strip().partition(". ")
            if dot and number.isdigit() and folded and folded in (_fold(label), _words(_fold(label))):
                found = next((o for o in opts if o.label == number), None)
                if found is not None:
                    break
    return found


def _leading_number(label: str) -> int | None:
    """The number a label starts with ("6 bên trở lên" → 6, "2" → 2, "1. Mức…" → 1), else None."""
    head = label.strip().split(" ", 1)[0].rstrip(".)")
    return int(head) if head.isascii() and head.isdigit() else None


def _words(folded: str) -> str:
    """A folded label without the emoji or symbols it starts with (nobody types them)."""
    return " ".join(w for w in folded.split() if any(ch.isalnum() for ch in w))


def _choose(text: str, opts: list[Option]) -> Option | None:
    stripped = text.strip().rstrip(".)")
    if stripped.isascii() and stripped.isdigit():
        number = int(stripped)
        at_number = next((o for o in opts if o.number == number), None)
        if at_number is not None and _leading_number(at_number.label) == number:
            return at_number
        # A button that says the number ("6 bên trở lên") is what "6" means, whatever its place in the list.
        saying = [o for o in opts if _leading_number(o.label) == number]
        return saying[0] if len(saying) == 1 else at_number
    folded = _fold(text)
    if not folded:
        return None
    for o in opts:
        label = _fold(o.label)
        # Labels often start with an emoji or symbol that nobody types.
        if folded in (label, _words(label)):
            return o
    return None
