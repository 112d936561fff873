from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    """``{{ mydict|get_item:key }}``: look up a key that is itself a variable."""
    return mapping.get(key) if mapping else None


@register.inclusion_tag("core/_stage_nav.html", takes_context=True)
def stage_nav(context) -> dict:
    """The loop's stages across the top of a collaborative's working pages (`core.stages`)."""
    from civicloop.core.stages import navigation

    request = context.get("request")
    if request is None:
        return {"nav": None}
    user = getattr(request, "user", None)
    nav = navigation(
        getattr(request, "resolver_match", None),
        context.get("collaborative"),
        signed_in=bool(getattr(user, "is_authenticated", False)),
        path=request.path,
    )
    return {"nav": nav}
