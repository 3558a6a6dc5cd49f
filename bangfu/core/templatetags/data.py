"""Marking what a page shows as data, not as words of its language."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def as_data(value) -> str:
    """``value`` (a login name, a code, what someone typed) in an element marked
    ``translate="no"``, so that a browser's translator, and the test that checks every page
    speaks Chinese, leave it as it is."""
    return format_html('<span translate="no">{}</span>', value)
