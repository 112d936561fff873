"""The live public pages' stamps (`civicloop.declare.public_views`), kept apart from the
views: declare's app set-up connects the signals that forget them in every process, and
importing the views there would import the pages and, through them, learn's numerics
(scipy), most of every command's start-up."""

from __future__ import annotations

_stamps: dict[str, tuple[float, str]] = {}  # slug → (read again after, stamp)


def forget_stamps(**_kwargs) -> None:
    """Connected to `Declaration`'s post_save: this process shows a change at once."""
    _stamps.clear()
