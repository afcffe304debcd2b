"""Form behaviour every concern shares: web addresses typed without a scheme are read as https://.

Django 6 makes https the default; until then model forms use https_by_default as their
formfield_callback, and the admin the HTTPS_BY_DEFAULT formfield_overrides.
"""

from django.db import models

HTTPS_BY_DEFAULT = {models.URLField: {"assume_scheme": "https"}}


def https_by_default(field, **kwargs):
    """Form fields for model fields, with web addresses typed without a scheme read as https://."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)
