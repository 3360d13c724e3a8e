from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from catalogue.selectors import area_for_user
from project.lib.feedback import error_text, form_error_text
from releases import selectors
from releases.forms import TakeInForm
from releases.services import public_table_take_in


def release_take_in(request, slug):
    source = selectors.public_source_for_coordinator(request.user, slug)
    area = area_for_user(request.user)
    form = TakeInForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, form_error_text(form))
        else:
            upload, data = form.cleaned_data["file"], form.cleaned_data["file"].read()
            try:
                taken = public_table_take_in(
                    area=area,
                    source=source,
                    data=data,
                    filename=upload.name,
                    edition=form.cleaned_data["edition"],
                    table=form.cleaned_data["table"],
                    measure=form.cleaned_data["measure"],
                    released_on=form.cleaned_data["released_on"],
                    provenance=form.cleaned_data["provenance"],
                    user=request.user,
                )
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                if taken.stored:
                    messages.success(
                        request,
                        f"{taken.release.observation_count} counts of {source.title} taken in from {upload.name}.",
                    )
                    return redirect("releases:take-in", source.slug)
                report = taken.report
                messages.error(request, f"Nothing was stored from {upload.name}: the report below says why.")
    return render(
        request,
        "releases/take_in.html",
        {"source": source, "form": form, "report": report, "releases": selectors.releases_of(area, source)},
    )
