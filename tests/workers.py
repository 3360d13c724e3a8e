"""Real Celery worker processes for the tests that need one, and the committed data they read.

A worker is another process: it sees only committed rows, in the database the test process uses,
through the broker and cache of that test process (see project/test_settings.py).
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.db import connection


def sent_request(agency, make_request, make_agreement):
    """A request sent to the agency under an active agreement: ready for a return a worker processes."""
    from requests_app.models import Status
    from tests.factories import force_status

    make_agreement([agency])
    return force_status(make_request(agency, fields=("nationality", "ward", "period")), Status.SENT)


def load_catalogue() -> None:
    """The roles' groups and the catalogue, committed: each flush of a transactional test empties them."""
    from django.contrib.auth.models import Group

    from catalogue.models import Source
    from project import roles
    from tests.database import catalogue_restore

    for name in roles.ALL:
        Group.objects.get_or_create(name=name)
    if not Source.objects.exists():
        catalogue_restore()


def queues_purge() -> None:
    """Empties the test process's queues before a test starts its worker. A worker stopped by the
    test before its last task was acknowledged (the test waits for the return's row, not
    for the task's end) puts that message back, and after the next flush the ids start again: the
    message names the next test's return, which it would process before that test's own send."""
    from project.celery import app

    with app.connection_for_write() as broker:
        channel = broker.default_channel
        for queue in (settings.CELERY_TASK_DEFAULT_QUEUE, settings.PROTECT_QUEUE):
            channel.queue_declare(queue=queue, durable=True, auto_delete=False)
            channel.queue_purge(queue)
        if hasattr(channel, "unacked_key"):  # Redis keeps a dead worker's messages to deliver again
            channel.client.delete(channel.unacked_key, channel.unacked_index_key)


# Short, so that the test sees a lease run out; renewed every third of it while the worker works.
LEASE_SECONDS = 6


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(tmp_path, *, beat=False, **environment):
    """A worker of one process, with its own beat when asked (the sweep then runs in it); settings
    given as keywords (TRACKER_RETURN_SWEEP_SECONDS="2") reach it through its environment."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "TRACKER_RETURN_LEASE_SECONDS": str(LEASE_SECONDS),
        **environment,
    }
    started = time.monotonic_ns()
    log_path = tmp_path / f"worker-{started}.log"
    log = open(log_path, "w")
    schedule = ["--beat", f"--schedule-filename={tmp_path / f'beat-{started}'}"] if beat else []
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "project",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            *schedule,
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _wait_ready(worker, log_path)
    return worker


# Starting takes seconds on a busy machine: the tests' bounds are for the work, not for that.
READY_SECONDS = 180


def _wait_ready(worker, log_path) -> None:
    def ready():
        assert worker.poll() is None, f"the worker exited at start:\n{log_path.read_text()[-3000:]}"
        return " ready." in log_path.read_text()

    if not wait_for(ready, READY_SECONDS):
        stop(worker)
        raise AssertionError(f"the worker was not ready within {READY_SECONDS} s:\n{log_path.read_text()[-3000:]}")


# A cold shutdown: the worker may have gone on to protect the source's indicator tables, which
# these tests do not wait for.
def stop(worker, sig=signal.SIGQUIT):
    _signal_group(worker, sig)
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        # A worker left mid-task by a failed test may not get through its shutdown: the test's own
        # failure is what matters, and a stray worker must not hold the next test's queue.
        _signal_group(worker, signal.SIGKILL)
        worker.wait(timeout=30)


def _signal_group(worker, sig) -> None:
    try:
        os.killpg(worker.pid, sig)
    except ProcessLookupError:
        pass


def process_children(worker) -> list[int]:
    """The worker's pool processes, which do the work."""
    with open(f"/proc/{worker.pid}/task/{worker.pid}/children") as children:
        return [int(pid) for pid in children.read().split()]


def address_space_limit(pid: int) -> str:
    """The soft limit on a process's address space, as /proc writes it ("unlimited" or bytes)."""
    with open(f"/proc/{pid}/limits") as limits:
        line = next(line for line in limits if line.startswith("Max address space"))
    return line.split()[3]


def wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def big_return(rows: int) -> bytes:
    lines = ["Nationality,Ward or small area,Period,Count"]
    wards = [f"E05{n:06d}" for n in range(1, rows // 40 + 2)]
    nationalities = [
        "Polish",
        "Romanian",
        "Syrian",
        "Eritrean",
        "Indian",
        "Chinese",
        "Nigerian",
        "Ukrainian",
        "Irish",
        "Not recorded",
    ]
    for i in range(rows):
        lines.append(f"{nationalities[i % 10]},{wards[i // 40]},{2024 + (i // 10) % 2} Q{(i // 20) % 4 + 1},{i % 50}")
    return ("\n".join(lines) + "\n").encode()
