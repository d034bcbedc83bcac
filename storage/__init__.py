"""Persistence: one SQLite database through aiosqlite; SQL lives only in this package."""
