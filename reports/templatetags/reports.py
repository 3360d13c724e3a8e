import html

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from project.lib.text import plural
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


@register.simple_tag
def matrix_rows(rows, linked: bool = True) -> SafeString:
    """A coverage matrix's rows. Built here rather than in a template loop: a matrix of 300
    agencies has 2,400 cells, and the template engine would spend most of the page's time on them.
    Escaped with the standard library's html.escape, which escapes the same characters as
    Django's but without its lazy-string wrapper; the same evidence text recurs, so once each."""
    escaped = {}

    def esc(text: str) -> str:
        if text not in escaped:
            escaped[text] = html.escape(text)
        return escaped[text]

    # One reverse per matrix, not per row: the rows differ only in the key.
    agency_url = reverse("requests:agency", args=[_UUID_SLOT])
    source_url = reverse("catalogue:detail", args=[_SLUG_SLOT])
    out = []
    for row in rows:
        if row.kind == "agency":
            href = agency_url.replace(_UUID_SLOT, row.public_id)
            sub = f"{esc(row.group)} · {plural(row.requests, 'request')}"
        else:
            href = source_url.replace(_SLUG_SLOT, row.slug)
            sub = esc(row.group)
        name = f'<a href="{esc(href)}">{esc(row.label)}</a>' if linked else esc(row.label)
        out.append(f'<tr><th scope="row">{name}<div class="muted">{sub}</div></th>')
        for cell in row.cells.values():
            share = "" if cell.completeness is None else f' <span class="cov-pct">{cell.completeness:g}%</span>'
            out.append(
                f'<td class="cov cov-{cell.state}" title="{esc(cell.detail)}">'
                f'<span class="cov-state">{cell.label}</span>{share}'
                f'<span class="cov-from cov-from-{cell.provenance or "none"}">{cell.provenance_label}</span></td>'
            )
        out.append("</tr>")
    return mark_safe("".join(out))


@register.simple_tag
def report_matrix_rows(rows) -> SafeString:
    """The printable report's matrix: a row per agency asked for data, built here for the same
    reason as `matrix_rows`."""
    shares = {}  # completeness as floatformat:"-1" words it, once per value

    def share(value: float) -> str:
        if value not in shares:
            shares[value] = floatformat(value, "-1")
        return shares[value]

    out = []
    for row in rows:
        if not row.requests:
            continue
        out.append(f'<tr><th scope="row">{html.escape(row.label)}</th>')
        for cell in row.cells.values():
            pct = "" if cell.completeness is None else f" ({share(cell.completeness)}%)"
            out.append(f'<td class="cov-{cell.state}">{cell.label}{pct}</td>')
        out.append("</tr>")
    return mark_safe("".join(out))


@register.simple_tag
def lacking_rows(rows, field_names: dict[str, str]) -> SafeString:
    """The report's agencies that lack a key field, what they lack and on what evidence."""
    out = []
    for row in rows:
        missing = row.missing()
        lacks = ", ".join(html.escape(field_names.get(code) or "") for code in missing)
        evidence = "<br>".join(
            html.escape(f"{field_names.get(code)} ({row.cells[code].provenance_label}): {row.cells[code].detail}")
            for code in missing
        )
        out.append(
            f'<tr><th scope="row">{html.escape(row.label)}<div class="muted">{html.escape(row.group)}</div></th>'
            f'<td>{lacks}</td><td class="muted">{evidence}</td></tr>'
        )
    return mark_safe("".join(out))


_UUID_SLOT = "00000000-0000-0000-0000-000000000000"
_SLUG_SLOT = "slug-slot"


@register.filter
def evidence_list(evidence) -> SafeString:
    """A recommendation's evidence as list items; joined here because a rule can cite hundreds."""
    return mark_safe(
        "".join(f"<li><strong>{html.escape(e.subject)}</strong>: {html.escape(e.detail)}</li>" for e in evidence)
    )
