import os

from django.core.wsgi import get_wsgi_application

from supportfinder import memory
from supportfinder.warmup import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportfinder.settings.production")
application = get_wsgi_application()
# Memory given back to the system while the worker runs (supportfinder.memory), from before the warm-up's index build.
memory.configure()

# Ready before the first visitor: imports, gazetteer, templates, connection and caches (supportfinder.warmup).
if os.environ.get("WARM_UP", "1") != "0":
    warm_up(application)
# What the worker keeps from now on, out of the cyclic collector's walks (supportfinder.memory.freeze_survivors).
memory.freeze_survivors()
