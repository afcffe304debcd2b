"""Production: every value from the environment; fails fast without SECRET_KEY."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment.")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Trust a proxy's "this came over HTTPS" header only when one is configured: a server reached directly
# would otherwise believe a visitor's own X-Forwarded-Proto: https and skip the redirect to HTTPS.
# Set TRUSTED_PROXY_SSL_HEADER=X-Forwarded-Proto behind a load balancer that sets (and overwrites) it.
_proxy_ssl_header = env("TRUSTED_PROXY_SSL_HEADER", default="").strip()
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading is hard to undo; set SECURE_HSTS_PRELOAD=False before the domain is ready for it.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Accounts. allauth's rate limits are counted in the cache, so with more than one app server (or
# gunicorn worker) they need a shared one: CACHE_URL=rediscache://127.0.0.1:6379/1 (read in base.py).
# Behind a load balancer, per-IP limits need the client's address from X-Forwarded-For: set this to
# the number of proxies in front of the app (0 trusts no header; the limits per email address work either way).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# Links in account emails (verification, password reset) use https.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# Hashed, compressed static files served by whitenoise (https://whitenoise.readthedocs.io/).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
# Emails are first tried while the page that causes them is answered: a mail server that does not answer
# must not hold the page for long (the outbox keeps the email and send_outbox tries again).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
