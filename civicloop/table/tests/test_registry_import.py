"""Importing a registry: the IRS EO BMF layout, every row checked, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from civicloop.results.models import Area
from civicloop.table.models import Organisation, OrganisationArea, RegistryImport, Sector
from civicloop.table.registry import (
    IRS_ONLY,
    canonical_header,
    import_registry,
    import_zip_areas,
    sector_for_ntee,
)
from civicloop.table.tests.helpers import login

pytestmark = pytest.mark.django_db

BMF_HEADER = (
    "EIN,NAME,ICO,STREET,CITY,STATE,ZIP,GROUP,SUBSECTION,AFFILIATION,CLASSIFICATION,RULING,"
    "DEDUCTIBILITY,FOUNDATION,ACTIVITY,ORGANIZATION,STATUS,TAX_PERIOD,ASSET_CD,INCOME_CD,"
    "FILING_REQ_CD,PF_FILING_REQ_CD,ACCT_PD,ASSET_AMT,INCOME_AMT,REVENUE_AMT,NTEE_CD,SORT_NAME"
)


def bmf_row(ein, name, zip_code, ntee, income="125000", street="1 Main St", state="NJ"):
    return (
        f'{ein},"{name}",,{street},RIVERTON,{state},{zip_code},0000,03,3,1000,201001,1,15,'
        f"000000000,1,01,202312,3,4,01,0,12,250000,{income},120000,{ntee},"
    )


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ntee_major_groups_map_to_sectors():
    assert sector_for_ntee("B21") == Sector.EARLY_CHILDHOOD
    assert sector_for_ntee("B25") == Sector.EDUCATION_K12
    assert sector_for_ntee("E32") == Sector.HEALTH_SYSTEM
    assert sector_for_ntee("E70") == Sector.PUBLIC_HEALTH
    assert sector_for_ntee("L21") == Sector.HOUSING
    assert sector_for_ntee("P33") == Sector.CHILD_CARE
    assert sector_for_ntee("S30") == Sector.COMMUNITY_FINANCE
    assert sector_for_ntee("T20") == Sector.PHILANTHROPY
    assert sector_for_ntee("Z99") is None


def test_an_irs_extract_maps_zip_codes_to_areas_and_skips_organisations_elsewhere(
    tmp_path, riverton
):
    path = write(
        tmp_path,
        "eo_nj.csv",
        [
            BMF_HEADER,
            bmf_row("221234567", "CLINTON PARK HOUSING CORP", "07105-1234", "L21"),
            bmf_row("221234568", "IRONBOUND EARLY LEARNING CENTER", "07106", "B21"),
            bmf_row("229999999", "PRINCETON ARTS COUNCIL", "08540", "A20"),
        ],
    )
    report = import_registry(path, riverton)
    assert report.ok and report.status == "applied" and report.layout == "irs_bmf"
    assert (report.rows_created, report.rows_outside) == (2, 1)
    housing = Organisation.objects.get(collaborative=riverton, ein="221234567")
    assert housing.sector == Sector.HOUSING and housing.ntee_code == "L21"
    assert housing.income == 125000 and housing.zip_code == "07105-1234"
    assert [f.area.code for f in housing.footprint.all()] == ["s-clinton"]  # 07105
    assert not Organisation.objects.filter(ein="229999999").exists()
    record = RegistryImport.objects.get(pk=report.record.pk)
    assert (settings.WORKSPACE.path / record.archive_path).read_bytes() == path.read_bytes()


def test_a_file_with_problems_imports_nothing_and_names_each_row_and_column(tmp_path, riverton):
    before = Organisation.objects.count()
    path = write(
        tmp_path,
        "eo_bad.csv",
        [
            BMF_HEADER,
            bmf_row("221234567", "GOOD HOUSING CORP", "07105", "L21"),
            bmf_row("12345", "SHORT EIN INC", "07105", "L21"),
            bmf_row("221234569", "NO SECTOR INC", "07105", ""),
            bmf_row("221234570", "BAD ZIP INC", "0710", "B21"),
            bmf_row("221234571", "BAD INCOME INC", "07105", "B21", income="lots"),
            bmf_row("221234567", "DUPLICATE HOUSING CORP", "07105", "L21"),
        ],
    )
    report = import_registry(path, riverton)
    assert report.status == "rejected" and Organisation.objects.count() == before
    found = {(p.row, p.column) for p in report.problems}
    assert found == {(3, "ein"), (4, "sector"), (5, "zip"), (6, "income"), (7, "ein")}
    assert "duplicate of row 2" in next(p.message for p in report.problems if p.row == 7)
    assert RegistryImport.objects.get(pk=report.record.pk).problems[0]["row"] == 3


def test_importing_again_updates_rather_than_duplicates_and_keeps_the_members_footprint(
    tmp_path, riverton
):
    first = write(
        tmp_path, "a.csv", [BMF_HEADER, bmf_row("221234567", "HOUSING CORP", "07105", "L21")]
    )
    import_registry(first, riverton)
    org = Organisation.objects.get(ein="221234567")
    org.footprint.all().delete()
    OrganisationArea.objects.create(
        organisation=org, area=Area.objects.get(collaborative=riverton, code="s-fairmount")
    )
    second = write(
        tmp_path,
        "b.csv",
        [BMF_HEADER, bmf_row("221234567", "HOUSING CORP", "07105", "L21", income="99")],
    )
    report = import_registry(second, riverton)
    assert (report.rows_created, report.rows_updated) == (0, 1)
    org.refresh_from_db()
    assert org.income == 99
    assert [f.area.code for f in org.footprint.all()] == ["s-fairmount"]


def test_civicloop_layout_with_areas_and_coordinates(tmp_path, riverton):
    ward = Area.objects.get(collaborative=riverton, code="w-orchard")
    ward.geometry = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    ward.save()
    path = write(
        tmp_path,
        "partners.csv",
        [
            "name,sector,families_reached,areas,latitude,longitude,website",
            "Clinic A,health_system,900,s-clinton:0.6; s-ironbound:0.4,,,clinica.example.org",
            "Pantry B,human_services,120,,0.5,0.5,",
            "Nowhere C,human_services,10,,5,5,",
        ],
    )
    report = import_registry(path, riverton)
    assert report.ok and (report.rows_created, report.rows_outside) == (2, 1)
    clinic = Organisation.objects.get(collaborative=riverton, slug="clinic-a")
    shares = {f.area.code: f.client_share for f in clinic.footprint.all()}
    assert shares == {"s-clinton": 0.6, "s-ironbound": 0.4}
    assert clinic.families_reached == 900 and clinic.website == "https://clinica.example.org"
    pantry = Organisation.objects.get(collaborative=riverton, slug="pantry-b")
    assert [f.area.code for f in pantry.footprint.all()] == ["w-orchard"]


def test_unknown_sectors_and_areas_say_what_was_meant(tmp_path, riverton):
    path = write(tmp_path, "p.csv", ["name,sector,areas", "X,housng,s-clintn"])
    report = import_registry(path, riverton, dry_run=True)
    messages = {p.column: p.message for p in report.problems}
    assert "did you mean 'housing'" in messages["sector"]
    assert "did you mean 's-clinton'" in messages["areas"]


def test_a_zip_crosswalk_is_checked_as_a_whole(tmp_path, riverton):
    good = write(
        tmp_path, "z.csv", ["zip,area,share", "07199,s-clinton,0.5", "07199,s-ironbound,0.5"]
    )
    assert import_zip_areas(good, riverton) == 2
    bad = write(tmp_path, "zb.csv", ["zip,area", "07199,nowhere"])
    with pytest.raises(Exception, match="row 2, area: unknown area"):
        import_zip_areas(bad, riverton)
    assert riverton.zip_areas.count() == 2


def test_bob_the_chair_imports_from_the_web_but_carol_cannot(client, bob, carol, tmp_path):
    path = write(tmp_path, "web.csv", ["name,sector,areas", "Web Org,housing,s-clinton"])
    login(client, carol)
    assert client.get("/c/riverton/table/import/").status_code == 403
    login(client, bob)
    with path.open("rb") as fh:
        page = client.post("/c/riverton/table/import/", {"file": fh}).content.decode()
    assert "Imported" in page and "1 new" in page
    assert Organisation.objects.filter(slug="web-org").exists()


# Rows as the IRS publishes them: ICO "in care of", ZIP+4, ORGANIZATION is a code (1 =
# corporation, 5 = association), EINs with leading zeros, SORT_NAME sometimes filled.
REAL_BMF = [
    BMF_HEADER,
    "010345678,RIVERTON CHILD CARE ASSOCIATION INC,% JANE DOE,12 ELM ST,RIVERTON,NJ,"
    "07105-1234,0000,03,3,1200,199001,1,15,000000000,1,01,202306,4,4,01,0,6,512345,401234,"
    "398765,P33,",
    "003456789,IRONBOUND FAMILY HEALTH CENTER,,200 FERRY ST,RIVERTON,NJ,07106-0001,3125,03,"
    "9,1000,201512,1,15,000000000,5,01,202312,6,6,01,0,12,2400000,3100000,3000000,E32,"
    "IRONBOUND CLINIC",
    "221234567,CLINTON PARK HOUSING CORP,,5 PARK AVE,RIVERTON,NJ,07105-9876,0000,03,3,1000,"
    "201001,1,15,000000000,1,01,202312,3,4,01,0,12,250000,125000,120000,L21,",
]


def test_the_real_irs_layout_imports_names_eins_sectors_and_zip_plus_four(tmp_path, riverton):
    report = import_registry(write(tmp_path, "eo_nj.csv", REAL_BMF), riverton)
    assert report.ok and report.layout == "irs_bmf" and report.rows_created == 3
    found = {
        o.ein: (o.name, o.sector, o.ntee_code, o.zip_code)
        for o in Organisation.objects.filter(
            collaborative=riverton, ein__in=["010345678", "003456789", "221234567"]
        )
    }
    assert found == {
        "010345678": (
            "RIVERTON CHILD CARE ASSOCIATION INC",
            Sector.CHILD_CARE,
            "P33",
            "07105-1234",
        ),
        "003456789": ("IRONBOUND FAMILY HEALTH CENTER", Sector.HEALTH_SYSTEM, "E32", "07106-0001"),
        "221234567": ("CLINTON PARK HOUSING CORP", Sector.HOUSING, "L21", "07105-9876"),
    }
    assert Organisation.objects.get(ein="003456789").income == 3100000


def test_the_header_is_found_whatever_its_case_spacing_or_byte_order_mark(tmp_path, riverton):
    header = "\ufeff" + ", ".join(f" {h.lower()} " for h in BMF_HEADER.split(","))
    path = tmp_path / "eo_excel.csv"
    path.write_bytes(("\r\n".join([header, *REAL_BMF[1:]]) + "\r\n").encode("utf-8-sig"))
    report = import_registry(path, riverton, dry_run=True)
    assert report.ok and report.layout == "irs_bmf", report.problems


def test_a_name_column_holding_codes_is_refused(tmp_path, riverton):
    path = write(tmp_path, "codes.csv", ["organization,sector,areas", "1,housing,s-clinton"])
    report = import_registry(path, riverton, dry_run=True)
    assert [(p.row, p.column) for p in report.problems] == [(2, "name")]
    assert "'1' is a code, not a name" in report.problems[0].message


def test_who_is_missing_ranks_the_imported_names_and_never_a_code(tmp_path, riverton):
    from civicloop.table.missing import who_is_missing

    import_registry(write(tmp_path, "eo_nj.csv", REAL_BMF), riverton)
    # An organisation imported by an older civicloop, named by the ORGANIZATION code.
    coded = Organisation.objects.create(
        collaborative=riverton, slug="1", name="1", sector=Sector.HOUSING, ein="221234599"
    )
    OrganisationArea.objects.create(
        organisation=coded, area=Area.objects.get(collaborative=riverton, code="s-clinton")
    )
    result = riverton.results.get(slug="early-literacy")
    names = [s.organisation.name for s in who_is_missing(result, limit=500)]
    assert "RIVERTON CHILD CARE ASSOCIATION INC" in names
    assert "IRONBOUND FAMILY HEALTH CENTER" in names
    assert not [n for n in names if n.strip().isdigit()]


@given(
    st.lists(st.sampled_from(BMF_HEADER.split(",")), min_size=1, unique=True),
    st.sampled_from(["", "\ufeff"]),
    st.sampled_from([str.lower, str.upper, str.title]),
    st.sampled_from(["", " ", "  "]),
)
@hypothesis_settings(max_examples=100, deadline=None)
def test_an_irs_header_in_any_order_case_or_spacing_names_the_same_columns(names, bom, case, pad):
    cells = [pad + case(n) + pad for n in names]
    cells[0] = bom + cells[0]
    header = canonical_header(cells)
    assert len(header) == len(names)
    irs_only = {n.upper() for n in IRS_ONLY}
    named = "NAME" in names or ("ORGANIZATION" in names and not irs_only & set(names))
    assert ("name" in header) == named
    if "NAME" in names:
        assert header.index("name") == names.index("NAME")  # never ORGANIZATION's code
    assert ("ntee_code" in header) == ("NTEE_CD" in names)
