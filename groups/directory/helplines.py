"""Named helplines by country, read from fixtures/helplines.json (data staff can correct without code).

Every entry says where its facts were checked; a number nobody could check is left empty, and the
service is then shown with its name and website only. The file is read once per process. A missing or
broken file must never take a page down (the help box is on the 404 and 500 pages too): it then gives
no helplines, and the box falls back to the site's HELP_NOW_TEXT.
"""

import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "helplines.json"
HELPLINE_FIELDS = ("name", "about", "phone", "text", "text_word", "hours", "website", "checked")


def dial_href(number, scheme="tel"):
    """A tel: or sms: address for a number as a person wrote it ("+44 (0)113 496 0000", "0113 496 0000").

    Digits only, so any phone can dial it. A number written internationally ("+44 …" or "00 44 …") keeps
    one leading "+" (and loses a "(0)" trunk prefix, which is not dialled from abroad); a national number
    stays national, because a "+" in front of it would make it a different, wrong number. Empty when there
    are no digits.
    """
    text = str(number or "").strip()
    international = text.startswith("+") or re.match(r"^00\s*[1-9]", text) is not None
    if international:
        text = text.replace("(0)", "")
    digits = re.sub(r"[^0-9]", "", text)  # ASCII only: "\D" would keep digits like "²" or "٣"
    if international and text.startswith("00"):
        digits = digits[2:]
    if not digits:
        return ""
    return f"{scheme}:{'+' if international else ''}{digits}"


@dataclass(frozen=True)
class Helpline:
    name: str
    website: str = ""
    about: str = ""
    phone: str = ""
    text: str = ""
    text_word: str = ""  # the word the service asks to be sent ("Text START to 88788"), if any
    hours: str = ""
    checked: str = ""

    @property
    def tel_href(self):
        return dial_href(self.phone, "tel")

    @property
    def sms_href(self):
        return dial_href(self.text, "sms")


@dataclass(frozen=True)
class CountryHelp:
    country: str
    emergency: str = ""
    helplines: tuple = ()

    @property
    def emergency_href(self):
        return dial_href(self.emergency, "tel")


def parse(data):
    """{country code: CountryHelp} from the fixture's JSON data."""
    countries = {}
    for code, entry in data.get("countries", {}).items():
        emergency = (entry.get("emergency") or {}).get("number", "")
        lines = tuple(
            Helpline(**{key: str(line.get(key) or "") for key in HELPLINE_FIELDS})
            for line in entry.get("helplines", [])
        )
        countries[code.upper()] = CountryHelp(code.upper(), emergency, lines)
    return countries


@lru_cache(maxsize=4)
def load(path=FIXTURE):
    try:
        return parse(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, AttributeError):
        logger.exception("The helplines file %s could not be read; the help box shows the general text only.", path)
        return {}


def site_country():
    return (getattr(settings, "SEARCH_COUNTRY", "GB") or "GB").upper()


def for_country(country=None):
    """What to show for a country (else the site's own country); None when we list nothing for it."""
    code = (country or site_country()).upper()
    return load().get(code)
