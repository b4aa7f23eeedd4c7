"""Template helpers of the monitoring pages."""

from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """mapping[key] in a template (None when missing)."""
    return mapping.get(key) if mapping else None


@register.filter
def rate(value):
    """A percentage as the board shows it: 97.55% ; — when there is nothing to divide by."""
    return "—" if value is None else f"{value}%"
