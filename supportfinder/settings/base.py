"""Settings shared by every environment.

Values that differ between machines come from the environment (django-environ):
https://django-environ.readthedocs.io/. Per-environment modules (dev, test,
production) add only what that environment needs.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    # third party
    "django_filters",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # ours
    "accounts",
    "groups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "supportfinder.privacy.ReferrerPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # --- perf (issue 12): gzip for public pages only: never one with a CSRF token, a cookie or a signed-in user.
    "supportfinder.compression.PublicGZipMiddleware",
    # django-csp's, with the policy built once per worker (supportfinder.content_policy).
    "supportfinder.content_policy.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Keeps each user's list of sessions current when USERSESSIONS_TRACK_ACTIVITY is on.
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    # Signed-in staff without an authenticator app are sent to set one up before any staff page.
    "accounts.middleware.StaffMfaMiddleware",
]

ROOT_URLCONF = "supportfinder.urls"
WSGI_APPLICATION = "supportfinder.wsgi.application"
ASGI_APPLICATION = "supportfinder.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Site-wide templates, then each concern's own (groups/<concern>/templates): the groups app is one
        # Django app in three packages (see groups/__init__.py), so its packages' folders are named here.
        "DIRS": [BASE_DIR / "templates"]
        + [BASE_DIR / "groups" / concern / "templates"
           for concern in ("directory", "coordination", "accreditation", "opendata", "contact", "reports")],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "supportfinder.context_processors.site",
            ],
            "libraries": {"accreditation": "groups.accreditation.templatetags.accreditation",
                          "listing_reports": "groups.reports.templatetags.listing_reports",
                          "contact": "groups.contact.templatetags.contact"},
        },
    },
]

# SQLite by default so `make run` needs nothing installed; PostgreSQL in production
# through DATABASE_URL, e.g. postgres://user@127.0.0.1:5432/supportfinder
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# --- perf (issue 12): persistent database connections. Opening one costs 5-18 ms per request on PostgreSQL;
# a worker keeps its connection for CONN_MAX_AGE seconds (0 closes it after each request, None never does)
# and checks it is still alive before reusing it after an error or a restart of the database.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
# The page's group queries are prepared once per connection on PostgreSQL (groups.directory.prepared); behind a
# pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21) set
# DATABASE_PREPARED_STATEMENTS=False, and they are planned on every run like every other query.
if not env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
# --- end perf
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# An optional shared cache (Redis) for rate limits and sessions across app servers.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Requests a new app-server worker answers in-process before its first visitor (supportfinder.warmup).
WARM_UP_PATHS = env.list("WARM_UP_PATHS", default=["/groups/", "/groups/?near=London", "/types/therapeutic/"])
# Rendered result cards (groups.directory.cards), keyed by each group's content: in the shared cache when
# CACHE_URL names one (Redis), otherwise in this worker's memory, bounded so a worker stays small. A card is about
# 800 bytes pickled: CARD_CACHE_ENTRIES 5,000 is about 5 MB with the keys. Kept as Django's LocMemCache keeps them
# unless CARD_CACHE_COMPRESS_LEVEL (zlib's level, supportfinder.cache) says otherwise: level 1 makes a card 430
# bytes, but compressing the dozen cards a results page misses cost it about 0.3 ms, a twentieth of its time.
CACHES["cards"] = {**CACHES["default"], "KEY_PREFIX": "cards", "TIMEOUT": 7 * 24 * 3600}
# A group's public page (groups.directory.page_cache): the same, its content about 6.3 KB pickled, 2.4 KB
# compressed at LOCAL_CACHE_COMPRESS_LEVEL (0 keeps it as LocMemCache does); PAGE_CACHE_ENTRIES bounds a worker's
# own (about 2.7 MB at the default).
CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "pages", "TIMEOUT": 7 * 24 * 3600}
for _alias, _entries, _level in (
        ("cards", env.int("CARD_CACHE_ENTRIES", default=5000), env.int("CARD_CACHE_COMPRESS_LEVEL", default=0)),
        ("pages", env.int("PAGE_CACHE_ENTRIES", default=1000), env.int("LOCAL_CACHE_COMPRESS_LEVEL", default=1))):
    if CACHES[_alias]["BACKEND"].endswith("LocMemCache"):
        CACHES[_alias].update(LOCATION=_alias, OPTIONS={"MAX_ENTRIES": _entries, "CULL_FREQUENCY": 4})
        if _level:
            CACHES[_alias]["BACKEND"] = "supportfinder.cache.CompressedLocMemCache"
            CACHES[_alias]["OPTIONS"]["COMPRESS_LEVEL"] = _level

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# allauth: email is the login, no username (https://docs.allauth.org/en/latest/account/configuration.html)
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# One address per account; a new one replaces the old only once it is verified.
ACCOUNT_CHANGE_EMAIL = True
# Tell the account holder by email when their password or email address changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "SupportFinder: "
# Account emails (verification, password reset, notices) go through the outbox (accounts.outbox).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# ACCOUNT_RATE_LIMITS stays at allauth's defaults (e.g. 5 failed logins per address per 5 minutes,
# 10 per IP per minute), counted in the cache (CACHES): no log of attempts is kept.
# https://docs.allauth.org/en/latest/account/rate_limits.html
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/coordinate/"

# Two-factor authentication: an authenticator app and recovery codes, open to every account and
# required for staff (accounts.middleware.StaffMfaMiddleware). https://docs.allauth.org/en/latest/mfa/configuration.html
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "SupportFinder"
# The QR code is drawn as inline SVG, so the strict CSP needs no data: images.
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
# Paths only staff with an authenticator app may open (the admin and the review pages).
STAFF_MFA_PATH_PREFIXES = ["/admin/", "/coordinate/review/"]
# Staff set up two-factor authentication only with a one-time link (accounts.enrolment), valid this long.
STAFF_ENROLMENT_LINK_HOURS = env.int("STAFF_ENROLMENT_LINK_HOURS", default=24)

# "Sessions" lists each sign-in with the IP address and browser it came from, for the account
# holder only. They are stored at sign-in and not updated on every request.
# https://docs.allauth.org/en/latest/usersessions/configuration.html
USERSESSIONS_TRACK_ACTIVITY = False

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The site's own time zone: accreditation lapses at the end of its last valid day here.
TIME_ZONE = env("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# Accreditation evidence: private files, outside MEDIA_ROOT and static, served only through a
# permission-checking view (groups.accreditation.views). With several app servers, point it at shared storage.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
# Evidence is the only upload: a file over its limit is dropped as it arrives, never stored in full
# (groups.accreditation.uploads); then Django's own handlers, in memory up to 2.5 MB, else a temporary file.
FILE_UPLOAD_HANDLERS = [
    "groups.accreditation.uploads.EvidenceUploadLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Sessions and CSRF cookies only appear where a form needs them; none for browsing.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Nothing may load from another host: no CDN, font, analytics, tiles or embeds.
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        "manifest-src": [SELF],
    }
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="SupportFinder <no-reply@supportfinder.invalid>")

# The neutral page the quick exit leaves for (GOV.UK uses BBC Weather: nothing personal on it).
QUICK_EXIT_URL = env("QUICK_EXIT_URL", default="https://www.bbc.co.uk/weather")
# Shown on the home page and wherever someone may need help now. Set per country of service.
HELP_NOW_TEXT = env(
    "HELP_NOW_TEXT",
    default=(
        "If you are in danger now, call your local emergency number (999 in the UK, 911 in the "
        "US and Canada, 112 across the EU, 000 in Australia). If you need to talk to someone "
        "today, a national helpline for your country can listen and tell you about support near you."
    ),
)

SEARCH_PAGE_SIZE = 20
# How often a worker reads the directory version at most (groups.directory.facet_index.current_index): a change
# made through another worker or server reaches this one's searches within this many seconds (a worker's own
# writes at once). 0 reads it for every search.
SEARCH_VERSION_CHECK_SECONDS = env.float("SEARCH_VERSION_CHECK_SECONDS", default=0.5)
# An app-server worker's malloc (supportfinder.memory): blocks of at least MALLOC_MMAP_THRESHOLD_BYTES get their
# own mapping, given back when freed (glibc would otherwise raise that threshold and keep them in its heap), and
# once RSS grew by MALLOC_TRIM_GROWTH_BYTES since the last trim, the end of a request gives free heap pages back.
# 0 turns either off.
MALLOC_MMAP_THRESHOLD_BYTES = env.int("MALLOC_MMAP_THRESHOLD_BYTES", default=128 * 1024)
MALLOC_TRIM_GROWTH_BYTES = env.int("MALLOC_TRIM_GROWTH_BYTES", default=2 * 1024 * 1024)
# An app-server worker moves what it keeps after its warm-up out of the cyclic garbage collector's walks
# (supportfinder.memory.freeze_survivors); False leaves the collector as Python sets it.
GC_FREEZE = env.bool("GC_FREEZE", default=True)
# At most this many values of one search parameter are used (?type=a,b,…); the rest are reported, not parsed.
SEARCH_MAX_VALUES = env.int("SEARCH_MAX_VALUES", default=20)

# No IP addresses or search terms in logs: request logging stays at warnings without query strings.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Moderation and freshness (groups.coordination.services)
# The site's address and name in emails (links in notifications; allauth's greeting and sign-off, through
# accounts.adapter): allauth would otherwise name the site after the host of whatever request sent it.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
SITE_NAME = env("SITE_NAME", default="SupportFinder")
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
# Invitations (and invitations sent again) a coordinator may send in an hour, and a group's coordinators
# together: each one is an email to an address someone typed.
INVITATIONS_PER_HOUR_PER_PERSON = env.int("INVITATIONS_PER_HOUR_PER_PERSON", default=10)
INVITATIONS_PER_HOUR_PER_GROUP = env.int("INVITATIONS_PER_HOUR_PER_GROUP", default=10)
# Coordinators are reminded after this many days without confirming a listing...
STALE_REMINDER_DAYS = env.int("STALE_REMINDER_DAYS", default=182)
# ...and the public page says it has not been confirmed recently after this many.
STALE_NOTICE_DAYS = env.int("STALE_NOTICE_DAYS", default=365)
# Four eyes: nobody decides on a listing or claim of a group they coordinate or coordinated this recently.
FOUR_EYES_COOLDOWN_DAYS = env.int("FOUR_EYES_COOLDOWN_DAYS", default=90)
# Evidence a coordinator removed is kept (for the audit trail) until the claim's next decision plus this many days;
# `manage.py purge_removed_evidence` (daily) deletes what is due.
EVIDENCE_RETENTION_DAYS = env.int("EVIDENCE_RETENTION_DAYS", default=90)

# --- Reports of a wrong listing (groups.reports, issue 13 part 2) ---
# A resolved report (with its reply address and its log) is deleted this many days after it was resolved
# (`manage.py purge_listing_reports`, daily).
REPORT_RETENTION_DAYS = env.int("REPORT_RETENTION_DAYS", default=180)
# This many "closed" or "unsafe" reports about one listing within REPORT_URGENT_WINDOW_DAYS bring it to the top
# of the staff queue.
REPORT_URGENT_COUNT = env.int("REPORT_URGENT_COUNT", default=2)
REPORT_URGENT_WINDOW_DAYS = env.int("REPORT_URGENT_WINDOW_DAYS", default=7)
# A report form sent back sooner than this after it was shown is refused (people cannot read and type that fast).
REPORT_MIN_FILL_SECONDS = env.int("REPORT_MIN_FILL_SECONDS", default=3)
# Reports an hour from one reply address, and about one group (counted in the cache, never stored).
REPORTS_PER_HOUR_PER_ADDRESS = env.int("REPORTS_PER_HOUR_PER_ADDRESS", default=5)
REPORTS_PER_HOUR_PER_GROUP = env.int("REPORTS_PER_HOUR_PER_GROUP", default=20)
# Reports one connection (a keyed hash of its address, in the cache only) may send in an hour, whatever the
# listing and whether or not it gives a reply address: each "unsafe" report emails every member of staff.
REPORTS_PER_HOUR_PER_CONNECTION = env.int("REPORTS_PER_HOUR_PER_CONNECTION", default=10)
# Messages sent to a group through "Contact this group" (groups.contact): deleted this many days after they
# were sent, or this many after a coordinator marked them answered if that comes sooner; `manage.py
# purge_contact_messages` (daily) deletes what is due. The visitor is told the exact date.
CONTACT_MESSAGE_RETENTION_DAYS = env.int("CONTACT_MESSAGE_RETENTION_DAYS", default=90)
CONTACT_ANSWERED_RETENTION_DAYS = env.int("CONTACT_ANSWERED_RETENTION_DAYS", default=30)
# Abuse resistance without a third party: messages one address (a keyed hash of it, in the cache only) may send
# in an hour, messages one group may receive in an hour, and the fewest seconds a person takes to fill the form.
CONTACT_MESSAGES_PER_HOUR_PER_ADDRESS = env.int("CONTACT_MESSAGES_PER_HOUR_PER_ADDRESS", default=5)
CONTACT_MESSAGES_PER_HOUR_PER_GROUP = env.int("CONTACT_MESSAGES_PER_HOUR_PER_GROUP", default=20)
CONTACT_MINIMUM_FILL_SECONDS = env.int("CONTACT_MINIMUM_FILL_SECONDS", default=3)

# --- Place search (issue 11 item 6: groups.core.gazetteer) ---
# Places in this country (ISO 3166 code) are offered first when a name is shared ("Boston", "Newcastle"),
# then the largest; its local names in fixtures/place_aliases.json apply without a qualifier.
SEARCH_COUNTRY = env("SEARCH_COUNTRY", default="GB").upper()
# Everyday names for places ("Hull" for Kingston upon Hull), editable without code.
PLACE_ALIASES_FILE = BASE_DIR / "fixtures" / "place_aliases.json"
# Where the compact gazetteer index is written (`manage.py build_gazetteer`, or a worker's first place search).
GAZETTEER_DIR = Path(env("GAZETTEER_DIR", default=str(BASE_DIR / ".cache" / "gazetteer")))
# --- end place search ---

# --- Meeting dates (helper "sched", issue 11 item 2) ------------------------------------------------------------
# A meeting's "first meeting on" date must fall within this many years before and after today when it is entered,
# so a mistyped year (9999) can never reach the schedule arithmetic through a form.
MEETING_DATE_PAST_YEARS = env.int("MEETING_DATE_PAST_YEARS", default=2)
MEETING_DATE_FUTURE_YEARS = env.int("MEETING_DATE_FUTURE_YEARS", default=5)

# --- Open data (groups.opendata): the HSDS 3.0 API, export and staff CSV import ---
# The licence the published listings are offered under, named on /open-data/ and in /api/hsds/openapi.json.
OPEN_DATA_LICENCE_NAME = env("OPEN_DATA_LICENCE_NAME", default="Creative Commons Attribution 4.0 (CC BY 4.0)")
OPEN_DATA_LICENCE_URL = env("OPEN_DATA_LICENCE_URL", default="https://creativecommons.org/licenses/by/4.0/")
# The largest CSV file staff may import, in bytes (a bigger one is refused before it is read).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20_000_000)
# --- end open data ---
# The zlib level of public pages' gzip (supportfinder.compression): 1 costs a third of Django's 6 in CPU for pages
# about 15 % larger (6.8 against 5.9 KB for a results page); 9 is the smallest and slowest.
PUBLIC_GZIP_LEVEL = env.int("PUBLIC_GZIP_LEVEL", default=1)
