"""The demo's indicator pages, prepared once seed_demo has made its returns."""

from catalogue.models import Area
from reports.indicators import available_sources, indicators_prepare


def on_demo_seeded(sender, **kwargs) -> None:
    # As the worker does after each processed return: the demo's indicator pages open at once.
    for area in Area.objects.all():
        for source in available_sources(area):
            indicators_prepare(area=area, source=source)
