"""Local development: `make run`. Debug on, console email, SQLite unless DATABASE_URL is set."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
# A local page, so trying the quick exit during development leaves nothing in the network log.
QUICK_EXIT_URL = env("QUICK_EXIT_URL", default="https://www.bbc.co.uk/weather")
# Serve static files straight from static/ while developing (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
