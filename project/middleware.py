"""Middleware of the tracker's own."""

from django.utils.cache import add_never_cache_headers


def no_store_when_signed_in(get_response):
    """Pages for a signed-in person carry requests, checklists or returned figures of some agency:
    `Cache-Control: no-store` keeps them out of browser caches and shared proxies alike."""

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return middleware
