"""Which sources reach the area's small areas: the geography levels each source is published or
held at."""

from collections import defaultdict
from typing import NamedTuple

from catalogue.models import Source

SMALL_AREA_LEVELS = ["ward", "msoa", "lsoa"]


class Levels(NamedTuple):
    of_source: defaultdict[int, set[str]]  # source id -> level codes
    names: dict[str, str]  # level code -> name, for the levels any source has


def geography_levels() -> Levels:
    levels = Levels(defaultdict(set), {})
    for source_id, code, name in Source.geography_levels.through.objects.values_list(
        "source_id", "geographylevel__code", "geographylevel__name"
    ):
        levels.of_source[source_id].add(code)
        levels.names[code] = name
    return levels


def small_areas(sources: list[Source], levels: Levels) -> dict[str, list[Source]]:
    """Small-area level code -> the sources that reach it, in the catalogue's order."""
    return {code: [s for s in sources if code in levels.of_source[s.pk]] for code in SMALL_AREA_LEVELS}


def small_area_names(levels: Levels) -> dict[str, str]:
    return {code: levels.names[code] for code in SMALL_AREA_LEVELS if code in levels.names}
