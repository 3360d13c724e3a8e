from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from requests_app.ingest.codes import (
    NOT_RECORDED,
    UNKNOWN,
    Reference,
    check_geography,
    clean_gss,
    harmonise_countries,
    harmonise_languages,
    nationality_groups,
    normalise,
    not_known,
    not_known_code,
)

COUNTRY_ALIASES = {
    "PL": ["PL", "POL", "Poland", "Polish"],
    "RO": ["RO", "ROU", "Romania", "Romanian"],
    "HR": ["HR", "HRV", "Croatia", "Croatian"],
    "GB": ["GB", "GBR", "United Kingdom", "British", "UK"],
    "DE": ["DE", "DEU", "Germany", "German"],
    "NA": ["NA", "NAM", "Namibia", "Namibian"],  # Namibia's code is the string "NA", not a missing value
    "XK": ["XK", "XKX", "Kosovo", "Kosovan"],
    "SY": ["SY", "SYR", "Syria", "Syrian", "Syrian Arab Republic"],
    "ER": ["ER", "ERI", "Eritrea", "Eritrean"],
    "RS": ["RS", "SRB", "Serbia", "Serbian", "Yugoslavia"],
    "KR": ["KR", "KOR", "Republic of Korea"],
    "LC": ["LC", "LCA", "Saint Lucia"],
    "BA": ["BA", "BIH", "Bosnia and Herzegovina"],
    "STATELESS": ["Stateless"],
    "NOT-RECORDED": ["Not recorded"],
    "UNKNOWN": ["Unknown"],
}


def make_reference(area_codes=None) -> Reference:
    return Reference(
        country_aliases={normalise(alias): code for code, aliases in COUNTRY_ALIASES.items() for alias in aliases},
        group_members=[
            ("EU8", "PL", date(2004, 5, 1), None),
            ("EU2", "RO", date(2007, 1, 1), None),
            ("OTHER-EU", "HR", date(2013, 7, 1), None),
            ("EU14", "DE", None, None),
            ("BRITISH", "GB", None, None),
        ],
        residual_group="NON-EU",
        language_aliases={
            normalise(alias): code
            for code, aliases in {
                "pol": ["Polish", "pl", "pol"],
                "eng": ["English", "en", "eng"],
                "tir": ["Tigrinya", "ti", "tir"],
            }.items()
            for alias in aliases
        },
        gss_levels={
            "E05": "ward",
            "E01": "lsoa",
            "E02": "msoa",
            **{prefix: "local-authority" for prefix in ["E06", "E07", "E08", "E09", "W06"]},
        },
        area_codes=area_codes,
    )


@pytest.fixture
def ref() -> Reference:
    return make_reference()


def countries(values, ref):
    return harmonise_countries(pd.Series(values, dtype=object), ref)


# --- normalise ---------------------------------------------------------------------------------


def test_normalise_casefolds_collapses_unicode_spaces_and_strips_quotes_and_trailing_dots():
    assert normalise("  \u201cUnited\u00a0\u00a0Kingdom.\u201d ") == "united kingdom"
    assert normalise('"Poland."') == "poland"
    assert normalise("Pol\u200bish") == "polish"


def test_normalise_of_a_missing_value_is_empty():
    assert normalise(None) == ""
    assert normalise(float("nan")) == ""


# --- countries ---------------------------------------------------------------------------------


def test_polish_written_five_ways_all_map_to_pl(ref):
    result = countries(["Polish", " POLISH ", "Poland", "PL", "pol"], ref)
    assert result["code"].tolist() == ["PL"] * 5
    assert not result["unmapped"].any()


def test_codes_are_reported_as_matched_by_code_and_names_by_name(ref):
    result = countries(["PL", "pol", "Poland"], ref)
    assert result["matched_by"].tolist() == ["code", "code", "name"]


def test_na_is_namibia_not_a_missing_value(ref):
    result = countries(["NA", "Namibia"], ref)
    assert result["code"].tolist() == ["NA", "NA"]
    assert not result["unmapped"].any()


def test_polska_stays_unmapped_because_nothing_is_fuzzy_matched(ref):
    result = countries(["Polska", "Polandd", "Nigeria"], ref)
    assert result["code"].isna().all()
    assert result["unmapped"].all()
    assert result["matched_by"].tolist() == ["", "", ""]


def test_kosovan_maps_to_xk(ref):
    assert countries(["Kosovan"], ref)["code"].tolist() == ["XK"]


def test_historic_names_map_through_their_alias(ref):
    assert countries(["Yugoslavia"], ref)["code"].tolist() == ["RS"]


def test_stateless_not_recorded_and_unknown_keep_their_own_codes(ref):
    result = countries(["Stateless", "Not recorded", "unknown"], ref)
    assert result["code"].tolist() == ["STATELESS", "NOT-RECORDED", "UNKNOWN"]
    assert not result["unmapped"].any()


def test_polish_nationals_and_citizens_map_to_pl_by_rewrite(ref):
    result = countries(["Polish nationals", "Polish national", "Polish citizens"], ref)
    assert result["code"].tolist() == ["PL", "PL", "PL"]
    assert result["matched_by"].tolist() == ["rewrite"] * 3


@pytest.mark.parametrize(
    "value, code",
    [
        ("Rep. of Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("Korea, Rep. of", "KR"),
        ("Bosnia & Herzegovina", "BA"),
        ("St. Lucia", "LC"),
        ("St Lucia", "LC"),
        ("The Syrian Arab Republic", "SY"),
        ("U.K.", "GB"),
    ],
)
def test_deterministic_rewrites_find_the_country(ref, value, code):
    assert countries([value], ref)["code"].tolist() == [code]


def test_republic_of_is_never_dropped_so_republic_of_china_is_not_china(ref):
    reference = Reference({"china": "CN"}, [], "NON-EU", {}, {})
    assert countries(["Republic of China"], reference)["unmapped"].tolist() == [True]


def test_blank_country_is_missing_not_unmapped(ref):
    result = countries(["", "   ", None, "\u00a0"], ref)
    assert result["code"].isna().all()
    assert not result["unmapped"].any()
    assert result["matched_by"].tolist() == [""] * 4


def test_country_result_keeps_the_input_index(ref):
    values = pd.Series(["Poland", "Kosovo"], index=[10, 20])
    assert countries(values, ref).index.tolist() == [10, 20]


# --- nationality groups ------------------------------------------------------------------------


def test_poland_is_non_eu_before_2004_and_eu8_after(ref):
    assert nationality_groups(pd.Series(["PL"]), date(2003, 1, 1), ref).tolist() == ["NON-EU"]
    assert nationality_groups(pd.Series(["PL"]), date(2005, 1, 1), ref).tolist() == ["EU8"]


def test_croatia_joins_other_eu_on_1_july_2013(ref):
    codes = pd.Series(["HR", "HR", "HR"])
    on = pd.Series(pd.to_datetime(["2012-06-30", "2013-07-01", "2014-01-01"]))
    assert nationality_groups(codes, on, ref).tolist() == ["NON-EU", "OTHER-EU", "OTHER-EU"]


def test_groups_follow_the_date_on_each_row(ref):
    codes = pd.Series(["PL", "PL", "RO", "RO", "DE", "SY"])
    on = pd.Series(
        [date(2003, 1, 1), date(2005, 1, 1), date(2006, 1, 1), date(2008, 1, 1), date(1990, 1, 1), date(2020, 1, 1)]
    )
    assert nationality_groups(codes, on, ref).tolist() == ["NON-EU", "EU8", "NON-EU", "EU2", "EU14", "NON-EU"]


def test_british_special_codes_and_missing_codes(ref):
    codes = pd.Series(["GB", "STATELESS", "UNKNOWN", "NOT-RECORDED", None], dtype="string")
    result = nationality_groups(codes, date(2020, 1, 1), ref)
    assert result.iloc[:4].tolist() == ["BRITISH", "STATELESS", "UNKNOWN", "NOT-RECORDED"]
    assert result.isna().tolist() == [False, False, False, False, True]


def test_a_missing_date_leaves_date_dependent_countries_ungrouped(ref):
    codes = pd.Series(["PL", "DE", "SY"])
    on = pd.Series(pd.to_datetime([None, None, None]))
    result = nationality_groups(codes, on, ref)
    assert result.isna().tolist() == [True, False, False]
    assert result.iloc[1:].tolist() == ["EU14", "NON-EU"]


def test_membership_end_dates_are_inclusive():
    reference = Reference({}, [("EU", "GB", date(1973, 1, 1), date(2020, 1, 31))], "NON-EU", {}, {})
    on = pd.Series([date(2020, 1, 31), date(2020, 2, 1)])
    assert nationality_groups(pd.Series(["GB", "GB"]), on, reference).tolist() == ["EU", "NON-EU"]


# --- languages ---------------------------------------------------------------------------------


def test_languages_map_names_and_iso_codes_to_iso_639_3(ref):
    result = harmonise_languages(pd.Series(["English", "Polish", "pl", "pol", " TIGRINYA ", "Polish language"]), ref)
    assert result["code"].tolist() == ["eng", "pol", "pol", "pol", "tir", "pol"]
    assert not result["unmapped"].any()


def test_unknown_languages_are_unmapped_and_blank_ones_are_not(ref):
    result = harmonise_languages(pd.Series(["Punjabi", "Polski", ""]), ref)
    assert result["code"].isna().all()
    assert result["unmapped"].tolist() == [True, True, False]


# --- geography ---------------------------------------------------------------------------------


def test_clean_gss_removes_non_breaking_and_zero_width_spaces_and_uppercases():
    assert clean_gss(pd.Series([" E05000001\u00a0", "e05\u200b000001", "E05 000 001"])).tolist() == ["E05000001"] * 3


def test_clean_gss_turns_blanks_into_empty_strings():
    assert clean_gss(pd.Series([None, "  "])).tolist() == ["", ""]


def test_a_padded_ward_code_cleans_to_a_valid_ward(ref):
    result = check_geography(pd.Series([" E05000001\u00a0"]), "ward", ref)
    assert result.iloc[0].tolist() == ["E05000001", "", "ward"]


def test_an_lsoa_code_where_wards_were_requested_is_a_level_problem(ref):
    result = check_geography(pd.Series(["E01000001"]), "ward", ref)
    assert result.iloc[0].tolist() == ["E01000001", "level", "lsoa"]


def test_an_eight_character_code_is_a_format_problem(ref):
    result = check_geography(pd.Series(["E0500001", "Middlesbrough", "E05000001X"]), "ward", ref)
    assert result["problem"].tolist() == ["format"] * 3
    assert result["found_level"].tolist() == [""] * 3


def test_a_well_formed_code_with_an_unknown_prefix_is_a_level_problem(ref):
    result = check_geography(pd.Series(["E99000001"]), "ward", ref)
    assert result.iloc[0].tolist() == ["E99000001", "level", ""]


def test_all_local_authority_prefixes_count_as_local_authority():
    reference = Reference({}, [], "NON-EU", {}, {"E06": "unitary-authority", "E07": "non-metropolitan-district"})
    values = pd.Series(["E06000001", "E07000001", "E08000001", "E09000001", "W06000001", "E05000001"])
    result = check_geography(values, "local-authority", reference)
    assert result["problem"].tolist() == ["", "", "", "", "", "level"]


def test_codes_outside_the_area_are_an_area_problem_when_a_lookup_is_loaded():
    reference = make_reference(area_codes=frozenset({"E05000001"}))
    result = check_geography(pd.Series(["E05000001", "E05000002"]), "ward", reference)
    assert result["problem"].tolist() == ["", "area"]


def test_without_a_lookup_no_code_is_an_area_problem(ref):
    assert check_geography(pd.Series(["E05000002"]), "ward", ref)["problem"].tolist() == [""]


def test_blank_geography_codes_are_left_to_the_caller(ref):
    assert check_geography(pd.Series(["", None]), "ward", ref)["problem"].tolist() == ["", ""]


def test_postcode_districts_accept_outward_codes_and_reject_full_postcodes(ref):
    values = pd.Series(["TS1", "ts10", " SW1A ", "W1", "TS1 2AB", "TS12AB", "E05000001"])
    result = check_geography(values, "postcode-district", ref)
    assert result["problem"].tolist() == ["", "", "", "", "format", "format", "format"]
    assert result["code"].tolist()[:5] == ["TS1", "TS10", "SW1A", "W1", "TS1 2AB"]
    assert result["found_level"].tolist()[:4] == ["postcode-district"] * 4


def test_postcode_districts_are_checked_against_a_lookup_of_districts_only():
    districts = make_reference(area_codes=frozenset({"TS1", "TS2"}))
    assert check_geography(pd.Series(["TS1", "TS9"]), "postcode-district", districts)["problem"].tolist() == [
        "",
        "area",
    ]
    wards_only = make_reference(area_codes=frozenset({"E05000001"}))
    assert check_geography(pd.Series(["TS9"]), "postcode-district", wards_only)["problem"].tolist() == [""]


# --- a million rows ----------------------------------------------------------------------------


def test_a_million_row_column_with_fifty_distinct_values_goes_through_harmonise_countries(ref):
    distinct = [*COUNTRY_ALIASES["PL"], *COUNTRY_ALIASES["SY"], "Polska", "", *[f"Country {i}" for i in range(39)]]
    assert len(set(distinct)) == 50
    values = pd.Series(distinct * 20_000)
    assert len(values) == 1_000_000
    result = harmonise_countries(values, ref)
    assert len(result) == 1_000_000
    assert (result["code"] == "PL").sum() == 4 * 20_000
    assert result["unmapped"].sum() == 40 * 20_000  # Polska and the 39 made-up names; blank is not unmapped


# --- values that say the answer is not known ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Unknown", UNKNOWN),
        ("Not known", UNKNOWN),
        ("Unclassified", UNKNOWN),
        ("N/K", UNKNOWN),
        ("Not stated", NOT_RECORDED),
        ("Not Recorded", NOT_RECORDED),
        ("Refused", NOT_RECORDED),
        ("Information not obtained", NOT_RECORDED),
        ("Information not yet obtained", NOT_RECORDED),
        ("Prefer not to say", NOT_RECORDED),
        ("Declined to answer", NOT_RECORDED),
        ("Missing", NOT_RECORDED),
        ("(blank)", NOT_RECORDED),
        ("[Unknown]", UNKNOWN),
        ("Unknown / not stated", NOT_RECORDED),
        ("Not known or refused", NOT_RECORDED),
        ("Nationality unknown", UNKNOWN),
        ("Country of birth not stated", NOT_RECORDED),
        ("Not stated (ethnicity)", NOT_RECORDED),
    ],
)
def test_the_words_agencies_write_for_a_missing_answer_are_not_known(value, code):
    assert not_known_code(value) == code


@pytest.mark.parametrize(
    "value", ["", "Other", "Stateless", "NA", "Polish", "Not known but believed to be English", "Other and unknown"]
)
def test_answers_and_residual_categories_are_known(value):
    assert not_known_code(value) == ""


def test_a_code_means_not_known_only_in_the_field_whose_list_uses_it():
    assert not_known_code("Z", "ethnicity") == NOT_RECORDED and not_known_code("99", "ethnicity") == UNKNOWN
    assert not_known_code("REFU", "ethnicity") == NOT_RECORDED and not_known_code("Z", "gender") == ""
    assert not_known_code("NOT", "main-language") == NOT_RECORDED and not_known_code("NOT") == ""


def test_not_known_answers_are_worked_out_per_distinct_value():
    values = pd.Series(["Refused", "Polish", "Not stated"] * 100_000)
    assert (not_known(values) != "").sum() == 200_000


def test_a_missing_answer_is_never_an_unknown_country_or_language(ref):
    found = countries(["Refused", "Prefer not to say", "Unclassified"], ref)
    assert list(found["code"]) == [NOT_RECORDED, NOT_RECORDED, UNKNOWN] and not found["unmapped"].any()
    aliases = {**ref.language_aliases, "not": "not"}  # ISO 639-3 "not" is Nomatsiguenga
    languages = harmonise_languages(pd.Series(["NOT", "Refused", "Polish"]), replace(ref, language_aliases=aliases))
    assert list(languages["code"]) == [NOT_RECORDED, NOT_RECORDED, "pol"]
