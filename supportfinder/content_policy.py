"""django-csp's middleware, with the policy built once per worker instead of twice per response (issue 12).

django-csp builds both headers (the policy and the report-only one) from the settings on every response: a deep
copy of the policy's parts and a pass over every directive, about 0.1 ms a response. A response that no view
changed (no @csp_update, @csp_replace, @csp_override or @csp_exempt) and that asked for no nonce gets the same
headers as every other, so those two strings are built once and kept until the settings change. Anything else
(a view's own policy, a nonce, an excluded path, Django's debug pages) goes through django-csp's own code.

tests/supportfinder/test_content_policy.py compares its headers with django-csp's on the same requests.
"""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What a view leaves on its response to change or drop the policy (csp.decorators).
PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
                "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro")
SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")

_fixed = {}


class CSPMiddleware(DjangoCSPMiddleware):
    def process_response(self, request, response):
        headers = self.fixed_headers(request, response)
        if headers is None:
            return super().process_response(request, response)
        for header, value in headers:
            if value and header not in response:
                response[header] = value
        # As django-csp does: a nonce asked for after the header was written could never be used.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    @staticmethod
    def fixed_headers(request, response):
        """The headers of a response that nothing changed, or None when this one may differ."""
        if getattr(request, "_csp_nonce", None) is not None:
            return None
        if any(hasattr(response, name) for name in PER_RESPONSE):
            return None
        if not _fixed:
            _fixed.update(_build())
        if request.path_info.startswith(_fixed["excluded"]):
            return None
        if settings.DEBUG and response.status_code in (404, 500):
            return None
        return _fixed["headers"]


def _build():
    excluded = ()
    for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        policy = getattr(settings, name, None) or {}
        excluded += tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ())
    return {"headers": ((HEADER, build_policy()), (HEADER_REPORT_ONLY, build_policy(report_only=True))),
            "excluded": excluded}


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting in SETTINGS:
        _fixed.clear()
