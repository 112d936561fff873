"""The connector source form: each connector's settings as form fields, not a JSON box.

`SETTINGS` lists, per connector kind, the settings a person sets up in the browser (each
connector module's docstring documents them). The form shows one group of fields per kind
and keeps only the chosen kind's; settings the form does not know (``retry``, a token
written by hand) are kept as they were. Dictionaries (Census variables, CKAN filters, a
mapping's columns) are written one ``key = value`` per line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import URLValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.measure.connectors import CONNECTORS
from civicloop.measure.mapping import FIELDS, Mapping, MappingError
from civicloop.measure.models import Source
from civicloop.table.models import Organisation


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    type: str = "text"  # text, url, int, lines (key = value per line), choice
    required: bool = False
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()


ENV_HELP = (
    "The name of an environment variable holding it, so the secret stays out of the database."
)

SETTINGS: dict[str, tuple[Setting, ...]] = {
    "socrata": (
        Setting("base_url", "Portal address", "url", True, "e.g. https://data.cityofnewyork.us"),
        Setting("dataset", "Dataset id", required=True, help="The 4x4 id, e.g. abcd-1234."),
        Setting("where", "Where", help="A SoQL filter: borough = 'BRONX' AND year >= 2019"),
        Setting("select", "Select", help="Columns or aggregates: year, borough, rate"),
        Setting("order", "Order", help="Empty: by row id (:id), so pages are stable."),
        Setting("page_size", "Rows per page", "int"),
        Setting("app_token_env", "App token variable", help=ENV_HELP),
    ),
    "ckan": (
        Setting("base_url", "Portal address", "url", True, "e.g. https://data.example.gov"),
        Setting("resource_id", "Resource id", help="A DataStore resource; or give SQL below."),
        Setting("sql", "SQL", help='SELECT year, ward, rate FROM "<resource>" ORDER BY year'),
        Setting("filters", "Filters", "lines", help="One per line: ward = South"),
        Setting("q", "Full-text search"),
        Setting("sort", "Sort", help="Empty: by _id."),
        Setting("page_size", "Rows per page", "int"),
        Setting("api_key_env", "API key variable", help=ENV_HELP),
    ),
    "census": (
        Setting("year", "Year", "int", True, "The last year of the ACS estimate, e.g. 2022."),
        Setting("dataset", "Dataset", help="Empty: acs/acs5."),
        Setting("geography", "Geography", required=True, help="tract, place, county, state"),
        Setting("within", "Within", "lines", help="One per line: state = 34, county = 013"),
        Setting(
            "variables",
            "Variables",
            "lines",
            True,
            "One per line: B19013_001E = median-household-income (margin: the matching ..M "
            "variable, or name it after a comma: = people-in-poverty, B17001_002M)",
        ),
        Setting("areas", "Areas", "lines", help="One per line: GEOID = area code. Empty: GEOIDs."),
        Setting("period", "Period", help="Empty: the year."),
        Setting("key_env", "API key variable", help=ENV_HELP),
        Setting("base_url", "API address", "url", help="Empty: https://api.census.gov/data"),
    ),
    "url": (
        Setting("url", "File address", "url", True, "A CSV or JSON file on the web."),
        Setting(
            "format",
            "Format",
            "choice",
            choices=(
                ("", gettext_lazy("Guess from the answer")),
                ("csv", gettext_lazy("CSV")),
                ("json", gettext_lazy("JSON")),
            ),
        ),
        Setting("records", "Records at", help="For JSON: the dotted path to the rows, data.items"),
    ),
}
MANAGED = {s.key for settings in SETTINGS.values() for s in settings} | {"on_problems"}


def field_name(kind: str, key: str) -> str:
    return f"{kind}_{key}"


def _form_field(setting: Setting) -> forms.Field:
    common = {"label": setting.label, "required": False, "help_text": setting.help}
    if setting.type == "url":
        return forms.CharField(validators=[URLValidator(schemes=["http", "https"])], **common)
    if setting.type == "int":
        return forms.IntegerField(min_value=1, **common)
    if setting.type == "lines":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if setting.type == "choice":
        return forms.ChoiceField(choices=setting.choices, **common)
    return forms.CharField(max_length=2000, **common)


def parse_lines(text: str, label: str) -> dict[str, str]:
    """``key = value`` per line → dict; blank lines are skipped."""
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise forms.ValidationError(
                _("%(label)s, line %(number)s: write it as “name = value”, not %(repr)s")
                % {"label": label, "number": number, "repr": repr(line.strip())}
            )
        out[key.strip()] = value.strip()
    return out


def format_lines(data: dict[str, Any] | None) -> str:
    return "\n".join(f"{k} = {v}" for k, v in (data or {}).items())


def _census_variables(lines: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, spec in lines.items():
        indicator, _, moe = (part.strip() for part in spec.partition(","))
        out[name] = {"indicator": indicator, "moe": moe} if moe else indicator
    return out


def _census_variables_text(variables: dict[str, Any] | None) -> str:
    lines = []
    for name, spec in (variables or {}).items():
        if isinstance(spec, dict):
            moe = f", {spec['moe']}" if spec.get("moe") else ""
            lines.append(f"{name} = {spec.get('indicator', '')}{moe}")
        else:
            lines.append(f"{name} = {spec}")
    return "\n".join(lines)


class SourceForm(forms.ModelForm):
    """A connector source: its portal settings, schedule, trust, and column mapping."""

    on_problems = forms.ChoiceField(
        label=gettext_lazy("When some rows have problems"),
        choices=(
            ("reject", gettext_lazy("Load nothing (the default)")),
            ("quarantine", gettext_lazy("Load the sound rows; keep the others in quarantine")),
        ),
        initial="reject",
    )
    mapping_columns = forms.CharField(
        label=gettext_lazy("Columns"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=format_lazy(
            gettext_lazy(
                "One per line, source column = field: “School Year = period”. Columns already "
                "named after a field need no line. Fields: {fields}."
            ),
            fields=", ".join(FIELDS),
        ),
    )
    mapping_constants = forms.CharField(
        label=gettext_lazy("The same on every row"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One per line, field = value: “indicator = third-grade-reading”."),
    )
    mapping_wide = forms.ChoiceField(
        label=gettext_lazy("Layout"),
        required=False,
        choices=(
            ("", gettext_lazy("One row per value")),
            ("periods", gettext_lazy("Each remaining column is a period")),
            ("areas", gettext_lazy("Each remaining column is an area")),
        ),
    )

    class Meta:
        model = Source
        fields = ["name", "kind", "organisation", "schedule_minutes", "auto_approve"]
        labels = {
            "schedule_minutes": gettext_lazy("Refresh every (minutes)"),
            "auto_approve": gettext_lazy("Trusted: approve its values as they load"),
        }
        help_texts = {
            "organisation": gettext_lazy(
                "The organisation whose data this is (a partner member of it may "
                "load into this source)."
            ),
            "auto_approve": gettext_lazy(
                "Only for a source the backbone trusts, such as an official "
                "portal; otherwise each new value waits for its steward's approval."
            ),
        }

    def __init__(self, *args, collaborative, **kwargs):
        super().__init__(*args, **kwargs)
        self.collaborative = collaborative
        self.instance.collaborative = collaborative
        self.fields["kind"] = forms.ChoiceField(
            label=_("Kind"), choices=[(k, c.label) for k, c in CONNECTORS.items()]
        )
        self.fields["organisation"].queryset = Organisation.objects.filter(
            collaborative=collaborative
        ).order_by("name")
        current = self.instance.settings or {}
        for kind, settings in SETTINGS.items():
            for setting in settings:
                name = field_name(kind, setting.key)
                self.fields[name] = _form_field(setting)
                if self.instance.kind == kind and setting.key in current:
                    self.initial[name] = self._shown(kind, setting, current[setting.key])
        self.initial.setdefault("on_problems", current.get("on_problems", "reject"))
        mapping = self.instance.mapping or {}
        self.initial.setdefault("mapping_columns", format_lines(mapping.get("columns")))
        self.initial.setdefault("mapping_constants", format_lines(mapping.get("constants")))
        self.initial.setdefault("mapping_wide", mapping.get("wide") or "")

    @staticmethod
    def _shown(kind: str, setting: Setting, value: Any) -> Any:
        if kind == "census" and setting.key == "variables":
            return _census_variables_text(value)
        if setting.type == "lines":
            return format_lines(value if isinstance(value, dict) else {})
        return value

    def kind_groups(self):
        """(kind, label, bound fields) per connector, for the template's fieldsets."""
        return [
            (kind, CONNECTORS[kind].label, [self[field_name(kind, s.key)] for s in settings])
            for kind, settings in SETTINGS.items()
        ]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        name = data.get("name")
        if (
            name
            and Source.objects.filter(collaborative=self.collaborative, name__iexact=name)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("name", _("Another source of this collaborative has this name."))
        if kind not in SETTINGS:
            return data
        settings = {k: v for k, v in (self.instance.settings or {}).items() if k not in MANAGED}
        for setting in SETTINGS[kind]:
            name = field_name(kind, setting.key)
            value = data.get(name)
            if value in (None, ""):
                if setting.required:
                    self.add_error(
                        name,
                        _("A %(kind_label)s source needs this.")
                        % {"kind_label": CONNECTORS[kind].label},
                    )
                continue
            if setting.type == "lines":
                try:
                    value = parse_lines(value, setting.label)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
                    continue
                if kind == "census" and setting.key == "variables":
                    value = _census_variables(value)
            settings[setting.key] = value
        if kind == "ckan" and not (settings.get("resource_id") or settings.get("sql")):
            self.add_error(field_name("ckan", "resource_id"), _("Give a resource id, or SQL."))
        if data.get("on_problems") and data["on_problems"] != "reject":
            settings["on_problems"] = data["on_problems"]
        self.instance.settings = settings
        try:
            mapping = Mapping.from_json(
                {
                    "columns": parse_lines(data.get("mapping_columns") or "", "Columns"),
                    "constants": parse_lines(data.get("mapping_constants") or "", "Constants"),
                    "wide": data.get("mapping_wide") or None,
                    **(
                        {"value_columns": self.instance.mapping["value_columns"]}
                        if (self.instance.mapping or {}).get("value_columns")
                        else {}
                    ),
                }
            )
        except (forms.ValidationError, MappingError) as exc:
            self.add_error("mapping_columns", str(getattr(exc, "message", exc)))
        else:
            self.instance.mapping = {} if mapping.is_identity else mapping.to_json()
        return data

    def _update_errors(self, errors):
        # The model speaks of "settings", which this form shows as many fields.
        if hasattr(errors, "error_dict") and "settings" in errors.error_dict:
            moved = errors.error_dict.pop("settings")
            errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(moved)
        super()._update_errors(errors)
