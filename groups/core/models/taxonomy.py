"""Small controlled vocabularies that groups are tagged with. Slugs never change once published."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Term(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class GroupType(Term):
    """One of the five kinds of group, with the content of its explanation page."""

    what_it_offers = models.TextField(_("what it offers"), blank=True)
    who_it_suits = models.TextField(_("who it suits"), blank=True)
    first_meeting = models.TextField(_("what a first meeting is usually like"), blank=True)
    how_it_differs = models.TextField(_("how it differs from the other types"), blank=True)
    questions_to_ask = models.TextField(
        _("questions worth asking before joining"), blank=True, help_text=_("One question per line.")
    )

    class Meta(Term.Meta):
        verbose_name = _("group type")

    def get_absolute_url(self):
        return reverse("groups:type_detail", args=[self.slug])

    def questions(self):
        return [line.strip() for line in self.questions_to_ask.splitlines() if line.strip()]


class TraumaType(Term):
    class Meta(Term.Meta):
        verbose_name = _("trauma type")


class Population(Term):
    class Meta(Term.Meta):
        verbose_name = _("population")


class Format(Term):
    class Meta(Term.Meta):
        verbose_name = _("format")


class Language(Term):
    """The slug is the ISO 639-1 code."""

    class Meta(Term.Meta):
        verbose_name = _("language")


class Cost(Term):
    class Meta(Term.Meta):
        verbose_name = _("cost")


class AccessibilityFeature(Term):
    class Meta(Term.Meta):
        verbose_name = _("accessibility feature")
