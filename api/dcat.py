"""The catalogue as DCAT 3 JSON-LD at /api/v1/catalogue.jsonld, as `export_catalogue --format jsonld`
writes it, with the period each local source's data was asked for (from the requests this person
may see) as its temporal coverage."""

from django.db.models import Max, Min
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue.dcat import catalogue_jsonld
from catalogue.selectors import sources_with_details
from requests_app.selectors import requests_for


class JsonLdRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class CatalogueJsonLd(APIView):
    renderer_classes = [JsonLdRenderer, JSONRenderer]

    @extend_schema(responses={(200, "application/ld+json"): OpenApiTypes.OBJECT})
    def get(self, request):
        """The whole catalogue as a dcat:Catalog (the UK metadata exchange model's DCAT 3)."""
        periods = (
            requests_for(request.user)
            .order_by()
            .values("source_id")
            .annotate(start=Min("period_start"), end=Max("period_end"))
        )
        temporal = {row["source_id"]: (row["start"], row["end"]) for row in periods if row["start"] and row["end"]}
        sources = sources_with_details().order_by("stage", "title")
        return Response(catalogue_jsonld(sources, base=request.build_absolute_uri("/catalogue/"), temporal=temporal))
