"""The search page's filter sidebar built in Python (groups.directory.sidebar) is the HTML its reference template
(groups/_filters.html) gives, for any search: every facet count, ticked option, day, time, sort and place, names
with < > & " ', odd Unicode and empty ones, and in a language whose numbers are written differently."""

from unittest import mock

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import strip_spaces_between_tags
from hypothesis import given, settings
from hypothesis import strategies as st

from groups.core.vocabulary import DAY_NAMES, TIME_NAMES
from groups.directory import sidebar
from groups.directory.params import FACETS, Origin, SearchParams
from groups.directory.results import FacetGroup, FacetOption, SearchResult
from groups.directory.sidebar import filters_html

ODD_TEXT = ["", " ", "<b>x</b>", "Tom & Jerry", 'say "hi"', "it's", "a > b < c", "&amp;", "{{ x }}", "%(count)s",
            "100%", "\u202eevil", "e\u0301", "🙂", "\x00", "line\nbreak", "  spaced  ", "Women's group"]
text = st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=12))
count = st.one_of(st.sampled_from([0, 1, 1234, 100_000]), st.integers(min_value=0, max_value=10**7))
option = st.builds(FacetOption, slug=st.one_of(st.sampled_from(["free", "en", "in-person"]), text), name=text,
                   description=st.just(""), count=count, selected=st.booleans())


@st.composite
def results(draw):
    facets = [FacetGroup(facet.param, facet.label, draw(st.lists(option, max_size=6))) for facet in FACETS]
    origin = draw(st.one_of(st.none(), st.builds(Origin, latitude=st.just(53.8), longitude=st.just(-1.55),
                                                 label=text, radius_km=st.sampled_from([5, 25, 500]))))
    params = SearchParams(
        q=draw(text),
        terms={group.param: [o.slug for o in group.options if o.selected] for group in facets},
        accredited=draw(st.booleans()),
        near=draw(text) if origin else "",
        origin=origin,
        days=draw(st.lists(st.sampled_from(list(DAY_NAMES)), unique=True)),
        times=draw(st.lists(st.sampled_from(list(TIME_NAMES)), unique=True)),
        sort=draw(st.sampled_from(["relevance", "distance", "next", "name", "other"])),
    )
    return SearchResult(params, page=None, paginator=None, facets=facets, accredited_count=draw(count))


def reference(result):
    """The reference template as the page showed it: inside {% spaceless %}."""
    html = render_to_string("groups/_filters.html", {
        "result": result, "params": result.params,
        "day_choices": list(DAY_NAMES.items()), "time_choices": list(TIME_NAMES.items()),
    })
    return strip_spaces_between_tags(html.strip())


@settings(max_examples=300, deadline=None)
@given(result=results(), language=st.sampled_from(["en-gb", "en", "de", "fr"]))
def test_the_sidebar_is_the_reference_templates_html(result, language):
    with translation.override(language):
        assert strip_spaces_between_tags(filters_html(result)) == reference(result)


def test_every_branch_is_drawn_and_matches():
    """One search showing every branch at once (an open and a closed facet, an empty and a chosen option, a
    ticked day and time, accredited, every sort option), so a change to any of them shows here too."""
    options = [FacetOption("a<&>", 'A "quoted" <name> & co\'s', "", 0, False),
               FacetOption("b", "Chosen but none", "", 0, True), FacetOption("c", "Many", "", 100_000, False)]
    facets = [FacetGroup(facet.param, facet.label, list(options) if n in (0, 5) else options[2:])
              for n, facet in enumerate(FACETS)]
    params = SearchParams(q="x", terms={"type": ["b"], "cost": ["b"]}, accredited=True, near="Leeds",
                          origin=Origin(53.8, -1.55, "Leeds"), days=["mon", "sun"], times=["evening"],
                          sort="distance")
    result = SearchResult(params, page=None, paginator=None, facets=facets, accredited_count=1234)
    html = filters_html(result)
    assert strip_spaces_between_tags(html) == reference(result)
    assert 'value="a&lt;&amp;&gt;"' in html and "A &quot;quoted&quot; &lt;name&gt; &amp; co&#x27;s" in html
    assert "Filters (6)" in html and "(100,000)" in html and "(1,234)" in html
    assert html.count("checkbox--empty") == 2  # the chosen option with no groups is not greyed out
    assert html.count('<details class="filter" open>') == 5  # the first three, the sixth (chosen), and the days
    assert '<option value="distance" selected>' in html and '<option value="relevance">' in html


def test_a_facet_s_label_is_in_the_language_being_shown_after_another():
    """The sidebar remembers each facet's label per language: the same search shown in French after English (and
    back) names the facet in each language, as the translation catalogue gives it."""
    facet = FACETS[0]
    result = SearchResult(SearchParams(), page=None, paginator=None, accredited_count=0,
                          facets=[FacetGroup(f.param, f.label, []) for f in FACETS])
    original = translation._trans.gettext

    def french_label(message):
        if translation.get_language() == "fr" and message == facet.label._args[0]:
            return "Sorte de groupe (fr)"
        return original(message)

    sidebar._facet_words_memo.clear()  # remembered per language for the catalogue as it was; this test fakes it
    with mock.patch.object(translation._trans, "gettext", french_label):
        shown = []
        for language in ("en", "fr", "en"):
            with translation.override(language):
                shown.append("<summary>Sorte de groupe (fr)</summary>" in filters_html(result))
    assert shown == [False, True, False]
