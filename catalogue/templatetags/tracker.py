from django import template

register = template.Library()


@register.filter
def person(user, fallback: str = ""):
    """A user's full name, else their username; `fallback` when there is no user (system, removed)."""
    if user is None:
        return fallback
    return user.get_full_name() or user.get_username()


@register.filter
def get_item(mapping, key):
    """A dictionary value by a key held in a variable (templates cannot index by variable)."""
    return mapping.get(key) if mapping else None
