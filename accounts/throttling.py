"""Which address a sign-in came from, for counting failures per address."""

from django.http import HttpRequest


def forwarded_client_address(request: HttpRequest) -> str | None:
    """Behind a proxy every request comes from the proxy: the client is the address the proxy
    appended last to X-Forwarded-For. Earlier entries are whatever the client chose to send."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    appended = forwarded.rsplit(",", 1)[-1].strip()
    return appended or request.META.get("REMOTE_ADDR")
