"""What a token's scope allows. Roles and agencies are the selectors' and services' business, as on
the pages; a scope only narrows what a person could do in the browser."""

from rest_framework import permissions

from api.models import ApiToken, Scope


class TokenScope(permissions.BasePermission):
    message = "This token may only read; making changes needs a token with the 'submit' scope."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or not isinstance(request.auth, ApiToken):
            return True
        return request.auth.scope == Scope.SUBMIT
