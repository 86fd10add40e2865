"""Text a spreadsheet would run as a formula, and the same text made inert: the one rule for
uploaded measurement cells (data) and every exported table (output)."""

from __future__ import annotations

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralised(text: str) -> str:
    """`text` with a leading apostrophe when a spreadsheet would run it, else unchanged."""
    return "'" + text if is_formula(text) else text
