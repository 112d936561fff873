"""The packet as a PDF a chair can print for the meeting (WeasyPrint).

The PDF is the packet page's body in a print layout: A4/Letter-safe margins, page numbers,
the collaborative and the as-of date in every page's footer, and a box per undecided
strategy where the table's decision and the chair's signature can be written by hand.
WeasyPrint is imported here only, so the rest of civicloop works without it.
"""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string


def packet_html(context: dict) -> str:
    """The print layout of `context` (what the packet page gets), with each indicator's
    map by area as of the packet's date."""
    from civicloop.review.maps import packet_maps

    on = date.fromisoformat(context["packet"]["as_of"])
    maps = packet_maps(context["collaborative"], on)
    return render_to_string(
        "review/packet_print.html", {**context, "print_mode": True, "maps": maps}
    )


def packet_pdf(context: dict) -> bytes:
    """Render `context` (what the packet page gets) to PDF bytes."""
    from weasyprint import HTML

    return HTML(string=packet_html(context)).write_pdf()
