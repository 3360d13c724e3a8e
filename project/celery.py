import inspect
import logging
import os
import time
from pathlib import Path

from celery import Celery
from celery.signals import task_failure, task_postrun, task_prerun, task_retry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every task's start, end and failure, logged here once rather than in each task.
log = logging.getLogger("tracker.tasks")
_started: dict[str, float] = {}


@app.on_after_configure.connect
def ensure_broker_folders(sender, **kwargs):
    """Kombu's filesystem transport expects its folders to exist, in the web process and the worker."""
    if str(sender.conf.broker_url).startswith("filesystem://"):
        options = sender.conf.broker_transport_options or {}
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)


def _call(task, args, kwargs) -> str:
    """`requests_app.tasks.process_return(return_id=5)`: the arguments named as the task names
    them, so the log can be searched for the id of the row that was worked on."""
    args, kwargs = args or (), kwargs or {}
    try:
        named = inspect.signature(task.run).bind(*args, **kwargs).arguments
    except TypeError:  # arguments the task does not take: show them as they were sent
        named = {**{f"arg{i}": value for i, value in enumerate(args)}, **kwargs}
    return f"{task.name}({', '.join(f'{key}={value!r}' for key, value in named.items())})"


def _seconds(task_id: str) -> float:
    return time.monotonic() - _started.get(task_id, time.monotonic())


@task_prerun.connect
def log_task_start(task_id, task, args, kwargs, **extra):
    _started[task_id] = time.monotonic()
    log.info("%s started [%s]", _call(task, args, kwargs), task_id)


@task_postrun.connect
def log_task_end(task_id, task, args, kwargs, retval, state, **extra):
    result = f": {retval!r}" if state == "SUCCESS" and retval is not None else ""
    log.info("%s ended %s in %.2f s [%s]%s", _call(task, args, kwargs), state, _seconds(task_id), task_id, result)
    _started.pop(task_id, None)


@task_failure.connect
def log_task_failure(sender, task_id, exception, args, kwargs, **extra):
    # One line with the ids; the worker logs the traceback itself.
    log.error("%s failed after %.2f s [%s]: %r", _call(sender, args, kwargs), _seconds(task_id), task_id, exception)


@task_retry.connect
def log_task_retry(sender, request, reason, **extra):
    log.warning("%s will be retried [%s]: %s", _call(sender, request.args, request.kwargs), request.id, reason)
