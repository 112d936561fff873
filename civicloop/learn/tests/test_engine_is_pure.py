"""The engine never imports Django, and its docstring examples run."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys

import pytest

import civicloop.learn

DJANGO_SIDE = {
    "models",
    "apps",
    "store",
    "views",
    "cli",
    "demo_stage",
    "evidence",
    "tasks",
    "admin",
    "migrations",
    "templates",
    "tests",
}
ENGINE = sorted(
    m.name for m in pkgutil.iter_modules(civicloop.learn.__path__) if m.name not in DJANGO_SIDE
)


def test_there_are_engine_modules():
    assert {"batch", "trend", "direction", "progress", "margins", "baseline", "effects"} <= set(
        ENGINE
    )


def test_importing_the_engine_does_not_import_django():
    imports = "; ".join(
        ["import civicloop.learn"] + [f"import civicloop.learn.{m}" for m in ENGINE]
    )
    code = f"{imports}; import sys; assert 'django' not in sys.modules, 'django imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("name", ENGINE)
def test_docstring_examples(name):
    module = importlib.import_module(f"civicloop.learn.{name}")
    failures, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failures == 0
