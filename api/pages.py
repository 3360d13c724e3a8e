"""The page where a person makes and revokes their API tokens."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import TokenForm
from api.selectors import token_get, tokens_for
from api.services import token_create, token_revoke


@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        # Rendered, not redirected: the secret is in this one response and nowhere else.
        _, secret = token_create(user=request.user, **form.cleaned_data)
        form = TokenForm()
    return render(request, "api/tokens.html", {"form": form, "secret": secret, "tokens": tokens_for(request.user)})


@require_POST
def token_revoke_view(request, public_id):
    token = token_revoke(token=token_get(request.user, public_id))
    messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("api:tokens")
