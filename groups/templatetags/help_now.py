"""Template helpers for help within one tap: helplines by country, tap-to-call links, the filters' count."""

from django import template

from groups.directory import helplines, presenters

register = template.Library()


@register.simple_tag
def helplines_for(country=None):
    """The helplines for a country code (else the site's SEARCH_COUNTRY); None when we list none for it."""
    return helplines.for_country(country or None)


@register.filter
def tel_href(number):
    """tel: address for a phone number as entered (digits only; "+" kept for international numbers)."""
    return helplines.dial_href(number, "tel")


@register.filter
def active_filter_count(params):
    """How many filter choices are ticked (words and place are typed in the form, not counted here)."""
    return presenters.active_filter_count(params)
