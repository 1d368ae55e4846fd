"""Reference data shipped with the package: regions, catalogs, limits, agencies, routing.

Each table is a CSV under ``data/`` (provenance in ``data/README.md``) loaded once per process. The modules
hold one subject each (``agencies``, ``places``, ``categories``, ``injury_codes``, ``words``; ``tables``
reads the files); the package names them all, so callers write ``reference.agencies()``.
"""

from surveillance.reference.agencies import (
    OFFICE_KIND,
    agencies,
    agency_levels,
    agency_names,
    duty_transfers,
    former_agencies,
    office,
    predecessors,
    routing_rules,
    successors,
)
from surveillance.reference.categories import (
    analyte_lookup,
    analytes,
    category_name,
    category_names,
    food_categories,
    food_category_lookup,
    food_limits,
    product_categories,
    product_lookup,
)
from surveillance.reference.injury_codes import injury_code_table, injury_codes, injury_labels
from surveillance.reference.places import (
    OUTSIDE_PROVINCE,
    county_codes,
    county_places,
    jurisdiction_names,
    jurisdiction_of,
    jurisdictions,
    place_codes,
    provinces,
    region_from_text,
    region_lookup,
    region_successors,
    regions,
)
from surveillance.reference.tables import DATA, with_unknown
from surveillance.reference.words import FAILED, PASSED, VERDICTS, field_headers, header_words, list_meaning, stage_words, verdict_of

__all__ = [
    "DATA",
    "FAILED",
    "OFFICE_KIND",
    "OUTSIDE_PROVINCE",
    "PASSED",
    "VERDICTS",
    "agencies",
    "agency_levels",
    "agency_names",
    "analyte_lookup",
    "analytes",
    "category_name",
    "category_names",
    "county_codes",
    "county_places",
    "duty_transfers",
    "field_headers",
    "food_categories",
    "food_category_lookup",
    "food_limits",
    "former_agencies",
    "header_words",
    "injury_code_table",
    "injury_codes",
    "injury_labels",
    "jurisdiction_names",
    "jurisdiction_of",
    "jurisdictions",
    "list_meaning",
    "office",
    "place_codes",
    "predecessors",
    "product_categories",
    "product_lookup",
    "provinces",
    "region_from_text",
    "region_lookup",
    "region_successors",
    "regions",
    "routing_rules",
    "stage_words",
    "successors",
    "verdict_of",
    "with_unknown",
]
