import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
application = get_wsgi_application()

# Django imports the URL configuration, and with it every view and the libraries they use
# (pandas, scipy, openpyxl), on the first request. Importing it now makes it part of start-up.
_ = get_resolver().url_patterns

# What is loaded at start-up lives as long as the process. Freezing it keeps the cyclic garbage
# collector from walking it again on every full collection: on the report pages that walk cost
# tens of milliseconds a request (bench/reports.py).
gc.collect()
gc.freeze()
