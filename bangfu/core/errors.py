"""Domain errors: a service refuses with one of these, and every surface shows its message."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refusal a person can act on: ``message`` is shown to them, ``code`` is for machines."""

    code = "refused"

    def __init__(self, message, *, code: str | None = None, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code


class NotPermitted(PermissionDenied):
    """The actor's roles do not include this; every surface answers 403."""

    def __init__(self):
        super().__init__(_("Your role does not include this."))


class OutOfScope(Http404):
    """A record outside the actor's places, or missing: both answer 404 with the same words."""

    def __init__(self):
        super().__init__(_("Not found, or you may not see it."))


class Clash(DomainError):
    """A number already held by a record outside the actor's places (登记冲突): refused
    without saying where, or that it exists; the services record it for an administrator
    whose places cover both (``core.services.clashes_recorded``)."""

    code = "needs_check"

    def __init__(
        self,
        message,
        *,
        field: str,
        region_code: str,
        holder: tuple[str, str, str],
        detail: dict,
    ):
        super().__init__(message, field=field)
        self.region_code = region_code
        # (object type, object id, place code) of the record that holds the number.
        self.holder = holder
        self.detail = detail
