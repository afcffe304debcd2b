"""A group page's content built in Python: exactly what groups/_group_detail_content.html renders (with
groups/_join_summary.html, groups/_meeting_when.html and accreditation/_badge.html) for a visitor's page, at a
fraction of the cost (issue 12: at 100,000 groups most pages asked for are not in the page cache, and the template
engine spent about half of such a page's time on its content).

    content_html(request, group, page) -> str

The templates stay the reference: tests/groups/directory/test_page_html.py renders both for many varied groups, in
English and French, and asserts the same bytes, so a change to what a page shows is made in the template and here
together. The help-now box (includes/help_now.html) is the template's own output, rendered once per worker for each
country, language and URL prefix: it reads nothing of the group but its country.

What the template engine does is done the same way here: a value is shown as {{ }} shows it (moved to the current
time zone, localised, escaped unless marked safe); {% translate %} and {% blocktranslate %} as in card_html; {% url %}
is reverse(), escaped; a filter is called as the template calls it. Coordinator previews (preview_of) and signed-in
visitors still go through the template (groups.directory.page_cache).
"""

from django.template.defaultfilters import date as date_filter
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext

from groups.directory import helplines, loading
from groups.directory.card_html import SLUG, CardWords, _blocktranslate, badge_html
from groups.directory.page_text import forget_help_now, help_now_html, paragraphs, site_name

# A slug no group has: one in a URL marks where a group's own goes (_url_for).
SLUG_STAND_IN = "stand-in-slug-for-page-html"
DATE = "j F Y"  # the template's date filter format


def _shown(value):
    """{{ value }} (render_value_in_context): in the current time zone, localised, escaped unless marked safe."""
    value = formats.localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _word(msgid):
    """{% translate "msgid" %}: a string written in a template is safe, and so is its translation (gettext keeps
    a safe msgid's translation safe), so the tag escapes nothing of a translation; only text from elsewhere (a
    gettext that does not keep it safe) is escaped. Percent signs doubled for gettext are made single again."""
    return conditional_escape(gettext(mark_safe(msgid.replace("%", "%%")))).replace("%%", "%")  # noqa: S308


class _Words(dict):
    """{% translate msgid %} in one language, each looked up the first time a page shows it (a page shows about
    forty: looking each up afresh was a tenth of the page's time)."""

    def __missing__(self, msgid):
        self[msgid] = found = _word(msgid)
        return found


_words = {}


def _words_now():
    """The _Words of the active language."""
    language = get_language()
    words = _words.get(language)
    if words is None:
        words = _words[language] = _Words()
    return words


_urls = {}


def _url(name, arg=None):
    """{% url name arg %} for an address that is the same on every page, looked up once per worker."""
    key = (name, arg, get_language(), get_script_prefix(), get_urlconf())
    found = _urls.get(key)
    if found is None:
        found = _urls[key] = conditional_escape(reverse(name, args=[arg] if arg else None))
    return found


def _url_for(name, group):
    """{% url name group.slug %}: the address reverse() gives for a stand-in slug with the group's put in its place,
    for a slug Django's slug converter takes as it is (reverse() puts such a slug in unchanged); reverse() itself
    for any other."""
    if not SLUG.fullmatch(group.slug):
        return conditional_escape(reverse(name, args=[group.slug]))
    before, after = _url(name, SLUG_STAND_IN).split(SLUG_STAND_IN)
    return f"{before}{group.slug}{after}"


_term_urls = {}


def _term_url(term):
    """{{ term.get_absolute_url }}, looked up once per worker for each term, language and URL prefix (a page links
    its types; the terms are a few dozen)."""
    key = (type(term), term.slug, get_language(), get_script_prefix(), get_urlconf())
    found = _term_urls.get(key)
    if found is None:
        if len(_term_urls) > 1000:
            _term_urls.clear()
        found = _term_urls[key] = _shown(term.get_absolute_url())
    return found


_displays = {}


def _display(group, name):
    """{{ group.get_<name>_display }}: a choice's label, looked up once per worker for each value and language."""
    value = getattr(group, name)
    key = (name, value, get_language())
    found = _displays.get(key)
    if found is None:
        if len(_displays) > 1000:
            _displays.clear()
        found = _displays[key] = _shown(getattr(group, f"get_{name}_display")())
    return found


def _joined(terms):
    """{% join_names terms %}: a simple tag's output, escaped."""
    return conditional_escape(", ".join(term.name for term in terms))


def _phone(phone):
    """{% with href=phone|tel_href %}{% if href %}<a href="{{ href }}">{{ phone }}</a>{% else %}{{ phone }}..."""
    href = helplines.dial_href(phone, "tel")
    return f'<a href="{_shown(href)}">{_shown(phone)}</a>' if href else _shown(phone)


def _date(value):
    """{{ value|date:"j F Y" }}."""
    return _shown(date_filter(template_localtime(value), DATE))


def _cost_name(group):
    cost = group.cost
    return _shown(cost.name) if cost is not None else ""


def _next_meeting(page):
    """(the next meeting, its words, its zone's name), escaped, or None: the page shows them twice."""
    when = page.next_meeting
    return (when, _shown(when.text), _shown(when.zone_label)) if when else None


def _meeting_when(group, next_meeting, words):
    """groups/_meeting_when.html with when=page.next_meeting text=page.next_meeting.text."""
    when, text, zone_label = next_meeting
    local = (f' data-local-time data-zone="{_shown(when.zone)}" data-your-time="{words["Your time:"]}"'
             if group.meets_remotely else "")
    return f'<time datetime="{_shown(when.iso)}"{local}>{text}</time><span class="zone-name"> ({zone_label})</span>'


def join_summary_html(group, next_meeting, words):
    """groups/_join_summary.html (next_meeting from _next_meeting)."""
    phone, email, url = group.contact_phone, group.contact_email, group.contact_url
    contact = ""
    if phone or email or url:
        contact_page = words["The group's contact page"]
        contact = "".join((
            f'<div><dt>{words["Contact"]}</dt><dd><ul class="plain-list">\n      ',
            f"<li>{_phone(phone)}</li>" if phone else "",
            "\n      ",
            f'<li><a href="mailto:{_shown(email)}">{_shown(email)}</a></li>' if email else "",
            "\n      ",
            f'<li><a href="{_shown(url)}" rel="noopener noreferrer">{contact_page}</a></li>' if url else "",
            "\n    </ul></dd></div>",
        ))
    next_meeting_row = ""
    if next_meeting:
        when, text, zone_label = next_meeting
        next_meeting_row = (f'<div><dt>{words["Next meeting"]}</dt><dd>'
                            f'<time datetime="{_shown(when.iso)}">{text}</time> ({zone_label})</dd></div>')
    contact_form = ""
    if group.takes_messages:
        contact_form = (f'<p><a class="button" href="{_url_for("contact:form", group)}">'
                        f'{words["Contact this group"]}</a> '
                        f'<span class="hint">{words["No account needed. Only the group reads it."]}</span></p>')
    return "".join((
        '<section class="join-summary" aria-labelledby="join-summary-heading">\n'
        f'  <h2 id="join-summary-heading">{words["Joining at a glance"]}</h2>\n'
        '  <dl class="facts">\n'
        f"    <div><dt>{words['To join']}</dt><dd>{_display(group, 'attendance')}</dd></div>\n    ",
        contact,
        f"\n    <div><dt>{words['Cost']}</dt><dd>{_cost_name(group)}</dd></div>\n    ",
        next_meeting_row,
        "\n  </dl>\n  ",
        contact_form,
        f'\n  <p><a href="#join-heading">{words["All the joining details"]}</a></p>\n</section>\n',
    ))


def content_html(request, group, page):
    """groups/_group_detail_content.html for a visitor's page (no preview_of): group read with its many-valued
    rows, page its GroupPage."""
    # A group with no place raises RelatedObjectDoesNotExist, an AttributeError (the template reads it as empty).
    host, place, badge = group.host_name, getattr(group, "place", None), page.badge
    next_meeting = _next_meeting(page)
    words = _words_now()
    age_min, age_max = group.age_min, group.age_max
    return "".join((
        '\n\n<article class="group" aria-labelledby="group-title">\n'
        f'  <p class="breadcrumbs"><a href="{_url("groups:list")}">{words["All groups"]}</a></p>\n'
        f'  <h1 id="group-title">{_shown(group.name)}</h1>\n  ',
        f'<p class="group__host">{_blocktranslate("Run by %(host)s", host=_shown(host))}</p>' if host else "",
        "\n  ",
        '<p class="notice notice--demo">'
        f'{words["This is a demo listing. The group is fictional and does not exist."]}</p>' if group.is_demo else "",
        "\n  ",
        badge_html(badge, group, CardWords.current()),
        "\n  ",
        '<p class="notice notice--warning">'
        f'{words["This listing has not been confirmed by the group for over a year. Some details may have changed."]}'
        "</p>" if page.is_stale else "",
        "\n  ",
        f'<p class="notice">{words["This group is not taking new members at the moment."]}</p>'
        if group.is_paused else "",
        f'\n\n  <p class="group__summary">{_shown(group.summary)}</p>\n  ',
        join_summary_html(group, next_meeting, words),
        f'\n  <div class="group__description">{paragraphs(group.description)}</div>\n\n',
        _who_html(group, age_min, age_max, words),
        _when_html(group, page, place, next_meeting, words),
        _join_html(group, words),
        _about_html(group, host, badge, words),
        "  </div>\n"
        f'  <p><a href="{_url("groups:guide_page", "what-to-expect")}">'
        f'{words["What to expect at a first meeting"]}</a></p>\n'
        f'  <p><a href="{_url_for("reports:report", group)}">{words["Report a problem with this listing"]}</a>'
        f' <span class="hint">{words["(closed, wrong details or times, or unsafe; no account needed)"]}</span></p>\n'
        "</article>\n",
        help_now_html(request, place.country if place is not None else ""),
        "\n",
    ))


def _who_html(group, age_min, age_max, words):
    types = "".join(f'<li><a href="{_term_url(term)}">{_shown(term.name)}</a></li>'
                    for term in loading.prefetched(group, "types"))
    trauma_types, populations = loading.prefetched(group, "trauma_types"), loading.prefetched(group, "populations")
    ages = ""
    if age_min or age_max:
        if age_min and age_max:
            shown = f"{_shown(age_min)}–{_shown(age_max)}"
        elif age_min:
            shown = _blocktranslate("%(age)s and over", age=_shown(age_min))
        else:
            shown = _blocktranslate("up to %(age)s", age=_shown(age_max))
        ages = f"<div><dt>{words['Ages']}</dt><dd>{shown}</dd></div>"
    return "".join((
        '  <div class="group__grid">\n'
        '    <section aria-labelledby="who-heading">\n'
        f'      <h2 id="who-heading">{words["Who it is for"]}</h2>\n'
        '      <dl class="facts">\n'
        f'        <div><dt>{words["Type of group"]}</dt><dd><ul class="inline-list">{types}</ul></dd></div>\n        ',
        f"<div><dt>{words['For survivors of']}</dt><dd>{_joined(trauma_types)}</dd></div>" if trauma_types else "",
        f"\n        <div><dt>{words['Who can join']}</dt><dd>",
        _joined(populations) if populations else words["Anyone affected"],
        "</dd></div>\n        ",
        ages,
        f"\n        <div><dt>{words['Who runs the meetings']}</dt><dd>{_display(group, 'facilitation')}</dd></div>\n"
        "      </dl>\n"
        "    </section>\n\n",
    ))


def _when_html(group, page, place, next_meeting, words):
    if page.meeting_lines:
        lines = "".join(f"<li>{_shown(line)}</li>" for line in page.meeting_lines)
        calendar = (f'<p><a href="{_url_for("groups:calendar", group)}" download>'
                    f'{words["Add the meetings to your calendar (.ics file)"]}</a></p>' if page.has_calendar else "")
        zone = _blocktranslate("All times are %(zone)s, the group's own time.", zone=_shown(page.zone_label))
        times = (f'<ul class="plain-list">{lines}</ul>\n'
                 f'          <p class="hint">{zone}</p>\n          {calendar}\n          ')
    else:
        times = words["Ask the group"]
    if next_meeting:
        next_meeting_row = (f'<div><dt>{words["Next meeting"]}</dt><dd>{_meeting_when(group, next_meeting, words)}'
                            "</dd></div>\n        ")
    elif page.ask_the_group:
        next_meeting_row = f'<div><dt>{words["Next meeting"]}</dt><dd>{words["Ask the group"]}</dd></div>'
    else:
        next_meeting_row = ""
    if place is not None:
        address = "<br>".join(_shown(line) for line in place.public_lines())
        if place.is_area_only:
            hint = (f'<p class="hint">{words["The group shares the exact address once you have been in touch."]}</p>'
                    "\n            ")
        elif place.is_on_request:
            hint = ('<p class="hint">'
                    f'{words["To keep members safe, the group gives its address only after you have been in touch."]}'
                    "</p>")
        else:
            hint = ""
        where = f"\n            {address}\n            {hint}\n          "
    else:
        where = words["Online or by phone. The group sends joining details after you have been in touch."]
    access = loading.prefetched(group, "access_features")
    return "".join((
        '    <section aria-labelledby="when-heading">\n'
        f'      <h2 id="when-heading">{words["When and where"]}</h2>\n'
        '      <dl class="facts">\n'
        f'        <div><dt>{words["How it meets"]}</dt><dd>{_joined(loading.prefetched(group, "formats"))}</dd></div>\n'
        f'        <div><dt>{words["Meeting times"]}</dt><dd>\n          ',
        times,
        "</dd></div>\n        ",
        next_meeting_row,
        f'\n        <div><dt>{words["Where"]}</dt><dd>\n          ',
        where,
        "\n        </dd></div>\n        ",
        f"<div><dt>{words['Accessibility']}</dt><dd>{_joined(access)}</dd></div>" if access else "",
        f'\n        <div><dt>{words["Languages"]}</dt><dd>{_joined(loading.prefetched(group, "languages"))}'
        "</dd></div>\n"
        f'        <div><dt>{words["Cost"]}</dt><dd>{_cost_name(group)}',
        f" — {_shown(group.cost_details)}" if group.cost_details else "",
        "</dd></div>\n      </dl>\n    </section>\n\n",
    ))


def _join_html(group, words):
    phone, email, url = group.contact_phone, group.contact_email, group.contact_url
    contact = ""
    if email or url or phone:
        contact = "".join((
            '\n      <dl class="facts">\n        ',
            f'<div><dt>{words["Email"]}</dt><dd><a href="mailto:{_shown(email)}">{_shown(email)}</a></dd></div>'
            if email else "",
            "\n        ",
            f'<div><dt>{words["Phone"]}</dt><dd>{_phone(phone)}</dd></div>' if phone else "",
            "\n        ",
            f'<div><dt>{words["Contact page"]}</dt><dd><a href="{_shown(url)}" rel="noopener noreferrer">'
            f'{_blocktranslate("Contact %(name)s", name=_shown(group.name))}</a> '
            f'<span class="link-site">({_shown(site_name(url))})</span></dd></div>' if url else "",
            "\n      </dl>\n      ",
        ))
    return "".join((
        '    <section aria-labelledby="join-heading">\n'
        f'      <h2 id="join-heading">{words["How to join"]}</h2>\n'
        f"      <p><strong>{_display(group, 'attendance')}</strong></p>\n      ",
        f"<div>{paragraphs(group.registration_details)}</div>" if group.registration_details else "",
        f"\n      <p>{_display(group, 'capacity')}</p>\n      ",
        contact,
        "\n    </section>\n\n",
    ))


def _about_html(group, host, badge, words):
    host_row = ""
    if host:
        website = group.host_website
        if website:
            shown = (f'<a href="{_shown(website)}" rel="noopener noreferrer">{_shown(host)}</a> '
                     f'<span class="link-site">({_shown(site_name(website))})</span>')
        else:
            shown = _shown(host)
        host_row = f"<div><dt>{words['Host organisation']}</dt><dd>{shown}</dd></div>"
    if badge:
        accreditation = _blocktranslate("Verified by SupportFinder staff with %(body)s, valid until %(date)s.",
                                        body=_shown(badge.body_label), date=_date(badge.valid_until))
        accreditation += "\n          "
    elif group.waiting_claims:
        accreditation = words["Claimed, not yet verified by SupportFinder staff."] + "\n          "
    else:
        accreditation = words["None listed. Groups without accreditation can still be good."]
    return "".join((
        '    <section aria-labelledby="about-heading">\n'
        f'      <h2 id="about-heading">{words["About this listing"]}</h2>\n'
        '      <dl class="facts">\n        ',
        host_row,
        f'\n        <div><dt>{words["Accreditation"]}</dt><dd>\n          ',
        accreditation,
        f'\n          <a href="{_url("groups:guide_page", "accreditation")}">{words["What accreditation means"]}</a>\n'
        "        </dd></div>\n"
        f'        <div><dt>{words["Last confirmed accurate"]}</dt><dd>{_date(group.last_confirmed_at)}</dd></div>\n'
        "      </dl>\n"
        "    </section>\n",
    ))


def forget():
    """Settings changed (tests): the memoised words, addresses and help-now boxes were made with the old ones."""
    for memo in (_words, _urls, _term_urls, _displays):
        memo.clear()
    forget_help_now()
