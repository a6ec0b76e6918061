"""Template helpers for the portals: links to pages of other apps that may not be installed yet."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def url_if_exists(name, *args, **kwargs):
    """The URL of `name`, or "" when no such URL exists (the template then shows no link)."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@register.filter
def percent_of(part, whole):
    try:
        return round(100 * part / whole) if whole else 0
    except (TypeError, ZeroDivisionError):
        return 0
