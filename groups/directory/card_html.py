"""A result card's HTML built in Python: exactly what groups/_card.html, groups/_card_live.html (with
groups/_meeting_when.html) and accreditation/_badge.html render, at a tenth of the cost (issue 12: at 100,000
groups most cards of a random page are not cached, and the template engine spent 1-2 ms on each).

The templates stay the reference: tests/groups/directory/test_card_html.py renders both for many varied groups
and asserts the same bytes, so a change to what a card shows is made in the template and here together.

What the template engine does and this module does the same way:

- every value is escaped as {{ }} escapes it (conditional_escape: nothing here is marked safe before);
- {% translate "X" %} is gettext("X"), escaped; {% blocktranslate %} is gettext of the same msgid ("Run by
  %(host)s"), the values escaped and put in (the English text when a translation does not fit its values);
- truncatechars:220 is Django's Truncator, the date filter is formats.date_format with the same format.

The words of the labels (CardWords) are looked up once per language and memoised per worker.
"""

import functools
import html
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext

from groups.directory import loading
from groups.directory.presenters import accreditation_badge, location_label

SUMMARY_CHARS = 220  # the card template's truncatechars
BADGE_DATE = "j F Y"  # the badge template's date format
# What Django's <slug:slug> converter accepts: such a slug is put in a URL unchanged, so a group's address is the
# prefix reverse() gives for one slug followed by its own (anything else goes through reverse() itself).
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
SLUG_STAND_IN = "slug"


def _escape(value):
    """conditional_escape(value), quicker for a plain str (nearly every value here): Django's escape() is this
    html.escape behind a wrapper for lazy arguments, and a plain str is never marked safe."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


def _truncated(text):
    """truncatechars:SUMMARY_CHARS (Truncator.chars), without going through the text character by character when
    it is short enough: Truncator returns the text NFC-normalised, and counts no more characters than it has."""
    normalised = unicodedata.normalize("NFC", text)
    if len(normalised) <= SUMMARY_CHARS:
        return normalised
    return Truncator(text).chars(SUMMARY_CHARS)


def _word(msgid):
    """{% translate msgid %}: the translation escaped, doubled percent signs made single (i18n.TranslateNode)."""
    return _escape(gettext(msgid)).replace("%%", "%")


RUN_BY = "Run by %(host)s"
VERIFIED = "Accreditation verified — %(scheme)s, valid until %(date)s"
FACILITATOR_VERIFIED = "Facilitator credential verified — %(name)s, %(scheme)s, valid until %(date)s"


def _blocktranslate(msgid, **values):
    """{% blocktranslate with name=value ... %}: the escaped values put into the translation of msgid, or into
    msgid itself when the translation does not take them (i18n.BlockTranslateNode)."""
    return _put_in(gettext(msgid), msgid, **values)


def _put_in(translated, msgid, **values):
    """_blocktranslate with msgid's translation given (a card's are looked up once per language:
    CardWords.messages)."""
    data = {name: _escape(value) for name, value in values.items()}
    try:
        return translated % data
    except (KeyError, ValueError):
        return msgid % data


@dataclass(frozen=True)
class CardWords:
    """The escaped words every card shares, in one language, and the start of a group page's address."""

    type: str
    meets: str
    cost: str
    languages: str
    demo: str
    paused: str
    claimed: str
    distance: str
    next_meeting: str
    ask_the_group: str
    your_time: str
    detail_prefix: str
    messages: dict  # msgid -> its translation, for the blocktranslate messages above (not escaped)

    @classmethod
    def current(cls):
        """The words in the active language, and the start of a group page's address as reverse() gives it."""
        return _card_words(get_language(), get_script_prefix(), get_urlconf())

    @classmethod
    def looked_up(cls):
        """As current(), looked up afresh (reverse() for one slug, gettext for each word)."""
        stand_in = reverse("groups:detail", args=[SLUG_STAND_IN])
        prefix, found, rest = stand_in.rpartition(f"/{SLUG_STAND_IN}/")
        return cls(
            type=_word("Type"), meets=_word("Meets"), cost=_word("Cost"), languages=_word("Languages"),
            demo=_word("Demo listing: fictional"), paused=_word("Not taking new members at the moment"),
            claimed=_word("Accreditation claimed, not yet verified"), distance=_word("Distance"),
            next_meeting=_word("Next meeting"), ask_the_group=_word("Ask the group"), your_time=_word("Your time:"),
            detail_prefix=prefix + "/" if found and not rest else "",
            messages={msgid: gettext(msgid) for msgid in (RUN_BY, VERIFIED, FACILITATOR_VERIFIED)},
        )

    def group_url(self, group):
        """group.get_absolute_url(), without reverse() for a slug Django's slug converter takes as it is."""
        if self.detail_prefix and SLUG.fullmatch(group.slug):
            return f"{self.detail_prefix}{group.slug}/"
        return group.get_absolute_url()


@functools.lru_cache(maxsize=64)
def _card_words(language, script_prefix, urlconf):
    """CardWords for a language and the URLs as they are (memoised per worker: the same for every page, and
    looking them up is a fifth of what a page of cached cards costs)."""
    return CardWords.looked_up()


def forget_words():
    _card_words.cache_clear()


def _names(group, name):
    """{% join_names group.<name>.all %}: the names joined, escaped (a simple tag's output is escaped)."""
    return _escape(", ".join(term.name for term in loading.prefetched(group, name)))


def _pk_text(pk):
    """{{ group.pk }}, escaped: Django's number format writes an int as str() does unless thousands are grouped
    (numberformat.format), and localizing one cost a fiftieth of a card."""
    if settings.USE_THOUSAND_SEPARATOR:
        return _escape(formats.localize(pk))
    return str(pk)


def badge_html(badge, group, words):
    """accreditation/_badge.html with badge (the current verified claim or None) and group, as a card includes it."""
    if badge:
        valid_until = badge.valid_until
        date = formats.date_format(valid_until, BADGE_DATE) if valid_until not in (None, "") else ""
        if badge.is_facilitator_credential:
            verified = _put_in(words.messages[FACILITATOR_VERIFIED], FACILITATOR_VERIFIED,
                                       scheme=badge.scheme_label, name=badge.facilitator_name, date=date)
        else:
            verified = _put_in(words.messages[VERIFIED], VERIFIED, scheme=badge.scheme_label, date=date)
        return f'\n\n  \n  <p class="badge badge--verified">{verified}</p>\n  \n\n'
    if group.waiting_claims:
        return f'\n\n  <p class="badge badge--claimed">{words.claimed}</p>\n\n'
    return "\n\n"


def fixed_html(group, words):
    """groups/_card.html for a group read with its many-valued rows: (the HTML before the live slot, after it).

    words: the page's CardWords (in the language being rendered)."""
    pk = _pk_text(group.pk)
    host = group.host_name
    area = location_label(group)
    cost = group.cost
    before = "".join((
        f'<article class="card" aria-labelledby="group-{pk}">\n'
        f'  <h3 class="card__title" id="group-{pk}"><a href="{_escape(words.group_url(group))}">'
        f"{_escape(group.name)}</a></h3>\n  ",
        f'<p class="card__host">{_put_in(words.messages[RUN_BY], RUN_BY, host=host)}</p>' if host else "",
        "\n  ",
        f'<p class="tag tag--demo">{words.demo}</p>' if group.is_demo else "",
        "\n  ",
        badge_html(accreditation_badge(group), group, words),
        '\n  <p class="card__summary">',
        _escape(_truncated(group.summary)),
        '</p>\n  <dl class="card__facts">\n'
        f"    <div><dt>{words.type}</dt><dd>{_names(group, 'types')}</dd></div>\n"
        f"    <div><dt>{words.meets}</dt><dd>{_names(group, 'formats')}",
        f" · {_escape(area)}" if area else "",
        "</dd></div>\n    ",
    ))
    after = "".join((
        f"\n    <div><dt>{words.cost}</dt><dd>{_escape(cost.name) if cost is not None else ''}</dd></div>\n"
        f"    <div><dt>{words.languages}</dt><dd>{_names(group, 'languages')}</dd></div>\n"
        "  </dl>\n  ",
        f'<p class="tag">{words.paused}</p>' if group.is_paused else "",
        "\n</article>\n",
    ))
    return before, after


def live_html(words, distance_label, when, short_text, ask_the_group, meets_remotely):
    """groups/_card_live.html (with groups/_meeting_when.html) for exactly these values."""
    return joined_live(distance_row(words, distance_label),
                       meeting_row(words, when, short_text, ask_the_group, meets_remotely))


def joined_live(distance_row_html, meeting_row_html):
    """groups/_card_live.html from its two rows, each built by the functions below."""
    return f"{distance_row_html}\n    {meeting_row_html}\n"


def distance_row(words, distance_label):
    """The distance row of groups/_card_live.html ("" without a distance)."""
    return f"<div><dt>{words.distance}</dt><dd>{_escape(distance_label)}</dd></div>" if distance_label else ""


def meeting_row(words, when, short_text, ask_the_group, meets_remotely):
    """The next meeting row of groups/_card_live.html ("" with no meeting to show and none to ask about)."""
    if when:
        local = (f' data-local-time data-zone="{_escape(when.zone)}" data-your-time="{words.your_time}"'
                 if meets_remotely else "")
        return (f'<div><dt>{words.next_meeting}</dt><dd><time datetime="{_escape(when.iso)}"{local}>'
                f'{_escape(short_text)}</time><span class="zone-name"> '
                f"({_escape(when.zone_label)})</span></dd></div>\n    ")
    if ask_the_group:
        return f"<div><dt>{words.next_meeting}</dt><dd>{words.ask_the_group}</dd></div>"
    return ""
