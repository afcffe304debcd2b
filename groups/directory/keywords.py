"""What the results page offers about the words typed: a spelling suggestion and a place search.

"domestc abuse" offers "Did you mean domestic abuse?"; "support group leeds" offers "Groups near Leeds?"
with the remaining words kept. Both are links to a search with the other choices kept; nothing is applied
without the person choosing it. The reading of the words is groups.core.search.analyse_keywords.
"""

import re
from dataclasses import dataclass

from groups.core.models import Group
from groups.core.search import analyse_keywords
from groups.directory.presenters import querystring


@dataclass
class KeywordHints:
    spelling: str = ""  # the words with a suggested spelling
    spelling_url: str = ""
    place_name: str = ""  # a town typed among the words
    place_url: str = ""  # the place search, with the remaining words
    place_typed: str = ""  # the town as typed
    place_left_out: bool = False  # the town was not searched as a word (no listed group uses it)

    def __bool__(self):
        return bool(self.spelling_url or self.place_url)


def _replace_word(text, word, replacement):
    return re.sub(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", replacement, text, flags=re.IGNORECASE)


def _without_words(text, words):
    """The query without the town's words (and an "in" or "near" just before them)."""
    pattern = r"\W+".join(re.escape(word) for word in words)
    text = re.sub(rf"(?:\b(?:in|near|around)\s+)?(?<![^\W_]){pattern}(?![^\W_])", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def keyword_hints(params):
    """The hints for the words of a search (SearchParams), or None when there is nothing to offer."""
    if not params.q:
        return None
    keywords = analyse_keywords(params.q, Group)
    hints = KeywordHints()
    suggested = params.q
    for word in keywords.unknown:
        replacement = keywords.vocabulary.closest(word)
        if replacement:
            suggested = _replace_word(suggested, word, replacement)
    if suggested != params.q:
        hints.spelling, hints.spelling_url = suggested, querystring(params, q=suggested)
    if keywords.place and params.origin is None:
        place = keywords.place
        remaining = _without_words(params.q, keywords.place_words)
        hints.place_name = place.name
        hints.place_typed = " ".join(keywords.place_words)
        hints.place_left_out = not keywords.place_searched
        sort = params.sort if params.sort == "next" else None
        hints.place_url = querystring(
            params, q=remaining or None, near=f"{place.name}, {place.country}", lat=None, lng=None, sort=sort
        )
    return hints or None
