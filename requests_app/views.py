from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from catalogue.models import Agency
from catalogue.services import agency_contact_add
from project import roles
from project.lib.feedback import error_text, form_error_text
from project.lib.text import display_name, plural
from requests_app import selectors
from requests_app.collection_template import build_csv, build_xlsx, csv_filename, xlsx_filename
from requests_app.filters import RequestFilter
from requests_app.forms import (
    AgencyContactForm,
    CampaignForm,
    ChecklistForm,
    MessageForm,
    RequestForm,
    TransitionForm,
    UploadForm,
)
from requests_app.lifecycle import EDGES, deadline_for, offered_actions
from requests_app.models import ChecklistAnswer, Status
from requests_app.permissions import ActionChecker
from requests_app.services.campaigns import campaign_chase_overdue, campaign_create
from requests_app.services.checklists import ChecklistInput, checklist_record
from requests_app.services.requests import (
    agency_contact_remove,
    request_create,
    request_message_post,
    request_transition,
)
from requests_app.services.returns import UPLOADABLE, governance_decision, return_opened, return_upload

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


def _upload_box(checker: ActionChecker, data_request) -> dict:
    """The upload form of the request and report pages: for those taking part, while the request takes files."""
    takes_part = checker.is_coordinator or checker.is_agency_member(data_request)
    return {
        "form": UploadForm(),
        "takes_part": takes_part,
        "can_upload": takes_part and data_request.status in UPLOADABLE,
    }


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
            "upload": _upload_box(checker, data_request),
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


CHECKLIST_KEYS = ("collected", "mandatory", "extractable", "completeness", "notes")


@require_http_methods(["GET", "POST"])
def request_checklist(request, public_id):
    data_request = selectors.request_get(request.user, public_id)
    rows = selectors.checklist_rows(data_request)
    checker = ActionChecker(request.user)
    editable = (checker.is_coordinator or checker.is_agency_member(data_request)) and not data_request.is_finished
    if request.method == "POST" and not editable:
        raise PermissionDenied("You cannot change this checklist.")
    forms = [
        ChecklistForm(
            request.POST if request.method == "POST" else None,
            prefix=field.code,
            # Only what someone answered: a row measured in a return was never answered.
            initial={k: getattr(answer, k) for k in CHECKLIST_KEYS}
            if answer and answer.recorded_as != ChecklistAnswer.RecordedAs.MEASURED
            else None,
        )
        for field, answer in rows
    ]
    if request.method == "POST" and all(f.is_valid() for f in forms):
        answers = [
            ChecklistInput(field=field, **f.cleaned_data)
            for (field, _), f in zip(rows, forms, strict=True)
            if f.answered
        ]
        if not answers:
            messages.error(
                request, "Nothing was saved: no field was answered. Choose an answer for each field you can."
            )
            return redirect("requests:checklist", public_id)
        try:
            changed = checklist_record(request=data_request, user=request.user, answers=answers)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            left = len(rows) - len(answers)
            unanswered = (
                f" {plural(left, 'field')} left unanswered: nothing was recorded for {'it' if left == 1 else 'them'}."
            )
            messages.success(
                request, f"Checklist saved ({plural(changed, 'answer')} changed)." + (unanswered if left else "")
            )
            return redirect("requests:detail", public_id)
    elif request.method == "POST":
        messages.error(request, "Some answers need fixing; see the rows marked below.")
    return render(
        request,
        "requests_app/checklist.html",
        {"req": data_request, "rows": list(zip(rows, forms, strict=True)), "editable": editable},
    )


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


def campaign_list(request):
    roles.require(request.user, roles.COORDINATOR)
    return render(request, "requests_app/campaign_list.html", {"campaigns": selectors.campaigns_for(request.user)})


@require_http_methods(["GET", "POST"])
def campaign_new(request):
    roles.require(request.user, roles.COORDINATOR)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_create(
                name=form.cleaned_data["name"],
                agencies=list(form.cleaned_data["agencies"]),
                coordinator=request.user,
                send=form.cleaned_data["send_now"],
                **form.request_values(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            verb = "sent to" if form.cleaned_data["send_now"] else "drafted for"
            messages.success(
                request, f"Campaign created: {len(form.cleaned_data['agencies'])} requests {verb} the agencies."
            )
            return redirect("requests:campaign", campaign.public_id)
    return render(request, "requests_app/campaign_form.html", {"form": form})


def campaign_detail(request, public_id):
    campaign = selectors.campaign_get(request.user, public_id)
    today = timezone.localdate()
    filterset = RequestFilter(request.GET, queryset=campaign.requests.all())
    return render(
        request,
        "requests_app/campaign_detail.html",
        {
            "campaign": campaign,
            "filterset": filterset,
            "today": today,
            "rows": selectors.with_list_details(filterset.qs, today),
            "rollup": selectors.campaign_rollup(campaign, today),
        },
    )


@require_POST
def campaign_chase(request, public_id):
    campaign = selectors.campaign_get(request.user, public_id)
    chased = campaign_chase_overdue(campaign=campaign, user=request.user, today=timezone.localdate())
    if chased:
        messages.success(request, f"Chased {plural(chased, 'overdue agency')}.")
    else:
        messages.info(request, "Nobody to chase: no overdue request, or they were all chased today already.")
    return redirect("requests:campaign", public_id)


def request_export(request):
    """The filtered list as CSV, from the same permission-scoped selector as the page."""
    _, filterset = _filtered(request)
    response = HttpResponse(
        selectors.requests_csv(selectors.with_list_details(filterset.qs)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="requests-{timezone.localdate().isoformat()}.csv"'
    return response


def agency_list(request):
    roles.require(request.user, roles.COORDINATOR)
    return render(request, "requests_app/agency_list.html", {"agencies": selectors.agencies_with_contacts()})


@require_http_methods(["GET", "POST"])
def agency_detail(request, public_id):
    roles.require(request.user, roles.COORDINATOR)
    agency = selectors.agency_get(public_id)
    form = AgencyContactForm(request.POST or None, agency=agency)
    if request.method == "POST":
        if "remove" in request.POST:
            leaver = selectors.agency_contact_get(agency, request.POST["remove"])
            moved = agency_contact_remove(agency=agency, user=leaver, by=request.user)
            messages.success(
                request,
                f"{display_name(leaver)} removed; {plural(moved, 'open request')} passed on.",
            )
            return redirect("requests:agency", public_id)
        if form.is_valid():
            try:
                agency_contact_add(agency=agency, user=form.cleaned_data["user"])
            except ValidationError as exc:
                form.add_error("user", exc)
            else:
                messages.success(request, f"{form.cleaned_data['user']} can now see and answer {agency}'s requests.")
                return redirect("requests:agency", public_id)
    return render(
        request,
        "requests_app/agency_detail.html",
        {
            "agency": agency,
            "form": form,
            "contacts": agency.contacts.order_by("last_name", "username"),
            "requests": selectors.with_list_details(agency.requests.all()),
            "today": timezone.localdate(),
        },
    )


@require_POST
def request_upload(request, public_id):
    data_request = selectors.request_get(request.user, public_id)
    back = _upload_page(data_request, request.POST.get("from_return"))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return back
    try:
        stored = return_upload(request=data_request, user=request.user, upload=form.cleaned_data["file"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request, f"{stored.original_name} was received (version {stored.version}) and is being checked."
        )
        return redirect("requests:return-report", public_id, stored.public_id)
    return back


def _upload_page(data_request, return_id):
    """Where a refused upload goes back to: the report it was sent from, else the request."""
    if return_id:
        try:
            stored = selectors.return_get(data_request, return_id)
        except Http404:
            pass
        else:
            return redirect("requests:return-report", data_request.public_id, stored.public_id)
    return redirect("requests:detail", data_request.public_id)


def return_download(request, public_id, return_id):
    data_request = selectors.request_get(request.user, public_id)
    stored = selectors.return_get(data_request, return_id)
    selectors.require_return_reader(request.user, stored)
    return_opened(stored=stored, user=request.user)
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.original_name)


def blocked_list(request):
    roles.require(
        request.user, roles.COORDINATOR, roles.DPO, reason="Only the coordinator and the DPO see governance blocks."
    )
    today = timezone.localdate()
    return render(
        request,
        "requests_app/blocked_list.html",
        {"page": selectors.blocked_requests(request.user, today, request.GET.get("page")), "today": today},
    )


def return_report(request, public_id, return_id):
    data_request = selectors.request_get(request.user, public_id)
    stored = selectors.return_get(data_request, return_id)
    selectors.require_return_reader(request.user, stored)
    errors_page, warnings_page = request.GET.get("errors"), request.GET.get("warnings")
    return render(
        request,
        "requests_app/return_report.html",
        {
            "req": data_request,
            "ret": stored,
            "in_force": selectors.return_in_force(data_request),
            "summary": selectors.report_summary(stored.report, errors_page=errors_page, warnings_page=warnings_page),
            # Each list's pager keeps the other list on the page it was.
            "errors_query": urlencode({"warnings": warnings_page} if warnings_page else {}),
            "warnings_query": urlencode({"errors": errors_page} if errors_page else {}),
            "allowed_areas": selectors.allowed_area_codes(data_request),
            "upload": _upload_box(ActionChecker(request.user), data_request),
            "governance": governance_decision(data_request, on=timezone.localdate()),
        },
    )


def return_status(request, public_id, return_id):
    """Polled by the report page while the file is processed."""
    data_request = selectors.request_get(request.user, public_id)
    stored = selectors.return_get(data_request, return_id)
    return JsonResponse({"status": stored.status, "label": stored.get_status_display(), "final": stored.is_final})


def return_problems_csv(request, public_id, return_id):
    data_request = selectors.request_get(request.user, public_id)
    stored = selectors.return_get(data_request, return_id)
    selectors.require_return_reader(request.user, stored)
    response = HttpResponse(selectors.problems_csv(stored.report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{data_request.reference}-v{stored.version}-problems.csv"'
    return response
