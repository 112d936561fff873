"""Links on public pages: ``{% purl indicator %}``, ``{% purl collaborative "data/" %}``,
``{% pstatic "civicloop/civicloop.css" %}``; relative in a static build, /public/... live."""

from __future__ import annotations

from django import template

from civicloop.declare.public.links import path_of

register = template.Library()


@register.simple_tag(takes_context=True)
def purl(context, obj, suffix: str = "") -> str:
    return context["site"].url(path_of(obj, suffix))


@register.simple_tag(takes_context=True)
def pstatic(context, path: str) -> str:
    return context["site"].asset(path)
