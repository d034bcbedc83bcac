"""Domain logic: plain async Python, testable without Telegram or disk."""
