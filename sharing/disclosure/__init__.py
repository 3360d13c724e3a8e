"""Statistical disclosure control for the count tables a local authority publishes.

A small count (say 3 Romanian pupils in one ward) can identify people, so it is suppressed. But
published totals are linear relations between cells, and a reader can subtract, or solve a linear
programme, to recover a suppressed count. So this package suppresses the small cells (primary),
adds complementary suppressions (secondary) until a linear-programming audit shows that every
suppressed cell could lie anywhere in a range at least as wide as the threshold, and refuses the
table outright when no pattern achieves that. When figures are also rounded, the audit treats each
published figure as standing for every whole count that rounds to it. Counts are whole numbers, so
each range the linear programmes find is narrowed inward to whole numbers before it is judged.

Pure: no Django. Cells are identified by any hashable key; two-way tables use (row, column).

- tables: cells, relations, the policy and refusals;
- system: the relations as equations in the unknown cells, and a HiGHS model per component;
- proof: showing cells wide with few LPs;
- audit: the ranges a reader can narrow cells to, and the final check;
- pattern: choosing the suppressions.
"""

from .audit import audit, check
from .pattern import Protected, protect
from .tables import DisclosureRefused, Policy, Progress, Relation, Table, Witnesses

__all__ = [
    "DisclosureRefused",
    "Policy",
    "Progress",
    "Protected",
    "Relation",
    "Table",
    "Witnesses",
    "audit",
    "check",
    "protect",
]
