"""How callers prove who they are: the browser's session, or another system's bearer token."""

from ninja.security import HttpBearer, SessionAuth

from bangfu.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


# The token is tried first: ninja's session check refuses a POST without a CSRF token outright
# instead of letting the next method try, which would turn away every other system's write.
# A bearer token is not sent by browsers on their own, so it needs no CSRF protection.
API_AUTH = [TokenAuth(), SessionAuth()]
