import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
application = get_wsgi_application()

# What is loaded at start-up (Django, the apps, the URL and template machinery) lives as long as
# the process. Freezing it keeps the cyclic garbage collector from walking it again on every full
# collection: on the report pages that walk cost tens of milliseconds a request (bench/reports.py).
gc.freeze()
