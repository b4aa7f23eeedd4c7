"""How report figures read on a page: rates with a per-cent sign, money in 万元, a dash for "no base"."""

from decimal import Decimal

from django import template

register = template.Library()
DASH = "—"


@register.filter
def rate(value):
    """97.55 → "97.55%"; None (nothing to divide by) → "—"."""
    if value is None or value == "":
        return DASH
    return f"{Decimal(value):.2f}%"


@register.filter
def wan(value):
    """Yuan → 万元 with at most two decimals and no trailing zeros: 19233000 → "1923.3"."""
    if value is None or value == "":
        return "0"
    text = f"{Decimal(value) / Decimal(10000):.2f}".rstrip("0").rstrip(".")
    return text or "0"


@register.filter
def days(value):
    """A median in working days: 3 → "3", 3.5 → "3.5", None → "—"."""
    if value is None or value == "":
        return DASH
    text = f"{Decimal(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


@register.filter
def get(mapping, key):
    return mapping.get(key, "") if mapping else ""
