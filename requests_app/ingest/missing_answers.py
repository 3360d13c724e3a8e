"""What agencies write for an answer that is missing: the words, and the codes of some fields' lists."""

import re

UNKNOWN, NOT_RECORDED = "UNKNOWN", "NOT-RECORDED"

# What agencies write where a person's answer was not collected, not given or is not known, in the
# words of the lists they record it with (school census, NHS data dictionary, HESA, police, housing
# and charity case systems). Such a value is a person whose answer is missing: never a category of
# its own in the completeness figures, never a country or a language.
_NOT_RECORDED_WORDS = {
    "not recorded",
    "not yet recorded",
    "none recorded",
    "not stated",
    "not given",
    "not provided",
    "not supplied",
    "not collected",
    "not entered",
    "not declared",
    "undeclared",
    "not disclosed",
    "undisclosed",
    "not answered",
    "no answer",
    "no response",
    "refused",
    "refused to say",
    "refused to answer",
    "information refused",
    "declined",
    "declined to say",
    "declined to answer",
    "declined to state",
    "prefer not to say",
    "preferred not to say",
    "prefers not to say",
    "rather not say",
    "would rather not say",
    "information not obtained",
    "information not yet obtained",
    "not obtained",
    "not yet obtained",
    "no information",
    "no data",
    "missing",
    "blank",
}
_UNKNOWN_WORDS = {
    "unknown",
    "not known",
    "unk",
    "n/k",
    "nk",
    "unclassified",
    "not classified",
    "unspecified",
    "not specified",
    "unidentified",
    "undetermined",
}
NOT_KNOWN = {word: NOT_RECORDED for word in _NOT_RECORDED_WORDS} | {word: UNKNOWN for word in _UNKNOWN_WORDS}
# Codes that mean "not known" only in one field's code list: NHS ethnic category Z (not stated) and
# 99 (not known); the school census's ethnicity REFU (refused) and NOBT (not yet obtained), and its
# first-language NOT (not obtained) and REF (refused), which are also ISO 639-3 codes of languages
# nobody in a UK return means.
FIELD_CODES = {
    "ethnicity": {"z": NOT_RECORDED, "99": UNKNOWN, "refu": NOT_RECORDED, "nobt": NOT_RECORDED},
    "main-language": {"not": NOT_RECORDED, "ref": NOT_RECORDED},
}
# Words naming the field inside the phrase: "Nationality unknown", "Not stated (ethnicity)".
FIELD_WORDS = re.compile(
    r"\b(?:nationality|citizenship|country|countries|of|birth|main|first|home|language|ethnicity|ethnic|group|"
    r"origin|age|gender|sex|immigration|status|ward|area)\b"
)
# "Unknown / not stated", "Not known or refused": every part must say "not known".
PARTS = re.compile(r"\s*(?:/|,|;|&|\bor\b|\band\b)\s*")
