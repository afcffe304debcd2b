"""A group's taxonomy terms from the facet index its search was answered from (loading.attach_many_valued's
terms_of), for result cards and the JSON: query 2 then reads only meetings and claims, its seven taxonomy branches
having been most of its work (about 900 of its 930 buffer reads for twenty random groups at 100,000). They are
the terms the search itself filtered on, so a result never names a term other than those its search matched."""

import functools
import weakref

from groups.core.vocabulary import M2M_FIELDS, TAXONOMY_BY_FIELD
from groups.directory.facet_index import EMPTY, built_index


def terms_of_version(token, today, pk):
    """terms_of for this worker's last built index when it is the index of exactly this directory version and day
    (read by the caller in its own query: a group's page, groups.directory.page_cache) and holds the group with
    this id, else None. No query either way: the index is not checked or rebuilt here. Every write a page shows
    changes the version, so the index of the version the page was read at has the group's terms as they are."""
    index = built_index()
    found = index is not None and index.key == (token or 0, today) and pk in index.rank_of
    return terms_of(index) if found else None


def terms_of(index):
    """group -> {M2M field: its terms} for the groups of this index."""
    return functools.partial(_terms, index)


def _terms(index, group):
    """{M2M field: the group's terms, in the index's term order} from the facet index's sets."""
    rank = index.rank_of[group.pk]
    return {field: [term for term, members in pairs if rank in members] for field, pairs in _term_sets(index)}


# The index _term_sets last worked on (weakly: a replaced index is freed) and its answer, kept as one pair so a
# thread never reads one index's answer with another's reference.
_term_sets_of = {"last": (lambda: None, None)}


def _term_sets(index):
    """[(M2M field, [(term, its groups' ranks)] by (order, name) as Python sorts them)] of this index, worked out
    once per index (a term's pk is a property: reading it for every term of every group cost a millisecond a page).
    The order is loading.attach_many_valued's, so a card lists a group's terms alike whichever way it was read."""
    reference, sets = _term_sets_of["last"]
    if reference() is not index:
        sets = [
            (field, [(term, index.terms[param].get(term.pk, EMPTY))
                     for term in sorted(index.terms_by_param[param], key=lambda term: (term.order, term.name))])
            for field, param in ((field, TAXONOMY_BY_FIELD[field].param) for field in M2M_FIELDS)]
        _term_sets_of["last"] = (weakref.ref(index), sets)
    return sets
