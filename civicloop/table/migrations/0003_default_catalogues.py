"""The shared catalogues every collaborative starts with: populations served and partner roles.

Frozen here (a migration must not import code that later changes); backbone admins add to
them in the admin.
"""

from django.db import migrations

POPULATIONS = [
    # kind, slug, name
    ("age", "age-0-4", "Ages 0-4"),
    ("age", "age-5-9", "Ages 5-9"),
    ("age", "age-10-17", "Ages 10-17"),
    ("age", "age-18-24", "Ages 18-24"),
    ("age", "age-25-64", "Ages 25-64"),
    ("age", "age-65-plus", "Ages 65 and over"),
    ("income", "income-below-poverty", "Below the poverty line"),
    ("income", "income-100-199", "100-199% of the poverty line"),
    ("income", "income-200-plus", "200% of the poverty line and above"),
    ("group", "families-with-young-children", "Families with young children"),
    ("group", "students", "Students"),
    ("group", "renter-households", "Renter households"),
    ("group", "job-seekers", "Job seekers"),
    ("group", "small-business-owners", "Small-business owners"),
    ("group", "immigrant-families", "Immigrant families"),
    ("group", "people-experiencing-homelessness", "People experiencing homelessness"),
]

PARTNER_ROLES = [
    # slug, name, description
    ("service-provider", "Service provider", "Runs programmes for families."),
    ("funder", "Funder", "Pays for the table's work or its strategies."),
    ("lender", "Lender", "Lends to families, providers or businesses."),
    ("housing-investor", "Housing investor", "Puts capital into homes in the focus areas."),
    ("data-partner", "Data partner", "Shares its records so the table can measure."),
    ("convener", "Convener", "Brings the table together and chairs it."),
    ("employer", "Employer", "Hires, trains and pays residents."),
    ("landlord", "Landlord", "Owns or manages homes families live in."),
    ("health-partner", "Health partner", "Acts on the health of the families it reaches."),
    ("advocate", "Advocate", "Changes policy on behalf of families."),
    ("policy-maker", "Policy maker", "Sets the rules and budgets others follow."),
    ("community-voice", "Community voice", "Speaks for residents at the table."),
]


def install(apps, schema_editor):
    Population = apps.get_model("table", "Population")
    PartnerRole = apps.get_model("table", "PartnerRole")
    for order, (kind, slug, name) in enumerate(POPULATIONS):
        Population.objects.update_or_create(
            slug=slug, defaults={"kind": kind, "name": name, "order": order}
        )
    for order, (slug, name, description) in enumerate(PARTNER_ROLES):
        PartnerRole.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("table", "0002_partners_commitments_rounds")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
