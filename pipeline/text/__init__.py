"""Measures of Chinese text that every writer shares: widths in body characters (width)
and line breaking with 禁则 and justification (linebreak)."""
