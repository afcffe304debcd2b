"""Reads named after what a search asks: Group.objects.published().with_terms(...).near(...).matching(...).

The second of the search's three layers: each method turns one cleaned search parameter into a filter, so the
directory's selector composes them (and the facet counts re-run them without one parameter). Accreditation
is not here: core knows nothing of it (groups.accreditation.selectors adds badges and the accredited filter).
"""

from django.db import models
from django.db.models import BooleanField, Case, Exists, F, FloatField, OuterRef, Q, Value, When
from django.db.models.functions import Greatest, Round

from groups.core import geo
from groups.core.search import annotate_relevance, filter_by_keywords
from groups.core.vocabulary import TIME_OF_DAY_RANGES, WEEKDAY_SLUGS

ON_REQUEST = "on-request"  # Place.Visibility.ON_REQUEST, named here without importing the model (a cycle)
PUBLIC = "public"


class GroupQuerySet(models.QuerySet):
    def published(self):
        """Groups the public may see: published, or paused (listed, not taking new members)."""
        return self.filter(status__in=self.model.PUBLIC_STATUSES)

    def with_terms(self, taxonomy, slugs):
        """Groups filed under any of the slugs of one taxonomy (groups.core.vocabulary.Taxonomy).

        An EXISTS on the through table rather than a join, so a group with two matching terms is listed once.
        """
        if not slugs:
            return self
        if not taxonomy.is_many:
            return self.filter(**{f"{taxonomy.field}__slug__in": slugs})
        through = getattr(self.model, taxonomy.field).through
        term_column = f"{taxonomy.model._meta.model_name}__slug__in"
        return self.filter(Exists(through.objects.filter(group_id=OuterRef("pk"), **{term_column: slugs})))

    def near(self, point, radius_km):
        """Groups within reach of the point (latitude, longitude), then those that need no travel (online,
        phone, hybrid).

        Annotates `distance_km` (to the group's search point: exact for a public address, its grid cell
        otherwise), `distance_shown` (that distance rounded as pages and the JSON show it: 0.1 km for a public
        address, whole km and at least 1 for an area) and `within_reach`. A group whose location is given only
        on request is never within reach and has no distance: a place search must not reveal where it is.
        """
        latitude, longitude = point
        # Only a located group has a distance, so only it can be within reach.
        located = ~Q(place__address_visibility=ON_REQUEST) & Q(place__search_latitude__isnull=False)
        within_reach = geo.bounding_box(latitude, longitude, radius_km) & Q(distance_km__lte=radius_km)
        distance = geo.distance_expression(latitude, longitude)
        tenths = Round(F("distance_km") * Value(10.0)) / Value(10.0)
        shown = Case(
            When(located & Q(place__address_visibility=PUBLIC), then=tenths),
            When(located, then=Greatest(Value(1.0), Round(F("distance_km")))),
            default=None,
            output_field=FloatField(),
        )
        return (
            self.annotate(distance_km=Case(When(located, then=distance), default=None, output_field=FloatField()))
            .filter(within_reach | Q(meets_remotely=True))
            .annotate(
                distance_shown=shown,
                within_reach=Case(When(within_reach, then=Value(True)), default=Value(False),
                                  output_field=BooleanField()),
            )
        )

    def meeting_on(self, days=(), times=()):
        """A meeting on one of the days and starting in one of the times of day, in the group's own time.

        Day and time must hold for the same meeting; "by arrangement" meetings have neither.
        """
        if not days and not times:
            return self
        meeting_model = self.model._meta.get_field("meeting_times").related_model
        meetings = meeting_model.objects.filter(group_id=OuterRef("pk")).exclude(frequency="by-arrangement")
        if days:
            meetings = meetings.filter(weekday__in=[WEEKDAY_SLUGS.index(day) for day in days])
        if times:
            in_range = Q()
            for slug in times:
                start, end = TIME_OF_DAY_RANGES[slug]
                in_range |= Q(start_time__gte=start, start_time__lt=end)
            meetings = meetings.filter(in_range)
        return self.filter(Exists(meetings))

    def matching(self, words):
        """Groups matching every search word (groups.core.search decides how: stemmed, or substrings)."""
        return filter_by_keywords(self, words) if words else self

    def ranked(self, words):
        """Annotate `relevance` for the words: higher is a better match."""
        return annotate_relevance(self, words)
