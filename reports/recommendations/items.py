"""The toolkit's section 5 improvement checklist, in the project's words, and what a rule returns:
a recommendation that serves one checklist item and cites its evidence."""

from dataclasses import dataclass, field

from project.lib.text import plural

# Codes are stable: exports and tests use them.
ITEMS = {
    "refresh-public": "Update and analyse the public statistics on a regular cycle.",
    "central-snapshots": "Have agencies send regular snapshots to one central point, where they are analysed.",
    "dashboard": "Keep a dashboard of the data sources and report on them regularly.",
    "jsna": "Bring international migration into the JSNA or other needs assessments.",
    "common-dataset": "Agree multi-agency migration indicators or a common dataset.",
    "prioritise-gaps": "Decide which of the data gaps to close first.",
    "measure-change": "Decide how population change and its effect on services will be measured locally.",
    "definitions": (
        "Choose the definitions of migration and migrant that suit the area and use them in every collection."
    ),
    "mandate": "Have senior leaders mandate routine collection of the migration fields.",
    "consistent-datasets": "Make the key datasets consistent with one another.",
    "standards": "Agree data management standards, common coding and checks on accuracy.",
    "fields": (
        "Collect the same fields everywhere: country of birth, nationality, year of arrival, main language, "
        "migrant status or type."
    ),
    "categories": "Use the same categories in every agency, for example the same country groupings.",
    "surveys": "Add migration questions to local surveys and data collections, existing and planned.",
    "commissioning": "Require commissioned services to collect migration data in the same way.",
    "privacy": "Make sure privacy notices and consent cover the sharing and processing.",
    "isp-siro": "Put information sharing agreements in place and involve each organisation's SIRO.",
    "training": "Train staff on why effective data collection matters and how good data is used.",
    "register": "Keep one central record of current surveys, consultations, local research and resources.",
}


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
