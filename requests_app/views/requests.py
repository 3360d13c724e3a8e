"""Pages of data requests: the list and its export, a new request, one request and what is done on it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from catalogue.models import Agency
from project import roles
from project.lib.feedback import error_text, form_error_text
from requests_app import selectors
from requests_app.collection_template import build_csv, build_xlsx, csv_filename, xlsx_filename
from requests_app.filters import RequestFilter
from requests_app.forms import (
    MessageForm,
    RequestForm,
    TransitionForm,
)
from requests_app.lifecycle import EDGES, deadline_for, offered_actions
from requests_app.models import Status
from requests_app.permissions import ActionChecker
from requests_app.services.requests import (
    request_create,
    request_message_post,
    request_transition,
)
from requests_app.services.returns import governance_decision
from requests_app.views.returns import upload_box

PAGE_SIZE = 25


def _filtered(request) -> tuple:
    """The user's requests and the filters applied to them; lists and exports share this."""
    visible = selectors.requests_for(request.user)
    agencies = Agency.objects.filter(group__user=request.user) if roles.is_agency_contact(request.user) else None
    return visible, RequestFilter(request.GET, queryset=visible, agencies=agencies)


def request_list(request):
    visible, filterset = _filtered(request)
    today = timezone.localdate()
    page = selectors.list_page(filterset.qs, request.GET.get("page"), PAGE_SIZE, today)
    governance = selectors.governance_for(page.object_list, today)
    for row in page.object_list:
        row.governance = governance[row.pk]
    counts = selectors.status_counts(visible)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "requests_app/request_list.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "today": today,
            "status_counts": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
            "overdue": selectors.overdue_count(visible, today),
            "campaigns": selectors.campaigns_for(request.user)[:5],
        },
    )


@require_http_methods(["GET", "POST"])
def request_new(request):
    roles.require(request.user, roles.COORDINATOR)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = request_create(
                agency=form.cleaned_data["agency"], coordinator=request.user, **form.request_values()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Draft {created.reference} created. Check it, then send it to the agency.")
            return redirect("requests:detail", created.public_id)
    return render(request, "requests_app/request_form.html", {"form": form})


def request_detail(request, public_id):
    data_request = selectors.request_get(request.user, public_id)
    checker = ActionChecker(request.user)
    today = timezone.localdate()
    return render(
        request,
        "requests_app/request_detail.html",
        {
            "governance": governance_decision(data_request, on=today),
            "returns": selectors.returns_of(data_request),
            "in_force": selectors.return_in_force(data_request),
            "upload": upload_box(checker, data_request),
            "req": data_request,
            "deadline": deadline_for(data_request),
            "actions": offered_actions(request.user, data_request),
            "checklist": selectors.checklist_rows(data_request),
            "timeline": selectors.request_timeline(data_request),
            "can_take_part": checker.is_coordinator or checker.is_agency_member(data_request),
            "message_form": MessageForm(),
            "requested_fields": list(data_request.fields.order_by("order")),
            "today": today,
        },
    )


@require_POST
def request_transition_view(request, public_id):
    data_request = selectors.request_get(request.user, public_id)
    form = TransitionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["action"] not in EDGES:
        messages.error(request, "That action could not be read. Reload the page and try again.")
        return redirect("requests:detail", public_id)
    action = form.cleaned_data["action"]
    try:
        changed = request_transition(
            request=data_request,
            action=action,
            user=request.user,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            f"Done: {EDGES[action].label.split(' (')[0]}. The request is now {changed.get_status_display().lower()}.",
        )
    return redirect("requests:detail", public_id)


@require_POST
def request_message(request, public_id):
    data_request = selectors.request_get(request.user, public_id)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            request_message_post(
                request=data_request,
                user=request.user,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"],
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, "Message sent.")
    else:
        messages.error(request, form_error_text(form))
    return redirect("requests:detail", public_id)


def request_attachment(request, public_id, event_id):
    data_request = selectors.request_get(request.user, public_id)
    event = selectors.timeline_attachment(data_request, event_id)
    return FileResponse(event.attachment.open("rb"), as_attachment=True, filename=event.attachment_name or "attachment")


def request_template(request, public_id, fmt):
    data_request = selectors.request_get(request.user, public_id)
    spec = selectors.template_spec(data_request)
    if fmt == "xlsx":
        response = HttpResponse(
            build_xlsx(spec), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        name = xlsx_filename(spec)
    else:
        response = HttpResponse(build_csv(spec), content_type="text/csv; charset=utf-8")
        name = csv_filename(spec)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def request_export(request):
    """The filtered list as CSV, from the same permission-scoped selector as the page."""
    _, filterset = _filtered(request)
    response = HttpResponse(
        selectors.requests_csv(selectors.with_list_details(filterset.qs)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="requests-{timezone.localdate().isoformat()}.csv"'
    return response
