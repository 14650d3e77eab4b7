"""Fonts: which installed font serves each role of the standard, its metrics and the
per-character fallback (book); `gongwen fonts`, the report of that choice (report)."""
