"""Channels are transport adapters: every channel drives the same python-telegram-bot Application."""
