"""Options several stages' commands share, in one place.

A module of its own because ``civicloop.cli`` imports the stages' command modules while
it is being imported, so they cannot import these from it at their top.
"""

from __future__ import annotations

from typing import Annotated

import typer

from civicloop.cli_language import gettext_noop

CollaborativeOption = Annotated[
    str | None,
    typer.Option(
        "--collaborative",
        "-c",
        help=gettext_noop("Slug of the collaborative (default: the only one)."),
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help=gettext_noop("Print JSON for machines."))]
