"""Template filters of the findings' pages: ``{% load findings %}``."""

from django import template

from ..selectors.findings import STATE_NAMES

register = template.Library()


@register.filter
def finding_state(state: str) -> str:
    """A finding's state as the pages name it (已交办, 整改中, 已提交, 已退回, 已销号)."""
    return str(STATE_NAMES.get(state, state))
