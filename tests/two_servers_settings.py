"""Production settings for the two-app-server test (tests/groups/test_two_app_servers.py), with plain static
files: the hashed, compressed ones need `collectstatic` first, which is not what that test is about."""

from supportfinder.settings.production import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
