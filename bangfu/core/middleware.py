"""Response headers that every page needs: the Content-Security-Policy and "do not store".

Both run after WhiteNoise, which answers static files itself: static files keep their
long-lived caching, and everything Django answers (pages, error pages, the API and its
docs, downloads, photos, the capture page's service worker) gets both headers.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control


def build_policy(directives: dict[str, list[str]]) -> str:
    """``{"default-src": ["'self'"], ...}`` as a header value, in the form of Django 6's
    ``SECURE_CSP``, so that moving to Django 6 swaps this middleware for its own."""
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    """Sends ``settings.SECURE_CSP`` on every response. With no inline script or style
    allowed, markup that reaches a page through a bug or a stored value cannot run code or
    restyle it. Django 5.2 has no CSP support of its own (6.0 has)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build_policy(settings.SECURE_CSP)

    def __call__(self, request):
        response = self.get_response(request)
        # A view that needs a different policy sets its own; none does today.
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class NoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every response Django makes: pages and API
    answers for a signed-in person carry households, members, ID numbers, exports and
    PDFs, which must stay neither in a shared proxy nor on an office PC's disk. The pages
    of a signed-out person (sign-in, errors) gain nothing from caching, so the rule has no
    exception to get wrong. The Cache API of the capture page's service worker ignores
    this header, as it must to work offline."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response
