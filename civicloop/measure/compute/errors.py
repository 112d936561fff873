"""The one error a definition raises, naming each field that is wrong."""

from __future__ import annotations

from collections.abc import Mapping


class DefinitionError(ValueError):
    """A definition that cannot be computed; ``problems`` maps each field to what is wrong.

    >>> str(DefinitionError({"measure": "unknown measure 'avg'"}))
    "measure: unknown measure 'avg'"
    """

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{key}: {message}" for key, message in self.problems.items()))
