"""Uploading a return and reading what was found in it."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from project.lib.feedback import error_text, form_error_text
from requests_app import selectors
from requests_app.forms import (
    UploadForm,
)
from requests_app.permissions import ActionChecker
from requests_app.services.returns import UPLOADABLE, governance_decision, return_opened, return_upload


def upload_box(checker: ActionChecker, data_request) -> dict:
    """The upload form of the request and report pages: for those taking part, while the request takes files."""
    takes_part = checker.is_coordinator or checker.is_agency_member(data_request)
    return {
        "form": UploadForm(),
        "takes_part": takes_part,
        "can_upload": takes_part and data_request.status in UPLOADABLE,
    }


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
            "upload": upload_box(ActionChecker(request.user), data_request),
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
