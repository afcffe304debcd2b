"""allauth adapters: where SupportFinder differs from allauth's defaults."""

from allauth.mfa.adapter import DefaultMFAAdapter


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url):
        """The QR code as bare SVG, drawn inline in the page (templates/allauth/elements/img.html).

        An <img> with a data: URI would need `img-src data:` in the Content-Security-Policy; inline
        SVG needs nothing, and the XML declaration is dropped because it has no place inside HTML.
        """
        svg = super().build_totp_svg(url)
        return svg[svg.index("<svg"):]
