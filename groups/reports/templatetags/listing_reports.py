"""{% coordinator_reports group %}: the reports a group's coordinators may see, on their group page.

A template tag, because groups.coordination (which renders the page) may not import this package
(tests/test_architecture.py): the page asks for the reports, coordination's code knows nothing of them.
"""

from django import template

from groups.reports.selectors import reports_for_coordinators

register = template.Library()


@register.inclusion_tag("reports/_coordinator_reports.html", takes_context=True)
def coordinator_reports(context, group):
    return {"group": group, "reports": reports_for_coordinators(group), "csrf_token": context.get("csrf_token")}
