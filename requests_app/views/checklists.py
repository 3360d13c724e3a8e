"""The field-availability checklist of a request."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from project.lib.feedback import error_text
from project.lib.text import plural
from requests_app import selectors
from requests_app.forms import (
    ChecklistForm,
)
from requests_app.models import ChecklistAnswer
from requests_app.permissions import ActionChecker
from requests_app.services.checklists import ChecklistInput, checklist_record

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
