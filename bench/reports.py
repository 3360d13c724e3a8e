"""Every page at a council's scale: 300 agencies, 80 sources, 5,000 requests in every state with
checklists, timelines and returns, and 2,000,000 observations in nine sources (bench/scale.py).

    python bench/reports.py [--scale 0.1]                # SQLite in a temporary folder
    DATABASE_URL=postgres://... python bench/reports.py  # PostgreSQL (a throwaway test database)
    DATABASE_URL=postgres://... python bench/reports.py --keep  # keeps it, and times it again next time

`--keep` keeps the test database after the run and, when it already holds a data set, times
that one instead of building another (a build at scale 1 takes minutes; `--scale` is then ignored).

One user: each page is fetched through the server's own WSGI application, project.wsgi (server
time: middleware, view, queries, template and garbage collection, no network; not Django's test
client, which copies every template context for its assertions and so adds work a server does
not do). Prints the first visit, the median and 95th percentile of the repeats, the ratio of the
median to the login page's (a trivial page measured the same way in the same run), the queries
and the size of the answer.

Concurrent users: gunicorn is started on a free port against the same database (`--workers` as
the README's production command), `--users` people sign in through the login form and each
fetches every page in turn, `--rounds` times; prints the median and 95th percentile wall time per
page. Last, every page on one line against the issue's targets (p95 under 200 ms at one user and
under 1 s with eight people at once, HTML under 200 KB), with the machine's load: on a shared
machine the figures mean little without it, and the login page's ratio is the baseline that moves
least with it. Asserts nothing.
"""

import argparse
import gc
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FLOOR = "/accounts/login/"


def pages(built) -> list[tuple[str, str, str]]:
    """(label, user, URL) of every page and export, with real ids from the data set."""
    from catalogue.models import Agency, Source
    from reports.indicators import available_sources
    from requests_app.models import Campaign, DataRequest, Return
    from sharing.models import SharingAgreement

    coordinator, dpo, contact = built.coordinator, built.dpo, built.contact
    returned = Return.objects.filter(superseded=False, observation_count__gt=0).select_related("request").first()
    request = returned.request
    own = DataRequest.objects.filter(agency__group__user__username=contact).order_by("pk").first()
    agency = Agency.objects.order_by("name").first()
    agreement = SharingAgreement.objects.order_by("pk").first()
    source = Source.objects.filter(stage="local").order_by("pk").first()
    campaign = Campaign.objects.order_by("pk").first()
    observed = available_sources(agency.area)[0].slug
    layout = f"source={observed}&rows=nationality_group&columns=quarter"
    return [
        ("health", coordinator, "/health/"),
        ("home (coordinator)", coordinator, "/"),
        ("home (DPO)", dpo, "/"),
        ("home (agency contact)", contact, "/"),
        ("request list", coordinator, "/requests/"),
        ("request list, page 100", coordinator, "/requests/?page=100"),
        ("request list, last page", coordinator, "/requests/?page=last"),
        ("request list, 2 statuses", coordinator, "/requests/?status=sent&status=acknowledged"),
        ("request list, overdue", coordinator, "/requests/?due=overdue"),
        ("request list, search", coordinator, "/requests/?q=agency+01"),
        ("request list, agency", coordinator, f"/requests/?agency={agency.public_id}"),
        ("request list (agency contact)", contact, "/requests/"),
        ("request detail", coordinator, f"/requests/{request.public_id}/"),
        ("request detail (agency contact)", contact, f"/requests/{own.public_id}/"),
        ("return report", coordinator, f"/requests/{request.public_id}/returns/{returned.public_id}/"),
        ("requests CSV", coordinator, "/requests/export.csv"),
        ("blocked requests", coordinator, "/requests/blocked/"),
        ("blocked requests, page 20", coordinator, "/requests/blocked/?page=20"),
        ("agency list", coordinator, "/requests/agencies/"),
        ("agency detail", coordinator, f"/requests/agencies/{agency.public_id}/"),
        ("campaign list", coordinator, "/requests/campaigns/"),
        ("campaign detail", coordinator, f"/requests/campaigns/{campaign.public_id}/"),
        ("agreements", coordinator, "/agreements/"),
        ("agreements (agency contact)", contact, "/agreements/"),
        ("agreement detail", coordinator, f"/agreements/{agreement.public_id}/"),
        ("agreements CSV", coordinator, "/agreements/register.csv"),
        ("DPO queue", dpo, "/agreements/dpo/"),
        ("audit log", dpo, "/agreements/audit/"),
        ("catalogue", coordinator, "/catalogue/"),
        ("catalogue source", coordinator, f"/catalogue/{source.slug}/"),
        ("local sources", coordinator, "/catalogue/local-sources/"),
        ("notifications", coordinator, "/notifications/"),
        ("coverage", coordinator, "/reports/coverage/"),
        ("coverage, agencies page 6", coordinator, "/reports/coverage/?agencies=6"),
        ("coverage CSV", coordinator, "/reports/coverage.csv"),
        ("coverage JSON", coordinator, "/reports/coverage.json"),
        ("recommendations", coordinator, "/reports/recommendations/"),
        ("indicators", coordinator, "/reports/indicators/"),
        ("indicators, one source", coordinator, f"/reports/indicators/?{layout}"),
        ("indicators CSV", coordinator, f"/reports/indicators.csv?{layout}"),
        ("report", coordinator, "/reports/report/"),
    ]


def wsgi_get(application, cookie: str):
    """A GET through the WSGI application, as the server makes it: (status, body)."""
    from wsgiref.util import setup_testing_defaults

    def get(url: str) -> tuple[str, bytes]:
        path, _, query = url.partition("?")
        environ = {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": "GET", "HTTP_COOKIE": cookie}
        setup_testing_defaults(environ)
        status = []
        body = b"".join(application(environ, lambda line, headers, exc_info=None: status.append(line)))
        return status[0].split()[0], body

    return get


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def one_user(get, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    began = time.perf_counter()
    status, body = get(url)
    first = (time.perf_counter() - began) * 1000
    # A page that takes seconds is timed a few times only, so that the run stays short.
    times = []
    for _ in range(runs if first < 2000 else 2):
        began = time.perf_counter()
        get(url)
        times.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        get(url)
    return {"status": status, "first": first, "times": times, "queries": len(queries), "bytes": len(body), "body": body}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The URL of the test database the data set was built in, for the server's processes."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def signed_in(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    """A browser of one person, signed in through the login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + FLOOR).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    opener.open(urllib.request.Request(base + FLOOR, data=data.encode(), headers={"Referer": base + FLOOR})).read()
    return opener


def concurrent(built, targets, users: int, rounds: int, workers: int, env: dict) -> dict[str, list[float]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "project.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health/").read()
                break
            except OSError:
                time.sleep(0.2)
        passwords = {built.coordinator, built.dpo, built.contact}
        browsers = {name: [signed_in(base, name, built.password) for _ in range(users)] for name in passwords}
        times: dict[str, list[float]] = {label: [] for label, _, _ in targets}
        ready = threading.Barrier(users)

        def person(i: int) -> None:
            ready.wait()
            for _ in range(rounds):
                # Each person starts at a different page, so the pages do not move in step.
                for label, user, url in targets[i:] + targets[:i]:
                    began = time.perf_counter()
                    try:
                        browsers[user][i].open(base + url).read()
                    except OSError:
                        times[label].append(float("inf"))
                        continue
                    times[label].append((time.perf_counter() - began) * 1000)

        threads = [threading.Thread(target=person, args=(i,)) for i in range(users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return times
    finally:
        server.terminate()
        server.wait(timeout=30)


# The targets: server time at one user, wall time with eight people at once, and HTML size.
ALONE_P95_MS, TOGETHER_P95_MS, PAGE_KB = 200, 1000, 200


def summary(alone: dict, together: dict, users: int) -> None:
    """Every page on one line against the targets; files (CSV, JSON) are not held to the HTML size."""
    print(
        f"\nSummary against the targets (one user p95 < {ALONE_P95_MS} ms, {users} people p95 < "
        f"{TOGETHER_P95_MS} ms, HTML < {PAGE_KB} KB)"
    )
    print(f"{'page':<34}{'p50':>9}{'p95':>9}{'KB':>9}{'p95 x' + str(users):>9}  over")
    for label, (median, high, size) in alone.items():
        values = [v for v in together.get(label, []) if v != float("inf")]
        crowd = p95(values) if values else float("nan")
        over = [
            name
            for name, late in (
                ("one user", high > ALONE_P95_MS),
                (f"{users} people", bool(values) and crowd > TOGETHER_P95_MS),
                ("size", size > PAGE_KB and not re.search(r"CSV|JSON", label)),
                ("failed", len(values) != len(together.get(label, values))),
            )
            if late
        ]
        print(f"{label:<34}{median:>9.0f}{high:>9.0f}{size:>9.0f}{crowd:>9.0f}  {', '.join(over)}")
    print(f"(machine load: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full data set (default 1)")
    parser.add_argument("--runs", type=int, default=10, help="repeats per page at one user")
    parser.add_argument("--users", type=int, default=8, help="concurrent people under gunicorn (0: none)")
    parser.add_argument("--rounds", type=int, default=1, help="times each person fetches every page")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (the README's production figure)")
    parser.add_argument("--only", default="", help="time only the pages whose label contains this")
    parser.add_argument("--keep", action="store_true", help="keep the test database, and reuse its data set")
    parser.add_argument("--save", default="", help="a folder to write each page's body into, to see what it holds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            "TRACKER_VAR_DIR": scratch,
            "STATIC_ROOT": f"{scratch}/static",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            # The bench's server speaks plain HTTP: no secure cookies, no redirect to HTTPS.
            "SECURE_COOKIES": "false",
            "SECURE_SSL_REDIRECT": "false",
            # The bench's people sign in with a password alone: a code would be one more page each.
            "TRACKER_REQUIRE_2FA": "false",
        }
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        # Production serves hashed names from collectstatic's manifest: built here as it is there.
        quiet = open(os.devnull, "w")
        call_command("collectstatic", interactive=False, stdout=quiet)

        from bench.scale import built_before, populate
        from project.wsgi import application  # the server's start-up, garbage-collector settings included

        # Not serialised: that is for tests that roll back, and it reads a kept data set's every row.
        old_name = connection.creation.create_test_db(
            verbosity=0, autoclobber=not args.keep, keepdb=args.keep, serialize=False
        )
        try:
            began = time.perf_counter()
            built = built_before() if args.keep else None
            if built:
                print(f"Kept from an earlier run: {built.agencies} agencies, {built.requests} requests, ", end="")
            else:
                call_command("load_catalogue", stdout=quiet)
                built = populate(args.scale)
                print(f"Built {built.agencies} agencies, {built.requests} requests, ", end="")
            print(
                f"{built.returns} returns and {built.observations:,} observations in "
                f"{time.perf_counter() - began:.0f} s ({connection.vendor})."
            )
            if connection.vendor == "postgresql":
                # A live server's autovacuum analyses tables this size within a minute of loading them.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            # A server freezes what it loaded at start-up (project/wsgi.py); here start-up includes
            # the data set's leftovers, collected and frozen rather than walked by the first requests.
            gc.collect()
            gc.freeze()
            targets = [(label, user, url) for label, user, url in pages(built) if args.only in label]
            floor = [("login page (floor)", "", FLOOR)]
            getters = {"": wsgi_get(application, "")}
            for username in {user for _, user, _ in targets}:
                from django.contrib.auth import get_user_model
                from django.test import Client

                client = Client()  # only to sign in: the pages are fetched through the WSGI application
                client.force_login(get_user_model().objects.get(username=username))
                cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
                getters[username] = wsgi_get(application, f"{settings.SESSION_COOKIE_NAME}={cookie}")
            print("\nOne user, server time in ms (p50 and p95 of the repeats; x floor = p50 / the login page's p50)")
            print(f"{'page':<34}{'status':>7}{'first':>9}{'p50':>9}{'p95':>9}{'x floor':>9}{'queries':>9}{'KB':>9}")
            base = None
            alone = {}
            for label, user, url in floor + targets:
                got = one_user(getters[user], url, args.runs)
                median = statistics.median(got["times"])
                base = base or median
                alone[label] = (median, p95(got["times"]), got["bytes"] / 1024)
                if args.save:
                    os.makedirs(args.save, exist_ok=True)
                    with open(os.path.join(args.save, re.sub(r"\W+", "-", label).strip("-") + ".html"), "wb") as out:
                        out.write(got["body"])
                print(
                    f"{label:<34}{got['status']:>7}{got['first']:>9.0f}{median:>9.1f}{p95(got['times']):>9.1f}"
                    f"{median / base:>9.1f}{got['queries']:>9}{got['bytes'] / 1024:>9.0f}"
                )
            if args.users:
                server_env = {
                    **os.environ,
                    "DATABASE_URL": database_url(),
                    "DJANGO_SETTINGS_MODULE": "project.settings",
                }
                began = time.perf_counter()
                times = concurrent(built, targets, args.users, args.rounds, args.workers, server_env)
                print(
                    f"\n{args.users} people at once under gunicorn ({args.workers} workers), wall time in ms "
                    f"({args.rounds} rounds, {time.perf_counter() - began:.0f} s)"
                )
                print(f"{'page':<34}{'p50':>9}{'p95':>9}{'failed':>9}")
                for label, values in times.items():
                    ok = [v for v in values if v != float("inf")]
                    failed = len(values) - len(ok)
                    p50, high = (statistics.median(ok), p95(ok)) if ok else (float("nan"), float("nan"))
                    print(f"{label:<34}{p50:>9.0f}{high:>9.0f}{failed:>9}")
            summary(alone, times if args.users else {}, args.users)
        finally:
            connection.close()
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keep)


if __name__ == "__main__":
    main()
