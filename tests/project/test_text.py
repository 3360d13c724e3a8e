from types import SimpleNamespace

import pytest

from project.lib.text import display_name, lower_first, plural


@pytest.mark.parametrize(
    ("n", "noun", "expected"),
    [
        (1, "agency", "1 agency"),
        (0, "agency", "0 agencies"),
        (3, "overdue agency", "3 overdue agencies"),
        (2, "working day", "2 working days"),
        (2, "bank holiday", "2 bank holidays"),
        (12, "local or qualitative source", "12 local or qualitative sources"),
    ],
)
def test_plural_counts_a_noun_and_turns_a_consonant_y_into_ies(n, noun, expected):
    assert plural(n, noun) == expected


def test_plural_can_word_a_single_one_differently():
    assert plural(1, "chosen area", one="the chosen area") == "the chosen area"
    assert plural(4, "chosen area", one="the chosen area") == "4 chosen areas"


def person(first="", last="", username="jo"):
    return SimpleNamespace(
        get_full_name=lambda: f"{first} {last}".strip(),
        get_username=lambda: username,
    )


def test_display_name_prefers_the_full_name_then_the_username():
    assert display_name(person("Jo", "Bloggs")) == "Jo Bloggs"
    assert display_name(person()) == "jo"


def test_display_name_names_the_tracker_when_nobody_acted():
    assert display_name(None) == "The tracker"
    assert display_name(None, nobody="") == ""


def test_lower_first_keeps_acronyms():
    assert lower_first("In DPO review") == "in DPO review"
