"""The progress display: shown to a person at a terminal, silent in a pipe or with --json."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from civicloop.core.progress import steps


def run_steps(terminal: bool, quiet: bool = False) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, width=100)
    with steps(console, quiet=quiet) as progress:
        with progress.step("Building the packet…"):
            pass
        with progress.step("Drawing the PDF…"):
            pass
    return out.getvalue()


def test_a_terminal_sees_each_step():
    shown = run_steps(terminal=True)
    assert "Building the packet…" in shown and "Drawing the PDF…" in shown


@pytest.mark.parametrize(("terminal", "quiet"), [(False, False), (True, True)])
def test_a_pipe_or_json_output_gets_nothing(terminal, quiet):
    assert run_steps(terminal=terminal, quiet=quiet) == ""


@pytest.mark.django_db
def test_the_packet_in_a_pipe_has_no_progress_and_its_json_is_clean(cli, riverton, tmp_path):
    out = cli("review", "packet", "--date", "2025-10-15")
    assert out.exit_code == 0, out.output
    assert "Building the packet" not in out.output and "data as of 15 October 2025" in out.output
    pdf = tmp_path / "packet.pdf"
    out = cli("review", "packet", "--date", "2025-10-15", "--json", "--pdf", str(pdf))
    assert out.exit_code == 0, out.output
    packet = json.loads(out.stdout)
    assert packet["as_of"] == "2025-10-15" and packet["strategies"]
    assert pdf.read_bytes().startswith(b"%PDF")
