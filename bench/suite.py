"""The test suite's wall time, run as `make test` runs it, and its ratio to another commit's suite.

    python bench/suite.py                          # this tree's suite, once
    python bench/suite.py --base 572e5e9 --runs 2  # this tree and that commit in turns, twice each
    python bench/suite.py --cold ...               # every run builds its test database afresh
    python bench/suite.py --durations 50 --output /tmp/suite-runs ...  # and keeps each run's output

Each tree runs its own `make test` (whatever that was at its commit: the lint, then pytest, in
one process or one per core), with this interpreter's virtualenv and the test folder of its own
(var/test). The other commit is exported into a temporary folder. The runs alternate, so a machine
that slows down during the call slows both; each pair gives a ratio, and the median is printed,
for the whole suite and per test (the suite grows). Without --cold this tree reuses the template
test database a previous run built (tests/database.py), as a developer's second run does; with it,
every run builds it first, as CI does.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.prefix)


@dataclass(frozen=True)
class Run:
    seconds: float
    tests: int
    failed: bool


def suite(tree: Path, cold: bool, durations: int = 0, output: Path | None = None) -> Run:
    env = {**os.environ, "TRACKER_VAR_DIR": str(tree / "var" / "test")}
    env.pop("PYTEST_XDIST_WORKER", None)
    options = (["--create-db"] if cold else []) + ([f"--durations={durations}"] if durations else [])
    if options:
        env["PYTEST_ADDOPTS"] = " ".join(options)
    # -o: the virtualenv is taken as it is; make must never reinstall it.
    command = ["make", "--no-print-directory", f"VENV={VENV}", "-o", f"{VENV}/.installed", "test"]
    start = time.monotonic()
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if output:
        output.write_text(done.stdout + done.stderr)
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|errors?|skipped)", done.stdout)}
    if done.returncode:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", file=sys.stderr)
    return Run(seconds, sum(counts.values()), done.returncode != 0)


def export(commit: str, into: Path) -> Path:
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def describe(name: str, runs: list[Run]) -> str:
    times = [run.seconds for run in runs]
    failed = sum(run.failed for run in runs)
    return (
        f"{name:<6} {len(runs)} run(s), {runs[0].tests} tests: median {statistics.median(times):7.1f} s "
        f"(min {min(times):.1f}, max {max(times):.1f})" + (f", {failed} FAILED" if failed else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", help="a commit whose suite is timed in turns with this tree's")
    parser.add_argument("--runs", type=int, default=1, help="runs of each suite (default 1)")
    parser.add_argument("--cold", action="store_true", help="build every run's test database afresh")
    parser.add_argument("--durations", type=int, default=0, help="ask pytest for its N slowest steps")
    parser.add_argument("--output", type=Path, help="a folder to keep each run's output in")
    args = parser.parse_args()
    if args.output:
        args.output.mkdir(parents=True, exist_ok=True)

    def kept(name: str, i: int) -> Path | None:
        return args.output / f"{name}-{i + 1}.txt" if args.output else None

    with tempfile.TemporaryDirectory(prefix="suite-base-") as folder:
        base = export(args.base, Path(folder)) if args.base else None
        ours, theirs = [], []
        for i in range(args.runs):
            ours.append(suite(ROOT, args.cold, args.durations, kept("tree", i)))
            print(f"run {i + 1}: this tree {ours[-1].seconds:.1f} s", end="", flush=True)
            if base:
                theirs.append(suite(base, args.cold, args.durations, kept(args.base[:7], i)))
                print(f", {args.base} {theirs[-1].seconds:.1f} s", end="")
            print(flush=True)
    print(describe("tree", ours))
    if not theirs:
        return
    print(describe(args.base[:6], theirs))
    speedups = [b.seconds / a.seconds for a, b in zip(ours, theirs, strict=True)]
    per_test = [(b.seconds / b.tests) / (a.seconds / a.tests) for a, b in zip(ours, theirs, strict=True)]
    print(
        f"speed-up (base / tree, pair by pair): median {statistics.median(speedups):.2f}x whole suite, "
        f"{statistics.median(per_test):.2f}x per test"
    )


if __name__ == "__main__":
    main()
