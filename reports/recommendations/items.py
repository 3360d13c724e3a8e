"""The toolkit's section 5 improvement checklist, in the project's words, and what a rule returns:
a recommendation that serves one checklist item and cites its evidence."""

from dataclasses import dataclass, field

from planning.toolkit import CHECKLIST
from project.lib.text import plural

# The checklist belongs to the plan, which records the area's decision on each item.
ITEMS = CHECKLIST


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
        return plural(self.impact, SINGULAR[self.unit])


SINGULAR = {"agencies": "agency", "sources": "source", "themes": "theme"}
