from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports.charts import line_chart
from reports.exports import table_notes
from reports.indicators import DIMENSIONS

register = template.Library()


@register.filter
def chart(table):
    return line_chart(table)


@register.filter
def notes(table):
    return table_notes(table)


@register.filter
def dimension_label(code: str) -> str:
    return DIMENSIONS[code][0]


@register.filter
def get_name(mapping, key):
    return mapping.get(key)


@register.filter
def matrix_cells(row) -> SafeString:
    """A coverage row's cells. Built here rather than in a template loop: a matrix of 300
    agencies has 2,400 cells, and the template engine would spend most of the page's time on them."""
    parts = []
    for cell in row.cells.values():
        share = "" if cell.completeness is None else f' <span class="cov-pct">{cell.completeness:g}%</span>'
        parts.append(
            f'<td class="cov cov-{cell.state}" title="{escape(cell.detail)}"><span class="cov-state">{cell.label}</span>{share}'
            f'<span class="cov-from cov-from-{cell.provenance or "none"}">{cell.provenance_label}</span></td>'
        )
    return mark_safe("".join(parts))


@register.filter
def evidence_list(evidence) -> SafeString:
    """A recommendation's evidence as list items; joined here because a rule can cite hundreds."""
    return mark_safe("".join(f"<li><strong>{escape(e.subject)}</strong>: {escape(e.detail)}</li>" for e in evidence))
