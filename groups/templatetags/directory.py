"""Template helpers for the directory pages: plain text as paragraphs, lists of term names."""

from urllib.parse import urlsplit

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter(is_safe=True, needs_autoescape=True)
def paragraphs(text, autoescape=True):
    """Plain text as escaped paragraphs: a blank line starts a new one. No HTML gets through."""
    blocks = [block.strip() for block in str(text or "").replace("\r\n", "\n").split("\n\n") if block.strip()]
    escape = conditional_escape if autoescape else (lambda value: value)
    return mark_safe(
        "".join("<p>" + "<br>".join(escape(line) for line in block.split("\n")) + "</p>" for block in blocks)
    )


@register.simple_tag
def join_names(terms):
    return ", ".join(term.name for term in terms)


@register.filter
def site_name(url):
    """The site a link leads to, as people read it: "calm-waters.example" for https://www.calm-waters.example/x."""
    host = urlsplit(str(url or "")).hostname or ""
    return host.removeprefix("www.")
