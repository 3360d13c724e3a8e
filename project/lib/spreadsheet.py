"""Helpers for files people open in a spreadsheet program."""

# A cell that starts with one of these runs as a formula in Excel or LibreOffice (OWASP "CSV
# injection"); tab and carriage return too, because some programs strip them and then evaluate.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Makes a text cell safe to open: prefixes formula-looking text with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
