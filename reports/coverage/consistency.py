"""Whether agencies and sources describe people the same way: the category lists agencies' returns
use, and the migrant definitions sources use. Only the recommendations need these."""

from collections import defaultdict

from catalogue.models import Area, Source
from requests_app.models import Return


def categories_in_use(area: Area) -> dict[str, dict[int, set[str]]]:
    """Column -> agency id -> the categories its current processed returns use."""
    live = Return.objects.filter(request__agency__area=area, status=Return.Status.DONE, superseded=False)
    found = defaultdict(lambda: defaultdict(set))
    # Distinct pairs: an agency's returns mostly repeat the same lists, so far fewer rows to decode.
    for agency_id, columns in live.values_list("request__agency_id", "report__categories").order_by().distinct():
        for column, values in (columns or {}).items():
            found[column][agency_id].update(values)
    return {column: dict(by_agency) for column, by_agency in found.items()}


def definitions_by_source() -> dict[int, tuple[str, ...]]:
    """Source id -> the terms of its migrant definitions, sorted."""
    found = defaultdict(list)
    for source_id, term in Source.migrant_definitions.through.objects.values_list("source_id", "definition__term"):
        found[source_id].append(term)
    return {source_id: tuple(sorted(terms)) for source_id, terms in found.items()}
