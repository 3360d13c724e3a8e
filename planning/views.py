"""The project plan, its milestones, the checklist decisions and the Stage 3 register. Thin views:
the coordinator edits, the DPO reads, anyone else gets 404 (planning.access)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from catalogue.selectors import area_for_user
from planning import selectors, services
from planning.access import require_editor, require_reader
from planning.forms import DecisionForm, DoneForm, EngagementForm, MilestoneForm, PlanForm
from planning.models import Engagement, Milestone
from planning.toolkit import CHECKLIST
from project import roles
from project.lib.feedback import error_text, form_error_text


def plan(request):
    require_reader(request.user)
    area = area_for_user(request.user)
    return render(
        request,
        "planning/plan.html",
        {
            "area": area,
            "plan": selectors.plan_for(area),
            "milestones": selectors.milestones_for(area),
            "today": timezone.localdate(),
            "milestone_form": MilestoneForm(),
            "can_edit": roles.is_coordinator(request.user),
        },
    )


def plan_edit(request):
    require_editor(request.user)
    area = area_for_user(request.user)
    form = PlanForm(request.POST or None, instance=selectors.plan_for(area), area=area)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_update(
                area=area,
                user=request.user,
                values={name: data[name] for name in services.PLAN_TEXT_FIELDS},
                partners=list(data["partners"]),
                definitions=list(data["definitions"]),
                geography_level=data["geography_level"],
                benefits=data["benefits"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Plan saved.")
            return redirect("planning:plan")
    steps = {name: [form[field] for field in fields] for name, fields in PlanForm.STEPS.items()}
    return render(request, "planning/plan_form.html", {"form": form, "area": area, **steps})


@require_POST
def milestone_add(request):
    require_editor(request.user)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        services.milestone_add(area=area_for_user(request.user), **form.cleaned_data)
        messages.success(request, f"Milestone added: {form.cleaned_data['title']}.")
    else:
        messages.error(request, form_error_text(form))
    return redirect(f"{reverse('planning:plan')}#milestones")


def _milestone(request, pk) -> Milestone:
    return get_object_or_404(selectors.milestones_for(area_for_user(request.user)), pk=pk)


@require_POST
def milestone_done(request, pk):
    require_editor(request.user)
    milestone = _milestone(request, pk)
    form = DoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_complete(milestone=milestone, on=form.cleaned_data["done_on"])
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, f"Done: {milestone.title}.")
    else:
        messages.error(request, form_error_text(form))
    return redirect(f"{reverse('planning:plan')}#milestones")


@require_POST
def milestone_delete(request, pk):
    require_editor(request.user)
    milestone = _milestone(request, pk)
    services.milestone_delete(milestone=milestone)
    messages.success(request, f"Milestone removed: {milestone.title}.")
    return redirect(f"{reverse('planning:plan')}#milestones")


def checklist(request):
    require_reader(request.user)
    area = area_for_user(request.user)
    progress = selectors.checklist_progress(area)
    can_edit = roles.is_coordinator(request.user)
    today = timezone.localdate()
    rows = [
        (
            code,
            text,
            decision,
            DecisionForm(instance=decision, prefix=code, initial={"decided_on": today}) if can_edit else None,
        )
        for code, text, decision in progress.rows
    ]
    return render(
        request, "planning/checklist.html", {"area": area, "progress": progress, "rows": rows, "can_edit": can_edit}
    )


@require_POST
def checklist_decide(request, item):
    require_editor(request.user)
    if item not in CHECKLIST:
        raise Http404
    form = DecisionForm(request.POST, prefix=item)
    if form.is_valid():
        try:
            services.checklist_decide(area=area_for_user(request.user), item=item, user=request.user, **_decision(form))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, f"Decision recorded: {CHECKLIST[item]}")
    else:
        messages.error(request, form_error_text(form))
    return redirect(f"{reverse('planning:checklist')}#item-{item}")


def _decision(form) -> dict:
    data = form.cleaned_data
    return {"decision": data["decision"], "note": data["note"], "on": data["decided_on"]}


def register(request):
    require_reader(request.user)
    area = area_for_user(request.user)
    can_edit = roles.is_coordinator(request.user)
    form = EngagementForm(request.POST or None)
    if request.method == "POST":
        require_editor(request.user)
        if form.is_valid():
            try:
                services.engagement_add(area=area, user=request.user, values=form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Added to the register: {form.cleaned_data['title']}.")
                return redirect("planning:register")
    return render(
        request,
        "planning/register.html",
        {
            "area": area,
            "rows": selectors.engagement_register(area),
            "form": form if can_edit else None,
            "gap_days": selectors.engagement_gap_days(),
        },
    )


def _engagement(request, pk) -> Engagement:
    return get_object_or_404(Engagement.objects.filter(area=area_for_user(request.user)), pk=pk)


def engagement_edit(request, pk):
    require_editor(request.user)
    entry = _engagement(request, pk)
    form = EngagementForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.engagement_update(engagement=entry, values=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Saved: {entry.title}.")
            return redirect("planning:register")
    return render(request, "planning/engagement_form.html", {"form": form, "entry": entry})


@require_POST
def engagement_delete(request, pk):
    require_editor(request.user)
    entry = _engagement(request, pk)
    services.engagement_delete(engagement=entry)
    messages.success(request, f"Removed from the register: {entry.title}.")
    return redirect("planning:register")
