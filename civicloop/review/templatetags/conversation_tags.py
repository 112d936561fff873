"""The Turn the Curve conversation read in the reader's language wherever it is shown.

A copy of the conversation (working or declared, or the one frozen in a review's packet)
carries the English words and, under ``es``, the Spanish the table wrote. The packet keeps
the whole copy, so that a packet frozen in one language reads in the other; this filter
picks the words of the language the page (or the PDF, or the command) speaks, falling back
to English field by field. Applied twice it changes nothing.
"""

from __future__ import annotations

from django import template
from django.utils import translation

from civicloop.review.models import in_language

register = template.Library()


@register.filter
def in_reader_language(copy: dict | None) -> dict | None:
    return in_language(copy, translation.get_language())
