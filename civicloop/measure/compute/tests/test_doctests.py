"""The examples in the docstrings run and say what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "civicloop.measure.compute",
    "civicloop.measure.compute.areas",
    "civicloop.measure.compute.definition",
    "civicloop.measure.compute.engines",
    "civicloop.measure.compute.errors",
    "civicloop.measure.compute.filters",
    "civicloop.measure.compute.observations",
    "civicloop.measure.compute.periods",
    "civicloop.measure.compute.query",
    "civicloop.measure.compute.run",
    "civicloop.measure.compute.sources",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
