"""Template helpers for the directory pages: plain text as paragraphs, lists of term names."""

from django import template

from groups.directory.page_text import paragraphs, site_name

register = template.Library()


register.filter("paragraphs", paragraphs, is_safe=True, needs_autoescape=True)
register.filter("site_name", site_name)


@register.simple_tag
def join_names(terms):
    return ", ".join(term.name for term in terms)
