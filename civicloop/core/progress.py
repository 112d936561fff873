"""A progress display for commands that take more than a few seconds, quiet when not wanted.

A person at a terminal sees each step of a long command with a spinner and its elapsed
time (Rich's progress display), cleared when the command is done so only its answer stays
on screen. Output to a pipe, a file or a log, and ``--json`` output, get nothing from it:
a machine reading the output must not find a progress bar in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


class Steps:
    """The steps of one command, shown one after another (see `steps`)."""

    def __init__(self, bar: Progress):
        self._bar = bar

    @contextmanager
    def step(self, description: str) -> Iterator[None]:
        task = self._bar.add_task(description, total=1)
        try:
            yield
        finally:
            self._bar.update(task, completed=1)


@contextmanager
def steps(console: Console, *, quiet: bool = False) -> Iterator[Steps]:
    """``with steps(console, quiet=json) as s: with s.step("Reading..."): ...``

    Shown only when `console` writes to a terminal and `quiet` is false.
    """
    bar = Progress(
        SpinnerColumn(finished_text="[green]✓[/green]"),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    )
    with bar:
        yield Steps(bar)
