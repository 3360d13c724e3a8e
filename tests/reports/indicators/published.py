"""What the indicator tests share: the audit a published table must pass, and a month as a period."""

import datetime

from sharing.disclosure import check


def published_ok(table):
    """The view as published, and the whole table it is cut from, pass an independent audit."""
    check(table.published, table.relations, threshold=table.threshold, rounding=table.rounding)
    check(table.master_published, table.master_relations, threshold=table.threshold, rounding=table.rounding)
    return True


def month(m):
    return datetime.date(2026, m, 1), datetime.date(2026, m, 28)
