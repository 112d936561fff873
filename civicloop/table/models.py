"""Who sits at the table, whom they serve, and the strategies the table runs.

- Partners: `Organisation`, its `Contact`s, and its footprint — the areas it serves
  (`OrganisationArea`), the populations it serves (`OrganisationPopulation`), its `Programme`s.
- The table: `Seat` (organisation x result, in a role), what each result needs
  (`ResultPopulation`, `IndicatorSector`).
- Changing institutions: `Commitment` with its `PerformanceMeasure`s (each backed by an
  indicator, so measure and learn handle it like any other), `PartnerRole` and `RoleChange`.
- Prioritising: `Round` over candidate strategies with weighted `Criterion`s; one `Ballot`
  per seated organisation holding its `Score`s (or its `Dots`).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from civicloop.core.netguard import web_link


class Sector(models.TextChoices):
    """A taxonomy for cross-sector work: the superintendent and the banker side by side."""

    EDUCATION_K12 = "education_k12", gettext_lazy("Education (K-12)")
    EARLY_CHILDHOOD = "early_childhood", gettext_lazy("Early childhood education")
    HIGHER_EDUCATION = "higher_education", gettext_lazy("Higher education")
    COMMUNITY_FINANCE = (
        "community_finance",
        gettext_lazy("Community development finance / banks / CDFIs"),
    )
    HEALTH_SYSTEM = "health_system", gettext_lazy("Health systems and hospitals")
    PUBLIC_HEALTH = "public_health", gettext_lazy("Public health")
    HOUSING = "housing", gettext_lazy("Housing and housing authorities")
    WORKFORCE = "workforce", gettext_lazy("Workforce and employers")
    CHILD_CARE = "child_care", gettext_lazy("Child care")
    HUMAN_SERVICES = "human_services", gettext_lazy("Human services")
    GOVERNMENT = "government", gettext_lazy("City and county departments")
    PHILANTHROPY = "philanthropy", gettext_lazy("Philanthropy")
    FAITH_COMMUNITY = "faith_community", gettext_lazy("Faith and community groups")
    RESIDENTS = "residents", gettext_lazy("Residents' associations")


class Organisation(models.Model):
    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="organisations"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField()
    sector = models.CharField(max_length=24, choices=Sector.choices)
    ntee_code = models.CharField(max_length=8, blank=True, verbose_name=gettext_lazy("NTEE code"))
    description = models.TextField(blank=True)
    website = models.URLField(blank=True, validators=[web_link])
    families_reached = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("How many families the organisation reaches in a year."),
    )
    areas = models.ManyToManyField(
        "results.Area", through="OrganisationArea", blank=True, related_name="organisations"
    )
    # What a registry (e.g. the IRS Exempt Organizations Business Master File) says about it.
    ein = models.CharField(
        max_length=9,
        blank=True,
        verbose_name=gettext_lazy("EIN"),
        help_text=gettext_lazy("Employer Identification Number."),
    )
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=10, blank=True, verbose_name=gettext_lazy("ZIP code"))
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    income = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Income reported in the registry (US dollars)."),
    )
    registry_source = models.CharField(
        max_length=300,
        blank=True,
        help_text=gettext_lazy("The registry file it was last imported from."),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "slug"], name="organisation_unique"),
            models.UniqueConstraint(
                fields=["collaborative", "ein"],
                condition=~models.Q(ein=""),
                name="organisation_ein_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation", args=[self.collaborative.slug, self.slug])


class OrganisationArea(models.Model):
    """Part of an organisation's footprint: an area it serves and its share of clients there."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="footprint"
    )
    area = models.ForeignKey("results.Area", on_delete=models.CASCADE, related_name="+")
    client_share = models.FloatField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Share of the organisation's clients in this area (0-1)."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "area"], name="footprint_unique"),
            models.CheckConstraint(
                condition=models.Q(client_share__isnull=True)
                | models.Q(client_share__gte=0, client_share__lte=1),
                name="client_share_is_a_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.area}"


class Contact(models.Model):
    """A person at a partner organisation, with their title."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


class PopulationKind(models.TextChoices):
    AGE = "age", gettext_lazy("Age band")
    INCOME = "income", gettext_lazy("Income band")
    GROUP = "group", gettext_lazy("Other group")


class Population(models.Model):
    """One population an organisation can serve and a result can be about (a shared catalogue)."""

    kind = models.CharField(max_length=8, choices=PopulationKind.choices)
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kind", "order", "name"]

    def __str__(self) -> str:
        return self.name


class OrganisationPopulation(models.Model):
    """Part of an organisation's footprint: a population it serves, and its share when known."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="populations_served"
    )
    population = models.ForeignKey(Population, on_delete=models.CASCADE, related_name="+")
    share = models.FloatField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "Age and income bands: the share of the organisation's clients in this band "
            "(0-1). Groups are tags and take no share."
        ),
    )

    class Meta:
        ordering = ["population__kind", "population__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "population"], name="population_served_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(share__isnull=True) | models.Q(share__gte=0, share__lte=1),
                name="population_share_is_a_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} serves {self.population}"


class Programme(models.Model):
    """Part of an organisation's footprint: something it runs for families."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="programmes"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    families_reached = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return self.name


class ZipArea(models.Model):
    """A ZIP-code crosswalk: which area a ZIP code falls in (and what share of it)."""

    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="zip_areas"
    )
    zip_code = models.CharField(max_length=5, verbose_name=gettext_lazy("ZIP code"))
    area = models.ForeignKey("results.Area", on_delete=models.CASCADE, related_name="+")
    share = models.FloatField(
        default=1.0, help_text=gettext_lazy("Share of the ZIP code's addresses here.")
    )

    class Meta:
        ordering = ["zip_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaborative", "zip_code", "area"], name="zip_area_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.zip_code} → {self.area}"


class RegistryImport(models.Model):
    """One registry file brought in: the archived original, who, when, and what it changed."""

    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="registry_imports"
    )
    original_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    archive_path = models.CharField(
        max_length=500, help_text=gettext_lazy("Relative to the workspace.")
    )
    layout = models.CharField(max_length=20, help_text=gettext_lazy("irs_bmf or civicloop."))
    status = models.CharField(max_length=12)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_outside = models.PositiveIntegerField(
        default=0,
        help_text=gettext_lazy("Rows whose address falls in none of the collaborative's areas."),
    )
    problems = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"


class SeatRole(models.TextChoices):
    CHAIR = "chair", gettext_lazy("Chair")
    CO_CHAIR = "co_chair", gettext_lazy("Co-chair")
    MEMBER = "member", gettext_lazy("Member")
    DATA_PARTNER = "data_partner", gettext_lazy("Data partner")
    FUNDER = "funder", gettext_lazy("Funder")
    COMMUNITY_VOICE = "community_voice", gettext_lazy("Community voice")


class Seat(models.Model):
    """An organisation at the table of one result, in one role, for a span of time."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="seats")
    result = models.ForeignKey("results.Result", on_delete=models.CASCADE, related_name="seats")
    role = models.CharField(max_length=20, choices=SeatRole.choices, default=SeatRole.MEMBER)
    joined = models.DateField()
    left = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["result", "role", "organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left__isnull=True) | models.Q(left__gte=models.F("joined")),
                name="seat_left_after_joined",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()} · {self.result}"

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.joined <= on and (self.left is None or self.left > on)

    @classmethod
    def active(cls, on: date | None = None):
        """Seats held on a day (today by default)."""
        on = on or timezone.localdate()
        return cls.objects.filter(joined__lte=on).filter(
            models.Q(left__isnull=True) | models.Q(left__gt=on)
        )


class ResultPopulation(models.Model):
    """A population a result is about ("children aged 0-9"): what 'who is missing' looks for."""

    result = models.ForeignKey(
        "results.Result", on_delete=models.CASCADE, related_name="target_populations"
    )
    population = models.ForeignKey(Population, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["result", "population"], name="result_population_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.result}: {self.population}"


class IndicatorSector(models.Model):
    """A sector an indicator depends on: chronic absence needs schools, clinics and housing."""

    indicator = models.ForeignKey(
        "results.Indicator", on_delete=models.CASCADE, related_name="sectors_needed"
    )
    sector = models.CharField(max_length=24, choices=Sector.choices)
    why = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["indicator", "sector"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "sector"], name="indicator_sector_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} needs {self.get_sector_display()}"


class StrategyStatus(models.TextChoices):
    PROPOSED = "proposed", gettext_lazy("Proposed")
    PRIORITISED = "prioritised", gettext_lazy("Prioritised")
    ACTIVE = "active", gettext_lazy("Active")
    ADAPTED = "adapted", gettext_lazy("Adapted")
    STOPPED = "stopped", gettext_lazy("Stopped")
    SCALED = "scaled", gettext_lazy("Scaled")


class Strategy(models.Model):
    """A hypothesis the table runs as an experiment, in some areas, from a start period."""

    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="strategies"
    )
    slug = models.SlugField()
    name = models.CharField(max_length=200)
    hypothesis = models.TextField()
    kind = models.CharField(
        max_length=60,
        blank=True,
        help_text=gettext_lazy("A tag that groups like strategies across cities."),
    )
    owners = models.ManyToManyField(Organisation, blank=True, related_name="strategies")
    indicators = models.ManyToManyField("results.Indicator", blank=True, related_name="strategies")
    areas = models.ManyToManyField("results.Area", blank=True, related_name="strategies")
    start_period = models.ForeignKey(
        "results.Period", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expected_change = models.FloatField(
        null=True,
        blank=True,
        help_text=gettext_lazy("How much the strategy should move its indicators."),
    )
    smallest_effect = models.FloatField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "The smallest effect worth having, in the indicator's unit: an effect "
            "shown to be smaller than this is 'not working'. Empty: derived from the "
            "indicator's own variation."
        ),
    )
    status = models.CharField(
        max_length=12, choices=StrategyStatus.choices, default=StrategyStatus.PROPOSED
    )
    priority = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Its rank in the table's last decided round (1 = first)."),
    )
    priority_round = models.ForeignKey(
        "Round", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["collaborative", "name"]
        verbose_name_plural = gettext_lazy("strategies")
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "slug"], name="strategy_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.smallest_effect is not None and self.smallest_effect <= 0:
            # A size, not a direction: the indicator's direction says which way is better.
            raise ValidationError(
                {"smallest_effect": "The smallest effect worth having is a positive size."}
            )


class CommitmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", gettext_lazy("Not started")
    ON_TRACK = "on_track", gettext_lazy("On track")
    AT_RISK = "at_risk", gettext_lazy("At risk")
    DONE = "done", gettext_lazy("Done")
    DROPPED = "dropped", gettext_lazy("Dropped")


CLOSED_COMMITMENT = (CommitmentStatus.DONE, CommitmentStatus.DROPPED)


class CommitmentQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=CLOSED_COMMITMENT)

    def overdue(self, on: date | None = None):
        """Still open after their due date."""
        return self.open().filter(due__lt=on or timezone.localdate())


class Commitment(models.Model):
    """A partner's pledge to change how it works, and the evidence that it did."""

    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="commitments"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="commitments"
    )
    title = models.CharField(
        max_length=300,
        help_text=gettext_lazy(
            "e.g. The school district shares chronic-absence data with the housing "
            "authority every month."
        ),
    )
    description = models.TextField(blank=True)
    results = models.ManyToManyField("results.Result", blank=True, related_name="commitments")
    strategies = models.ManyToManyField(Strategy, blank=True, related_name="commitments")
    owner = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
        help_text=gettext_lazy("The person at the organisation who answers for it."),
    )
    due = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=CommitmentStatus.choices, default=CommitmentStatus.NOT_STARTED
    )
    evidence = models.TextField(blank=True, help_text=gettext_lazy("What shows it happened."))
    evidence_url = models.URLField(blank=True, validators=[web_link])
    declared = models.BooleanField(
        default=False, help_text=gettext_lazy("Declared by the chair: the public may see it.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["due", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commitment", args=[self.collaborative.slug, self.pk])

    def is_overdue(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.status not in CLOSED_COMMITMENT and self.due is not None and self.due < on


class MeasureKind(models.TextChoices):
    HOW_MUCH = "how_much", gettext_lazy("How much did we do?")
    HOW_WELL = "how_well", gettext_lazy("How well did we do it?")
    BETTER_OFF = "better_off", gettext_lazy("Is anyone better off?")


class PerformanceMeasure(models.Model):
    """Links a commitment to an indicator that measures it, in one of the three kinds.

    The indicator is an ordinary `results.Indicator`: its series are loaded, validated,
    revised and analysed exactly as any other.
    """

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="measures")
    indicator = models.OneToOneField(
        "results.Indicator", on_delete=models.CASCADE, related_name="performance_measure"
    )
    kind = models.CharField(max_length=12, choices=MeasureKind.choices)

    class Meta:
        ordering = ["commitment", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.indicator}"


class PartnerRole(models.Model):
    """The catalogue of roles a partner can play: lender, data partner, housing investor..."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class RoleChange(models.Model):
    """A partner's role changed: from X (or nothing) to Y, since when, and why."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="role_changes"
    )
    from_role = models.ForeignKey(
        PartnerRole, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_role = models.ForeignKey(PartnerRole, on_delete=models.PROTECT, related_name="+")
    since = models.DateField()
    why = models.TextField()
    result = models.ForeignKey(
        "results.Result",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="role_changes",
        help_text=gettext_lazy("The result this role serves, if one."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "since", "id"]

    def __str__(self) -> str:
        before = self.from_role.name if self.from_role else "—"
        return f"{self.organisation}: {before} → {self.to_role} since {self.since}"


def current_roles(changes) -> list[PartnerRole]:
    """Replay an organisation's role changes, oldest first: the roles it plays now."""
    roles: dict[int, PartnerRole] = {}
    for change in sorted(changes, key=lambda c: (c.since, c.pk or 0)):
        if change.from_role_id:
            roles.pop(change.from_role_id, None)
        roles[change.to_role_id] = change.to_role
    return list(roles.values())


class RoundMethod(models.TextChoices):
    SCORES = "scores", gettext_lazy("Weighted scores")
    DOTS = "dots", gettext_lazy("Dot voting")


class RoundStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("Open")
    CLOSED = "closed", gettext_lazy("Closed")


SCORE_MIN, SCORE_MAX = 1, 5


class Round(models.Model):
    """A prioritisation round: the seated organisations rank candidate strategies."""

    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="rounds"
    )
    result = models.ForeignKey(
        "results.Result",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rounds",
        help_text=gettext_lazy("The result's table votes; none: every seated organisation does."),
    )
    title = models.CharField(max_length=200)
    question = models.TextField(blank=True)
    method = models.CharField(max_length=8, choices=RoundMethod.choices, default=RoundMethod.SCORES)
    anonymous = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Show scores without saying which organisation gave them."),
    )
    dots_per_voter = models.PositiveSmallIntegerField(default=10)
    candidates = models.ManyToManyField(Strategy, through="RoundCandidate", related_name="rounds")
    status = models.CharField(max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    closes_on = models.DateField(
        null=True, blank=True, help_text=gettext_lazy("When the chair plans to close.")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    decision = models.TextField(blank=True)
    declared = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Declared by the chair: the public may see the decision."),
    )

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("round", args=[self.collaborative.slug, self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class RoundCandidate(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="entries")
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField(default=0)
    decided_rank = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["round", "order", "strategy__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "strategy"], name="round_candidate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.strategy} in {self.round}"


class Criterion(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=100)
    help = models.CharField(max_length=200, blank=True)
    weight = models.FloatField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "order"]
        constraints = [models.CheckConstraint(condition=models.Q(weight__gt=0), name="weight_gt_0")]

    def __str__(self) -> str:
        return self.name


class Ballot(models.Model):
    """One seated organisation's scores (or dots) in a round; editable until it closes."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ballots")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="one_ballot_per_partner")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.round}"


class Score(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="scores")
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "strategy", "criterion"], name="score_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=SCORE_MIN, value__lte=SCORE_MAX),
                name="score_in_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy} · {self.criterion}: {self.value}"


class Dots(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="dots")
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="+")
    dots = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name_plural = gettext_lazy("dots")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "strategy"], name="dots_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.strategy}: {self.dots} dots"
