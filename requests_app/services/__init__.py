"""Writes for data requests, one module per concern; import from the module, not from here."""
