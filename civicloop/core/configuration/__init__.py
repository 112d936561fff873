"""A collaborative's configuration: its whole definition as one YAML file.

Results, indicators (with their targets and settings), areas (with geometry), dimensions,
organisations, seats, strategies, connector sources and people's roles, and not the
observations, which come in through loads. The file is written by `export`, read by
`apply` (idempotent, in one transaction, validated by the models' own ``full_clean``) and
described for editors by the JSON Schema `schema` generates (checked in as
``schema.json``). `shape` says once which fields each section carries, so the three cannot
drift apart; `rows` is apply's row-level machinery (validate, compare, write, account).
"""

from __future__ import annotations

from civicloop.core.configuration.apply import Applied, ConfigurationError, apply_configuration
from civicloop.core.configuration.export import dump_yaml, export_configuration

__all__ = [
    "Applied",
    "ConfigurationError",
    "apply_configuration",
    "dump_yaml",
    "export_configuration",
]
