from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from accounts.second_factor import code_due


class SecondFactorMiddleware:
    """Sends a signed-in person who owes a code to the page that asks for it (or, with no app yet,
    to the page that enrols one), then on to where they were going."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "second_factor_required", True) or not getattr(view_func, "login_required", True):
            return None
        if not code_due(request.user):
            return None
        page = "accounts:second-factor" if user_has_device(request.user) else "accounts:second-factor-enrol"
        return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")
