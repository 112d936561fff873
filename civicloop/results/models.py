"""The results part of the data model.

Network → Collaborative → Result → Indicator; Area (a hierarchy), Period, Disaggregation;
Series = indicator × area × group; Observation = series × period → value.
An observation is never overwritten silently: every change leaves a `Revision`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from civicloop.results.periods import KINDS, open_sdg_year, parse_period


def work_began_field(whose: str) -> models.ForeignKey:
    """When the work meant to turn the curve began: the baseline forecast
    (`civicloop.learn.store.curve`) is fitted to the values before it. Kept on the
    indicator, its result and the collaborative; the nearest one set is used."""
    return models.ForeignKey(
        "results.Period",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("work began (baseline ends)"),
        help_text=whose,
    )


def work_began_problem(period: Period | None) -> str:
    """Why `period` cannot be when the work began, or '': work that has not begun yet has
    no "since" to read against the forecast, so a start in the future is refused."""
    from datetime import date

    if period is not None and period.start > date.today():
        return gettext(
            "The work cannot have begun in %(period)s: that period has not started yet."
        ) % {"period": period.label}
    return ""


class Network(models.Model):
    """A group of collaboratives, e.g. a funder's five cities."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class Collaborative(models.Model):
    network = models.ForeignKey(
        Network, on_delete=models.SET_NULL, null=True, blank=True, related_name="collaboratives"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    city = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_public = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Whether the public may see what this collaborative has declared."),
    )
    is_synthetic = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Generated demo data, labelled as such on every page."),
    )
    # A path inside the workspace's media folder, never a URL: the logo is served by
    # civicloop itself (see results.setup.logo), re-encoded as PNG when it was uploaded.
    logo = models.CharField(max_length=200, blank=True, editable=False)
    work_began = work_began_field(
        gettext_lazy(
            "When the collaborative's work began, e.g. 2020 or 2020-21: each indicator's "
            "baseline forecast is fitted to the values before it, unless the indicator or "
            "its result says otherwise."
        )
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("collaborative", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        if message := work_began_problem(self.work_began if self.work_began_id else None):
            raise ValidationError({"work_began": message})

    @property
    def chairs(self):
        """Chairs are people with the chair role on this collaborative's memberships."""
        return self.memberships.filter(role="chair").select_related("user", "organisation")


class AreaLevel(models.TextChoices):
    CITY = "city", gettext_lazy("City")
    DISTRICT = "district", gettext_lazy("District")
    NEIGHBOURHOOD = "neighbourhood", gettext_lazy("Neighbourhood")
    TRACT = "tract", gettext_lazy("Census tract")
    CUSTOM = "custom", gettext_lazy("Custom")


class Area(models.Model):
    """A place the collaborative measures: city > district/neighbourhood > tract, or custom."""

    collaborative = models.ForeignKey(Collaborative, on_delete=models.CASCADE, related_name="areas")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(max_length=200)
    code = models.CharField(
        max_length=64, help_text=gettext_lazy("Stable identifier used in source files.")
    )
    level = models.CharField(max_length=20, choices=AreaLevel.choices)
    custom_level = models.CharField(max_length=64, blank=True)
    geometry = models.JSONField(
        null=True, blank=True, help_text=gettext_lazy("GeoJSON geometry, optional.")
    )

    class Meta:
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "code"], name="area_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.parent_id and self.parent.collaborative_id != self.collaborative_id:
            raise ValidationError({"parent": "The parent area belongs to another collaborative."})
        if self.geometry is not None:
            kind = self.geometry.get("type") if isinstance(self.geometry, dict) else None
            if kind not in ("Polygon", "MultiPolygon"):
                raise ValidationError(
                    {"geometry": "A boundary is a GeoJSON Polygon or MultiPolygon."}
                )


class Period(models.Model):
    """A span of time. Ordered by real dates, whatever its kind."""

    kind = models.CharField(max_length=20, choices=[(k, k.replace("_", " ")) for k in KINDS])
    # Kept exactly as published (e.g. "2021-2022*"), so an export gives back the same label.
    label = models.CharField(max_length=64)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start", "end"]
        constraints = [models.UniqueConstraint(fields=["kind", "label"], name="period_unique")]

    def __str__(self) -> str:
        return self.label

    @classmethod
    def get(cls, label: object, kind: str | None = None) -> Period:
        spec = parse_period(label, kind)
        period, _ = cls.objects.get_or_create(
            kind=spec.kind, label=spec.label, defaults={"start": spec.start, "end": spec.end}
        )
        return period

    @classmethod
    def ids(cls, specs: list) -> list[int]:
        """The pk of each `PeriodSpec`, creating the periods that do not exist yet, in a
        few queries whatever their number (a file of daily data names thousands)."""
        wanted = {(s.kind, s.label): s for s in specs}
        found: dict[tuple[str, str], int] = {}
        labels = sorted({label for _kind, label in wanted})
        for i in range(0, len(labels), 500):
            for pk, kind, label in cls.objects.filter(label__in=labels[i : i + 500]).values_list(
                "pk", "kind", "label"
            ):
                found[(kind, label)] = pk
        missing = [s for key, s in wanted.items() if key not in found]
        if missing:
            cls.objects.bulk_create(
                [cls(kind=s.kind, label=s.label, start=s.start, end=s.end) for s in missing],
                batch_size=2000,
                ignore_conflicts=True,
            )
            for i in range(0, len(missing), 500):
                part = [s.label for s in missing[i : i + 500]]
                for pk, kind, label in cls.objects.filter(label__in=part).values_list(
                    "pk", "kind", "label"
                ):
                    found[(kind, label)] = pk
        return [found[(s.kind, s.label)] for s in specs]

    @property
    def position(self) -> float:
        """Real time in years (mid-period), for the learn stage."""
        return parse_period(self.label, self.kind).midpoint_year

    @property
    def open_sdg_year(self) -> int:
        """The year Open SDG's progress measure reads: a span's first (``2017/2019`` → 2017);
        see `civicloop.results.periods.open_sdg_year`."""
        return open_sdg_year(self)


class Dimension(models.Model):
    """A disaggregation dimension: race/ethnicity, age band, sex, income band, or custom."""

    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="dimensions"
    )
    name = models.CharField(max_length=100)
    slug = models.SlugField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "slug"], name="dimension_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    """One group of a disaggregation dimension (e.g. 'Black' within race/ethnicity)."""

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=100)
    slug = models.SlugField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["dimension", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["dimension", "slug"], name="group_unique")]

    def __str__(self) -> str:
        return f"{self.dimension.name}: {self.name}"


class Result(models.Model):
    """A population-level condition the collaborative wants, in plain language."""

    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="results"
    )
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    statement = models.TextField(
        help_text=gettext_lazy(
            "e.g. Every child in the South Ward reads at grade level by 3rd grade."
        )
    )
    population = models.CharField(max_length=200, blank=True)
    focus_areas = models.ManyToManyField(Area, blank=True, related_name="focus_of")
    order = models.PositiveIntegerField(default=0)
    work_began = work_began_field(
        gettext_lazy(
            "When the work on this result began, e.g. 2020 or 2020-21: its indicators' "
            "baseline forecasts are fitted to the values before it. Empty: when the "
            "collaborative's work began."
        )
    )

    class Meta:
        ordering = ["collaborative", "order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "slug"], name="result_unique")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("result", args=[self.collaborative.slug, self.slug])

    def clean(self) -> None:
        super().clean()
        if message := work_began_problem(self.work_began if self.work_began_id else None):
            raise ValidationError({"work_began": message})


class UnitKind(models.TextChoices):
    PERCENT = "percent", gettext_lazy("Percent")
    RATE = "rate", gettext_lazy("Rate per N")
    COUNT = "count", gettext_lazy("Count")
    CURRENCY = "currency", gettext_lazy("Currency")
    INDEX = "index", gettext_lazy("Index")


class Direction(models.TextChoices):
    HIGHER = "higher", gettext_lazy("Higher is better")
    LOWER = "lower", gettext_lazy("Lower is better")


# A period kind as readers see it ("by school year"), in their language.
FREQUENCIES = {
    "year": gettext_lazy("year"),
    "school_year": gettext_lazy("school year"),
    "multi_year": gettext_lazy("multi year"),
    "quarter": gettext_lazy("quarter"),
    "month": gettext_lazy("month"),
    "week": gettext_lazy("week"),
    "day": gettext_lazy("day"),
}


class IndicatorQuerySet(models.QuerySet):
    def population(self):
        """Population indicators: all but the performance measures of partners'
        commitments (``civicloop.table.models.PerformanceMeasure``), which are indicators
        too, so that they are loaded and analysed alike, but are read on their own."""
        return self.filter(performance_measure__isnull=True)

    def performance_measures(self):
        return self.filter(performance_measure__isnull=False)


class Indicator(models.Model):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="indicators")
    slug = models.SlugField()
    name = models.CharField(max_length=200)
    definition = models.TextField(blank=True)
    unit = models.CharField(
        max_length=60, help_text=gettext_lazy("As shown to readers: %, per 1,000, $...")
    )
    unit_kind = models.CharField(max_length=12, choices=UnitKind.choices)
    rate_per = models.PositiveIntegerField(
        null=True, blank=True, help_text=gettext_lazy("N of 'rate per N'.")
    )
    direction = models.CharField(max_length=8, choices=Direction.choices)
    frequency = models.CharField(max_length=20, choices=[(k, FREQUENCIES[k]) for k in KINDS])
    source = models.CharField(max_length=300, blank=True)
    is_survey = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Estimates from a survey sample, published with margins of error."),
    )
    baseline_period = models.ForeignKey(
        Period, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    baseline_value = models.FloatField(null=True, blank=True)
    work_began = work_began_field(
        gettext_lazy(
            "When the work meant to turn this indicator's curve began (where its baseline "
            "ends), e.g. 2020 or 2020-21: the baseline forecast is fitted to the values "
            "before it. Empty: its result's, else the collaborative's, else the earliest "
            "start of the strategies aimed at it."
        )
    )
    target_value = models.FloatField(null=True, blank=True)
    target_period = models.ForeignKey(
        Period, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    limit = models.FloatField(
        null=True,
        blank=True,
        help_text=gettext_lazy("A natural limit (e.g. 0 deaths) for the progress measure."),
    )
    lower_bound = models.FloatField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "Hard limit: a value below it is refused on load (e.g. 0 for a rate). "
            "Empty: no lower limit; a unit's name never implies one."
        ),
    )
    upper_bound = models.FloatField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "Hard limit: a value above it is refused on load (e.g. 100 for a share)."
        ),
    )
    decimals = models.PositiveSmallIntegerField(default=1)
    is_public = models.BooleanField(
        default=False, help_text=gettext_lazy("Declared: the public may see it.")
    )
    order = models.PositiveIntegerField(default=0)
    computation = models.JSONField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "How to compute it from raw records (see civicloop.measure.compute)."
        ),
    )
    progress_options = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy(
            "Open SDG progress_calculation_options: a list of {direction, target, ...}."
        ),
    )

    # The data calendar (civicloop.measure.datacalendar): when the next numbers are due.
    data_lag_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name=gettext_lazy("usual lag (days)"),
        help_text=gettext_lazy(
            "Days after a period ends before its numbers usually come. Empty: the usual lag "
            "for the frequency (a month for monthly data, 60 days for a quarter, 120 for a "
            "school year, 180 for a year, 365 for several years)."
        ),
    )
    expects_data = models.BooleanField(
        default=True,
        verbose_name=gettext_lazy("new data expected"),
        help_text=gettext_lazy(
            "Off when the source no longer publishes: the indicator then leaves the data "
            "calendar and its reminders."
        ),
    )

    stewards = models.ManyToManyField(
        "table.Organisation",
        blank=True,
        related_name="stewarded_indicators",
        help_text=gettext_lazy(
            "The organisations that own this indicator's numbers and alone write them."
        ),
    )
    dimensions = models.ManyToManyField(
        Dimension,
        blank=True,
        related_name="indicators",
        help_text=gettext_lazy(
            "The disaggregations its numbers are broken down by (race/ethnicity, age...)."
        ),
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["result", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["result", "slug"], name="indicator_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("indicator", args=[self.result.collaborative.slug, self.slug])

    @property
    def collaborative(self) -> Collaborative:
        return self.result.collaborative

    @property
    def commitment_measure(self):
        """The partner's ``PerformanceMeasure`` this indicator is, or None for a population
        indicator (see `IndicatorQuerySet.population`); no query once select_related."""
        return getattr(self, "performance_measure", None)

    def clean(self) -> None:
        """The rules every way of setting up an indicator shares (forms, files, admin)."""
        super().clean()
        problems: dict[str, str] = {}
        if self.result_id and self.slug:
            # Indicator pages are addressed by slug within the collaborative, not the result.
            same = Indicator.objects.filter(
                result__collaborative_id=self.result.collaborative_id, slug=self.slug
            ).exclude(pk=self.pk)
            if same.exists():
                problems["slug"] = f"Another indicator of this collaborative is '{self.slug}'."
        if self.unit_kind == UnitKind.RATE and not self.rate_per:
            problems["rate_per"] = "A rate per N needs its N (e.g. 1000)."
        if self.unit_kind != UnitKind.RATE and self.rate_per:
            problems["rate_per"] = "Only a rate has a 'per N'."
        if self.decimals is not None and self.decimals > 6:
            problems["decimals"] = "At most 6 decimals."
        low, high = self.lower_bound, self.upper_bound
        if low is not None and high is not None and low >= high:
            problems["upper_bound"] = "The upper limit must be above the lower limit."
        if (self.baseline_value is None) != (self.baseline_period_id is None):
            key = "baseline_period" if self.baseline_period_id is None else "baseline_value"
            problems[key] = "A baseline needs both its period and its value."
        if message := work_began_problem(self.work_began if self.work_began_id else None):
            problems["work_began"] = message
        for field in ("baseline_value", "target_value", "limit"):
            message = self.outside_limits(getattr(self, field))
            if message and field not in problems:
                problems[field] = message
        if problems:
            raise ValidationError(problems)

    def outside_limits(self, value: float | None) -> str:
        """Why ``value`` breaks the hard limits, or '' when it does not."""
        if value is None:
            return ""
        if self.lower_bound is not None and value < self.lower_bound:
            return f"{value:g} is below the lower limit {self.lower_bound:g}."
        if self.upper_bound is not None and value > self.upper_bound:
            return f"{value:g} is above the upper limit {self.upper_bound:g}."
        return ""

    @property
    def target_text(self) -> str:
        """'60.0% by 2030'; a target with no period says no 'by' rather than 'by None'."""
        if self.target_value is None:
            return ""
        value = self.format_value(self.target_value)
        return f"{value} by {self.target_period.label}" if self.target_period_id else value

    def set_targets(self, targets: list[tuple[Period, float, str]]) -> None:
        """Replace this indicator's targets with ``(period, value, note)`` triples, and mirror
        the final one (latest period) on ``target_value`` / ``target_period``."""
        self.targets.all().delete()
        # One by one, not in bulk: each target's creation is in the audit trail (a few rows).
        rows = [
            Target.objects.create(indicator=self, period=p, value=v, note=n) for p, v, n in targets
        ]
        final = max(rows, key=lambda t: (t.period.end, t.period.start), default=None)
        self.target_value = final.value if final else None
        self.target_period = final.period if final else None
        self.save(update_fields=["target_value", "target_period"])

    def format_value(self, value: float | None) -> str:
        if value is None:
            return "—"
        number = f"{value:,.{self.decimals}f}"
        if self.unit_kind == UnitKind.PERCENT:
            return f"{number}%"
        if self.unit_kind == UnitKind.CURRENCY:
            return f"${number}"
        return f"{number} {self.unit}".strip()


class Target(models.Model):
    """One of an indicator's targets: a value to reach by a period, interim or final.

    The indicator's ``target_value`` / ``target_period`` mirror its final target (the one
    with the latest period), which is what the learn stage's progress measures read."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    value = models.FloatField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["indicator", "period__start"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} by {self.period}"

    @property
    def text(self) -> str:
        return f"{self.indicator.format_value(self.value)} by {self.period.label}"

    def clean(self) -> None:
        super().clean()
        if self.indicator_id and (message := self.indicator.outside_limits(self.value)):
            raise ValidationError({"value": message})


class Series(models.Model):
    """Indicator × area × disaggregation group (no group: the headline for that area)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="series")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="series")
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="series"
    )
    version = models.PositiveIntegerField(
        default=0,
        help_text=gettext_lazy("Bumped by every load that changes this series; learn recomputes."),
    )

    class Meta:
        verbose_name_plural = gettext_lazy("series")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "group"], name="series_unique_with_group"
            ),
            models.UniqueConstraint(
                fields=["indicator", "area"],
                condition=models.Q(group__isnull=True),
                name="series_unique_headline",
            ),
        ]

    def __str__(self) -> str:
        group = f" · {self.group.name}" if self.group_id else ""
        return f"{self.indicator.name} · {self.area.name}{group}"


class ObservationStatus(models.TextChoices):
    PROVISIONAL = "provisional", gettext_lazy("Provisional")
    FINAL = "final", gettext_lazy("Final")


class Approval(models.TextChoices):
    """Where a value stands in review: only approved values are public."""

    PENDING = "pending", gettext_lazy("Pending approval")
    APPROVED = "approved", gettext_lazy("Approved")
    RETURNED = "returned", gettext_lazy("Returned to the steward")


# The public's copy of an observation: the state it was last approved in. A revised value
# goes back to pending while these columns keep what the public was shown, so public pages,
# open data and the learn stage read one row per observation and never a pending number.
APPROVED_FIELDS = {
    "value": "approved_value",
    "margin_of_error": "approved_margin_of_error",
    "confidence_level": "approved_confidence_level",
    "numerator": "approved_numerator",
    "denominator": "approved_denominator",
    "status": "approved_status",
}


class ApprovedIterable(models.query.ModelIterable):
    """Observations whose value fields show their approved copy (read-only instances)."""

    def __iter__(self):
        for obs in super().__iter__():
            for field, approved in APPROVED_FIELDS.items():
                setattr(obs, field, getattr(obs, approved))
            yield obs


class ObservationQuerySet(models.QuerySet):
    def approved(self):
        """Observations the public may see: those with an approved copy."""
        return self.filter(approved_value__isnull=False)

    def as_approved(self):
        """`approved`, each instance showing its approved copy in ``value``, ``status``...
        so a page written for current values shows the public's numbers unchanged. The
        instances are for reading: saving one would write its approved copy as current."""
        qs = self.approved()
        qs._iterable_class = ApprovedIterable
        return qs

    def waiting(self):
        """Values waiting for their steward or the backbone: pending or returned."""
        # Named, not "not approved": the index on approval answers an IN list, while a
        # negation scans every value of the collaborative (39 ms vs 1 ms at 40,000).
        return self.filter(approval__in=[a for a in Approval.values if a != Approval.APPROVED])


class Observation(models.Model):
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="observations")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="observations")
    value = models.FloatField()
    margin_of_error = models.FloatField(null=True, blank=True)
    confidence_level = models.FloatField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Of the margin of error, e.g. 0.90 for the ACS."),
    )
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ObservationStatus.choices, default=ObservationStatus.FINAL
    )
    approval = models.CharField(
        max_length=10,
        choices=Approval.choices,
        # A value made through the ORM waits, like a loaded one; rows that were there
        # before approval existed were public, hence the database's default.
        default=Approval.PENDING,
        db_default=Approval.APPROVED,
        db_index=True,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_value = models.FloatField(
        null=True,
        blank=True,
        help_text=gettext_lazy("The value as last approved: what the public sees."),
    )
    approved_margin_of_error = models.FloatField(null=True, blank=True)
    approved_confidence_level = models.FloatField(null=True, blank=True)
    approved_numerator = models.FloatField(null=True, blank=True)
    approved_denominator = models.FloatField(null=True, blank=True)
    approved_status = models.CharField(max_length=12, blank=True)
    load = models.ForeignKey(
        "measure.Load", on_delete=models.PROTECT, null=True, blank=True, related_name="observations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        ordering = ["series", "period__start"]
        constraints = [
            models.UniqueConstraint(fields=["series", "period"], name="observation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.series} · {self.period}: {self.value}"

    def copy_approved(self) -> None:
        """Make the current state the approved one (the caller saves and records why)."""
        for field, approved in APPROVED_FIELDS.items():
            setattr(self, approved, getattr(self, field))


class Revision(models.Model):
    """One change to an observation: what it was, what it became, who, when, why, which load."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="revisions")
    old_value = models.FloatField(null=True)
    new_value = models.FloatField(null=True)
    old_margin_of_error = models.FloatField(null=True)
    new_margin_of_error = models.FloatField(null=True)
    old_status = models.CharField(max_length=12, blank=True)
    new_status = models.CharField(max_length=12, blank=True)
    # The rest of the previous state, so a rollback restores exactly what was there.
    old_confidence_level = models.FloatField(null=True)
    old_numerator = models.FloatField(null=True)
    old_denominator = models.FloatField(null=True)
    old_load = models.ForeignKey(
        "measure.Load", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    load = models.ForeignKey(
        "measure.Load", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["observation", "-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.observation}: {self.old_value} → {self.new_value}"


class ApprovalEvent(models.Model):
    """One approval action on an observation: approved, returned or un-approved; who, when."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="approval_events"
    )
    action = models.CharField(max_length=12)
    old_approval = models.CharField(max_length=10, choices=Approval.choices)
    new_approval = models.CharField(max_length=10, choices=Approval.choices)
    value = models.FloatField(
        null=True, help_text=gettext_lazy("The value the action was taken on.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["observation", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.observation}: {self.action} by {self.user}"
