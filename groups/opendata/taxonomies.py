"""Our taxonomies (groups.core.vocabulary.TAXONOMIES) as HSDS taxonomies and taxonomy terms."""

from dataclasses import dataclass

from django.conf import settings

from groups.core.vocabulary import TAXONOMIES, TAXONOMY_BY_PARAM
from groups.opendata import ids

DESCRIPTIONS = {
    "type": "The five kinds of support group SupportFinder lists.",
    "trauma": "What happened: the kinds of violence and abuse a group supports survivors of.",
    "population": "Who a group is for.",
    "format": "How a group meets: in person, online, hybrid or by phone.",
    "language": "Languages a group is run in; term codes are ISO 639-1.",
    "cost": "What it costs to take part.",
    "access": "Accessibility features of where and how a group meets.",
}


def taxonomy_json(taxonomy):
    return {
        "id": str(ids.taxonomy_id(taxonomy.param)),
        "name": str(taxonomy.label),
        "description": DESCRIPTIONS.get(taxonomy.param, str(taxonomy.label)),
        "uri": f"{settings.SITE_URL.rstrip('/')}/api/hsds/taxonomies/{ids.taxonomy_id(taxonomy.param)}",
        "version": "1",
    }


def term_json(taxonomy, term, full=False):
    data = {
        "id": str(ids.term_id(taxonomy.param, term.slug)),
        "code": term.slug,
        "name": term.name,
        "description": term.description or term.name,
        "taxonomy": taxonomy.param,
        "taxonomy_id": str(ids.taxonomy_id(taxonomy.param)),
    }
    if taxonomy.param == "language":
        data["language"] = term.slug
    if full:
        data["taxonomy_detail"] = taxonomy_json(taxonomy)
    return data


@dataclass(frozen=True)
class TermRef:
    """One term of one taxonomy, with its HSDS id."""

    taxonomy: object
    term: object

    @property
    def id(self):
        return ids.term_id(self.taxonomy.param, self.term.slug)


def all_terms(taxonomy_param=None):
    """Every term, in taxonomy order then each taxonomy's own order (a few hundred rows at most)."""
    chosen = [TAXONOMY_BY_PARAM[taxonomy_param]] if taxonomy_param else TAXONOMIES
    return [TermRef(taxonomy, term) for taxonomy in chosen for term in taxonomy.model.objects.all()]


def taxonomy_by_id(value):
    wanted = ids.parse(value)
    return next((taxonomy for taxonomy in TAXONOMIES if ids.taxonomy_id(taxonomy.param) == wanted), None)


def term_by_id(value):
    wanted = ids.parse(value)
    if wanted is None:
        return None
    return next((ref for ref in all_terms() if ref.id == wanted), None)
