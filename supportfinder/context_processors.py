from django.conf import settings

from .privacy import referrer_policy_for


def site(request):
    """What every page needs: the quick exit's destination and the help-now text."""
    return {
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "HELP_NOW_TEXT": settings.HELP_NOW_TEXT,
        "REFERRER_POLICY": referrer_policy_for(request.path),
    }
