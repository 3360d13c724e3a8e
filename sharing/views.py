from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from catalogue.selectors import area_for_user
from project import roles
from project.lib.feedback import error_text, form_error_text
from project.lib.pages import page_of
from project.lib.text import lower_first
from sharing import lifecycle, selectors
from sharing.forms import AgreementActionForm, AgreementForm, CommentForm
from sharing.models import AuditEntry
from sharing.services import (
    EDITABLE,
    agreement_amend,
    agreement_comment,
    agreement_create,
    agreement_transition,
    agreement_update,
    audit_record,
)

WRONG_ROLE = "Your role cannot open this page."


def register(request):
    filterset = selectors.RegisterFilter(request.GET, queryset=selectors.agreements_for(request.user))
    page = Paginator(filterset.qs.order_by("reference", "-version"), 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "sharing/register.html", {"filterset": filterset, "page": page, "query": query.urlencode()})


def register_export(request):
    filterset = selectors.RegisterFilter(request.GET, queryset=selectors.agreements_for(request.user))
    response = HttpResponse(
        selectors.register_csv(filterset.qs.order_by("reference", "-version")), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="sharing-agreements-{timezone.localdate().isoformat()}.csv"'
    )
    return response


@require_http_methods(["GET", "POST"])
def agreement_new(request):
    roles.require(request.user, roles.COORDINATOR, reason=WRONG_ROLE)
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = agreement_create(area=area_for_user(request.user), user=request.user, **form.service_values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{agreement.label} saved as a draft. Submit it when it is ready for the DPO.")
            return redirect("sharing:detail", agreement.public_id)
    return render(request, "sharing/agreement_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def agreement_edit(request, public_id):
    roles.require(request.user, roles.COORDINATOR, reason=WRONG_ROLE)
    agreement = selectors.agreement_get(request.user, public_id)
    if agreement.status not in EDITABLE:
        messages.error(
            request,
            "Only drafts and agreements sent back for changes can be edited. Amend an active agreement instead.",
        )
        return redirect("sharing:detail", public_id)
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            agreement_update(
                agreement=agreement,
                user=request.user,
                expected_version=int(request.POST.get("lock_version", -1)),
                **form.service_values(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("sharing:detail", public_id)
    return render(request, "sharing/agreement_form.html", {"form": form, "agreement": agreement})


def agreement_detail(request, public_id):
    agreement = selectors.agreement_get(request.user, public_id)
    return render(
        request,
        "sharing/agreement_detail.html",
        {
            "agreement": agreement,
            "actions": lifecycle.allowed_actions(request.user, agreement.status),
            "timeline": selectors.agreement_timeline(agreement),
            "diff": selectors.agreement_diff(agreement),
            "editable": roles.is_coordinator(request.user) and agreement.status in EDITABLE,
            "amendable": roles.is_coordinator(request.user)
            and agreement.status in lifecycle.LIVE
            and not hasattr(agreement, "next_version"),
            "can_comment": roles.is_coordinator(request.user) or roles.is_dpo(request.user),
            "comment_form": CommentForm(),
            "today": timezone.localdate(),
        },
    )


@require_POST
def agreement_action(request, public_id):
    agreement = selectors.agreement_get(request.user, public_id)
    form = AgreementActionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("sharing:detail", public_id)
    data = form.cleaned_data
    try:
        changed = agreement_transition(
            agreement=agreement,
            action=data["action"],
            user=request.user,
            note=data["note"],
            expected_version=data["version"],
            siro_name=data["siro_name"],
            siro_signed_on=data["siro_signed_on"],
            signed_document=data["signed_document"],
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"{changed.label} is now {lower_first(changed.get_status_display())}.")
    return redirect("sharing:detail", public_id)


@require_POST
def agreement_amend_view(request, public_id):
    agreement = selectors.agreement_get(request.user, public_id)
    try:
        new = agreement_amend(agreement=agreement, user=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("sharing:detail", public_id)
    messages.success(request, f"{new.label} started. {agreement.label} stays in force until the new version is active.")
    return redirect("sharing:edit", new.public_id)


@require_POST
def agreement_comment_view(request, public_id):
    agreement = selectors.agreement_get(request.user, public_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            agreement_comment(agreement=agreement, user=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    else:
        messages.error(request, "Write a comment.")
    return redirect("sharing:detail", public_id)


def agreement_document(request, public_id):
    agreement = selectors.agreement_get(request.user, public_id)
    if not agreement.signed_document:
        raise Http404("No signed document was uploaded.")
    audit_record(
        user=request.user,
        action=AuditEntry.Action.AGREEMENT_DOWNLOAD,
        object_type="sharing.agreement",
        object_id=agreement.pk,
        agreement=agreement,
        detail=agreement.signed_document.name,
    )
    return FileResponse(
        agreement.signed_document.open("rb"),
        as_attachment=True,
        filename=f"{agreement.reference}-v{agreement.version}.pdf",
    )


# Agreements per page of each of the DPO's lists.
DPO_PAGE_SIZE = 20


def dpo_workspace(request):
    roles.require(request.user, roles.DPO, reason=WRONG_ROLE)
    lists = selectors.dpo_workspace(timezone.localdate())
    # Each list pages on its own parameter; its pager keeps the others' pages.
    context = {}
    for name, agreements in lists.items():
        context[name], context[f"{name}_query"] = page_of(request, agreements, DPO_PAGE_SIZE, param=name)
    return render(request, "sharing/dpo_workspace.html", context)


def audit_log(request):
    roles.require(request.user, roles.DPO, reason=WRONG_ROLE)
    filterset = selectors.AuditFilter(request.GET, queryset=selectors.audit_entries())
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "sharing/audit_log.html", {"filterset": filterset, "page": page, "query": query.urlencode()})


def audit_export(request):
    """The audit log, filtered as on its page, as CSV; the export is itself an entry."""
    roles.require(request.user, roles.DPO, reason=WRONG_ROLE)
    filterset = selectors.AuditFilter(request.GET, queryset=selectors.audit_entries())
    body = selectors.audit_csv(filterset.qs)
    audit_record(
        user=request.user,
        action=AuditEntry.Action.AUDIT_EXPORTED,
        object_type="sharing.auditentry",
        object_id="export",
        detail=f"Filters: {request.GET.urlencode() or 'none'}"[:500],
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{timezone.localdate().isoformat()}.csv"'
    return response
