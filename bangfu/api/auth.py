"""How callers prove who they are: the browser's session, or another system's bearer token."""

from ninja.security import HttpBearer, SessionAuth

from bangfu.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


API_AUTH = [SessionAuth(), TokenAuth()]
