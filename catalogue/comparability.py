"""Whether two catalogue sources can be compared, and why not.

The toolkit's warning is that sources differ in what they count (a stock of residents, a flow of
moves, the users of a service), in how they define a migrant and in the areas they reach, so their
figures cannot simply be set side by side or added. Works on sources loaded with
`selectors.sources_with_details` (no queries of its own).
"""

from dataclasses import dataclass
from itertools import combinations

from catalogue.models import Source

SEVERITY_ORDER = {"not-comparable": 0, "caution": 1, "comparable": 2}


@dataclass(frozen=True)
class Finding:
    severity: str  # not-comparable | caution | comparable
    short: str  # a few words for tables
    text: str  # the full explanation


def _definitions(source: Source) -> dict[str, str]:
    return {d.code: d.term for d in source.migrant_definitions.all()}


def _measure(source: Source) -> str:
    """'Stock (people at a point in time)' -> 'stock'."""
    return source.get_measure_display().split(" (")[0].lower()


def _in_sentence(name: str) -> str:
    """'Postcode district (e.g. TS1)' -> 'postcode district (e.g. TS1)'; a proper name ('United
    Kingdom', 'Lower Layer Super Output Area') or one starting with an acronym ('GP practice') stays."""
    first, _, rest = name.partition(" ")
    if first.isupper() or rest[:1].isupper():
        return name
    return name[:1].lower() + name[1:]


def _levels(levels: dict) -> str:
    return ", ".join(_in_sentence(g.name) for g in levels.values())


def compare_pair(a: Source, b: Source) -> list[Finding]:
    findings = []
    if a.measure != b.measure:
        findings.append(
            Finding(
                "not-comparable",
                f"{_measure(a)} against {_measure(b)}",
                f"{a.title} measures {a.get_measure_display().lower()}; {b.title} measures "
                f"{b.get_measure_display().lower()}. Do not add them together or read one as a check on the other.",
            )
        )
    defs_a, defs_b = _definitions(a), _definitions(b)
    shared = sorted(set(defs_a) & set(defs_b))
    if not defs_a or not defs_b:
        findings.append(
            Finding(
                "caution", "context only", "At least one of them defines no migrant group, so it gives context only."
            )
        )
    elif not shared:
        findings.append(
            Finding(
                "not-comparable",
                "different migrant definitions",
                f"They define migrants differently: {', '.join(defs_a.values())} against {', '.join(defs_b.values())}.",
            )
        )
    elif set(defs_a) != set(defs_b):
        findings.append(
            Finding(
                "caution",
                "definitions only partly shared",
                f"Both use {', '.join(defs_a[c] for c in shared)}, but not only that: "
                "compare on the shared definition only.",
            )
        )
    else:
        findings.append(
            Finding(
                "comparable",
                "same definition",
                f"Both use the same definition: {', '.join(defs_a[c] for c in shared)}.",
            )
        )
    if (a.stage == Source.Stage.PUBLIC) != (b.stage == Source.Stage.PUBLIC):
        findings.append(
            Finding(
                "caution",
                "service users against population",
                "One counts the whole population or a national register; the other counts the people one agency "
                "serves, where migrants may be under-represented.",
            )
        )
    levels_a = {g.code: g for g in a.geography_levels.all()}
    levels_b = {g.code: g for g in b.geography_levels.all()}
    common = [levels_a[c] for c in set(levels_a) & set(levels_b)]
    if common:
        finest = max(common, key=lambda g: g.order)
        findings.append(
            Finding(
                "comparable",
                f"both at {_in_sentence(finest.name)}",
                f"Both reach {_in_sentence(finest.name)} level; compare at that level or above.",
            )
        )
    else:
        findings.append(
            Finding(
                "not-comparable",
                "no shared geography",
                f"They share no geography: {a.title} is at {_levels(levels_a)}, {b.title} at {_levels(levels_b)}.",
            )
        )
    if a.frequency != b.frequency:
        findings.append(
            Finding(
                "caution",
                "different release cycles",
                f"They are refreshed on different cycles ({a.get_frequency_display().lower()} against "
                f"{b.get_frequency_display().lower()}): line up the reference periods before comparing.",
            )
        )
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])


def verdict(findings: list[Finding]) -> str:
    severities = {f.severity for f in findings}
    if "not-comparable" in severities:
        return "not-comparable"
    if "caution" in severities:
        return "caution"
    return "comparable"


def related_by_verdict(source: Source, others) -> list[tuple[str, list[tuple[Source, list[Finding]]]]]:
    """Other sources grouped under comparable, caution and not-comparable, in that order."""
    groups: dict[str, list] = {severity: [] for severity in SEVERITY_ORDER}
    for other in others:
        findings = compare_pair(source, other)
        groups[verdict(findings)].append((other, findings))
    return [
        (severity, groups[severity]) for severity in ("comparable", "caution", "not-comparable") if groups[severity]
    ]


def compare_all(sources: list[Source]) -> list[tuple[Source, Source, str, list[Finding]]]:
    rows = []
    for a, b in combinations(sources, 2):
        findings = compare_pair(a, b)
        rows.append((a, b, verdict(findings), findings))
    return rows
