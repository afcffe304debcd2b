"""The search page's filter sidebar (facets with counts, days, times, accredited, sort) as HTML built in Python.

The page draws about a hundred checkboxes; as a Django template loop (translate, intcomma and several ifs per
option) that took most of the page's render time at 100,000 groups. The markup is the template
groups/_filters.html, kept as the reference: tests/groups/directory/test_sidebar.py renders both for many searches
and asserts the same HTML (after {% spaceless %}, which wraps the sidebar on the page). A change to the markup goes
in both.

Escaping follows the template's: every value from the database or the search is escaped; a text written in the
template ({% translate "…" %}, a blocktranslate's message) is not, as Django trusts the translators. The escaping
is the standard library's html.escape, which django.utils.html.escape calls (the same output) without the cost
of its lazy-string wrapper, a hundred times a page; lazy texts (labels, day names) are made strings first.
"""

from functools import lru_cache
from html import escape
from types import SimpleNamespace

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from groups.core.vocabulary import DAY_NAMES, TIME_NAMES
from groups.directory.presenters import active_filter_count

# A facet of the first three starts open (the rest closed, so the form is short on a phone).
OPEN_FACETS = 3


@lru_cache(maxsize=4096)
def _count(language, number):
    """A count as {{ number|intcomma }} writes it, escaped (the separator is the language's); a function of
    (language, number), so remembered: the same few hundred counts recur on every page."""
    return escape(str(intcomma(number)))


@lru_cache(maxsize=4096)
def _escaped(text):
    """escape(text) for the few hundred slugs and names a sidebar shows, remembered (about 140 a page)."""
    return escape(text)


_facet_words_memo = {}


def _facet_words(language, facet):
    """A facet's label and parameter, escaped, in the active language: remembered per (language, parameter), as a
    taxonomy's label is fixed. (Keyed by the lazy label itself, hashing it would translate it on every page.)"""
    key = (language, facet.param)
    found = _facet_words_memo.get(key)
    if found is None:
        if len(_facet_words_memo) >= 256:
            _facet_words_memo.clear()
        found = _facet_words_memo[key] = (escape(str(facet.label)), escape(str(facet.param)))
    return found


def _facet(facet, position, language, none_would_match):
    """One taxonomy: a <details> with a checkbox and count per term."""
    label, param = _facet_words(language, facet)
    is_open = facet.has_selection or position <= OPEN_FACETS
    parts = [
        f'<details class="filter"{" open" if is_open else ""}><summary>{label}</summary><fieldset>'
        f'<legend class="visually-hidden">{label}</legend>'
    ]
    for option in facet.options:
        empty = option.count == 0 and not option.selected
        checked = " checked" if option.selected else ""
        parts.append(
            f'<label class="checkbox{" checkbox--empty" if empty else ""}"><input type="checkbox" name="{param}" '
            f'value="{_escaped(str(option.slug))}"{checked}><span>{_escaped(str(option.name))} '
            f'<span class="count">({_count(language, option.count)}'
            f'{none_would_match if empty else ""})</span></span></label>'
        )
    parts.append("</fieldset></details>")
    return "".join(parts)


def _choices(param, names, chosen):
    return "".join(
        f'<label class="checkbox"><input type="checkbox" name="{param}" value="{escape(str(slug))}"'
        f'{" checked" if slug in chosen else ""}><span>{escape(str(name))}</span></label>'
        for slug, name in names.items()
    )


def _when(params):
    """The days and times of day."""
    return _when_html(get_language(), tuple(params.days), tuple(params.times))


@lru_cache(maxsize=1024)
def _when_html(language, days, times):
    """_when's HTML for these days and times chosen, in the active language (named in the key)."""
    params = SimpleNamespace(days=days, times=times)
    time_legend = _("Time of day, in the group's own time")
    return (
        f'<details class="filter"{" open" if params.days or params.times else ""}>'
        f'<summary>{_("When it meets")}</summary><fieldset><legend>{_("Day")}</legend>'
        f'{_choices("day", DAY_NAMES, params.days)}</fieldset>'
        f'<fieldset><legend>{time_legend}</legend>'
        f'{_choices("time", TIME_NAMES, params.times)}</fieldset></details>'
    )


def _sort(params):
    def option(value, text):
        return f'<option value="{value}"{" selected" if params.sort == value else ""}>{text}</option>'

    return (
        f'<div class="sort"><label for="id_sort">{_("Sort by")}</label><select name="sort" id="id_sort">'
        + (option("relevance", _("Best match")) if params.q else "")
        + (option("distance", _("Distance")) if params.origin else "")
        + option("next", _("Next meeting")) + option("name", _("Name (A to Z)"))
        + "</select></div>"
    )


def filters_html(result):
    """The <section class="filters"> of the search page for a SearchResult, as the reference template renders it
    inside {% spaceless %}."""
    params = result.params
    language = get_language()
    none_would_match = f'<span class="visually-hidden"> {_("groups: none would match")}</span>'
    facets = "".join(
        _facet(facet, position, language, none_would_match) for position, facet in enumerate(result.facets, 1)
    )
    heading = _("Filters (%(count)s)") % {"count": escape(str(localize(active_filter_count(params))))}
    html = (
        '<section class="filters" aria-labelledby="filters-heading"><details class="filters__panel" '
        f'data-filters-panel><summary class="filters__toggle"><h2 id="filters-heading" class="filters__heading">'
        f'{heading}</h2></summary><p class="hint">'
        f'{_("The number beside each choice is how many groups you would see with it added.")}</p>'
        f'{facets}{_when(params)}'
        '<label class="checkbox checkbox--standalone"><input type="checkbox" name="accredited" value="1"'
        f'{" checked" if params.accredited else ""}><span>{_("Verified accreditation only")} '
        f'<span class="count">({_count(language, result.accredited_count)})</span></span></label>'
        f'{_sort(params)}<button type="submit" class="button">{_("Show groups")}</button></details></section>'
    )
    # Safe: built from escaped values and the translators' texts, as the template would.
    return mark_safe(html)  # noqa: S308
