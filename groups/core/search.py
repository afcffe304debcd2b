"""Keyword search: the words of a query matched against the listed groups, alike on both databases.

A query is first read into a KeywordQuery (groups.core.lexicon gives the words, stems and synonyms):
- stop words ("I", "was") are left out, as PostgreSQL does;
- phrases of the synonym list (fixtures/search_synonyms.json) become concepts: "domestic violence" finds the
  groups filed under Domestic abuse, and the groups whose own text says "domestic violence" (in any form);
- words that describe every listing ("support", "group") are left out;
- a town among the words ("support group leeds") is noted, to be offered as a place search; it is left out
  of the words searched when no listed group uses it, so the remaining words still search;
- every remaining word must match, as a whole word in any form ("raped" finds "rape", "DV" never
  "advocacy").
PostgreSQL matches with full-text search over the weighted tsvector (name A, summary B, the rest C), kept
beside the group in GroupFullText so the group row stays narrow, and ranks with ts_rank; SQLite matches each
word's known forms among each group's stored words (IndexedWordsMatch on search_words, one LIKE per form) and
ranks name above summary above the rest.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, connections
from django.db.models import (
    Case,
    F,
    FloatField,
    IntegerField,
    Q,
    Value,
    When,
)

from groups.core import geo, lexicon
from groups.core.sqlite_words import IndexedWordsMatch, WordsMatch
from groups.core.vocabulary import TAXONOMY_BY_PARAM

SEARCH_CONFIG = "english"
# Formats that need no travel: a place search keeps these groups, after the ones within reach.
REMOTE_FORMATS = ("online", "phone", "hybrid")
MAX_TERMS = 8  # words and concepts searched; the rest of a long query is left out
MAX_PLACE_WORDS = 4  # the longest town name looked for ("newcastle upon tyne")
MAX_PLACE_LOOKUPS = 10
TERM_BONUS = 0.1  # PostgreSQL: a group filed under a concept's term ranks as if its text matched a little


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
    """Recompute search_text (and on PostgreSQL the search vector) for the given groups.

    Call after a group or its taxonomy terms change. Prefetch the relations for many groups.
    The model comes from the groups themselves: the model's querysets use this module.
    """
    groups = list(groups)
    if not groups:
        return
    for group in groups:
        group.search_text = build_search_text(group)
        group.meets_remotely = any(term.slug in REMOTE_FORMATS for term in group.formats.all())
        group.refresh_search_words()
    manager = type(groups[0])._default_manager
    manager.bulk_update(groups, ["search_text", "search_words", "meets_remotely"], batch_size=1000)
    refresh_search_vectors(manager.filter(pk__in=[group.pk for group in groups]))
    lexicon.directory_changed()


def weighted_vector():
    """The weighted tsvector of a group: name (A) above summary (B) above the rest (C)."""
    return (
        SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("search_text", weight="C", config=SEARCH_CONFIG)
    )


def refresh_search_vectors(queryset):
    """On PostgreSQL, (re)write the groups' vectors in their side table (GroupFullText) in one statement.

    An INSERT ... SELECT computed from the group rows as they are in the database, upserting: a new group
    gets its row, an edited one has it replaced. The group table itself is never updated here.
    """
    if not uses_full_text_search():
        return
    model = queryset.model
    side = model._meta.get_field("fulltext").related_model
    rows = (
        model._base_manager.using(queryset.db)
        .filter(pk__in=queryset.order_by().values("pk"))
        .order_by()
        .annotate(fulltext_vector=weighted_vector())
        .values_list("pk", "fulltext_vector")
    )
    sql, params = rows.query.sql_with_params()
    table, quote = side._meta.db_table, connections[queryset.db].ops.quote_name
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} (group_id, vector) {sql} "
            "ON CONFLICT (group_id) DO UPDATE SET vector = EXCLUDED.vector",
            params,
        )


@dataclass(frozen=True)
class Concept:
    """Words of the query found in the synonym list: as typed, and the entry they belong to."""

    text: str
    synonym: lexicon.Synonym

    @property
    def words(self):
        """The words as typed, without stop words: matched in the groups' text, beside the entry's terms."""
        return tuple(word for word in lexicon.words(self.text) if word not in lexicon.STOP_WORDS)


@dataclass(frozen=True)
class KeywordQuery:
    words: tuple = ()  # searched in the groups' text, each in any form
    concepts: tuple = ()  # Concept: filed under the entry's terms, or using the words typed
    place: object = None  # a town named among the words (geo.GazetteerPlace), to offer as a place search
    place_words: tuple = ()  # the words naming it, as typed (lower case)
    place_searched: bool = False  # whether those words are also searched (some listed group uses them)
    unknown: tuple = ()  # searched words no listed group uses: candidates for a spelling suggestion
    vocabulary: object = None

    @property
    def is_empty(self):
        return not self.words and not self.concepts


def analyse_keywords(q, model):
    """Read the query q against the listed groups of `model` (Group); cached for the current vocabulary."""
    vocabulary = lexicon.vocabulary(model)
    key = (q, getattr(settings, "SEARCH_COUNTRY", "GB"))
    if key not in vocabulary.parsed:
        if len(vocabulary.parsed) > 1000:
            vocabulary.parsed.clear()
        vocabulary.parsed[key] = _analyse(q, vocabulary, key[1])
    return vocabulary.parsed[key]


def _items(tokens, synonyms):
    """Label each token: ("stop", word), ("concept", Concept), ("ignored", word) or ("word", word).

    The longest phrase of the synonym list wins, its words in any order, stop words between them skipped.
    """
    items, i = [], 0
    while i < len(tokens):
        if tokens[i] in lexicon.STOP_WORDS:
            items.append(("stop", tokens[i]))
            i += 1
            continue
        positions = [j for j in range(i, len(tokens)) if tokens[j] not in lexicon.STOP_WORDS][: synonyms.longest]
        for n in range(len(positions), 0, -1):
            synonym = synonyms.by_key.get(lexicon.phrase_key(tokens[j] for j in positions[:n]))
            if synonym:
                end = positions[n - 1] + 1
                items.append(("concept", Concept(" ".join(tokens[i:end]), synonym)))
                i = end
                break
        else:
            items.append(("ignored" if synonyms.ignores(tokens[i]) else "word", tokens[i]))
            i += 1
    return items


def _runs(items):
    """Runs of plain words (stop words allowed inside): where a town's name may be."""
    runs, current = [], []
    for kind, value in items + [("end", None)]:
        if kind in ("word", "stop"):
            current.append((kind, value))
            continue
        while current and current[-1][0] == "stop":
            current.pop()
        while current and current[0][0] == "stop":
            current.pop(0)
        if current:
            runs.append([value for _kind, value in current])
        current = []
    return runs


def find_place(items, vocabulary, country):
    """A town named by consecutive plain words: any in the site's country (SEARCH_COUNTRY), or one where a
    listed group is. Exact names only (geo.place_from_city), longest first, in a bounded number of lookups."""
    lookups = 0
    for run in _runs(items):
        for length in range(min(len(run), MAX_PLACE_WORDS), 0, -1):
            for start in range(len(run) - length + 1):
                span = run[start:start + length]
                if span[0] in lexicon.STOP_WORDS or span[-1] in lexicon.STOP_WORDS:
                    continue
                name = " ".join(span)
                countries = [country, *sorted(vocabulary.towns.get(geo.normalise(name), set()) - {country})]
                for code in countries:
                    if lookups >= MAX_PLACE_LOOKUPS:
                        return None, ()
                    lookups += 1
                    place = geo.place_from_city(name, code)
                    if place:
                        return place, tuple(span)
    return None, ()


def _analyse(q, vocabulary, country):
    items = _items(lexicon.words(q), lexicon.synonyms())
    place, place_words = find_place(items, vocabulary, country)
    place_searched = bool(place) and all(vocabulary.knows(word) for word in place_words)
    searched_words = [value for kind, value in items if kind == "word"]
    if place and not place_searched:
        for word in place_words:
            if word in searched_words:
                searched_words.remove(word)
    concepts = []
    for kind, value in items:
        if kind == "concept" and all(concept.synonym != value.synonym for concept in concepts):
            concepts.append(value)
    concepts, searched_words = concepts[:MAX_TERMS], searched_words[: max(0, MAX_TERMS - len(concepts))]
    return KeywordQuery(
        words=tuple(dict.fromkeys(searched_words)),
        concepts=tuple(concepts),
        place=place,
        place_words=place_words,
        place_searched=place_searched,
        unknown=tuple(word for word in dict.fromkeys(searched_words) if not vocabulary.knows(word)),
        vocabulary=vocabulary,
    )


def _filed_under(model, synonym):
    """Groups filed under any of the entry's terms, without joining (no duplicate rows)."""
    condition = Q()
    for param, slugs in synonym.terms:
        taxonomy = TAXONOMY_BY_PARAM[param]
        if not taxonomy.is_many:
            condition |= Q(**{f"{taxonomy.field}__slug__in": slugs})
            continue
        through = model._meta.get_field(taxonomy.field).remote_field.through
        lookup = f"{taxonomy.model._meta.model_name}__slug__in"
        # An IN subquery rather than a correlated EXISTS: SQLite builds the list once instead of per row.
        condition |= Q(pk__in=through.objects.filter(**{lookup: slugs}).values("group_id"))
    return condition


# PostgreSQL: full-text queries.


def _text_query(phrase_words):
    return SearchQuery(" ".join(phrase_words), config=SEARCH_CONFIG, search_type="plain")


def _any_text_query(phrases):
    query = None
    for phrase in phrases:
        query = _text_query(phrase) if query is None else query | _text_query(phrase)
    return query


def _indexed_match(phrases, vocabulary):
    """Any of the phrases, each with all its words (whole words, any known form, in any order)."""
    return IndexedWordsMatch(F("search_words"), [[vocabulary.forms_of(word) for word in phrase] for phrase in phrases])


def _phrases_match(expression, phrases, vocabulary):
    """Any of the phrases, each with all its words (whole words, any known form, in any order)."""
    return WordsMatch(expression, [[vocabulary.forms_of(word) for word in phrase] for phrase in phrases])


def filter_by_keywords(queryset, q):
    """Groups matching every word and every concept of q (see the module's docstring)."""
    if not q:
        return queryset
    keywords = analyse_keywords(q, queryset.model)
    if keywords.is_empty:
        return queryset
    if uses_full_text_search():
        if keywords.words:
            queryset = queryset.filter(fulltext__vector=_text_query(keywords.words))
        for concept in keywords.concepts:
            text = Q(fulltext__vector=_text_query(concept.words))
            queryset = queryset.filter(_filed_under(queryset.model, concept.synonym) | text)
        return queryset
    for concept in keywords.concepts:
        matches = _indexed_match([concept.words], keywords.vocabulary)
        queryset = queryset.filter(_filed_under(queryset.model, concept.synonym) | Q(matches))
    for word in keywords.words:
        queryset = queryset.filter(_indexed_match([(word,)], keywords.vocabulary))
    return queryset


def annotate_relevance(queryset, q):
    """Annotate `relevance`: a word in the name counts most, then the summary, then the rest."""
    keywords = analyse_keywords(q, queryset.model) if q else KeywordQuery()
    if keywords.is_empty:
        return queryset.annotate(relevance=Value(0, output_field=IntegerField()))
    if uses_full_text_search():
        phrases = [(word,) for word in keywords.words]
        phrases.extend(concept.words for concept in keywords.concepts)
        score = SearchRank(F("fulltext__vector"), _any_text_query(phrases))
        for concept in keywords.concepts:
            score = score + Case(
                When(_filed_under(queryset.model, concept.synonym), then=Value(TERM_BONUS)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        return queryset.annotate(relevance=score)
    score = Value(0, output_field=IntegerField())
    vocabulary = keywords.vocabulary
    matchers = [[(word,)] for word in keywords.words] + [[c.words] for c in keywords.concepts]
    for phrases in matchers:
        score = score + Case(
            When(_phrases_match(F("name"), phrases, vocabulary), then=Value(4)),
            When(_phrases_match(F("summary"), phrases, vocabulary), then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    return queryset.annotate(relevance=score)


def text_matches(model, phrase_words):
    """PostgreSQL: ids of the groups whose text has every word of the phrase (any form), read from the full-text
    side table through its GIN index alone (the search index, groups.directory.fast_search, keeps only the
    published ones). The same test as filter_by_keywords makes, without joining the group table."""
    side = model._meta.get_field("fulltext").related_model
    return side.objects.filter(vector=_text_query(phrase_words)).values_list("group_id", flat=True)


def text_ranks(model, keywords, group_ids):
    """PostgreSQL: {group id: the ts_rank annotate_relevance starts from} for the given groups, read from the side
    table by primary key; annotate_relevance then adds TERM_BONUS once for each concept the group is filed under."""
    phrases = [(word,) for word in keywords.words]
    phrases.extend(concept.words for concept in keywords.concepts)
    side = model._meta.get_field("fulltext").related_model
    # One array parameter rather than IN with one placeholder an id: tens of thousands of ids for a common word,
    # which Django and PostgreSQL would otherwise each spend most of a second on.
    rows = (side.objects.extra(where=[f"{side._meta.db_table}.group_id = ANY(%s)"], params=[list(group_ids)])
            .annotate(score=SearchRank(F("vector"), _any_text_query(phrases))).values_list("group_id", "score"))
    return dict(rows)
