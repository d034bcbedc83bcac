"""Chat handlers, one module per capability; thin translators between the chat and the services."""

from __future__ import annotations

from importlib import import_module

from telegram.ext import Application

#: Capability modules in registration order; `fallback` must stay last.
MODULES = [
    "handlers.guard",
    "handlers.start",
    "handlers.menu",
    "handlers.invite",
    "handlers.errors",
    "handlers.cases",
    "handlers.agreements",
    "handlers.library",
    "handlers.quiz",
    "handlers.qa",
    "handlers.broadcast",
    "handlers.training",
    "handlers.stats",
    "handlers.remuneration",
    "handlers.linking",
    "handlers.org",
    "handlers.flows",
    "handlers.fallback",
]


def register_all(app: Application) -> None:
    for name in MODULES:
        import_module(name).register(app)
