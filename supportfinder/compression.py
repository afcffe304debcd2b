"""Gzip for public pages only (issue 12): search pages are large and repetitive, so they shrink about tenfold.

Compression plus a secret in the body plus text an attacker can reflect into the same body is the BREACH
attack, so a response is compressed only when it can carry no secret: no CSRF token was handed out while it
was rendered (django.middleware.csrf.get_token marks request.META["CSRF_COOKIE_NEEDS_UPDATE"], even after
CsrfViewMiddleware resets the flag), it sets no cookie, and the visitor is not signed in.
Placed after WhiteNoise, which serves static files precompressed.
"""

from django.middleware.gzip import GZipMiddleware


class PublicGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if "CSRF_COOKIE_NEEDS_UPDATE" in request.META or response.cookies:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return response
        return super().process_response(request, response)
