"""Importing organisations from a registry file: archive, validate every row, apply all or none.

Two column layouts are read (header names are matched whatever their case, spacing or
byte-order mark; an alias such as ``organization`` stands for ``name`` only in a file with no
``name`` column, because in the IRS extract ``ORGANIZATION`` is a code):

- **IRS Exempt Organizations Business Master File** extract (``eo_xx.csv``): ``EIN, NAME,
  ICO, STREET, CITY, STATE, ZIP, ..., INCOME_AMT, ..., NTEE_CD, ...``. The sector comes from
  the NTEE code (``NTEE_SECTORS``) and the area from the ZIP code (the collaborative's ZIP
  crosswalk, `ZipArea`).
- **civicloop**: ``name`` (required), ``sector``, ``ntee_code``, ``ein``, ``street``,
  ``city``, ``state``, ``zip``, ``latitude``, ``longitude``, ``areas``
  (``code:share; code:share``, shares optional), ``families_reached``, ``income``,
  ``website``, ``description``.

An organisation's areas come from the ``areas`` column, else its ZIP code, else its
coordinates (the smallest area whose GeoJSON geometry contains the point). Rows that fall in
none of the collaborative's areas are counted and left out (a state-wide extract holds
mostly organisations elsewhere) unless ``include_outside``.

Existing organisations are matched by EIN, then by name. A registry never overwrites a
footprint an organisation already has: its members keep that up to date.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify
from shapely.errors import GEOSException
from shapely.geometry import Point, shape
from shapely.prepared import prep

from civicloop.measure.loads import archive, sha256_of
from civicloop.measure.readers import decode
from civicloop.measure.validate import Problem, did_you_mean
from civicloop.results.models import Area, Collaborative
from civicloop.table.models import (
    Organisation,
    OrganisationArea,
    RegistryImport,
    Sector,
    ZipArea,
)

# NTEE major groups (and a few codes within them) -> sectors; the longest prefix wins.
NTEE_SECTORS: dict[str, str | None] = {
    "A": Sector.FAITH_COMMUNITY,  # arts, culture and humanities
    "B": Sector.EDUCATION_K12,
    "B2": Sector.EDUCATION_K12,  # elementary and secondary schools
    "B21": Sector.EARLY_CHILDHOOD,  # preschools
    "B4": Sector.HIGHER_EDUCATION,
    "B5": Sector.HIGHER_EDUCATION,
    "B6": Sector.WORKFORCE,  # adult education
    "B7": Sector.GOVERNMENT,  # libraries
    "C": Sector.FAITH_COMMUNITY,  # environment
    "D": Sector.FAITH_COMMUNITY,  # animal-related
    "E": Sector.HEALTH_SYSTEM,
    "E7": Sector.PUBLIC_HEALTH,
    "F": Sector.HEALTH_SYSTEM,  # mental health
    "G": Sector.HEALTH_SYSTEM,  # diseases and disorders
    "H": Sector.HEALTH_SYSTEM,  # medical research
    "I": Sector.HUMAN_SERVICES,  # crime and legal
    "J": Sector.WORKFORCE,
    "K": Sector.HUMAN_SERVICES,  # food and nutrition
    "L": Sector.HOUSING,
    "M": Sector.GOVERNMENT,  # public safety
    "N": Sector.FAITH_COMMUNITY,  # recreation and sports
    "O": Sector.HUMAN_SERVICES,  # youth development
    "P": Sector.HUMAN_SERVICES,
    "P33": Sector.CHILD_CARE,
    "Q": Sector.HUMAN_SERVICES,  # international
    "R": Sector.RESIDENTS,  # civil rights and advocacy
    "S": Sector.RESIDENTS,  # community improvement
    "S3": Sector.COMMUNITY_FINANCE,  # economic development
    "S4": Sector.WORKFORCE,  # business and industry
    "T": Sector.PHILANTHROPY,
    "U": Sector.HIGHER_EDUCATION,  # science and technology
    "V": Sector.HIGHER_EDUCATION,  # social science
    "W": Sector.GOVERNMENT,  # public and societal benefit
    "W6": Sector.COMMUNITY_FINANCE,  # financial institutions, credit unions
    "X": Sector.FAITH_COMMUNITY,  # religion
    "Y": Sector.HUMAN_SERVICES,  # mutual benefit
    "Z": None,  # unknown
}
NTEE_RE = re.compile(r"^[A-Z][0-9][0-9A-Z][0-9A-Z]?$")
ZIP_RE = re.compile(r"^(\d{5})(?:-?\d{4})?$")
# A "name" made of digits and punctuation alone is a code read from the wrong column.
CODE_RE = re.compile(r"^[\d\W_]+$")
ALIASES = {
    "ntee_cd": "ntee_code",
    "ntee": "ntee_code",
    "zip_code": "zip",
    "zipcode": "zip",
    "postal_code": "zip",
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "income_amt": "income",
    "families": "families_reached",
    "organisation": "name",
    "organization": "name",
}
MAX_PROBLEMS = 1000
# Columns only the IRS extract has: where they are, ORGANIZATION is its organisation-type code.
IRS_ONLY = {
    "ico",
    "subsection",
    "affiliation",
    "classification",
    "ruling",
    "deductibility",
    "foundation",
    "activity",
    "filing_req_cd",
    "pf_filing_req_cd",
    "acct_pd",
    "asset_cd",
    "income_cd",
    "sort_name",
}


class RegistryError(Exception):
    """The file cannot be read at all; the message says why, for the user."""


def named_by_code(name: str) -> bool:
    """True for a "name" such as ``1`` or ``03-1``: a code read from the wrong column."""
    return bool(CODE_RE.match(name.strip()))


def sector_for_ntee(code: str) -> str | None:
    code = code.strip().upper()
    for n in range(len(code), 0, -1):
        if code[:n] in NTEE_SECTORS:
            return NTEE_SECTORS[code[:n]]
    return None


@dataclass
class CleanRow:
    line: int
    name: str
    slug: str
    sector: str
    ntee_code: str = ""
    ein: str = ""
    street: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    income: int | None = None
    families_reached: int | None = None
    website: str = ""
    description: str = ""
    areas: list[tuple[Area, float | None]] = field(default_factory=list)


@dataclass
class ImportReport:
    record: RegistryImport | None
    status: str
    layout: str
    rows_total: int = 0
    rows_created: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_outside: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read(path: Path) -> tuple[list[str], list[list[str]], str]:
    if not path.is_file():
        raise RegistryError(f"{path}: no such file")
    text_bytes, _encoding = decode(path.read_bytes())
    text = text_bytes.decode("utf-8")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    if not rows:
        raise RegistryError(f"{path.name}: the file is empty")
    header = canonical_header(rows[0])
    if "name" not in header:
        raise RegistryError(
            f"{path.name}: no NAME column; found {', '.join(header) or 'none'} "
            "(expected the IRS EO BMF layout or civicloop's: name, sector, ntee_code, ...)"
        )
    return header, rows[1:], ("irs_bmf" if {"ein", "ntee_code"} <= set(header) else "civicloop")


def canonical_header(cells: list[str]) -> list[str]:
    """Column names as civicloop knows them, whatever the case, spacing or byte-order mark.

    An alias stands in for a column only when the file lacks the column itself: the IRS
    extract has both ``NAME`` and ``ORGANIZATION`` (a code, 1 = corporation), and the name is
    ``NAME``, so in a file with the IRS's own columns ``ORGANIZATION`` is never the name. Of
    two aliases of one column, the first wins; the other keeps its own name.
    """
    cleaned = [re.sub(r"[\s\-]+", "_", h.replace("\ufeff", "").strip().lower()) for h in cells]
    taken = set(cleaned)
    irs = bool(taken & IRS_ONLY)
    out = []
    for h in cleaned:
        target = ALIASES.get(h) if not (irs and h == "organization") else None
        if target and target not in taken:
            taken.add(target)
            out.append(target)
        else:
            out.append(h)
    return out


class Places:
    """Where a row's organisation is: the collaborative's areas, ZIP crosswalk and shapes."""

    def __init__(self, collaborative: Collaborative):
        areas = list(Area.objects.filter(collaborative=collaborative))
        self.by_code = {a.code.lower(): a for a in areas}
        for a in areas:
            self.by_code.setdefault(a.name.lower(), a)
        self.zips: dict[str, list[tuple[Area, float]]] = {}
        for z in ZipArea.objects.filter(collaborative=collaborative).select_related("area"):
            self.zips.setdefault(z.zip_code, []).append((z.area, z.share))
        parents = {a.parent_id for a in areas}
        # Smallest areas first, so a point lands in its neighbourhood rather than its ward.
        by_id = {a.pk: a for a in areas}
        depth = {a.pk: self._depth(a, by_id) for a in areas}
        self.shapes = []
        for area in sorted(areas, key=lambda a: (a.pk in parents, -depth[a.pk])):
            if area.geometry:
                try:
                    self.shapes.append((area, prep(shape(area.geometry))))
                except (GEOSException, ValueError, TypeError, AttributeError):
                    continue  # a broken geometry places nothing

    @staticmethod
    def _depth(area: Area, by_id: dict) -> int:
        depth = 0
        while area.parent_id and depth < 50:
            area = by_id[area.parent_id]
            depth += 1
        return depth

    def at(self, lon: float, lat: float) -> Area | None:
        point = Point(lon, lat)
        for area, geometry in self.shapes:
            if geometry.covers(point):
                return area
        return None


def validate(
    header: list[str], rows: list[list[str]], places: Places, *, include_outside: bool = False
) -> tuple[list[CleanRow], list[Problem], int]:
    """Check every row; return the clean rows, every problem, and how many rows fall outside."""
    col = {name: i for i, name in enumerate(header)}
    problems: list[Problem] = []
    clean: list[CleanRow] = []
    outside = 0
    seen_ein: dict[str, int] = {}
    seen_slug: dict[str, int] = {}
    url = URLValidator()

    def cell(values: list[str], name: str) -> str:
        i = col.get(name)
        return values[i].strip() if i is not None and i < len(values) else ""

    for offset, values in enumerate(rows):
        line = offset + 2
        if not any(v.strip() for v in values):
            continue
        found: list[Problem] = []

        def problem(column: str, message: str, _line=line, _found=found) -> None:
            _found.append(Problem(_line, column, message))

        name = " ".join(cell(values, "name").split())
        if not name:
            problem("name", "name is empty")
        elif named_by_code(name):
            problem("name", f"{name!r} is a code, not a name: is the right column called NAME?")
        ein = cell(values, "ein").replace("-", "")
        if ein and not (ein.isdigit() and len(ein) == 9):
            problem("ein", f"{ein!r} is not a 9-digit EIN")
        elif ein in seen_ein:
            problem("ein", f"duplicate of row {seen_ein[ein]} (same EIN)")
        ntee = cell(values, "ntee_code").upper()
        if ntee and not NTEE_RE.match(ntee):
            problem("ntee_code", f"{ntee!r} is not an NTEE code (a letter and two characters)")
        sector_raw = cell(values, "sector").lower().replace(" ", "_")
        sector = None
        if sector_raw:
            if sector_raw in Sector.values:
                sector = sector_raw
            else:
                problem(
                    "sector",
                    f"unknown sector {sector_raw!r}" + did_you_mean(sector_raw, Sector.values),
                )
        elif ntee and NTEE_RE.match(ntee):
            sector = sector_for_ntee(ntee)
            if sector is None:
                problem("ntee_code", f"NTEE {ntee} names no sector: add a sector column")
        elif not ntee:
            problem("sector", "no sector and no NTEE code to derive one from")
        zip_raw = cell(values, "zip")
        zip5 = ""
        if zip_raw:
            match = ZIP_RE.match(zip_raw)
            if match:
                zip5 = match[1]
            else:
                problem("zip", f"{zip_raw!r} is not a ZIP code")
        state = cell(values, "state").upper()
        if state and not (len(state) == 2 and state.isalpha()):
            problem("state", f"{state!r} is not a two-letter state code")
        coords = []
        for column, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            raw = cell(values, column)
            if not raw:
                coords.append(None)
                continue
            try:
                value = float(raw)
            except ValueError:
                problem(column, f"{raw!r} is not a number")
                coords.append(None)
                continue
            if not (math.isfinite(value) and low <= value <= high):
                problem(column, f"{raw} is outside {low} to {high}")
                value = None
            coords.append(value)
        lat, lon = coords
        if (cell(values, "latitude") == "") != (cell(values, "longitude") == ""):
            problem("longitude" if lat is not None else "latitude", "give both coordinates")
        numbers: dict[str, int | None] = {}
        for column in ("income", "families_reached"):
            raw = cell(values, column).replace(",", "")
            numbers[column] = None
            if raw:
                try:
                    numbers[column] = int(float(raw))
                    if numbers[column] < 0:
                        problem(column, f"{raw} is negative")
                except ValueError:
                    problem(column, f"{raw!r} is not a whole number")
        website = cell(values, "website")
        if website:
            if "://" not in website:
                website = "https://" + website
            try:
                url(website)
            except ValidationError:
                problem("website", f"{cell(values, 'website')!r} is not a web address")
        areas: list[tuple[Area, float | None]] = []
        areas_raw = cell(values, "areas")
        if areas_raw:
            total = 0.0
            for part in [p.strip() for p in areas_raw.split(";") if p.strip()]:
                code, _, share_raw = part.partition(":")
                area = places.by_code.get(code.strip().lower())
                if area is None:
                    problem(
                        "areas",
                        f"unknown area {code.strip()!r}" + did_you_mean(code, places.by_code),
                    )
                    continue
                share = None
                if share_raw.strip():
                    try:
                        share = float(share_raw.strip().rstrip("%"))
                        share = share / 100 if share_raw.strip().endswith("%") else share
                    except ValueError:
                        problem("areas", f"share {share_raw.strip()!r} is not a number")
                        continue
                    if not 0 <= share <= 1:
                        problem("areas", f"share {share_raw.strip()} is not between 0 and 1")
                        continue
                    total += share
                areas.append((area, share))
            if total > 1.000001:
                problem("areas", f"shares add up to {total:.2f}, more than 1")
        elif zip5 and zip5 in places.zips:
            entries = places.zips[zip5]
            areas = [(a, s if len(entries) > 1 else None) for a, s in entries]
        elif lat is not None and lon is not None:
            area = places.at(lon, lat)
            if area is not None:
                areas = [(area, None)]
        slug = slugify(name)[:50].strip("-") or "organisation"
        if not found:
            if ein:
                seen_ein[ein] = line
            elif slug in seen_slug:
                problem("name", f"duplicate of row {seen_slug[slug]} (same name, no EIN)")
            seen_slug.setdefault(slug, line)
        if found:
            problems.extend(found)
            continue
        if not areas and not include_outside:
            outside += 1
            continue
        clean.append(
            CleanRow(
                line=line,
                name=name[:200],
                slug=slug,
                sector=sector,
                ntee_code=ntee,
                ein=ein,
                street=cell(values, "street")[:200],
                city=cell(values, "city")[:100],
                state=state,
                zip_code=zip_raw[:10],
                latitude=lat,
                longitude=lon,
                income=numbers["income"],
                families_reached=numbers["families_reached"],
                website=website,
                description=cell(values, "description"),
                areas=areas,
            )
        )
    return clean, problems, outside


REGISTRY_FIELDS = (
    "name",
    "sector",
    "ntee_code",
    "ein",
    "street",
    "city",
    "state",
    "zip_code",
    "latitude",
    "longitude",
    "income",
)


def apply(clean: list[CleanRow], collaborative: Collaborative, source: str) -> tuple[int, int, int]:
    """Create or update every organisation (inside the caller's transaction)."""
    existing = list(Organisation.objects.filter(collaborative=collaborative))
    by_ein = {o.ein: o for o in existing if o.ein}
    by_slug = {o.slug: o for o in existing}
    with_footprint = set(
        OrganisationArea.objects.filter(organisation__collaborative=collaborative).values_list(
            "organisation_id", flat=True
        )
    )
    creates: list[tuple[Organisation, CleanRow]] = []
    updates: list[Organisation] = []
    footprint_for: list[tuple[Organisation, CleanRow]] = []
    unchanged = 0
    taken = set(by_slug)
    for row in clean:
        org = by_ein.get(row.ein) if row.ein else None
        if org is None:
            match = by_slug.get(row.slug)
            if match is not None and (not row.ein or not match.ein):
                org = match
        if org is None:
            slug = row.slug
            if slug in taken:
                suffix = f"-{row.ein[-4:]}" if row.ein else f"-{row.line}"
                slug = f"{row.slug[: 50 - len(suffix)]}{suffix}"
            taken.add(slug)
            org = Organisation(
                collaborative=collaborative,
                slug=slug,
                families_reached=row.families_reached,
                website=row.website,
                description=row.description,
                registry_source=source,
            )
            _copy(org, row)
            creates.append((org, row))
            continue
        before = [getattr(org, f) for f in REGISTRY_FIELDS]
        _copy(org, row)
        if row.families_reached is not None and org.families_reached is None:
            org.families_reached = row.families_reached
        if [getattr(org, f) for f in REGISTRY_FIELDS] != before:
            org.registry_source = source
            updates.append(org)
        else:
            unchanged += 1
        if org.pk not in with_footprint:
            footprint_for.append((org, row))
    Organisation.objects.bulk_create([o for o, _ in creates], batch_size=2000)
    if updates:
        Organisation.objects.bulk_update(
            updates, [*REGISTRY_FIELDS, "families_reached", "registry_source"], batch_size=2000
        )
    created = {
        o.slug: o
        for o in Organisation.objects.filter(
            collaborative=collaborative, slug__in=[o.slug for o, _ in creates]
        )
    }
    footprint_for += [(created[o.slug], row) for o, row in creates]
    OrganisationArea.objects.bulk_create(
        [
            OrganisationArea(organisation=org, area=area, client_share=share)
            for org, row in footprint_for
            for area, share in row.areas
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    return len(creates), len(updates), unchanged


def _copy(org: Organisation, row: CleanRow) -> None:
    for name in REGISTRY_FIELDS:
        value = getattr(row, name)
        if name in ("latitude", "longitude", "income") and value is None:
            continue
        if isinstance(value, str) and not value and name != "ntee_code":
            continue
        setattr(org, name, value)


def import_registry(
    path: Path | str,
    collaborative: Collaborative,
    *,
    user=None,
    dry_run: bool = False,
    include_outside: bool = False,
) -> ImportReport:
    """Archive the file, validate every row, and apply all rows in one transaction, or none."""
    path = Path(path)
    if not path.is_file():
        raise RegistryError(f"{path}: no such file")
    digest = sha256_of(path)
    stored = archive(path, digest)
    header, rows, layout = read(stored)
    clean, problems, outside = validate(
        header, rows, Places(collaborative), include_outside=include_outside
    )
    report = ImportReport(
        None,
        "",
        layout,
        rows_total=len(clean) + outside + len({p.row for p in problems}),
        rows_outside=outside,
        problems=problems,
    )
    common = dict(
        collaborative=collaborative,
        original_name=path.name,
        sha256=digest,
        archive_path=str(stored.relative_to(settings.WORKSPACE.path)),
        layout=layout,
        rows_total=report.rows_total,
        rows_outside=outside,
        created_by=user,
    )
    if dry_run:
        report.status = "dry_run"
        return report
    if problems:
        report.status = "rejected"
        report.record = RegistryImport.objects.create(
            status="rejected", problems=[p.as_dict() for p in problems[:MAX_PROBLEMS]], **common
        )
        return report
    source = f"{path.name} ({digest[:12]})"
    with transaction.atomic():
        created, updated, unchanged = apply(clean, collaborative, source)
        report.record = RegistryImport.objects.create(
            status="applied",
            rows_created=created,
            rows_updated=updated,
            rows_unchanged=unchanged,
            **common,
        )
    report.status = "applied"
    report.rows_created, report.rows_updated, report.rows_unchanged = created, updated, unchanged
    return report


def import_zip_areas(path: Path | str, collaborative: Collaborative) -> int:
    """A ZIP crosswalk (``zip, area, share``): validated as a whole, then replaces the old one."""
    path = Path(path)
    if not path.is_file():
        raise RegistryError(f"{path}: no such file")
    archive(path)
    text_bytes, _ = decode(path.read_bytes())
    rows = list(csv.reader(io.StringIO(text_bytes.decode("utf-8"), newline="")))
    if not rows:
        raise RegistryError(f"{path.name}: the file is empty")
    header = canonical_header(rows[0])
    if not {"zip", "area"} <= set(header):
        raise RegistryError(f"{path.name}: needs columns zip and area (and optionally share)")
    col = {h: i for i, h in enumerate(header)}
    areas = Places(collaborative).by_code
    entries, problems = [], []
    for n, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        zip_raw = values[col["zip"]].strip() if col["zip"] < len(values) else ""
        code = values[col["area"]].strip() if col["area"] < len(values) else ""
        share_raw = (
            values[col["share"]].strip() if "share" in col and col["share"] < len(values) else ""
        )
        match = ZIP_RE.match(zip_raw)
        area = areas.get(code.lower())
        if not match:
            problems.append(Problem(n, "zip", f"{zip_raw!r} is not a ZIP code"))
        if area is None:
            problems.append(
                Problem(n, "area", f"unknown area {code!r}" + did_you_mean(code, areas))
            )
        try:
            share = float(share_raw) if share_raw else 1.0
            if not 0 < share <= 1:
                raise ValueError
        except ValueError:
            problems.append(Problem(n, "share", f"{share_raw!r} is not a share between 0 and 1"))
            continue
        if match and area is not None:
            entries.append(
                ZipArea(collaborative=collaborative, zip_code=match[1], area=area, share=share)
            )
    if problems:
        listed = "; ".join(f"row {p.row}, {p.column}: {p.message}" for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise RegistryError(f"{path.name}: nothing imported: {listed}{more}")
    with transaction.atomic():
        ZipArea.objects.filter(collaborative=collaborative).delete()
        ZipArea.objects.bulk_create(entries, ignore_conflicts=True)
    return len(entries)
