"""Disclosure protection of a council source's tables, protected together, at growing sizes.

    python bench/protect.py            # five sizes, from about 1,000 to 22,000 cells
    python bench/protect.py --large    # adds about 48,000 and 100,000 cells (60 nationalities, 60 countries of birth)

Each size is one agency's return by ward and quarter (quarters within financial years within the
whole period), by several fields (nationality groups or nationalities within them, countries of
birth within groups, age bands, gender): one grid per field from bench/grids.py, counting the
same people, so every grid has the same ward x period margin. As the tracker does it, the margin
is protected first and every field's grid follows it (`fixed`), all the grids joined into one
table so that no cell can be narrowed by reading them together. Threshold 10, no rounding.

Prints, for each size: cells, primary and secondary suppressions, the sum of the suppressed
counts, seconds; the growth exponent fitted over the sizes (seconds against cells, log-log); and
the engine as it was before the HiGHS rewrite (loaded from git, commit BASELINE) at the sizes
where it takes under a few minutes, timed in the same run. When bench/tauargus.py is there,
tau-ARGUS OPT's suppressions, their sum and its seconds too (up to --oracle-up-to cells), with
ours / OPT for cells suppressed and seconds, both patterns judged by our audit from the published
figures alone ("ok": 0 exposures). Ours is judged so outside its timing; inside it, protect's own
final check has passed. Asserts nothing.
"""

import argparse
import math
import subprocess
import sys
import time
import types
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASELINE = "27e357d"  # the last commit with the one-complement-per-pass engine
BASELINE_UP_TO = 3_000  # cells; it grows like cells^2.5
THRESHOLD = 10


def groups(prefix: str, members: int, count: int = 6) -> dict[str, list[str]]:
    return {f"{prefix}G{g}": [f"{prefix}{m}" for m in range(members) if m % count == g] for g in range(count)}


def fields(kind: str) -> list:
    from bench import grids

    age = grids.flat("age", [f"A{a}" for a in range(18 if kind != "small" else 5)])
    gender = grids.flat("gender", ["F", "M"])
    group = grids.flat("group", [f"NG{g}" for g in range(6)])
    nationality = grids.grouped("nationality", groups("N", 60))
    birth = grids.grouped("birth", groups("C", 60))
    return {
        "small": [group, age, gender],
        "groups": [group, age, gender],
        "nationalities": [nationality, age, gender],
        "both": [nationality, birth, age, gender],
    }[kind]


# (wards, financial years, fields)
SIZES = [(6, 2, "small"), (12, 3, "small"), (12, 4, "groups"), (20, 4, "groups"), (30, 5, "groups")]
LARGE = [(20, 5, "nationalities"), (24, 5, "both")]


def source(wards: int, years: int, kind: str) -> tuple[list, object, object]:
    """The grids, joined as one table, and their margin's table."""
    from bench import grids

    found = grids.source(grids.wards(wards), fields(kind), grids.periods(years))
    return found, grids.joined(found), grids.table(grids.margin(found))


def protected(engine, joined, margin):
    """The margin, then the joined grids following it, as reports.indicators does."""
    from bench import grids

    policy = engine.Policy(threshold=THRESHOLD)
    first = engine.protect(margin, policy)
    fixed = {(ward, grids.TOTAL, period): first.published[ward, period] is None for ward, period in margin.values}
    return engine.protect(joined, policy, fixed=fixed)


def baseline():
    source_text = subprocess.run(
        ["git", "show", f"{BASELINE}:sharing/disclosure.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    module = types.ModuleType("baseline_disclosure")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source_text, f"{BASELINE}:sharing/disclosure.py", "exec"), module.__dict__)
    return module


def timed(function):
    began = time.perf_counter()
    result = function()
    return result, time.perf_counter() - began


def exponent(points: list[tuple[int, float]]) -> float:
    xs = [math.log(cells) for cells, _ in points]
    ys = [math.log(seconds) for _, seconds in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def oracle():
    try:
        from bench import tauargus
    except ImportError:
        return None
    return tauargus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true", help="add the 48,000- and 100,000-cell sources")
    parser.add_argument(
        "--oracle-up-to",
        type=int,
        default=BASELINE_UP_TO,
        metavar="CELLS",
        help="run tau-ARGUS OPT on sources up to this many cells (it took over 14 minutes at 7,371)",
    )
    args = parser.parse_args()
    import sharing.disclosure as engine
    from sharing.disclosure import DisclosureRefused

    old, tau = baseline(), oracle()
    print(f"wards x fields x quarters, margin first, fields joined; threshold {THRESHOLD}")
    header = f"{'wards':>5} {'years':>5} {'fields':<14}{'cells':>8}{'primary':>9}{'second':>8}{'sum':>8}{'s':>9}"
    header += f"{'old 2nd':>9}{'old s':>9}{'ratio':>7}"
    if tau:
        header += f"{'ok':>4}{'OPT 2nd':>9}{'OPT sum':>9}{'OPT s':>9}{'OPT ok':>7}{'cells x':>8}{'time x':>8}"
    print(header)
    points = []
    for wards, years, kind in [*SIZES, *(LARGE if args.large else [])]:
        found, joined, margin = source(wards, years, kind)
        cells = len(joined.values)
        line = f"{wards:>5} {years:>5} {kind:<14}{cells:>8}"
        try:
            result, seconds = timed(partial(protected, engine, joined, margin))
        except DisclosureRefused:
            print(line + "  refused", flush=True)
            continue
        points.append((cells, seconds))
        suppressed = result.primary | result.secondary
        total = sum(joined.values[cell] for cell in suppressed)
        line += f"{len(result.primary):>9}{len(result.secondary):>8}{total:>8}{seconds:>9.1f}"
        if cells <= BASELINE_UP_TO:
            before, old_seconds = timed(partial(protected, old, joined, margin))
            line += f"{len(before.secondary):>9}{old_seconds:>9.1f}{old_seconds / seconds:>7.1f}"
        else:
            line += f"{'':>9}{'':>9}{'':>7}"
        if tau and cells <= args.oracle_up_to:
            line += _oracle_columns(tau, found, joined, suppressed, seconds)
        print(line, flush=True)
    if len(points) >= 2:
        print(f"growth exponent (seconds ~ cells^k, fitted over {len(points)} sizes): k = {exponent(points):.2f}")


def _oracle_columns(tau, found: list, joined, ours: set, our_seconds: float) -> str:
    theirs = set()
    seconds = 0.0
    for grid in found:
        pattern = tau.opt(grid, THRESHOLD)
        theirs |= pattern.suppressed
        seconds += pattern.seconds
    secondary = sum(1 for cell in theirs if joined.values[cell] >= THRESHOLD)
    total = sum(joined.values[cell] for cell in theirs)
    line = f"{_judged(joined, ours):>4}{secondary:>9}{total:>9}{seconds:>9.1f}{_judged(joined, theirs):>7}"
    return line + f"{len(ours) / len(theirs):>8.2f}{our_seconds / seconds:>8.2f}"


def _judged(joined, suppressed: set) -> str:
    """Our audit of the pattern from the published figures alone, no evidence given."""
    from sharing.disclosure import DisclosureRefused, check

    published = {cell: None if cell in suppressed else value for cell, value in joined.values.items()}
    try:
        check(published, joined.relations, threshold=THRESHOLD)
    except DisclosureRefused:
        return "no"
    return "yes"


if __name__ == "__main__":
    main()
