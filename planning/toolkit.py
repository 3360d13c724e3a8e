"""The toolkit's planning vocabulary in the project's words: the section 5 improvement checklist and
the section 1.2 benefits an area can aim for. Codes are stable: stored decisions, exports and tests use them."""

CHECKLIST = {
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

# Section 1.2: what mapping and analysing the sources can give an area. The plan records which it is after.
BENEFITS = {
    "locality-issues": "Understand issues of international migration at locality level",
    "local-information": "Find useful local information and understand communities better",
    "plan-action": "Better information on specific populations to plan action and inform local policy",
    "commissioning": "Plan resources and commission services fairly, reducing barriers to access",
    "plans-audits": "Evidence of activity for local plans and audits",
    "funding": "Information for grant applications and funding bids",
    "contribution": "Show the positive contribution of international migration to the area",
}
