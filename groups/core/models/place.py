from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from groups.core.geo import place_from_city, snap_to_area
from groups.core.models.group import Group


class Place(models.Model):
    """Where a group meets in person. Its address is shown only as the group allows."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: the full address is shown")
        AREA_ONLY = "area-only", _("Area only: town and region shown, street hidden")
        ON_REQUEST = "on-request", _("On request: shown to nobody; the group gives it after contact")

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="place")
    address_line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("town or city"), max_length=100)
    region = models.CharField(_("region, county or state"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 two-letter code, e.g. GB."))
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # Hidden unless the group chooses otherwise: refuge addresses are commonly confidential.
    address_visibility = models.CharField(
        _("address visibility"), max_length=20, choices=Visibility.choices, default=Visibility.ON_REQUEST
    )
    # The point search uses: the exact point for a public address, otherwise only its area.
    search_latitude = models.FloatField(null=True, editable=False, db_index=True)
    search_longitude = models.FloatField(null=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("place")

    def __str__(self):
        return f"{self.city}, {self.country}"

    def save(self, *args, **kwargs):
        self.search_latitude, self.search_longitude = self.compute_search_point()
        super().save(*args, **kwargs)

    @property
    def is_address_public(self):
        return self.address_visibility == self.Visibility.PUBLIC

    @property
    def is_area_only(self):
        return self.address_visibility == self.Visibility.AREA_ONLY

    @property
    def is_on_request(self):
        return self.address_visibility == self.Visibility.ON_REQUEST

    def public_area(self):
        """Town and region, or "" when the location is given only on request (not even the town is shown)."""
        if self.address_visibility == self.Visibility.ON_REQUEST:
            return ""
        return ", ".join(part for part in [self.city, self.region] if part)

    def public_lines(self):
        """The lines of the address the public may see, following its visibility."""
        area = self.public_area()
        if self.is_address_public:
            return [line for line in [self.address_line1, self.address_line2, area, self.postcode] if line]
        return [area] if area else []

    def public_coordinates(self):
        if self.is_address_public and self.latitude is not None and self.longitude is not None:
            return float(self.latitude), float(self.longitude)
        return None

    def compute_search_point(self):
        """Exact for a public address; snapped to a grid of at least AREA_GRID_KM otherwise.

        A place entered without coordinates is located at its city's centre, from the gazetteer.
        """
        if self.latitude is None or self.longitude is None:
            city = place_from_city(self.city, self.country)
            return (city.latitude, city.longitude) if city else (None, None)
        lat, lng = float(self.latitude), float(self.longitude)
        if self.is_address_public:
            return lat, lng
        return snap_to_area(lat, lng)

