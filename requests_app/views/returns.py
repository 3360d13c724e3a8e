"""Uploading a return and reading what was found in it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from project.lib.feedback import error_text, form_error_text
from requests_app import selectors
from requests_app.forms import (
    UploadForm,
)
from requests_app.services.returns import return_opened, return_upload


@require_POST
def request_upload(request, public_id):
    data_request = selectors.request_get(request.user, public_id)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("requests:detail", public_id)
    try:
        stored = return_upload(request=data_request, user=request.user, upload=form.cleaned_data["file"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request, f"{stored.original_name} was received (version {stored.version}) and is being checked."
        )
        return redirect("requests:return-report", public_id, stored.public_id)
    return redirect("requests:detail", public_id)


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
    return render(
        request,
        "requests_app/return_report.html",
        {
            "req": data_request,
            "ret": stored,
            "in_force": selectors.return_in_force(data_request),
            "summary": selectors.report_summary(stored.report),
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
