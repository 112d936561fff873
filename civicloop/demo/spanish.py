"""The demo collaborative's results, indicators, breakdowns and descriptions in Spanish, as its people would write them,
so that the demo reads in Spanish from end to end (the interface's words are in the
catalog; these are content, kept per field: `civicloop.core.translated`)."""

from __future__ import annotations

RESULTS = {
    "early-literacy": {
        "title": "Lectoescritura temprana",
        "statement": "Todos los niños del South Ward leen al nivel de su grado al terminar 3.er grado.",
        "population": "Niños de 0 a 9 años y sus familias",
    },
    "economic-security": {
        "title": "Seguridad económica de las familias",
        "statement": "Todas las familias de Riverton pueden cubrir sus necesidades básicas y ahorrar.",
        "population": "Adultos en edad de trabajar y sus hogares",
    },
    "healthy-homes": {
        "title": "Hogares sanos y estables",
        "statement": "Todos los niños de Riverton crecen en un hogar seguro, sano y estable.",
        "population": "Hogares inquilinos con niños",
    },
}

INDICATORS = {
    "third-grade-reading": (
        "Competencia lectora en 3.er grado",
        "Proporción de estudiantes de 3.er grado con resultado competente o superior en la "
        "prueba estatal de lectura.",
        "% de estudiantes de 3.er grado",
    ),
    "kindergarten-readiness": (
        "Preparación para el kínder",
        "Proporción de niños que entran al kínder y cumplen todos los indicadores de preparación.",
        "% de niños de kínder",
    ),
    "chronic-absence": (
        "Ausentismo crónico en K-3",
        "Proporción de estudiantes de K-3 que faltan al 10% o más de los días de clase.",
        "% de estudiantes de K-3",
    ),
    "licensed-child-care-seats": (
        "Plazas de cuidado infantil con licencia por cada 100 niños menores de 5 años",
        "Plazas con licencia para bebés, niños pequeños y preescolares por cada 100 niños "
        "menores de cinco años.",
        "plazas por cada 100 niños",
    ),
    "library-story-time-visits": (
        "Visitas a la hora del cuento en la biblioteca",
        "Visitas de niños a la hora del cuento en la biblioteca, por mes.",
        "visitas",
    ),
    "emergency-savings": (
        "Familias que pueden cubrir una emergencia de $400",
        "Proporción de hogares encuestados que podrían cubrir un gasto inesperado de $400 con "
        "sus ahorros.",
        "% de hogares",
    ),
    "unemployment-rate": (
        "Tasa de desempleo",
        "Residentes desempleados como proporción de la fuerza laboral (mensual, sin ajuste "
        "estacional).",
        "% de la fuerza laboral",
    ),
    "child-poverty": (
        "Niños en situación de pobreza",
        "Proporción de menores de 18 años en hogares por debajo del umbral federal de pobreza.",
        "% de niños",
    ),
    "small-business-loans": (
        "Préstamos a pequeños negocios de dueños locales",
        "Número de préstamos otorgados por prestamistas comunitarios a negocios de residentes.",
        "préstamos",
    ),
    "eviction-filings": (
        "Demandas de desalojo",
        "Demandas de desalojo residencial por cada 1,000 hogares inquilinos, por mes.",
        "por cada 1,000 hogares inquilinos",
    ),
    "asthma-ed-visits": (
        "Visitas de emergencia por asma infantil",
        "Visitas a la sala de emergencias por asma por cada 10,000 niños.",
        "por cada 10,000 niños",
    ),
    "housing-cost-burden": (
        "Inquilinos que pagan más del 30% de sus ingresos en alquiler",
        "Proporción de hogares inquilinos que gastan más del 30% de sus ingresos en vivienda.",
        "% de hogares inquilinos",
    ),
    "well-child-visits": (
        "Niños con una consulta de control infantil",
        "Proporción de niños menores de seis años con una consulta de control en el último año.",
        "% de niños menores de 6 años",
    ),
    "housing-complaint-days": (
        "Días para resolver quejas de código de vivienda",
        "Mediana de días desde la queja de un inquilino sobre el código de vivienda (311) hasta "
        "su resolución.",
        "días",
    ),
}


DESCRIPTIONS = {
    "riverton": (
        "Una colaborativa intersectorial de escuelas, prestamistas, hospitales, vivienda y "
        "grupos comunitarios que trabajan para que cada niño y cada familia de Riverton "
        "prosperen. Datos de demostración sintéticos."
    ),
}
NETWORK = "Una red de financiadores de colaborativas de varias ciudades (demostración sintética)."

DIMENSIONS = {"race-ethnicity": "Raza/etnia"}
GROUPS = {
    "black": "Negra",
    "hispanic": "Hispana o latina",
    "white": "Blanca",
    "asian": "Asiática",
    "other": "Multirracial u otra",
}


def translate(collab) -> None:
    """Give the demo's results, indicators, breakdowns and descriptions their Spanish."""
    from civicloop.results.models import Collaborative, Dimension, Group, Indicator, Result

    if collab.slug in DESCRIPTIONS:
        Collaborative.objects.filter(pk=collab.pk).update(description_es=DESCRIPTIONS[collab.slug])
    if collab.network_id:
        type(collab.network).objects.filter(pk=collab.network_id).update(description_es=NETWORK)
    for slug, name in DIMENSIONS.items():
        Dimension.objects.filter(collaborative=collab, slug=slug).update(name_es=name)
    for slug, name in GROUPS.items():
        Group.objects.filter(
            dimension__collaborative=collab, dimension__slug__in=DIMENSIONS, slug=slug
        ).update(name_es=name)

    for slug, fields in RESULTS.items():
        Result.objects.filter(collaborative=collab, slug=slug).update(
            **{f"{name}_es": text for name, text in fields.items()}
        )
    for slug, (name, definition, unit) in INDICATORS.items():
        Indicator.objects.filter(result__collaborative=collab, slug=slug).update(
            name_es=name, definition_es=definition, unit_es=unit
        )
