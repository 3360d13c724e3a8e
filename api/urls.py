from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from api import pages
from api.agreements import AgreementViewSet
from api.dcat import CatalogueJsonLd
from api.reports import CoverageViewSet, IndicatorViewSet, RecommendationViewSet
from api.views import router

router.register("agreements", AgreementViewSet, basename="agreement")
router.register("coverage", CoverageViewSet, basename="coverage")
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("indicators", IndicatorViewSet, basename="indicators")

app_name = "api"
urlpatterns = [
    path("v1/catalogue.jsonld", CatalogueJsonLd.as_view(), name="catalogue-jsonld"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The script is served apart from the page: the site's policy runs no inline script.
    # Pages for people: a signed-out visitor is sent to sign in, as on every other page.
    path(
        "docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html")),
        name="swagger",
    ),
    path(
        "redoc/",
        login_required(
            # ReDoc writes its styles into style elements as it renders, taking no nonce for them, and
            # runs its search in a worker made from its own script: on this page alone both are let
            # in. Scripts stay the tracker's own files.
            csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
                SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
            )
        ),
        name="redoc",
    ),
    path("tokens/", pages.token_list, name="tokens"),
    path("tokens/<uuid:public_id>/revoke/", pages.token_revoke_view, name="token-revoke"),
]
