"""Inventory helpers shared by the checks: list resources and read their configuration through
the reader (so every read is memoised and shared). No judgement here; the checks judge."""
