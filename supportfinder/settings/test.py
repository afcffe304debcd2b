"""Test settings (pytest, see pyproject.toml): fast password hasher, email kept in memory (mail.outbox),
Django's plain static storage with files read from where they are written, a local quick-exit page.

The cache is base's: in memory unless CACHE_URL is set. The database is base's: SQLite unless
DATABASE_URL is set.
"""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
# The local stand-in for the neutral site (tests/browser/urls.py): leaving in a test never reaches the network.
QUICK_EXIT_URL = "/__neutral__/"
# With DEBUG off whitenoise would serve only collected files: read them from static/ and the apps instead.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Every search reads the directory version, so a test that changes the data behind the process's back (a raw
# UPDATE, another "server") sees it at once; tests/groups/directory/test_facet_index.py tests the interval itself.
SEARCH_VERSION_CHECK_SECONDS = 0
