"""{% memo key … %}…{% endmemo %}: a part of a page that is the same on every request with the same keys, rendered
once per worker and then repeated.

For the site's frame (templates/base.html): its links ({% url %}, {% static %}) and texts cost about a millisecond a
page to render again, on every page, for the same output. The language and the script prefix are always part of
the key (the texts and links depend on them); the other keys are named in the tag. The block must read nothing
but its keys and what is fixed for the worker (settings, URLs, static files): anything else would show one
request's values on another's page. Never around a {% block %} (a child template fills it), a {% csrf_token %} or
anything about the visitor.

tests/groups/test_memo.py renders base.html's pages with the memo warm (after other pages and users) and cold, and
asserts the same HTML.
"""

import weakref

from django import template
from django.urls import get_script_prefix
from django.utils.translation import get_language

register = template.Library()

# Keys per block: a few page names times the languages; more means a key that varies per request, a mistake.
MAX_KEYS = 256

_nodes = weakref.WeakSet()


class MemoNode(template.Node):
    def __init__(self, nodelist, keys):
        self.nodelist = nodelist
        self.keys = keys
        self.rendered = {}
        _nodes.add(self)

    def render(self, context):
        key = (get_language(), get_script_prefix(), context.autoescape,
               *(expression.resolve(context) for expression in self.keys))
        html = self.rendered.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(self.rendered) < MAX_KEYS:
                self.rendered[key] = html
        return html


@register.tag
def memo(parser, token):
    """{% memo %} or {% memo request.resolver_match.url_name QUICK_EXIT_URL %} … {% endmemo %}."""
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, keys)


def forget_all():
    """Empty every block's memo (tests: to render a page cold)."""
    for node in list(_nodes):
        node.rendered.clear()
