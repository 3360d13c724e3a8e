from django import template

from project.lib.text import display_name

register = template.Library()


@register.filter
def person(user, fallback: str = ""):
    """A user's full name, else their username; `fallback` when there is no user (system, removed)."""
    return display_name(user, nobody=fallback)


@register.filter
def get_item(mapping, key):
    """A dictionary value by a key held in a variable (templates cannot index by variable)."""
    return mapping.get(key) if mapping else None
