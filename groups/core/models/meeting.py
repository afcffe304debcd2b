from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from groups.core import vocabulary
from groups.core.models.group import Group

FREQUENCY_NAMES = dict(vocabulary.FREQUENCIES)


class MeetingTime(models.Model):
    """A recurring meeting, in the group's own time zone. The next date is computed, never stored."""

    # Values and names from groups.core.vocabulary, the one place they are written.
    class Frequency(models.TextChoices):
        WEEKLY = vocabulary.WEEKLY, FREQUENCY_NAMES[vocabulary.WEEKLY]
        EVERY_N_WEEKS = vocabulary.EVERY_N_WEEKS, FREQUENCY_NAMES[vocabulary.EVERY_N_WEEKS]
        MONTHLY = vocabulary.MONTHLY, FREQUENCY_NAMES[vocabulary.MONTHLY]
        BY_ARRANGEMENT = vocabulary.BY_ARRANGEMENT, FREQUENCY_NAMES[vocabulary.BY_ARRANGEMENT]

    class Weekday(models.IntegerChoices):
        MONDAY = 0, vocabulary.WEEKDAYS[0].name
        TUESDAY = 1, vocabulary.WEEKDAYS[1].name
        WEDNESDAY = 2, vocabulary.WEEKDAYS[2].name
        THURSDAY = 3, vocabulary.WEEKDAYS[3].name
        FRIDAY = 4, vocabulary.WEEKDAYS[4].name
        SATURDAY = 5, vocabulary.WEEKDAYS[5].name
        SUNDAY = 6, vocabulary.WEEKDAYS[6].name

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meeting_times")
    frequency = models.CharField(_("how often"), max_length=20, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, null=True, blank=True)
    interval_weeks = models.PositiveSmallIntegerField(
        _("every how many weeks"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    # 1–4 for the first to fourth weekday of the month; -1 for the last.
    week_of_month = models.SmallIntegerField(
        _("which week of the month"), null=True, blank=True,
        choices=[(1, _("first")), (2, _("second")), (3, _("third")), (4, _("fourth")), (-1, _("last"))],
    )
    # The first meeting of an every-N-weeks series, so the right weeks can be counted.
    starts_on = models.DateField(_("first meeting on"), null=True, blank=True)
    start_time = models.TimeField(_("starts at"), null=True, blank=True)
    end_time = models.TimeField(_("ends at"), null=True, blank=True)

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name = _("meeting time")

    def __str__(self):
        return f"{self.get_frequency_display()} {self.get_weekday_display() or ''} {self.start_time or ''}".strip()

    @property
    def is_scheduled(self):
        return self.frequency != self.Frequency.BY_ARRANGEMENT

    @staticmethod
    def date_bounds(today=None):
        """The earliest and latest "first meeting on" date a form accepts (settings MEETING_DATE_*_YEARS)."""
        today = today or timezone.localdate()
        return (_years_from(today, -settings.MEETING_DATE_PAST_YEARS),
                _years_from(today, settings.MEETING_DATE_FUTURE_YEARS))

    def clean(self):
        if not self.is_scheduled:
            return
        errors = {}
        if self.starts_on is not None:
            earliest, latest = self.date_bounds()
            if not earliest <= self.starts_on <= latest:
                errors["starts_on"] = _(
                    "Give a date between %(earliest)s and %(latest)s: a recent meeting or one coming up."
                ) % {"earliest": formats.date_format(earliest, "j F Y"), "latest": formats.date_format(latest, "j F Y")}
        if self.weekday is None:
            errors["weekday"] = _("Choose the day the group meets.")
        if self.start_time is None:
            errors["start_time"] = _("Give the time the meeting starts.")
        if self.frequency == self.Frequency.MONTHLY and self.week_of_month is None:
            errors["week_of_month"] = _("Choose which week of the month.")
        if self.frequency == self.Frequency.EVERY_N_WEEKS and self.starts_on is None:
            errors["starts_on"] = _("Give the date of one meeting so the right weeks can be counted.")
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The meeting must end after it starts.")
        if errors:
            raise ValidationError(errors)


def _years_from(day, years):
    """The same day ``years`` years away (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
