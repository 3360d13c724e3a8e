"""Rules on how much of the catalogue the area uses: public releases taken in, themes and local sources
still unrequested or unchecked."""

from project.lib.text import plural
from reports.coverage import Coverage
from reports.coverage.releases import RELEASE_GRACE_MONTHS, RELEASE_INTERVALS, RELEASE_WORDS, ReleaseRow
from reports.recommendations.items import Evidence, Recommendation


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
            f"Take in the latest release of {plural(len(stale), 'public source')}",
            "These sources have published, or on their usual timetable will have published, since the area last "
            "updated its copy, so reports may describe an out-of-date picture.",
            [Evidence(r.source.title, _release_evidence(r)) for r in stale],
            len(stale),
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
            f"Decide whether to close the local data gap in {plural(len(gaps), 'theme')}",
            "For these themes the area relies on public statistics alone, which lag and rarely reach small areas.",
            [
                Evidence(t.theme.name, f"{t.gap} ({plural(t.local_sources, 'local source')} in the catalogue)")
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
            f"Decide which of the {plural(len(untouched), 'unrequested local source')} to ask for",
            "Stage 2 of the toolkit looks at each local statistical source in turn; these have not been requested "
            "from any agency.",
            [Evidence(s.title, s.publisher or s.theme.name) for s in untouched],
            len(untouched),
            "sources",
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
            f"Find out whether {plural(len(unchecked), 'local or qualitative source')} exist here",
            "Surveys, consultations and local research often hold migration evidence that no statistical return has; "
            "keeping one record of them shows what is already known.",
            [Evidence(s.title, "availability not yet checked") for s in unchecked],
            len(unchecked),
            "sources",
        )
    ]
