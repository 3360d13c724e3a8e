"""Reads for a user, one module per concern. The views read them all as `selectors.<name>`, so every
selector is imported here; modules import each other's selectors from the module, never from here."""

from requests_app.selectors.agencies import agencies_with_contacts, agency_contact_get, agency_get
from requests_app.selectors.campaigns import campaign_get, campaign_rollup, campaigns_for
from requests_app.selectors.governance import blocked_requests, governance_for
from requests_app.selectors.requests import (
    checklist_rows,
    list_page,
    overdue_count,
    request_get,
    request_timeline,
    requests_csv,
    requests_for,
    status_counts,
    timeline_attachment,
    with_list_details,
)
from requests_app.selectors.returns import (
    problems_csv,
    report_summary,
    require_return_reader,
    return_get,
    return_in_force,
    returns_of,
)
from requests_app.selectors.template import allowed_area_codes, template_spec

__all__ = [
    "agencies_with_contacts",
    "allowed_area_codes",
    "agency_contact_get",
    "agency_get",
    "blocked_requests",
    "campaign_get",
    "campaign_rollup",
    "campaigns_for",
    "checklist_rows",
    "governance_for",
    "list_page",
    "overdue_count",
    "problems_csv",
    "report_summary",
    "request_get",
    "request_timeline",
    "requests_csv",
    "requests_for",
    "require_return_reader",
    "return_get",
    "return_in_force",
    "returns_of",
    "status_counts",
    "template_spec",
    "timeline_attachment",
    "with_list_details",
]
