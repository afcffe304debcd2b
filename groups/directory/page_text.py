"""Text helpers of the directory's pages, shared by the templates (groups.templatetags.directory registers them as
filters) and by groups.directory.page_html, which builds a group page's content as the templates render it."""

from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

HELP_NOW_TEMPLATE = "includes/help_now.html"


def paragraphs(text, autoescape=True):
    """Plain text as escaped paragraphs: a blank line starts a new one. No HTML gets through."""
    blocks = [block.strip() for block in str(text or "").replace("\r\n", "\n").split("\n\n") if block.strip()]
    escape = conditional_escape if autoescape else (lambda value: value)
    return mark_safe(
        "".join("<p>" + "<br>".join(escape(line) for line in block.split("\n")) + "</p>" for block in blocks)
    )


def site_name(url):
    """The site a link leads to, as people read it: "calm-waters.example" for https://www.calm-waters.example/x."""
    host = urlsplit(str(url or "")).hostname or ""
    return host.removeprefix("www.")


_help_now = {}


def help_now_html(request, country):
    """includes/help_now.html for a country, as the template renders it: once per worker for each country, language,
    URL prefix and help-now text (rendered each time with DEBUG, where templates may change under a running
    server)."""
    key = (country, get_language(), get_script_prefix(), get_urlconf(), settings.HELP_NOW_TEXT)
    found = _help_now.get(key)
    if found is None:
        found = get_template(HELP_NOW_TEMPLATE).render({"country": country}, request)
        if not settings.DEBUG:
            if len(_help_now) > 500:
                _help_now.clear()
            _help_now[key] = found
    return found


def forget_help_now():
    _help_now.clear()
