"""Forms of supervision's pages, one module per part of the work (as ``views``)."""

from .bulletins import BulletinCreateForm, BulletinEditForm
from .rounds import RedrawForm, RoundForm

__all__ = [
    "BulletinCreateForm",
    "BulletinEditForm",
    "RedrawForm",
    "RoundForm",
]
