"""Workspaces made once per test run by a real command, and copies of them for tests that write.

``civicloop demo`` takes most of a minute; half a dozen test modules need a demo workspace
of their own (a CLI run, a served walk, a load killed half-way). Each gets a copy of one
real ``civicloop demo --no-serve`` run: the workspace is a folder (the SQLite file, the
archive, the settings) with no absolute path inside, so a copy is a workspace of its own.
Likewise ``civicloop init`` (its migrations take seconds) for the tests that need an empty
workspace but are not about making one.

When the suite is spread over processes (pytest-xdist), the first worker to need one makes
it and the others wait for that one and share it, as nobody writes to it.
"""

from __future__ import annotations

import fcntl
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class BuiltDemo:
    path: Path  # never written to: tests copy it
    stdout: str  # what the command printed (200 columns wide for the demo)

    def copy(self, dest: Path) -> Path:
        """A fresh workspace at ``dest`` holding the built one; returns ``dest``."""
        shutil.copytree(self.path, dest, ignore=shutil.ignore_patterns("*.log", "outbox"))
        return dest


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory, worker_id) -> BuiltDemo:
    """One real ``civicloop demo --no-serve`` run."""
    return _once_per_run(tmp_path_factory, worker_id, "built-demo", _build_demo)


@pytest.fixture(scope="session")
def initialised_workspace(tmp_path_factory, worker_id) -> BuiltDemo:
    """One real ``civicloop init`` run: an empty, migrated workspace."""
    return _once_per_run(tmp_path_factory, worker_id, "initialised", _initialise)


def _once_per_run(
    tmp_path_factory, worker_id: str, name: str, make: Callable[[Path], BuiltDemo]
) -> BuiltDemo:
    if worker_id == "master":  # one process: nobody to share with
        return make(tmp_path_factory.mktemp(name))
    # The workers' temporary folders share a parent, unique to this run.
    shared = tmp_path_factory.getbasetemp().parent / name
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        said = shared / "stdout.txt"
        if said.is_file():  # another worker made it
            return BuiltDemo(shared / "ws", said.read_text(encoding="utf-8"))
        made = make(shared)
        said.write_text(made.stdout, encoding="utf-8")  # last: only once it worked
        return made


def _build_demo(folder: Path) -> BuiltDemo:
    from civicloop.core.tests.commands import civicloop_cmd

    path = folder / "ws"
    out = civicloop_cmd("demo", "--no-serve", "--workspace", str(path), env={"COLUMNS": "200"})
    assert out.returncode == 0, out.stderr
    return BuiltDemo(_checkpointed(path), out.stdout)


def _initialise(folder: Path) -> BuiltDemo:
    from civicloop.core.tests.commands import civicloop_cmd

    path = folder / "ws"
    out = civicloop_cmd("init", str(path))
    assert out.returncode == 0, out.stderr
    return BuiltDemo(_checkpointed(path), out.stdout)


def _checkpointed(path: Path) -> Path:
    # SQLite's write-ahead log is folded into the file, so a copy needs only the file. The
    # connection is closed here, not whenever it is collected: closing it deletes the log
    # files, and a worker copying the folder meanwhile would miss them half-way.
    with closing(sqlite3.connect(path / "civicloop.sqlite3")) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path
