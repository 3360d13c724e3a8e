"""Rules that turn measured gaps into the toolkit's section 5 improvement checklist.

Every rule reads a `Coverage` (no queries of its own), cites its evidence (which agencies, fields,
sources and figures) and says how many agencies or sources acting on it would improve; `recommend`
runs them all and ranks the results by that number. Add a rule by writing a function and listing
it in RULES; give it its own test.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from reports.coverage import Coverage
from reports.coverage.cells import COLLECTED, MEASURED, NOT_COLLECTED, PARTLY, UNKNOWN
from reports.coverage.releases import RELEASE_GRACE_MONTHS, RELEASE_INTERVALS, RELEASE_WORDS, ReleaseRow
from requests_app.ingest.validate import KEY_FIELDS

# The section 5 checklist, in the project's words. Codes are stable: exports and tests use them.
ITEMS = {
    "refresh-public": "Update and analyse the public statistics on a regular cycle.",
    "central-snapshots": "Have agencies send regular snapshots to one central point, where they are analysed.",
    "dashboard": "Keep a dashboard of the data sources and report on them regularly.",
    "jsna": "Bring international migration into the JSNA or other needs assessments.",
    "common-dataset": "Agree multi-agency migration indicators or a common dataset.",
    "prioritise-gaps": "Decide which of the data gaps to close first.",
    "measure-change": "Decide how population change and its effect on services will be measured locally.",
    "definitions": "Choose the definitions of migration and migrant that suit the area and use them in every collection.",
    "mandate": "Have senior leaders mandate routine collection of the migration fields.",
    "consistent-datasets": "Make the key datasets consistent with one another.",
    "standards": "Agree data management standards, common coding and checks on accuracy.",
    "fields": "Collect the same fields everywhere: country of birth, nationality, year of arrival, main language, migrant status or type.",
    "categories": "Use the same categories in every agency, for example the same country groupings.",
    "surveys": "Add migration questions to local surveys and data collections, existing and planned.",
    "commissioning": "Require commissioned services to collect migration data in the same way.",
    "privacy": "Make sure privacy notices and consent cover the sharing and processing.",
    "isp-siro": "Put information sharing agreements in place and involve each organisation's SIRO.",
    "training": "Train staff on why effective data collection matters and how good data is used.",
    "register": "Keep one central record of current surveys, consultations, local research and resources.",
}

LOW_COMPLETENESS = 50  # percent


@dataclass(frozen=True)
class Evidence:
    subject: str  # an agency, source or theme
    detail: str  # the figure or fact that shows the gap


@dataclass
class Recommendation:
    rule: str
    item: str  # a key of ITEMS
    title: str
    why: str
    evidence: list[Evidence] = field(default_factory=list)
    impact: int = 0  # how many agencies, sources or themes it would improve
    unit: str = "agencies"

    @property
    def item_text(self) -> str:
        return ITEMS[self.item]

    @property
    def impact_text(self) -> str:
        return f"{self.impact} {self.unit if self.impact != 1 else SINGULAR[self.unit]}"


SINGULAR = {"agencies": "agency", "sources": "source", "themes": "theme"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word if n == 1 else 'agencies' if word == 'agency' else word + 's'}"


def key_field_not_collected(coverage: Coverage) -> list[Recommendation]:
    """An agency that does not record a key field (it said so, or its return showed none)."""
    names = coverage.field_names
    out = []
    for code in KEY_FIELDS:
        lacking = [
            (row.label, row.cells[code])
            for row in coverage.agency_rows
            if row.requests and row.cells[code].state == NOT_COLLECTED and row.cells[code].provenance
        ]
        if lacking:
            out.append(
                Recommendation(
                    "key-field-not-collected",
                    "fields",
                    f"Start recording {names[code].lower()} in {_plural(len(lacking), 'agency')}",
                    f"Without {names[code].lower()}, these agencies' data cannot say who among their service users is a migrant "
                    "or where they come from, and the area cannot combine their figures with other sources.",
                    [Evidence(agency, f"{cell.provenance_label}: {cell.detail}") for agency, cell in lacking],
                    len(lacking),
                )
            )
    return out


def low_completeness(coverage: Coverage) -> list[Recommendation]:
    """A key field recorded for fewer than half of the records."""
    names = coverage.field_names
    out = []
    for code in KEY_FIELDS:
        weak = [
            (row.label, row.cells[code])
            for row in coverage.agency_rows
            if row.cells[code].state in (COLLECTED, PARTLY)
            and row.cells[code].completeness is not None
            and row.cells[code].completeness < LOW_COMPLETENESS
        ]
        if weak:
            out.append(
                Recommendation(
                    "low-completeness",
                    "standards",
                    f"Raise the completeness of {names[code].lower()} above {LOW_COMPLETENESS}%",
                    f"When most records leave {names[code].lower()} blank, counts by it describe the people who answered, "
                    "not the population served; agreeing how it is captured and checked at the point of entry fixes this.",
                    [
                        Evidence(
                            agency,
                            f"{cell.completeness:g}% complete ({'measured in a return' if cell.provenance == MEASURED else 'estimated by the agency'})",
                        )
                        for agency, cell in sorted(weak, key=lambda pair: pair[1].completeness)
                    ],
                    len(weak),
                )
            )
    return out


def not_mandatory(coverage: Coverage) -> list[Recommendation]:
    """A key field that is recorded but optional, so it is left blank when staff are busy."""
    optional = defaultdict(list)
    for answer in coverage.checklist:
        if answer["field"] in KEY_FIELDS and answer["mandatory"] == "no" and answer["collected"] in ("yes", "partly"):
            optional[answer["agency_id"]].append(answer["field"])
    if not optional:
        return []
    names, labels = coverage.field_names, coverage.agency_names
    evidence = [
        Evidence(
            labels[pk], "optional: " + ", ".join(names[c].lower() for c in sorted(set(codes), key=KEY_FIELDS.index))
        )
        for pk, codes in optional.items()
    ]
    return [
        Recommendation(
            "not-mandatory",
            "mandate",
            f"Make the migration fields mandatory in {_plural(len(evidence), 'agency')}",
            "Optional fields are filled in unevenly, so their completeness drifts from one period to the next; a "
            "mandate from senior leaders makes collection routine.",
            sorted(evidence, key=lambda e: e.subject),
            len(evidence),
        )
    ]


def not_extractable(coverage: Coverage) -> list[Recommendation]:
    """A key field that is recorded but cannot be reported out of the agency's system."""
    stuck = defaultdict(set)
    for answer in coverage.checklist:
        if answer["field"] in KEY_FIELDS and answer["extractable"] == "no" and answer["collected"] in ("yes", "partly"):
            stuck[answer["agency_id"]].add(answer["field"])
    if not stuck:
        return []
    names, labels = coverage.field_names, coverage.agency_names
    evidence = [
        Evidence(
            labels[pk],
            "recorded but not extractable: " + ", ".join(names[c].lower() for c in sorted(codes, key=KEY_FIELDS.index)),
        )
        for pk, codes in stuck.items()
    ]
    return [
        Recommendation(
            "not-extractable",
            "standards",
            f"Make recorded migration fields reportable in {_plural(len(evidence), 'agency')}",
            "A field held only in free text or in a part of the system that reports cannot reach is as good as missing "
            "for the area's analysis; agreeing coded fields and standard extracts makes it usable.",
            sorted(evidence, key=lambda e: e.subject),
            len(evidence),
        )
    ]


CATEGORY_COLUMNS = {
    "age_band": "age bands",
    "immigration_status": "immigration status categories",
    "gender": "gender categories",
}


def categories_differ(coverage: Coverage) -> list[Recommendation]:
    """Agencies returning the same field with different category lists, so their counts cannot be added."""
    labels = coverage.agency_names
    out = []
    for column, words in CATEGORY_COLUMNS.items():
        used = coverage.categories.get(column, {})
        if len({frozenset(v) for v in used.values()}) > 1:
            out.append(
                Recommendation(
                    "categories-differ",
                    "categories",
                    f"Agree common {words} across {_plural(len(used), 'agency')}",
                    f"The agencies' returns use different {words}, so their counts cannot be added or compared cell by cell.",
                    [
                        Evidence(labels[pk], ", ".join(sorted(values)))
                        for pk, values in sorted(used.items(), key=lambda i: labels[i[0]])
                    ],
                    len(used),
                )
            )
    nationality = coverage.categories.get("nationality", {})
    groups_only = [pk for pk in coverage.categories.get("nationality_group", {}) if pk not in nationality]
    if nationality and groups_only:
        involved = sorted(set(nationality) | set(groups_only), key=lambda pk: labels[pk])
        out.append(
            Recommendation(
                "categories-differ",
                "categories",
                "Report nationality by country in every agency",
                "Some agencies send nationality by country and others only by broad group, so the detailed figures stop "
                "at the coarsest grouping any agency uses.",
                [Evidence(labels[pk], "by country" if pk in nationality else "by group only") for pk in involved],
                len(groups_only),
            )
        )
    return out


def no_active_agreement(coverage: Coverage) -> list[Recommendation]:
    """A provider expected to send data with no agreement in force."""
    if not coverage.governance:
        return []
    return [
        Recommendation(
            "no-active-agreement",
            "isp-siro",
            f"Put a sharing agreement in force for {_plural(len(coverage.governance), 'agency')}",
            "No returned data can be accepted without an active agreement that names the agency as a provider, covers the "
            "fields and the form of the data, and is signed off by the SIRO; these requests will stall at upload until then.",
            [
                Evidence(g.agency.name, f"{_plural(g.waiting, 'request')} waiting for data; {g.reason}")
                for g in coverage.governance
            ],
            len(coverage.governance),
        )
    ]


def _release_evidence(release: ReleaseRow) -> str:
    taken = f"last taken in {release.refreshed_on:%d %B %Y}" if release.refreshed_on else "never recorded as taken in"
    if release.last_release:
        return f"released {release.last_release:%B %Y}; {taken}"
    # No release calendar: say which frequency the judgement rests on, and how old the copy is.
    months = RELEASE_INTERVALS[release.source.frequency] + RELEASE_GRACE_MONTHS
    return f"published {RELEASE_WORDS[release.source.frequency]} (no fixed months); {taken}" + (
        f", more than {months} months ago" if release.refreshed_on else ""
    )


def public_data_not_refreshed(coverage: Coverage) -> list[Recommendation]:
    """A public source with a release since the area last took it in, or, for a source with no
    release months, one whose copy is older than its frequency allows."""
    stale = [r for r in coverage.releases if r.stale]
    if not stale:
        return []
    return [
        Recommendation(
            "public-data-not-refreshed",
            "refresh-public",
            f"Take in the latest release of {_plural(len(stale), 'public source')}",
            "These sources have published, or on their usual timetable will have published, since the area last updated its "
            "copy, so reports may describe an out-of-date picture.",
            [Evidence(r.source.title, _release_evidence(r)) for r in stale],
            len(stale),
            "sources",
        )
    ]


def definitions_differ(coverage: Coverage) -> list[Recommendation]:
    """Local sources in use that define a migrant in different ways."""
    used = {r["source_id"] for r in coverage.requests if r["status"] not in ("draft", "withdrawn")}
    sources = [coverage.sources[pk] for pk in used]
    by_definitions = defaultdict(list)
    for source in sources:
        by_definitions[coverage.definitions.get(source.pk, ())].append(source.title)
    if len(by_definitions) < 2:
        return []
    evidence = [
        Evidence("; ".join(sorted(titles)), ", ".join(terms) or "no migrant definition (context only)")
        for terms, titles in sorted(by_definitions.items())
    ]
    return [
        Recommendation(
            "definitions-differ",
            "definitions",
            f"Choose one migrant definition for the {_plural(len(sources), 'local source')} in use",
            "The sources requested count migrants in different ways (by birth, by nationality, by status), so their figures "
            "describe different groups; choose the definition that suits local decisions and ask for it everywhere.",
            evidence,
            len(sources),
            "sources",
        )
    ]


def theme_gaps(coverage: Coverage) -> list[Recommendation]:
    """Themes with no local data requested or received."""
    gaps = [t for t in coverage.themes if t.gap and t.local_sources]
    if not gaps:
        return []
    return [
        Recommendation(
            "theme-gaps",
            "prioritise-gaps",
            f"Decide whether to close the local data gap in {_plural(len(gaps), 'theme')}",
            "For these themes the area relies on public statistics alone, which lag and rarely reach small areas.",
            [
                Evidence(t.theme.name, f"{t.gap} ({_plural(t.local_sources, 'local source')} in the catalogue)")
                for t in gaps
            ],
            len(gaps),
            "themes",
        )
    ]


def stage2_not_started(coverage: Coverage) -> list[Recommendation]:
    """Appendix 2 sources nobody has asked for yet."""
    untouched = [row.source for row in coverage.stage2 if row.outcome == "not-requested"]
    if not untouched:
        return []
    return [
        Recommendation(
            "stage2-not-started",
            "prioritise-gaps",
            f"Decide which of the {_plural(len(untouched), 'unrequested local source')} to ask for",
            "Stage 2 of the toolkit looks at each local statistical source in turn; these have not been requested from any agency.",
            [Evidence(s.title, s.publisher or s.theme.name) for s in untouched],
            len(untouched),
            "sources",
        )
    ]


def checklist_unanswered(coverage: Coverage) -> list[Recommendation]:
    """Agencies asked for data whose key fields are still a mystery."""
    unknown = [
        row
        for row in coverage.agency_rows
        if row.requests and all(row.cells[c].state == UNKNOWN or row.cells[c].provenance == "" for c in KEY_FIELDS)
    ]
    if not unknown:
        return []
    return [
        Recommendation(
            "checklist-unanswered",
            "prioritise-gaps",
            f"Ask {_plural(len(unknown), 'agency')} to answer the field checklist",
            "Nobody yet knows whether these agencies record country of birth, nationality, immigration status or main "
            "language, so their gaps cannot be weighed against others.",
            [
                Evidence(row.label, f"{_plural(row.requests, 'request')}, no answer on the key fields")
                for row in unknown
            ],
            len(unknown),
        )
    ]


def no_regular_snapshot(coverage: Coverage) -> list[Recommendation]:
    """Agencies that sent data once, with no repeat arranged."""
    received = {"received", "under-query", "completed", "partial"}
    repeating = {r["agency_id"] for r in coverage.requests if r["repeating"]}
    once = sorted({r["agency_id"] for r in coverage.requests if r["status"] in received} - repeating)
    if not once:
        return []
    labels = coverage.agency_names
    return [
        Recommendation(
            "no-regular-snapshot",
            "central-snapshots",
            f"Arrange a regular snapshot from {_plural(len(once), 'agency')}",
            "A single return shows one moment; migration changes quickly, so a quarterly or yearly repeat to the council "
            "shows the trend.",
            [
                Evidence(labels[pk], "data received once; no repeating request")
                for pk in sorted(once, key=lambda pk: labels[pk])
            ],
            len(once),
        )
    ]


def local_sources_unchecked(coverage: Coverage) -> list[Recommendation]:
    """Appendix 3 sources whose local availability nobody has checked."""
    unchecked = [s for s, answer in coverage.availability if answer is None or answer.available == "unknown"]
    if not unchecked:
        return []
    return [
        Recommendation(
            "local-sources-unchecked",
            "register",
            f"Find out whether {_plural(len(unchecked), 'local or qualitative source')} exist here",
            "Surveys, consultations and local research often hold migration evidence that no statistical return has; "
            "keeping one record of them shows what is already known.",
            [Evidence(s.title, "availability not yet checked") for s in unchecked],
            len(unchecked),
            "sources",
        )
    ]


RULES = [
    key_field_not_collected,
    no_active_agreement,
    low_completeness,
    categories_differ,
    not_mandatory,
    not_extractable,
    definitions_differ,
    public_data_not_refreshed,
    no_regular_snapshot,
    checklist_unanswered,
    theme_gaps,
    stage2_not_started,
    local_sources_unchecked,
]


def recommend(coverage: Coverage) -> list[Recommendation]:
    """Every rule's recommendations, the ones that would improve most agencies or sources first."""
    found = [(position, rec) for position, rule in enumerate(RULES) for rec in rule(coverage)]
    found.sort(key=lambda pair: (-pair[1].impact, pair[0]))
    return [rec for _, rec in found]
