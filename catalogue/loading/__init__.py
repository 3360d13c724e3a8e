"""Loads catalogue content and reference data from catalogue/data/*.yaml and pycountry.

Idempotent: a second run changes nothing. Each row remembers a fingerprint of the values the
loader wrote; a row whose values no longer match its fingerprint was edited by a person, and the
loader keeps that edit rather than overwrite it (it reports the row as kept).
"""
