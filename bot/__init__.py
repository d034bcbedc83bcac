"""Composition root: configuration, application factory, channels and the command line."""

import sys

from vocabulary import messages

#: `bot.messages` is the string catalogue itself (vocabulary/messages.py), the same module object, so that
#: `from bot import messages` and `import bot.messages` keep working in the chat layer.
sys.modules[f"{__name__}.messages"] = messages

__all__ = ["messages"]
