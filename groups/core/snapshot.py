"""One snapshot and diff: what a reviewer compares, as labelled display strings.

A snapshot reads the named fields of a row as a person would read them (the choice's label, the names of the
terms, "" for nothing); a diff of two snapshots says field by field what changed. Decisions store the diff
(groups.core.audit.Decision.changes), so the history shows what was decided on even after the row changes again.
A signed view binds a decision to the snapshot the reviewer was shown (listings and claims alike).
"""

from django.core import signing
from django.utils.translation import gettext as _


def display(value):
    """A value as text: "" for nothing, a list as "a, b", a yes-or-no as "yes" or "no"."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def snapshot(instance, fields, *, model=None):
    """{field label: display string} for `fields` of `instance`; for a missing instance (None), every value is ""."""
    model = model or type(instance)
    data = {}
    for name in fields:
        field = model._meta.get_field(name)
        if instance is None:
            value = ""
        elif field.many_to_many:
            value = sorted(str(item) for item in getattr(instance, name).all())
        else:
            value = getattr(instance, name)
            if field.choices and value:
                value = getattr(instance, f"get_{name}_display")()
        data[str(field.verbose_name)] = display(value)
    return data


def diff(before, after):
    """What differs between two snapshots: {label: [before, after]}, in the order of `after`."""
    return {label: [before.get(label, ""), value] for label, value in after.items() if before.get(label, "") != value}


def signed_view(pk, version, shown, *, salt):
    """What a reviewer's page showed of a row, signed: the decision form carries it back, and cannot forge it."""
    return signing.dumps({"pk": pk, "version": version, "snapshot": shown}, salt=salt, compress=True)


def changes_since_seen(seen, *, pk, version, now, salt):
    """None when `seen` is the signed view of this row as it is `now`; otherwise what changed since.

    {} when nothing can be told (no token, a forged one, another row's): then nothing may be decided either.
    """
    try:
        shown = signing.loads(seen or "", salt=salt)
    except signing.BadSignature:
        shown = None
    if not isinstance(shown, dict) or shown.get("pk") != pk:
        return {}
    if shown.get("version") != version or shown.get("snapshot") != now:
        return diff(shown.get("snapshot") or {}, now)
    return None
