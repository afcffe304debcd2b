"""The search page's list of result cards (<ol class="cards">, with its dividers in a place search), built in Python.

The cards' own HTML comes from groups.directory.cards; this is the loop around them, which as a template cost a
few tenths of a millisecond a page ({% with %}, {% ifchanged %} and a blocktranslate per card). The template
groups/_result_list.html stays the reference: tests/groups/directory/test_result_list.py renders both and asserts
the same HTML (after the page's {% spaceless %}). A change to the markup goes in both.
"""

from html import escape

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

NOT_SEEN = object()


def cards_html(cards, params, current_radius):
    """<ol class="cards">: a "Within … km of …" divider before the first card if it is within reach, and an
    "Online or by phone" one before the first card that is not (in a place search only)."""
    origin = params.origin
    parts = ['<ol class="cards">']
    last_reach = NOT_SEEN  # what {% ifchanged group.within_reach %} last saw
    for position, card in enumerate(cards):
        within_reach = getattr(card.group, "within_reach", "")
        if origin and within_reach and position == 0:
            heading = _("Within %(km)s km of %(place)s") % {
                "km": escape(str(localize(current_radius))), "place": conditional_escape(origin.label),
            }
            parts.append(f'<li class="cards__divider"><h3>{heading}</h3></li>')
        if origin and not within_reach:
            if within_reach != last_reach:
                parts.append(f'<li class="cards__divider"><h3>{_("Online or by phone — no travel")}</h3></li>')
            last_reach = within_reach
        parts.append(f"<li>{conditional_escape(card.html)}</li>")
    parts.append("</ol>")
    # Safe: the cards' HTML as the template engine made it, the rest escaped here or the translators' text.
    return mark_safe("".join(parts))  # noqa: S308
