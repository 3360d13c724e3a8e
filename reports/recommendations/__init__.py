"""Rules that turn measured gaps into the toolkit's section 5 improvement checklist.

Every rule reads a `Coverage` (no queries of its own), cites its evidence (which agencies, fields,
sources and figures) and says how many agencies or sources acting on it would improve; `recommend`
runs them all and ranks the results by that number. Add a rule by writing a function in the module
for its concern and listing it in RULES; give it its own test.
"""

from reports.coverage import Coverage
from reports.recommendations.collection import checklist_unanswered, no_active_agreement, no_regular_snapshot
from reports.recommendations.consistency import categories_differ, definitions_differ
from reports.recommendations.fields import key_field_not_collected, low_completeness, not_extractable, not_mandatory
from reports.recommendations.items import Recommendation
from reports.recommendations.sources import (
    local_sources_unchecked,
    public_data_not_refreshed,
    stage2_not_started,
    theme_gaps,
)

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
