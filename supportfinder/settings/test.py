"""Test settings: fast hasher, locmem email and cache, plain static storage."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
ALLOWED_HOSTS = ["*"]
QUICK_EXIT_URL = "/__neutral__/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
