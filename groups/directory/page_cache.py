"""A group's public page for visitors not signed in: its HTML put together from parts kept between requests.

    page_response(request, group) -> HttpResponse

where `group` comes from loading.published_group_page(slug, many=False) (one query). What
groups/group_detail.html renders is the reference: this module gives the same bytes, from three parts.

- The frame: base.html around the page (quick exit, header, footer). For a visitor who is not signed in and has
  no message waiting it reads nothing of the request but the language and the page's kind, so it is rendered
  once per worker for those (with markers where the title, description and content go) and reused.
- The content (groups/_group_detail_content.html, built in Python by groups.directory.page_html): cached in the
  "pages" cache under a key that changes with anything it shows: every field the first query read of the group,
  its cost and its place, whether it has an active coordinator, the directory version's token (it changes with
  every write the page can show: meetings, terms, accreditation claims, places), today's date (a badge lapses at
  midnight), the cards' generation (an accrediting body renamed), the language, the digest of the templates, the
  code and the settings, and what depends on the clock: the next meeting, whether to say "ask the group", whether
  there is a calendar file, whether the listing is stale. The clock's part comes from the stored next meeting
  (Group.next_meeting_at) when it can, as result cards do, so a page found in the cache costs the one query; when
  it cannot, from the meetings.
- The title and description: the group's name and summary, escaped as the template escapes them.

Anyone signed in, or with a message waiting, gets the page rendered afresh from the template: their header
(account links, the sign-out form's CSRF token) and messages are theirs alone and never stored. hits and misses
of the content are counted per worker (page_cache_stats) for the benchmark.
"""

import functools
import hashlib
import pathlib
import re

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from groups.directory import card_html, helplines, index_terms, loading, page_html
from groups.directory.cards import GENERATION_KEY, HitCounter, card_cache
from groups.directory.presenters import group_page, listing_is_stale, upcoming_meeting

CACHE_ALIAS = "pages"
PAGE_TEMPLATE = "groups/group_detail.html"
CONTENT_TEMPLATE = "groups/_group_detail_content.html"
FRAME_TEMPLATE = "groups/_group_detail_frame.html"
# Every template the public page renders (a test checks the list against what a render uses): their source is in
# the cache key, so a deployment that changes one never serves pages of the old.
TEMPLATES = (PAGE_TEMPLATE, CONTENT_TEMPLATE, FRAME_TEMPLATE, "base.html", "includes/quick_exit.html",
             "includes/messages.html", "includes/help_now.html", "groups/_join_summary.html",
             "groups/_meeting_when.html", "accreditation/_badge.html")
# Where the frame leaves room for the page's own parts (HTML comments: escaped text can never contain one).
TITLE, DESCRIPTION, CONTENT = "<!--page-title-->", "<!--page-description-->", "<!--page-content-->"
PAGE_SECONDS = 7 * 24 * 3600
# Annotations of loading.published_group_page's query.
ANNOTATIONS = ("has_scheduled_meeting", "has_coordinator", "directory_token")

_stats = HitCounter()
_frames = {}


def page_cache():
    return caches[CACHE_ALIAS]


def page_cache_stats(reset=False):
    """{"hits": n, "misses": n} of this worker's page contents since it started (or since the last reset)."""
    return _stats.read(reset)


def page_response(request, group):
    """The group's page, as render(request, PAGE_TEMPLATE, ...) gives it (group read with many=False)."""
    now = timezone.now()
    if not _shared_view(request):
        _attach_many_valued(group)
        return render(request, PAGE_TEMPLATE, {"group": group, "page": group_page(group, now)})
    page = None
    live = stored_live_state(group, now)
    if live is None:  # the stored next meeting cannot say: the meetings can
        _attach_many_valued(group)
        page = group_page(group, now)
        live = live_state(page)
    language = translation.get_language()
    key = content_key(group, language, live)
    cache = page_cache()
    content = cache.get(key)
    if content is None:
        _stats.add(misses=1)
        if page is None:
            _attach_many_valued(group)
            page = group_page(group, now)
        content = page_html.content_html(request, group, page)
        # Stored only when the key's clock part is the one the content was drawn with (a stored next meeting
        # that disagreed with the meetings would otherwise keep this content past its time).
        if live_state(page) == live:
            cache.set(key, str(content), timeout=PAGE_SECONDS)
    else:
        _stats.add(hits=1)
    before_title, before_description, before_content, after = _frame(request, language)
    html = (before_title + conditional_escape(group.name) + before_description + conditional_escape(group.summary)
            + before_content + content + after)
    return HttpResponse(html)


def _attach_many_valued(group):
    """Query 2 for the group, its terms taken from this worker's search index when that is of the version the
    group was read at (index_terms.terms_of_version): its seven taxonomy branches were most of the query's work."""
    terms_of = index_terms.terms_of_version(group.directory_token, timezone.localdate(), group.pk)
    loading.attach_many_valued([group], terms_of=terms_of)


def _shared_view(request):
    """Whether the visitor sees what every visitor not signed in sees: no account header, no message waiting
    (counting them, as the template's {% if messages %} does, leaves them waiting)."""
    return not request.user.is_authenticated and not len(messages.get_messages(request))


def stored_live_state(group, now):
    """What the page shows that depends on the clock, from the stored next meeting; None when only the meetings
    can tell (upcoming_meeting(stored="only"))."""
    upcoming = upcoming_meeting(group, now, stored="only")
    if upcoming is None:
        return None
    when, ask_the_group = upcoming
    # The calendar file is offered when a meeting has a next date, which is when the group has a next meeting.
    return _live(when, ask_the_group, when is not None, listing_is_stale(group, now))


def live_state(page):
    """The same from a GroupPage built from the meetings."""
    return _live(page.next_meeting, page.ask_the_group, page.has_calendar, page.is_stale)


def _live(when, ask_the_group, has_calendar, is_stale):
    return (when and (when.at.isoformat(), when.zone), ask_the_group, has_calendar, is_stale)


def content_key(group, language, live):
    """The cache key of a group's page content: changes with anything the content shows (see the module's notes)."""
    place = getattr(group, "place", None)
    stamp = (_values(group), _values(group.cost), _values(place), [getattr(group, name, None) for name in ANNOTATIONS],
             live, timezone.localdate().isoformat(), card_cache().get(GENERATION_KEY, 0))
    digest = hashlib.blake2b(repr(stamp).encode(), digest_size=12).hexdigest()
    return f"{deployment_stamp()}:{language}:{group.pk}:{digest}"


def _values(instance):
    """Every field of an instance that the query read (deferred ones are not in its __dict__)."""
    if instance is None:
        return None
    loaded = instance.__dict__
    return [(field.attname, loaded[field.attname]) for field in instance._meta.concrete_fields
            if field.attname in loaded]


@functools.cache
def deployment_stamp():
    """A digest of what every page shares beyond the group: the templates' source, the code that builds the
    content, the helplines file, the settings the page reads and the static files' addresses, so a deployment that
    changes any of them never serves old pages from a shared cache."""
    digest = hashlib.blake2b(digest_size=6)
    for name in TEMPLATES:
        with open(get_template(name).origin.name, "rb") as source:
            text = source.read()
        digest.update(text)
        for path in re.findall(rb"{% static '([^']+)' %}", text):
            digest.update(static(path.decode()).encode())
    # The code that builds the content (and the badge it shares with result cards), as the templates are.
    for module in (page_html, card_html):
        digest.update(pathlib.Path(module.__file__).read_bytes())
    if helplines.FIXTURE.exists():
        digest.update(helplines.FIXTURE.read_bytes())
    digest.update(repr((settings.HELP_NOW_TEXT, settings.QUICK_EXIT_URL, settings.STALE_NOTICE_DAYS,
                        settings.TIME_ZONE, settings.SEARCH_COUNTRY, get_script_prefix())).encode())
    return digest.hexdigest()


def _frame(request, language):
    """base.html around the page, split where the title, description and content go: rendered once per worker
    for what it reads of the request (the language, the URL prefix, the view's name and the context processors'
    text, such as the referrer policy for the page's address). Rendered each time with DEBUG, where templates
    may change under a running server."""
    template = get_template(FRAME_TEMPLATE)
    processed = {}
    for processor in template.template.engine.template_context_processors:
        processed.update(processor(request))
    # type(), not isinstance(): isinstance would evaluate the lazy CSRF token, and so hand one out.
    texts = tuple(sorted((name, value) for name, value in processed.items() if type(value) is str))
    key = (language, get_script_prefix(), request.resolver_match.url_name, texts)
    frame = _frames.get(key)
    if frame is None:
        html = template.render({"title": mark_safe(TITLE), "description": mark_safe(DESCRIPTION),
                                "content": mark_safe(CONTENT)}, request)
        head, rest = html.split(TITLE)
        middle, rest = rest.split(DESCRIPTION)
        before_content, after = rest.split(CONTENT)
        frame = (mark_safe(head), mark_safe(middle), mark_safe(before_content), mark_safe(after))  # noqa: S308
        if not settings.DEBUG:
            if len(_frames) > 100:
                _frames.clear()
            _frames[key] = frame
    return frame


def _forget(**kwargs):
    """Settings changed (tests): frames and the stamp were made with the old ones."""
    _frames.clear()
    deployment_stamp.cache_clear()
    page_html.forget()


setting_changed.connect(_forget, dispatch_uid="page-cache-settings")
