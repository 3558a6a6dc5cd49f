from django.core.exceptions import PermissionDenied

from .errors import NotPermitted


class RefusalMiddleware:
    """A service or selector refusing for lack of rights answers 403, from any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotPermitted):
            raise PermissionDenied(str(exception.message))
        return None
