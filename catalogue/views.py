import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from catalogue import selectors
from catalogue.comparability import compare_all, related_by_verdict
from catalogue.exports import catalogue_csv, catalogue_json
from catalogue.forms import AvailabilityForm, CompareForm, RefreshForm
from catalogue.models import Source
from catalogue.services import AvailabilityAnswer, availability_record, source_refresh_record
from project import roles
from project.lib.feedback import error_text, form_error_text
from project.lib.text import plural

PAGE_SIZE = 25


def source_list(request):
    filterset = selectors.source_filter(request.GET)
    results = filterset.qs
    page = Paginator(selectors.sources_with_details(results), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalogue/source_list.html",
        {
            "filterset": filterset,
            "facets": selectors.source_facets(request.GET),
            "page": page,
            "query": query.urlencode(),
            "has_filters": any(k != "page" for k in request.GET),
        },
    )


def source_detail(request, slug):
    source = selectors.source_get(slug)
    related = related_by_verdict(source, selectors.sources_sharing_key_fields(source))
    return render(request, "catalogue/source_detail.html", {"source": source, "related": related})


def source_compare(request):
    choices = [(s.slug, s.title) for s in Source.objects.order_by("title").only("slug", "title")]
    form = CompareForm(request.GET or None, choices=choices)
    sources, pairs = [], []
    if form.is_valid():
        sources = selectors.sources_by_slugs(form.cleaned_data["s"])
        pairs = compare_all(sources)
    return render(request, "catalogue/source_compare.html", {"form": form, "sources": sources, "pairs": pairs})


def catalogue_export(request, fmt):
    sources = selectors.sources_with_details(selectors.source_filter(request.GET).qs)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(catalogue_csv(sources), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            json.dumps(catalogue_json(sources), indent=2, ensure_ascii=False),
            content_type="application/ld+json; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="catalogue-{stamp}.{fmt}"'
    return response


def definition_list(request):
    return render(request, "catalogue/definition_list.html", {"definitions": selectors.definitions_glossary()})


@require_http_methods(["GET", "POST"])
def availability_checklist(request):
    """Which Appendix 3 sources exist in the area: the coordinator records the answers, the DPO reads them."""
    roles.require(
        request.user,
        roles.COORDINATOR,
        roles.DPO,
        reason="Only the coordinator and the DPO see the area's local sources checklist.",
    )
    if request.method == "POST":
        roles.require(request.user, roles.COORDINATOR, reason="Only the coordinator records local source availability.")
    area = selectors.area_for_user(request.user)
    rows = selectors.availability_rows(area)
    editable = roles.is_coordinator(request.user)
    forms = [
        AvailabilityForm(
            request.POST if request.method == "POST" else None,
            prefix=source.slug,
            initial={"available": answer.available if answer else "unknown", "notes": answer.notes if answer else ""},
        )
        for source, answer in rows
    ]
    if request.method == "POST" and all(f.is_valid() for f in forms):
        answers = [
            AvailabilityAnswer(source=source, available=f.cleaned_data["available"], notes=f.cleaned_data["notes"])
            for (source, _), f in zip(rows, forms, strict=True)
        ]
        changed = availability_record(area=area, answers=answers, user=request.user)
        messages.success(request, f"Saved. {plural(changed, 'answer')} changed.")
        return redirect("catalogue:availability")
    if request.method == "POST":
        messages.error(request, "Some answers could not be saved; see the rows marked below.")
    answered = sum(1 for _, answer in rows if answer and answer.available != "unknown")
    return render(
        request,
        "catalogue/availability.html",
        {
            "area": area,
            "rows": list(zip(rows, forms, strict=True)),
            "editable": editable,
            "answered": answered,
        },
    )


@require_http_methods(["POST"])
def source_refreshed(request, slug):
    """The coordinator took in a public source's latest release (from the coverage page)."""
    roles.require(
        request.user, roles.COORDINATOR, reason="Only the coordinator records that public data was refreshed."
    )
    refresh_record_posted(request, selectors.source_get(slug))
    return redirect(f"{reverse('reports:coverage')}#releases")


def refresh_record_posted(request, source, form_class=RefreshForm) -> None:
    """Records the take-in the posted form describes, or tells the user what is wrong with it:
    the coverage page's form and the release calendar's."""
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return
    try:
        source_refresh_record(
            area=selectors.area_for_user(request.user),
            source=source,
            user=request.user,
            on=form.cleaned_data["refreshed_on"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"Recorded: {source.title} taken in on {form.cleaned_data['refreshed_on']:%d %B %Y}.")
