"""Reads of public releases for a user."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from catalogue.models import Area, Source
from project import roles
from releases.models import PublicRelease


def public_source_for_coordinator(user, slug: str) -> Source:
    """Public figures are the coordinator's to take in; to anyone else the page does not exist."""
    if not roles.is_coordinator(user):
        raise Http404("No such page.")
    return get_object_or_404(Source, slug=slug, stage=Source.Stage.PUBLIC)


def releases_of(area: Area, source: Source) -> QuerySet[PublicRelease]:
    return PublicRelease.objects.filter(area=area, source=source).select_related("taken_in_by", "replaced_by")
