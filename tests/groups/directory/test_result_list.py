"""The list of result cards built in Python (groups.directory.result_list) is the HTML of its reference template
(groups/_result_list.html) for any page of cards: with and without a place, cards within reach or not in any
order, odd place names, and card HTML that is safe or (never in practice) not."""

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import strip_spaces_between_tags
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from groups.directory.params import Origin, SearchParams
from groups.directory.result_list import cards_html

ODD_TEXT = ["Leeds", "", "<b>", "Tom & Jerry's \"place\"", "%(km)s", "🙂", "\u202e"]
text = st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=10))
group = st.one_of(st.builds(SimpleNamespace, within_reach=st.booleans()), st.builds(SimpleNamespace))
card_html = st.one_of(text.map(mark_safe), text, st.just(mark_safe('<article class="card">\n  <h3>A</h3>\n</article>')))
card = st.builds(SimpleNamespace, group=group, html=card_html)
origin = st.one_of(st.none(), st.builds(Origin, latitude=st.just(1.0), longitude=st.just(2.0), label=text))


def reference(cards, params, current_radius):
    html = render_to_string("groups/_result_list.html",
                            {"cards": cards, "params": params, "current_radius": current_radius})
    return strip_spaces_between_tags(html.strip())


@settings(max_examples=200, deadline=None)
@given(cards=st.lists(card, max_size=8), origin=origin, radius=st.sampled_from([5, 25, 500, 1234]),
       language=st.sampled_from(["en-gb", "de"]))
def test_the_list_is_the_reference_templates_html(cards, origin, radius, language):
    params = SearchParams(origin=origin)
    with translation.override(language):
        assert strip_spaces_between_tags(cards_html(cards, params, radius)) == reference(cards, params, radius)


def test_a_place_search_divides_the_cards_within_reach_from_the_rest():
    cards = [SimpleNamespace(group=SimpleNamespace(within_reach=reach), html=mark_safe(f"<p>{n}</p>"))
             for n, reach in enumerate([True, True, False, False])]
    params = SearchParams(origin=Origin(1.0, 2.0, "Leeds & <York>"))
    html = cards_html(cards, params, 25)
    assert html == reference(cards, params, 25)
    assert html == ('<ol class="cards"><li class="cards__divider"><h3>Within 25 km of Leeds &amp; &lt;York&gt;</h3>'
                    "</li><li><p>0</p></li><li><p>1</p></li><li class=\"cards__divider\"><h3>Online or by phone — "
                    "no travel</h3></li><li><p>2</p></li><li><p>3</p></li></ol>")
    assert cards_html(cards, SearchParams(), 25).count("cards__divider") == 0
