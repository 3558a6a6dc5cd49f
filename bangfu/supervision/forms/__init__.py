"""Forms of supervision's pages, one module per part of the work (as ``views``)."""

from .rounds import RedrawForm, RoundForm

__all__ = [
    # rounds
    "RedrawForm",
    "RoundForm",
from .bulletins import BulletinCreateForm, BulletinEditForm

__all__ = [
    # bulletins
    "BulletinCreateForm",
    "BulletinEditForm",
]
