"""tau-ARGUS's secondary suppression on a bench grid, as an oracle for our engine.

tau-ARGUS (Statistics Netherlands; here pytauargus, its engine on HiGHS, run headless) is given
the grid as a table: every cell with its count as the response and as the frequency, zeros left
out as empty cells (published, as ours publishes them), hierarchies in `.hrc` files. Its primary
rule `FREQ(threshold, 0)` marks the same cells as ours (0 < count < threshold). Its default
protection levels for that rule would let a reader narrow a primary cell to a range a few units
wide, so an a-priori file gives each primary cell of count v the levels v below and
threshold - v above: whatever else is published, the cell could be anything from 0 to the
threshold. The pattern comes back keyed as `bench.grids.table(grid)` keys its cells.

tau-ARGUS runs in a child process: its native code can crash (MOD does on some small tables),
and a crash must not take the bench or the test run with it.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from pytauargus.batch import Suppress
from pytauargus.engine import CS_SECONDARY_UNSAFE, CS_SECONDARY_UNSAFE_MANUAL, CS_UNSAFE_MANUAL, CS_UNSAFE_RULE, Engine

from bench.grids import TOTAL, Dimension, Grid, table

_PRIMARY = range(CS_UNSAFE_RULE, CS_UNSAFE_MANUAL + 1)
_SECONDARY = (CS_SECONDARY_UNSAFE, CS_SECONDARY_UNSAFE_MANUAL)


@dataclass(frozen=True)
class Pattern:
    method: str
    suppressed: frozenset[tuple[str, ...]]  # primary and secondary
    primary: frozenset[tuple[str, ...]]
    seconds: float  # tau-ARGUS's run: reading its input files, the a-priori file, the suppression
    solving: float  # the suppression alone
    overall: float  # the whole call: writing the files and reading the pattern back too

    @property
    def secondary(self) -> frozenset[tuple[str, ...]]:
        return self.suppressed - self.primary


def opt(grid: Grid, threshold: int) -> Pattern:
    """Optimal suppression (Fischetti and Salazar's branch and cut) on the whole table at once."""
    return _protect(grid, threshold, "OPT")


def mod(grid: Grid, threshold: int) -> Pattern:
    """Modular suppression (HiTaS): the hierarchical table cut into non-hierarchical subtables."""
    return _protect(grid, threshold, "MOD")


class TauArgusFailed(Exception):
    """tau-ARGUS stopped without a pattern."""


class _Timed(Engine):
    solving = 0.0

    def suppress(self, cmd: Suppress) -> None:
        start = time.perf_counter()
        super().suppress(cmd)
        self.solving = time.perf_counter() - start


def _protect(grid: Grid, threshold: int, method: str) -> Pattern:
    start = time.perf_counter()
    # Forked, the child has every module loaded already.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as child:
        try:
            primary, suppressed, seconds, solving = child.submit(_run, grid, threshold, method).result()
        except BrokenProcessPool:
            raise TauArgusFailed(f"tau-ARGUS's {method} crashed on this {grid.cells}-cell table.") from None
    return Pattern(method, frozenset(suppressed), frozenset(primary), seconds, solving, time.perf_counter() - start)


def _run(grid: Grid, threshold: int, method: str) -> tuple[list, list, float, float]:
    values = table(grid).values
    codes = [_codes(dimension) for dimension in grid.dimensions]
    # tau-ARGUS leaves its logs in the working directory.
    with tempfile.TemporaryDirectory(prefix="tauargus-") as work, contextlib.chdir(work):
        batch = _write(Path(work), grid, codes, values, threshold, method)
        engine = _Timed()
        start = time.perf_counter()
        engine.run_batch(batch)
        seconds = time.perf_counter() - start
    return *_pattern(engine, codes), seconds, engine.solving


def _codes(dimension: Dimension) -> dict[str, str]:
    # Node codes may hold spaces ("2021-22 Q1") and differ in length: tau-ARGUS gets codes of one
    # width without spaces instead.
    return {node: TOTAL if node == TOTAL else f"c{i:05d}" for i, node in enumerate(dimension.nodes)}


def _write(
    work: Path,
    grid: Grid,
    codes: list[dict[str, str]],
    values: dict[tuple[str, ...], int],
    threshold: int,
    method: str,
) -> Path:
    metadata = ['<SEPARATOR> ";"']
    for axis, dimension in enumerate(grid.dimensions):
        metadata += [f"d{axis}", "  <RECODEABLE>", f'  <TOTCODE> "{TOTAL}"']
        if any(child in dimension.children for child in dimension.children.get(TOTAL, ())):
            hierarchy = work / f"d{axis}.hrc"
            hierarchy.write_text("".join(f"{line}\n" for line in _hierarchy(dimension, codes[axis])))
            metadata += ["  <HIERARCHICAL>", f'  <HIERCODELIST> "{hierarchy}"', '  <HIERLEADSTRING> "@"']
    metadata += ["count", "  <NUMERIC>", "freq", "  <FREQUENCY>"]
    (work / "table.rda").write_text("".join(f"{line}\n" for line in metadata))

    def key(cell):
        return ";".join(code[node] for code, node in zip(codes, cell, strict=True))

    rows = [f"{key(cell)};{value};{value}\n" for cell, value in values.items() if value]
    (work / "table.tab").write_text("".join(rows))
    # pytauargus reads how many codes a line has from the first line, counting only one number
    # after the command; a protection-level line has two. So a cost line goes first, setting the
    # grand total's cost to what it is already (its count).
    grand = (TOTAL,) * len(grid.dimensions)
    levels = [f"{key(grand)};C;{values[grand]}\n"]
    levels += [
        f"{key(cell)};PL;{value};{threshold - value}\n" for cell, value in values.items() if 0 < value < threshold
    ]
    (work / "levels.hst").write_text("".join(levels))

    names = "".join(f'"d{axis}"' for axis in range(len(grid.dimensions)))
    batch = [
        f'<OPENTABLEDATA> "{work / "table.tab"}"',
        f'<OPENMETADATA> "{work / "table.rda"}"',
        f"<SPECIFYTABLE> {names}|count||",
        f"<SAFETYRULE> FREQ({threshold},0)",
        "<READTABLE> 0",  # check that the totals add up rather than recompute them
        f'<APRIORI> "{work / "levels.hst"}",1,";",0,0',  # a code it does not know is an error
        f"<SUPPRESS> {method}(1)",
    ]
    (work / "table.arb").write_text("".join(f"{line}\n" for line in batch))
    return work / "table.arb"


def _hierarchy(dimension: Dimension, codes: dict[str, str]) -> list[str]:
    """The dimension's nodes below the root, depth first, each led by one @ a level below the first."""
    lines = []

    def below(node: str, depth: int) -> None:
        for child in dimension.children.get(node, ()):
            lines.append("@" * depth + codes[child])
            below(child, depth + 1)

    below(TOTAL, 0)
    return lines


def _pattern(engine: Engine, codes: list[dict[str, str]]) -> tuple[list, list]:
    """tau-ARGUS's primary and suppressed cells, in our keys. Its cells are numbered as an
    odometer over each dimension's codes in its own order, the last dimension turning fastest."""
    tau = engine._tau  # pytauargus gives cells back only through files or its native engine
    nodes = []
    for axis, code in enumerate(codes):
        node = {short: full for full, short in code.items()}
        _, active = tau.get_var_number_of_codes(axis)
        nodes.append([node[tau.get_var_code(axis, i)[2].strip() or TOTAL] for i in range(active)])
    primary, suppressed = [], []
    for index, cell in enumerate(itertools.product(*nodes)):
        status = tau.get_table_cell_status(0, index)
        if status in _PRIMARY:
            primary.append(cell)
        if status in _PRIMARY or status in _SECONDARY:
            suppressed.append(cell)
    return primary, suppressed
