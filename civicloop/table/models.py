"""Who sits at the table, whom they serve, and the strategies the table runs."""

from __future__ import annotations

from django.db import models
from django.urls import reverse


class Sector(models.TextChoices):
    """A taxonomy for cross-sector work: the superintendent and the banker side by side."""

    EDUCATION_K12 = "education_k12", "Education (K-12)"
    EARLY_CHILDHOOD = "early_childhood", "Early childhood education"
    HIGHER_EDUCATION = "higher_education", "Higher education"
    COMMUNITY_FINANCE = "community_finance", "Community development finance / banks / CDFIs"
    HEALTH_SYSTEM = "health_system", "Health systems and hospitals"
    PUBLIC_HEALTH = "public_health", "Public health"
    HOUSING = "housing", "Housing and housing authorities"
    WORKFORCE = "workforce", "Workforce and employers"
    CHILD_CARE = "child_care", "Child care"
    HUMAN_SERVICES = "human_services", "Human services"
    GOVERNMENT = "government", "City and county departments"
    PHILANTHROPY = "philanthropy", "Philanthropy"
    FAITH_COMMUNITY = "faith_community", "Faith and community groups"
    RESIDENTS = "residents", "Residents' associations"


class Organisation(models.Model):
    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="organisations"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField()
    sector = models.CharField(max_length=24, choices=Sector.choices)
    ntee_code = models.CharField(max_length=8, blank=True, verbose_name="NTEE code")
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    families_reached = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many families the organisation reaches in a year."
    )
    areas = models.ManyToManyField(
        "results.Area", through="OrganisationArea", blank=True, related_name="organisations"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "slug"], name="organisation_unique")
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
        null=True, blank=True, help_text="Share of the organisation's clients in this area (0-1)."
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


class SeatRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    CO_CHAIR = "co_chair", "Co-chair"
    MEMBER = "member", "Member"
    DATA_PARTNER = "data_partner", "Data partner"
    FUNDER = "funder", "Funder"
    COMMUNITY_VOICE = "community_voice", "Community voice"


class Seat(models.Model):
    """An organisation at the table of one result, in one role, for a span of time."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="seats")
    result = models.ForeignKey("results.Result", on_delete=models.CASCADE, related_name="seats")
    role = models.CharField(max_length=20, choices=SeatRole.choices, default=SeatRole.MEMBER)
    joined = models.DateField()
    left = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["result", "role", "organisation__name"]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()} · {self.result}"


class StrategyStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    PRIORITISED = "prioritised", "Prioritised"
    ACTIVE = "active", "Active"
    ADAPTED = "adapted", "Adapted"
    STOPPED = "stopped", "Stopped"
    SCALED = "scaled", "Scaled"


class Strategy(models.Model):
    """A hypothesis the table runs as an experiment, in some areas, from a start period."""

    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="strategies"
    )
    slug = models.SlugField()
    name = models.CharField(max_length=200)
    hypothesis = models.TextField()
    kind = models.CharField(
        max_length=60, blank=True, help_text="A tag that groups like strategies across cities."
    )
    owners = models.ManyToManyField(Organisation, blank=True, related_name="strategies")
    indicators = models.ManyToManyField("results.Indicator", blank=True, related_name="strategies")
    areas = models.ManyToManyField("results.Area", blank=True, related_name="strategies")
    start_period = models.ForeignKey(
        "results.Period", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expected_change = models.FloatField(
        null=True, blank=True, help_text="How much the strategy should move its indicators."
    )
    status = models.CharField(
        max_length=12, choices=StrategyStatus.choices, default=StrategyStatus.PROPOSED
    )

    class Meta:
        ordering = ["collaborative", "name"]
        verbose_name_plural = "strategies"
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "slug"], name="strategy_unique")
        ]

    def __str__(self) -> str:
        return self.name
