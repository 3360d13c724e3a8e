"""How far the toolkit's stages have got: each Appendix 2 source's furthest request (Stage 2), the
themes with no local data, and whether each Appendix 3 source exists locally."""

from dataclasses import dataclass

from catalogue.models import Area, Source, SourceAvailability, Theme
from reports.coverage.counts import ASKED, RECEIVED
from requests_app.models import Status

OUTCOME_LABELS = {
    "received": "Data received",
    "requested": "Requested, waiting",
    "not-held": "Not held",
    "refused": "Refused",
    "withdrawn": "Withdrawn",
    "drafted": "Drafted, not sent",
    "not-requested": "Not requested",
}


@dataclass
class Stage2Row:
    source: Source
    counts: dict[str, int]
    outcome: str  # a key of OUTCOME_LABELS: the furthest any request for it has got

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


@dataclass
class ThemeRow:
    theme: Theme
    local_sources: int
    requested: int
    received: int

    @property
    def gap(self) -> str:
        if not self.local_sources:
            return "no local source in the catalogue"
        if not self.requested:
            return "no local source requested"
        if not self.received:
            return "requested, nothing received yet"
        return ""


def stage2_rows(sources: list[Source], statuses: dict[int, dict[str, int]]) -> list[Stage2Row]:
    """Each Appendix 2 source's requests by outcome; `statuses` counts requests by source and status."""
    rows = []
    for s in sources:
        if s.appendix != Source.Appendix.A2:
            continue
        of_source = statuses[s.pk]
        counts = {
            "received": sum(of_source.get(st, 0) for st in RECEIVED),
            "requested": sum(of_source.get(st, 0) for st in ASKED),
            "not-held": of_source.get(Status.NOT_HELD, 0),
            "refused": of_source.get(Status.REFUSED, 0),
            "withdrawn": of_source.get(Status.WITHDRAWN, 0),
            "drafted": of_source.get(Status.DRAFT, 0),
        }
        outcome = next(
            (k for k in ("received", "requested", "not-held", "refused", "withdrawn", "drafted") if counts[k]),
            "not-requested",
        )
        rows.append(Stage2Row(s, counts, outcome))
    return rows


def theme_rows(sources: list[Source], statuses: dict[int, dict[str, int]]) -> list[ThemeRow]:
    """Every theme, in order, with its local statistical sources requested and received."""
    local = [s for s in sources if s.stage == Source.Stage.LOCAL]
    rows = []
    for theme in Theme.objects.order_by("order", "name"):
        in_theme = [s.pk for s in local if s.theme_id == theme.pk]
        rows.append(
            ThemeRow(
                theme,
                len(in_theme),
                requested=sum(
                    any(st not in (Status.DRAFT, Status.WITHDRAWN) for st in statuses[pk]) for pk in in_theme
                ),
                received=sum(any(st in RECEIVED for st in statuses[pk]) for pk in in_theme),
            )
        )
    return rows


def qualitative_answers(area: Area, sources: list[Source]) -> list[tuple[Source, SourceAvailability | None]]:
    """Each qualitative and other local source with the area's answer on whether it exists there, if any."""
    answers = {a.source_id: a for a in SourceAvailability.objects.filter(area=area).select_related("updated_by")}
    found = [(s, answers.get(s.pk)) for s in sources if s.stage == Source.Stage.QUALITATIVE]
    found.sort(key=lambda pair: (pair[0].appendix_row or 0, pair[0].title))
    return found
