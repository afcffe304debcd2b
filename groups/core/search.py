"""Keyword search: PostgreSQL full-text search with weighted ranking, a simpler fallback on SQLite."""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When

SEARCH_CONFIG = "english"
# Formats that need no travel: a place search keeps these groups, after the ones within reach.
REMOTE_FORMATS = ("online", "phone", "hybrid")
MAX_TERMS = 8


def uses_full_text_search():
    return connection.vendor == "postgresql"


def build_search_text(group):
    """The 'rest' of a group for keyword search: description, host and the names of its terms."""
    parts = [group.description, group.host_name]
    for relation in ("types", "trauma_types", "populations", "formats", "languages", "access_features"):
        parts.extend(term.name for term in getattr(group, relation).all())
    if group.cost_id:
        parts.append(group.cost.name)
    if hasattr(group, "place") and group.place.public_area():  # a town given only on request is not findable
        parts.extend([group.place.city, group.place.region])
    return " ".join(part for part in parts if part)


def refresh_search_fields(groups):
    """Recompute search_text (and search_vector on PostgreSQL) for the given groups.

    Call after a group or its taxonomy terms change. Prefetch the relations for many groups.
    """
    from groups.core.models import Group

    ids = []
    for group in groups:
        group.search_text = build_search_text(group)
        group.meets_remotely = any(term.slug in REMOTE_FORMATS for term in group.formats.all())
        ids.append(group.pk)
    Group.objects.bulk_update(groups, ["search_text", "meets_remotely"], batch_size=1000)
    refresh_search_vectors(Group.objects.filter(pk__in=ids))


def refresh_search_vectors(queryset):
    """On PostgreSQL, rebuild the weighted tsvector: name (A) above summary (B) above the rest (C)."""
    if not uses_full_text_search():
        return
    queryset.update(
        search_vector=SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("search_text", weight="C", config=SEARCH_CONFIG)
    )


def keyword_terms(q):
    return [term for term in re.findall(r"\w+", q.lower()) if term][:MAX_TERMS]


def _search_query(terms):
    return SearchQuery(" ".join(terms), config=SEARCH_CONFIG, search_type="plain")


def filter_by_keywords(queryset, q):
    """Groups matching every word of q (stemmed on PostgreSQL, as substrings on SQLite)."""
    terms = keyword_terms(q)
    if not terms:
        return queryset
    if uses_full_text_search():
        return queryset.filter(search_vector=_search_query(terms))
    for term in terms:
        queryset = queryset.filter(
            Q(name__icontains=term) | Q(summary__icontains=term) | Q(search_text__icontains=term)
        )
    return queryset


def annotate_relevance(queryset, q):
    """Annotate `relevance`: a word in the name counts most, then the summary, then the rest."""
    terms = keyword_terms(q)
    if not terms:
        return queryset.annotate(relevance=Value(0, output_field=IntegerField()))
    if uses_full_text_search():
        return queryset.annotate(relevance=SearchRank(F("search_vector"), _search_query(terms)))
    score = Value(0, output_field=IntegerField())
    for term in terms:
        score = score + Case(
            When(name__icontains=term, then=Value(4)),
            When(summary__icontains=term, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    return queryset.annotate(relevance=score)
