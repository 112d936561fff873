"""The demo collaborative built once per test process, and copies of it for tests that write.

``civicloop demo`` takes most of a minute; half a dozen test modules need a demo workspace
of their own (a CLI run, a served walk, a load killed half-way). Each gets a copy of one
real ``civicloop demo --no-serve`` run: the workspace is a folder (the SQLite file, the
archive, the settings) with no absolute path inside, so a copy is a workspace of its own.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class BuiltDemo:
    path: Path  # never written to: tests copy it
    stdout: str  # what `civicloop demo --no-serve` printed (200 columns wide)

    def copy(self, dest: Path) -> Path:
        """A fresh workspace at ``dest`` holding the built demo; returns ``dest``."""
        shutil.copytree(self.path, dest, ignore=shutil.ignore_patterns("*.log", "outbox"))
        return dest


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory) -> BuiltDemo:
    from civicloop.core.tests.commands import civicloop_cmd

    path = tmp_path_factory.mktemp("built-demo") / "ws"
    out = civicloop_cmd("demo", "--no-serve", "--workspace", str(path), env={"COLUMNS": "200"})
    assert out.returncode == 0, out.stderr
    # SQLite's write-ahead log is folded into the file, so a copy needs only the file.
    import sqlite3

    with sqlite3.connect(path / "civicloop.sqlite3") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return BuiltDemo(path, out.stdout)
