"""Our protection engine against tau-ARGUS's optimal suppression, both judged by our own audit.

The rule: a count from 1 to threshold - 1 is suppressed, zeros are published, and every
suppressed cell must stay uncertain over at least the threshold, in whole numbers, whatever a
reader works out from the published figures and totals.
"""

import pytest

from bench import tauargus
from bench.grids import council, periods, table
from bench.oracle import exposures, nationalities, two_way
from sharing.disclosure import Policy, protect

pytestmark = pytest.mark.slow

THRESHOLD = 10

GRIDS = {
    "two-way 5 x 10 with margins": two_way(5, 10),
    "two-way 10 x 20 with margins": two_way(10, 20),
    "ward x nationality in groups x quarter in a year": council(3, nationalities(8), periods(1)),
}


@pytest.fixture(scope="module", params=GRIDS.values(), ids=GRIDS.keys())
def compared(request):
    grid = request.param
    counts = table(grid)
    protected = protect(counts, Policy(threshold=THRESHOLD))
    return counts, protected.primary | protected.secondary, tauargus.opt(grid, THRESHOLD)


def test_tau_argus_marks_the_small_nonzero_counts_as_primary(compared):
    counts, _, pattern = compared
    assert pattern.primary == {cell for cell, value in counts.values.items() if 0 < value < THRESHOLD}


def test_tau_argus_with_protection_levels_of_the_threshold_leaves_no_exposure(compared):
    counts, _, pattern = compared
    assert pattern.suppressed <= counts.values.keys()
    assert exposures(counts, pattern.suppressed, THRESHOLD) == {}


def test_our_pattern_leaves_no_exposure(compared):
    counts, ours, _ = compared
    assert exposures(counts, ours, THRESHOLD) == {}


def test_we_suppress_at_most_15_percent_more_cells_than_tau_argus(compared):
    _, ours, pattern = compared
    assert len(ours) <= 1.15 * len(pattern.suppressed)
