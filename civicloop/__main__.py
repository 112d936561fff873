"""``python -m civicloop``: the same as the ``civicloop`` command."""

from civicloop.cli import main

main()
