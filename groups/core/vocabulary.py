"""One vocabulary: the taxonomies a group is filed under, weekdays, frequencies and times of day.

Everything that lists taxonomy relations (the group form, copying a proposed change, snapshots, the search
text, prefetching, facets, the API, the admin, the data generators) reads TAXONOMIES; everything that names
a weekday, a frequency or a time of day reads the constants below. Add a taxonomy here and every one of
them follows.
"""

from dataclasses import dataclass
from datetime import time

from django.utils.translation import gettext_lazy

from groups.core.models.taxonomy import (
    AccessibilityFeature,
    Cost,
    Format,
    GroupType,
    Language,
    Population,
    TraumaType,
)


@dataclass(frozen=True)
class Taxonomy:
    """A taxonomy a group is filed under: its name in URLs and the API, its term model and its Group field."""

    param: str
    model: type
    field: str
    label: str

    @property
    def is_many(self):
        """Many terms per group (a many-to-many field); cost is the one single choice."""
        return self.field != "cost"


TAXONOMIES = (
    Taxonomy("type", GroupType, "types", gettext_lazy("Type of group")),
    Taxonomy("trauma", TraumaType, "trauma_types", gettext_lazy("What happened")),
    Taxonomy("population", Population, "populations", gettext_lazy("Who it is for")),
    Taxonomy("format", Format, "formats", gettext_lazy("How it meets")),
    Taxonomy("language", Language, "languages", gettext_lazy("Language")),
    Taxonomy("cost", Cost, "cost", gettext_lazy("Cost")),
    Taxonomy("access", AccessibilityFeature, "access_features", gettext_lazy("Accessibility")),
)
TAXONOMY_BY_PARAM = {taxonomy.param: taxonomy for taxonomy in TAXONOMIES}
TAXONOMY_BY_FIELD = {taxonomy.field: taxonomy for taxonomy in TAXONOMIES}
# The many-to-many relations, in form order: copied, snapshotted and prefetched together.
M2M_FIELDS = tuple(taxonomy.field for taxonomy in TAXONOMIES if taxonomy.is_many)


@dataclass(frozen=True)
class Weekday:
    """A day of the week: MeetingTime.weekday (0 = Monday), the `day` parameter, the RFC 5545 code, its name."""

    index: int
    slug: str
    ical: str
    name: str


WEEKDAYS = tuple(
    Weekday(index, slug, ical, name)
    for index, (slug, ical, name) in enumerate([
        ("mon", "MO", gettext_lazy("Monday")),
        ("tue", "TU", gettext_lazy("Tuesday")),
        ("wed", "WE", gettext_lazy("Wednesday")),
        ("thu", "TH", gettext_lazy("Thursday")),
        ("fri", "FR", gettext_lazy("Friday")),
        ("sat", "SA", gettext_lazy("Saturday")),
        ("sun", "SU", gettext_lazy("Sunday")),
    ])
)
WEEKDAY_SLUGS = [day.slug for day in WEEKDAYS]
DAY_NAMES = {day.slug: day.name for day in WEEKDAYS}

# How often a meeting happens (MeetingTime.frequency).
WEEKLY = "weekly"
EVERY_N_WEEKS = "every-n-weeks"
MONTHLY = "monthly"
BY_ARRANGEMENT = "by-arrangement"
FREQUENCIES = (
    (WEEKLY, gettext_lazy("Every week")),
    (EVERY_N_WEEKS, gettext_lazy("Every few weeks")),
    (MONTHLY, gettext_lazy("Monthly, on a given weekday")),
    (BY_ARRANGEMENT, gettext_lazy("By arrangement")),
)


@dataclass(frozen=True)
class TimeOfDay:
    """The `time` search parameter: a half-open range [start, end) of a meeting's local start time."""

    slug: str
    start: time
    end: time
    name: str


TIMES_OF_DAY = (
    TimeOfDay("morning", time(5, 0), time(12, 0), gettext_lazy("Morning (5am to noon)")),
    TimeOfDay("afternoon", time(12, 0), time(17, 0), gettext_lazy("Afternoon (noon to 5pm)")),
    TimeOfDay("evening", time(17, 0), time(22, 0), gettext_lazy("Evening (5pm to 10pm)")),
)
TIME_OF_DAY_RANGES = {period.slug: (period.start, period.end) for period in TIMES_OF_DAY}
TIME_NAMES = {period.slug: period.name for period in TIMES_OF_DAY}
