"""Local development: `make run`. Debug on, console email, SQLite unless DATABASE_URL is set.

The quick exit leads to base's neutral page (BBC Weather) unless QUICK_EXIT_URL says otherwise.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
# Serve static files from where they are written (static/ and each app's static folder), re-read on every
# request, so no collectstatic is needed; whitenoise does this whenever DEBUG is on, and now with DEBUG=False.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Links in emails lead to the server that sent them: `make run PORT=8830` serves, and links, on 8830.
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")
