"""What needs attention: the sections a collaborative's home leads with, from every stage.

The home (``results/collaborative.html``) opens with what waits on someone: overdue
commitments, values waiting for approval, an open prioritisation round, the next review, a
declaration waiting for a chair. Each stage knows its own: it offers a function
``(collaborative, user, roles) -> Section | None`` in its own ``attention.py``, and that
function is listed here, once, in the order of the loop. Adding a section (the data
calendar's due and overdue numbers, say) is one line in `SECTIONS` and one function in the
stage that owns the data; the home's template does not change.

Every function runs a constant number of queries (counts and a short list, never a query
per row; links are reversed from the collaborative's slug, not a row's
``get_absolute_url``, which reads the row's collaborative again): the home's query bound
(``results/tests/test_query_counts.py``) holds the sum.
A section is shown to members only; `None` leaves it out (a section that does not apply to
this person's roles), while an empty section says so honestly ("nothing waiting").
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise

Text = str | Promise


@dataclass(frozen=True)
class Item:
    """One thing waiting: a line of the section, linked to where it is acted on."""

    label: Text
    url: str
    note: Text = ""
    late: bool = False  # overdue: drawn as such, and said in words (``note``)


@dataclass(frozen=True)
class Section:
    key: str  # also the heading's id: "attention-<key>"
    title: Text
    summary: Text  # one sentence: how many, and what happens next; the empty state's words
    url: str  # where the whole section is acted on
    link_text: Text
    count: int = 0  # how many wait; 0 is the honest "nothing waiting"
    items: Sequence[Item] = field(default_factory=tuple)
    more: int = 0  # waiting beyond those listed in `items`
    late: bool = False  # something in it is overdue
    counted: bool = True  # the heading shows the count (not for "the next review")
    # A section that needs more than a list (a score, a chart) names its own template; it is
    # rendered with {"section": ..., "collaborative": ...}.
    template: str = "core/_attention_section.html"
    extra: dict = field(default_factory=dict)

    @property
    def tone(self) -> str:
        if self.late:
            return "late"
        return "waiting" if self.count else "none"


Finder = Callable[..., Section | None]

# The sections, in the order of the loop: dotted paths, so a stage whose app is absent is
# skipped and no stage imports another's.
SECTIONS: tuple[str, ...] = (
    "civicloop.table.attention.overdue_commitments",
    # (the data calendar's "data due / overdue / fresh" belongs here, beside approval)
    "civicloop.results.attention.pending_approval",
    "civicloop.table.attention.open_rounds",
    "civicloop.review.attention.next_review",
    "civicloop.declare.attention.declarations_waiting",
)

# How many items a section lists before "and N more".
SHOWN = 5


def _finder(path: str) -> Finder | None:
    module, _, name = path.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:
        # Only the stage's own module (or its app) missing is skipped; a broken import
        # inside it is an error.
        if not (exc.name and (module == exc.name or module.startswith(exc.name + "."))):
            raise
        return None


def sections(collaborative, user, roles: set[str], paths: Sequence[str] | None = None):
    """The attention sections for `user` (whose `roles` at the collaborative are given)."""
    found = []
    for path in SECTIONS if paths is None else paths:
        finder = _finder(path)
        if finder is None:
            continue
        section = finder(collaborative, user, roles)
        if section is not None:
            found.append(section)
    return found
