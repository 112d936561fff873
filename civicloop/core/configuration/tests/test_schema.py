"""The checked-in JSON Schema is the generated one, and the demo's export satisfies it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from civicloop.core.configuration import dump_yaml, export_configuration
from civicloop.core.configuration.schema import configuration_schema

CHECKED_IN = Path(__file__).resolve().parents[1] / "schema.json"


def test_the_checked_in_schema_is_the_generated_one():
    # On failure, regenerate it: civicloop config schema civicloop/core/configuration/schema.json
    assert json.loads(CHECKED_IN.read_text(encoding="utf-8")) == configuration_schema()


@pytest.mark.django_db
def test_the_demo_export_validates_against_the_schema(riverton):
    schema = json.loads(CHECKED_IN.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = yaml.safe_load(dump_yaml(export_configuration(riverton)))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(data)] == []


def test_the_schema_catches_a_target_without_its_period():
    schema = configuration_schema()
    data = {
        "collaborative": {"slug": "x", "name": "X", "city": "Y"},
        "results": [{"slug": "r", "title": "R", "statement": "S", "indicators": [
            {"slug": "i", "name": "I", "unit": "%", "unit_kind": "percent",
             "direction": "higher", "frequency": "year", "targets": [{"value": 60}]}]}],
    }  # fmt: skip
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert [list(e.absolute_path) for e in errors] == [
        ["results", 0, "indicators", 0, "targets", 0]
    ]


def test_the_command_prints_the_schema(cli):
    out = cli("config", "schema")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == configuration_schema()
