"""How a request says who makes it: a bearer token (systems, BI tools) or the browser's session."""

from rest_framework import authentication, exceptions

from accounts.second_factor import code_due
from api.selectors import token_for_secret
from api.services import token_use_record


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <secret>`. A wrong, revoked or expired token is refused outright rather
    than treated as no token: a system whose token lapsed must hear so, not see an empty list."""

    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the token as 'Authorization: Bearer <token>'.")
        token, reason = token_for_secret(parts[1].decode(errors="replace"))
        if token is None:
            raise exceptions.AuthenticationFailed(reason)
        token_use_record(token=token, method=request.method, path=request.get_full_path())
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, once its second factor is given: the pages' middleware that asks for the
    code lets API views through, since a token request brings no session."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found and code_due(found[0]):
            raise exceptions.NotAuthenticated("Give the code from your authenticator app first.")
        return found
