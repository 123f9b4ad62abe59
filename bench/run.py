"""Throughput and latency of ``GET /api/v1/coops/{slug}`` against the bare ``GET /health``.

What is measured, and why
    The cooperative detail is the heaviest public read of the API (the cooperative, its seat
    with postcodes, the municipalities it serves, its sourced facts, the statute in force) and
    the one scripts and other sites call most. Readers of a public cooperative share a briefly
    cached answer (core/cache.py); a logged-in caller (a demo member with a personal token,
    checked on every request) is measured too, without a target. ``/health`` runs one
    ``SELECT 1`` through the same middleware, server and database: it is the most this machine
    serves for a Django request that does almost nothing. Measured in the same run, on the same
    connections, the two give a ratio that depends on our code much more than on the machine:

        API requests/s ÷ /health requests/s              target ≥ 0.6
        API p99 latency at 16 concurrent connections     target < 50 ms (2-core machine)

How
    1. Production settings in a temporary directory: DEBUG=false, a fresh SECRET_KEY,
       ALLOWED_HOSTS=127.0.0.1,localhost, SECURE_SSL_REDIRECT=false (plain HTTP on loopback),
       COMUNITAS_VAR_DIR, STATIC_ROOT and MEDIA_ROOT inside it, so the developer's var/ is never
       touched. PostgreSQL when DATABASE_URL is set (the database is created when missing; the
       bench migrates it and loads the demo into it), otherwise SQLite in the temporary
       directory.
    2. The project's own commands prepare it: ``comunitas manage migrate``, ``comunitas
       load-territory``, ``comunitas load-demo``, and ``comunitas manage collectstatic`` because
       production's WhiteNoise manifest storage expects collected files.
    3. ``gunicorn comunitas.wsgi`` on a free loopback port, polled on /health until it answers.
    4. 16 closed-loop clients (each sends a request, reads the whole answer, sends the next) on
       HTTP/1.1 keep-alive sockets, written with stdlib asyncio so a fresh clone needs nothing
       more. The load generator runs in this process, apart from gunicorn's, and reports the CPU
       it used, so one can see it was not the bottleneck. Both endpoints are warmed up (lazy
       imports, database connections), then measured in alternating slices, so that whatever
       else the machine is doing weighs on both alike and the ratio stays meaningful.

The member book (bench/members.py)
    A cooperative of 20,000 members and 60,000 share movements is seeded into the same database
    before the server starts, and its first page of members, ``GET /api/v1/coops/bench-soci/
    members?limit=50`` as a staff user with a personal token, is measured in the same slices as
    ``/health`` (target ≥ 0.5 of its requests/s). The page is cached under the book's version
    (members/book_cache.py), so what is measured is mostly the one query that checks the token
    and reads the caller's role and that version on every request; building the page (a count
    and a page over the whole book) happens once a minute in each worker. After the server stops,
    ``import_members`` of a 20,000-row CSV is timed against a raw ``bulk_create`` of the same
    members (target ≥ 0.25).

The commons (bench/commons.py)
    A public cooperative whose bookable unit holds 100,000 bookings and whose catalogue has
    5,000 events is seeded too. Measured in the same slices as ``/health``: a month of the
    unit's availability, ``GET …/units/{id}/availability?start=…&days=31``, as a visitor of the
    public booking page (target ≥ 0.4 of /health's requests/s) and, without a target, as a
    signed-in resident (token and roles read on each request); the first page of upcoming
    events. Then a purchase storm: 16 buyers post one-ticket orders for a screening of 1,000
    seats until it is sold out; it prints orders/s and checks in the database that exactly the
    seats were sold (zero oversell), one ticket for each order accepted.

The needs and projects (bench/projects.py)
    A public cooperative with 10,000 needs (every status of the workflow, the ten categories),
    200,000 supports from 2,000 residents (one per person and need, a long tail: half the
    needs have a dozen or fewer, 160 have over a hundred; each need's support count equals its
    rows) and 2,000 projects answering the answered and met needs is seeded with
    ``bulk_create`` (then, on PostgreSQL, vacuumed and analyzed as autovacuum would). Measured
    in the same slices as ``/health``, as an anonymous visitor: the first page of the needs
    list, most supported first, ``GET …/needs?limit=50``, and the same filtered by category and
    status, ``?category=shops&status=new&limit=50`` (target for both ≥ 0.4 of /health's
    requests/s), and the coverage of needs by projects, ``GET …/coverage`` (no target). The
    queries each makes are a constant number, asserted by the tests; here it is the time.

The assemblies (bench/assemblies.py)
    An assembly of 20,000 members, all present, and a closed vote with 20,000 ballots are seeded
    into the same database. Measured in the same slices as ``/health``, as staff with a personal
    token: the vote's result, ``GET …/assemblies/{id}/motions/{id}/result`` (target ≥ 0.3 of
    /health's requests/s; a closed result never changes, so it is answered from the cache after
    the token, the role and the version are read in one query), and the first page of the
    voters' roll (no target). Their queries are a constant number, asserted by the tests.

The participatory budget (bench/budgets.py)
    After the server stops, counting 5,000 ballots on 50 projects (both rules, the explanation
    of every project) is timed against pabutools' Method of Equal Shares alone on the same
    instance and profile (target: ours ÷ pabutools ≤ 1.5, "the same order of time").

The economy (bench/economy.py, bench/economy_import.py)
    After the server stops, the yearly dashboard of a cooperative with 500,000 movements over
    five years is timed against the same raw SQL GROUP BY on the same connection (target: ours
    at most twice raw), and the import of a 100,000-row bank CSV against a raw
    ``bulk_create`` of the same movements (target ≥ 0.25).

``--scenario api|members|commons|projects|assemblies|budgets|economy`` (repeatable) measures
only those, against /health, which saves minutes when working on one of them; all are measured
by default.

Targets are printed as PASS or MISS and never change the exit status: that is non-zero only when
the benchmark itself failed (a setup command failed, the server did not start, a request failed
or answered anything but 200). Run it by hand (``make bench``); it is deliberately not a timed
test, since timings on a shared machine are too noisy to fail a build on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
HOST = "127.0.0.1"
TARGET_RATIO = 0.6
TARGET_P99_MS = 50.0
TARGET_MEMBERS_RATIO = 0.5
TARGET_AVAILABILITY_RATIO = 0.4
TARGET_NEEDS_RATIO = 0.4
TARGET_TALLY_RATIO = 0.3
MEMBERS_SCRIPT = BENCH_DIR / "members.py"
COMMONS_SCRIPT = BENCH_DIR / "commons.py"
PROJECTS_SCRIPT = BENCH_DIR / "projects.py"
ASSEMBLIES_SCRIPT = BENCH_DIR / "assemblies.py"
BUDGETS_SCRIPT = BENCH_DIR / "budgets.py"
ECONOMY_SCRIPT = BENCH_DIR / "economy.py"
ECONOMY_IMPORT_SCRIPT = BENCH_DIR / "economy_import.py"
# What can be measured; --scenario picks some (/health, the baseline, is always measured).
SCENARIOS = ("api", "members", "commons", "projects", "assemblies", "budgets", "economy")

# The gunicorn worker. "sync" workers answer every request with "Connection: close", so each
# request pays a TCP handshake and an accept(), which is not how a proxy or a script with a
# session talks to the app; "gthread" keeps connections alive. Python runs one thread at a time
# per process, so 2 processes use the 2 cores, and a few threads each let a process go on while
# a thread waits on the database (idle keep-alive connections wait in gthread's poller, not in
# a thread). Sweeps on this 2-core machine put gthread ahead of sync (2 and 4 workers); among
# 2x2, 2x4, 2x8, 3x4 and 4x2, 2x4 gave the most requests/s and the lowest p99 once the cache
# made the API cheap (2x8 led before). Try others with --worker-class, --workers, --threads.
DEFAULT_WORKER_CLASS = "gthread"
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4

SETUP_COMMANDS: list[list[str]] = [
    ["manage", "migrate", "--noinput"],
    ["load-territory"],
    ["load-demo"],
    ["manage", "collectstatic", "--noinput"],
]


# --- the load generator ------------------------------------------------------------------------
class HttpConnection:
    """One HTTP/1.1 keep-alive connection; it reopens itself after the server closed it."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, request: bytes) -> int:
        """Send one prepared request, read the whole answer, return its status code."""
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = {}
        for line in header_lines:
            name, _sep, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        if "content-length" not in headers:
            raise ValueError(f"answer without Content-Length: {status_line!r}")
        await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("connection") == "close":
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class EndpointResult:
    """What the clients saw on one endpoint, summed over its measured slices."""

    path: str
    token: str = ""  # a personal API token: measures a logged-in caller
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, one per answered request
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # requests that got no answer
    client_cpu_seconds: float = 0.0

    @property
    def label(self) -> str:
        return f"GET {self.path}" + (" (logged in)" if self.token else "")

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def failures(self) -> int:
        non_200 = sum(n for status, n in self.statuses.items() if status != 200)
        return non_200 + sum(self.errors.values())

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, p: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1] * 1000

    @property
    def client_cpu_percent(self) -> float:
        return 100 * self.client_cpu_seconds / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, object]:
        return {
            "path": self.path,
            "seconds": round(self.seconds, 3),
            "requests": self.requests,
            "requests_per_second": round(self.rps, 1),
            "p50_ms": round(self.percentile_ms(50), 2),
            "p90_ms": round(self.percentile_ms(90), 2),
            "p99_ms": round(self.percentile_ms(99), 2),
            "max_ms": round(max(self.latencies, default=math.nan) * 1000, 2),
            "statuses": {str(status): n for status, n in sorted(self.statuses.items())},
            "errors": dict(self.errors),
            "client_cpu_percent": round(self.client_cpu_percent, 1),
        }


async def run_slice(
    connections: list[HttpConnection], result: EndpointResult, seconds: float
) -> None:
    """Keep every connection busy with ``GET result.path`` for ``seconds``, adding to result."""
    auth = f"Authorization: Bearer {result.token}\r\n" if result.token else ""
    request = (
        f"GET {result.path} HTTP/1.1\r\nHost: {HOST}:{connections[0].port}\r\n"
        f"Accept: application/json\r\nUser-Agent: comunitas-bench\r\n{auth}\r\n"
    ).encode("ascii")
    started, cpu_started = time.perf_counter(), time.process_time()
    deadline = started + seconds

    async def client(connection: HttpConnection) -> None:
        while (sent := time.perf_counter()) < deadline:
            try:
                status = await connection.send(request)
            except (OSError, ValueError, EOFError, asyncio.LimitOverrunError) as exc:
                result.errors[type(exc).__name__] += 1
                connection.close()
                await asyncio.sleep(0.05)  # do not spin on a server that is gone
                continue
            result.latencies.append(time.perf_counter() - sent)
            result.statuses[status] += 1

    # A server that hangs must fail the run, not hang it.
    clients = asyncio.gather(*(client(c) for c in connections))
    await asyncio.wait_for(clients, timeout=seconds + 30)
    result.seconds += time.perf_counter() - started
    result.client_cpu_seconds += time.process_time() - cpu_started


async def measure(
    port: int,
    results: list[EndpointResult],
    *,
    connections: int,
    warmup: float,
    seconds: float,
    rounds: int,
) -> list[EndpointResult]:
    """Warm up each endpoint, then measure them in ``rounds`` alternating slices, same
    connections."""
    pool = [HttpConnection(HOST, port) for _ in range(connections)]
    try:
        for result in results:
            print(f"  warm-up {result.label} for {warmup:g} s", flush=True)
            warm = EndpointResult(result.path, result.token)
            await run_slice(pool, warm, warmup)
            # Failures in the warm-up are failures of the server too.
            result.statuses.update({s: n for s, n in warm.statuses.items() if s != 200})
            result.errors.update(warm.errors)
        print(f"  measuring {rounds} x {seconds / rounds:g} s on each endpoint", flush=True)
        for _ in range(rounds):
            for result in results:
                await run_slice(pool, result, seconds / rounds)
    finally:
        for connection in pool:
            connection.close()
    return results


@dataclass
class StormResult:
    """What the buyers of the purchase storm saw."""

    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def sold(self) -> int:
        return self.statuses[201]

    @property
    def orders_per_second(self) -> float:
        return self.sold / self.seconds if self.seconds else 0.0


async def purchase_storm(port: int, commons: dict, *, buyers: int) -> StormResult:
    """``buyers`` clients post one-ticket orders for the storm's event until each is told it
    is sold out (422); the time runs from the first order to the last seat sold."""
    body = json.dumps(
        {
            "lines": [{"service_id": commons["service"], "event_id": commons["event"]}],
            "payment_method": "on_site",
        }
    ).encode()
    request = (
        f"POST /api/v1/coops/{commons['slug']}/orders HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Accept: application/json\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {commons['token']}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("ascii") + body
    result = StormResult()
    started = time.perf_counter()
    last_sale = started

    async def buyer() -> None:
        nonlocal last_sale
        connection = HttpConnection(HOST, port)
        try:
            for _attempt in range(commons["seats"] * 2):  # a bound, in case nothing refuses
                try:
                    status = await connection.send(request)
                except (OSError, ValueError, EOFError, asyncio.LimitOverrunError) as exc:
                    result.errors[type(exc).__name__] += 1
                    connection.close()
                    await asyncio.sleep(0.05)
                    continue
                result.statuses[status] += 1
                if status == 201:
                    last_sale = time.perf_counter()
                elif status == 422:
                    return  # sold out (or the box office was busy: the others go on)
        finally:
            connection.close()

    await asyncio.wait_for(asyncio.gather(*(buyer() for _ in range(buyers))), timeout=600)
    result.seconds = last_sale - started
    return result


# --- the server --------------------------------------------------------------------------------
def production_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="comunitas.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        COMUNITAS_VAR_DIR=str(tmp / "var"),
        STATIC_ROOT=str(tmp / "var" / "static"),
        MEDIA_ROOT=str(tmp / "var" / "media"),
    )
    return env


def ensure_database(url: str) -> str:
    """Create the PostgreSQL database DATABASE_URL names when it is missing; describe it."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    if "postgresql" not in config["ENGINE"]:
        return f"the DATABASE_URL database {name!r}"
    if name.startswith("test_"):
        raise ValueError(f"{name!r} is a name the test suite uses; choose another one")
    params = {
        "host": config.get("HOST"),
        "port": config.get("PORT"),
        "user": config.get("USER"),
        "password": config.get("PASSWORD"),
    }
    with psycopg.connect(
        dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v}
    ) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            print(f"Creating the PostgreSQL database {name!r}", flush=True)
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"PostgreSQL database {name!r}"


MEMBER_API_KEY_SCRIPT = """
from django.contrib.auth import get_user_model
from comunitas.core.services import api_token_create
member = get_user_model().objects.get(username="{slug}.socio")
print(api_token_create(user=member, name="bench")[1])
"""


def member_token(env: dict[str, str], tmp: Path, slug: str) -> str:
    """A personal token of the demo member of ``slug`` (the demo creates one login per role)."""
    command = ["manage", "shell", "--no-imports", "-c", MEMBER_API_KEY_SCRIPT.format(slug=slug)]
    done = subprocess.run(
        [sys.executable, "-m", "comunitas", *command],
        env=env,
        cwd=tmp,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def bench_script(script: Path, env: dict[str, str], tmp: Path, *args: str) -> str:
    """Run a bench/ script with the bench's settings; echo its output, return its last line."""
    done = subprocess.run(
        [sys.executable, str(script), *args],
        env=env,
        cwd=tmp,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(f"  {line}", flush=True)
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"bench/{script.name} {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return lines[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def gunicorn_args(args: argparse.Namespace, port: int, tmp: Path) -> list[str]:
    from gunicorn.config import KNOWN_SETTINGS

    options = [
        f"--bind={HOST}:{port}",
        f"--worker-class={args.worker_class}",
        f"--workers={args.workers}",
        f"--threads={args.threads}",
        "--keep-alive=5",
        "--log-level=warning",
        f"--worker-tmp-dir={tmp}",
    ]
    if any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS):
        options.append("--no-control-socket")  # recent gunicorns open one under ~/.gunicorn
    return options


def wait_ready(server: subprocess.Popen[bytes], port: int, timeout: float = 60) -> None:
    """Poll /health until it answers 200; fail when gunicorn exits or time runs out."""
    url = f"http://{HOST}:{port}/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer 200 on {url} within {timeout:g} s")


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the master stops its workers gracefully), then SIGKILL if it lingers."""
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def log_tail(log: Path, lines: int = 40) -> str:
    if not log.exists():
        return "(no log)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) or "(empty log)"


# --- the report --------------------------------------------------------------------------------
def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_rows(results: Sequence[EndpointResult]) -> None:
    for r in results:
        print(
            f"{r.label:<60}{r.requests:>9}{r.rps:>9.1f}{r.percentile_ms(50):>9.1f}"
            f"{r.percentile_ms(99):>9.1f}{r.failures:>9}{r.client_cpu_percent:>11.0f}%"
        )


def report(
    baseline: EndpointResult,
    api: EndpointResult | None,
    logged_in: EndpointResult | None,
    members: EndpointResult | None,
    connections: int,
) -> dict[str, object]:
    """The table header, /health, and the cooperative API and member list when measured."""
    print()
    print(
        f"{'endpoint':<60}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'non-200':>9}{'client CPU':>12}"
    )
    print_rows([r for r in (baseline, api, logged_in, members) if r is not None])
    results: dict[str, object] = {"baseline": baseline.summary()}
    if api is not None or members is not None:
        print()
    if api is not None and logged_in is not None:
        ratio = api.rps / baseline.rps if baseline.rps else 0.0
        p99 = api.percentile_ms(99)
        print(
            f"ratio API ÷ /health req/s: {ratio:.2f}  (target ≥ {TARGET_RATIO})"
            f"   {verdict(ratio >= TARGET_RATIO)}"
        )
        print(
            f"API p99 at {connections} connections: {p99:.1f} ms  (target < {TARGET_P99_MS:g} ms)"
            f"   {verdict(p99 < TARGET_P99_MS)}"
        )
        logged_in_ratio = logged_in.rps / baseline.rps if baseline.rps else 0.0
        print(
            f"logged-in API ÷ /health req/s: {logged_in_ratio:.2f}  (no target: the token is"
            " checked in the database on every request)"
        )
        results.update(
            ratio=round(ratio, 3),
            ratio_target=TARGET_RATIO,
            ratio_verdict=verdict(ratio >= TARGET_RATIO),
            p99_ms_target=TARGET_P99_MS,
            p99_verdict=verdict(p99 < TARGET_P99_MS),
            api=api.summary(),
            logged_in_ratio=round(logged_in_ratio, 3),
            logged_in_api=logged_in.summary(),
        )
    if members is not None:
        members_ratio = members.rps / baseline.rps if baseline.rps else 0.0
        print(
            f"member list API (20,000 members, staff) ÷ /health req/s: {members_ratio:.2f}"
            f"  (target ≥ {TARGET_MEMBERS_RATIO})"
            f"   {verdict(members_ratio >= TARGET_MEMBERS_RATIO)}"
        )
        results.update(
            members_ratio=round(members_ratio, 3),
            members_ratio_target=TARGET_MEMBERS_RATIO,
            members_ratio_verdict=verdict(members_ratio >= TARGET_MEMBERS_RATIO),
            members_api=members.summary(),
        )
    return results


def report_commons(
    baseline: EndpointResult,
    month: EndpointResult,
    month_logged_in: EndpointResult,
    events: EndpointResult,
    storm: StormResult,
    counted: dict[str, int],
) -> dict[str, object]:
    def ratio(r: EndpointResult) -> float:
        return r.rps / baseline.rps if baseline.rps else 0.0

    print()
    print_rows([month, month_logged_in, events])
    availability_ok = ratio(month) >= TARGET_AVAILABILITY_RATIO
    print(
        f"a month of availability (100,000 bookings), public booking page ÷ /health req/s:"
        f" {ratio(month):.2f}  (target ≥ {TARGET_AVAILABILITY_RATIO})   {verdict(availability_ok)}"
    )
    print(
        f"the same, signed in as a resident ÷ /health req/s: {ratio(month_logged_in):.2f}"
        "  (no target: the token and roles are read on each request)"
    )
    print(f"upcoming events (5,000 in the catalogue) ÷ /health req/s: {ratio(events):.2f}")
    exact = counted["seats_taken"] == counted["live_tickets"] == counted[
        "seats"
    ] == storm.sold and not storm.statuses.keys() - {201, 422}
    print(
        f"purchase storm: {storm.sold} one-ticket orders in {storm.seconds:.1f} s ="
        f" {storm.orders_per_second:.1f} orders/s; answers {dict(storm.statuses)};"
        f" {counted['live_tickets']} tickets for {counted['seats']} seats   "
        + ("PASS (no oversell)" if exact else "FAIL (sold seats do not match)")
    )
    return {
        "availability_ratio": round(ratio(month), 3),
        "availability_ratio_target": TARGET_AVAILABILITY_RATIO,
        "availability_ratio_verdict": verdict(availability_ok),
        "availability": month.summary(),
        "availability_logged_in_ratio": round(ratio(month_logged_in), 3),
        "availability_logged_in": month_logged_in.summary(),
        "events_ratio": round(ratio(events), 3),
        "events": events.summary(),
        "storm": {
            "orders": storm.sold,
            "seconds": round(storm.seconds, 3),
            "orders_per_second": round(storm.orders_per_second, 1),
            "statuses": {str(k): v for k, v in sorted(storm.statuses.items())},
            "errors": dict(storm.errors),
            **counted,
            "verdict": "PASS" if exact else "FAIL",
        },
    }


def report_projects(
    baseline: EndpointResult,
    needs: EndpointResult,
    filtered: EndpointResult,
    coverage: EndpointResult,
    seeded: dict[str, object],
) -> dict[str, object]:
    def ratio(r: EndpointResult) -> float:
        return r.rps / baseline.rps if baseline.rps else 0.0

    print()
    print_rows([needs, filtered, coverage])
    figures = (
        f"{seeded['needs']:,} needs, {seeded['supports']:,} supports,"
        f" {seeded['projects']:,} projects"
    )
    list_ok, filtered_ok = (ratio(r) >= TARGET_NEEDS_RATIO for r in (needs, filtered))
    print(
        f"needs list, first page by support ({figures}), visitor ÷ /health req/s:"
        f" {ratio(needs):.2f}  (target ≥ {TARGET_NEEDS_RATIO})   {verdict(list_ok)}"
    )
    print(
        f"the same filtered by category and status ÷ /health req/s: {ratio(filtered):.2f}"
        f"  (target ≥ {TARGET_NEEDS_RATIO})   {verdict(filtered_ok)}"
    )
    print(f"coverage (needs → projects) ÷ /health req/s: {ratio(coverage):.2f}  (no target)")
    return {
        "seeded": {k: seeded[k] for k in ("needs", "supports", "projects", "reused")},
        "needs_ratio": round(ratio(needs), 3),
        "needs_ratio_target": TARGET_NEEDS_RATIO,
        "needs_ratio_verdict": verdict(list_ok),
        "needs": needs.summary(),
        "needs_filtered_ratio": round(ratio(filtered), 3),
        "needs_filtered_ratio_verdict": verdict(filtered_ok),
        "needs_filtered": filtered.summary(),
        "coverage_ratio": round(ratio(coverage), 3),
        "coverage": coverage.summary(),
    }


def report_assemblies(
    baseline: EndpointResult, tally: EndpointResult, voters: EndpointResult
) -> dict[str, object]:
    def ratio(r: EndpointResult) -> float:
        return r.rps / baseline.rps if baseline.rps else 0.0

    print()
    print_rows([tally, voters])
    tally_ok = ratio(tally) >= TARGET_TALLY_RATIO
    print(
        "result of a vote (20,000 voters, 20,000 ballots), staff with a token ÷ /health req/s:"
        f" {ratio(tally):.2f}  (target ≥ {TARGET_TALLY_RATIO})   {verdict(tally_ok)}"
    )
    print(f"the voters' roll, first page ÷ /health req/s: {ratio(voters):.2f}  (no target)")
    return {
        "tally_ratio": round(ratio(tally), 3),
        "tally_ratio_target": TARGET_TALLY_RATIO,
        "tally_ratio_verdict": verdict(tally_ok),
        "tally": tally.summary(),
        "voters_ratio": round(ratio(voters), 3),
        "voters": voters.summary(),
    }


def save(results: dict[str, object], backend: str) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{backend}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path


# --- main --------------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--slug", default="la-paranza", help="the demo cooperative to fetch")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds on each endpoint")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured, each endpoint")
    parser.add_argument("--rounds", type=int, default=5, help="alternating slices")
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default=DEFAULT_WORKER_CLASS)
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument("--members", type=int, default=20_000, help="size of the member book")
    parser.add_argument("--import-rounds", type=int, default=2, help="timed imports (best kept)")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=SCENARIOS,
        help="measure only this scenario (repeatable; all by default, /health always)",
    )
    parser.add_argument("--no-save", action="store_true", help="write nothing to bench/results/")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    scenarios = set(args.scenario or SCENARIOS)
    database_url = os.environ.get("DATABASE_URL", "").strip()
    backend = "postgresql" if database_url else "sqlite"
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="comunitas-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = production_env(tmp)
        try:
            database = ensure_database(database_url) if database_url else f"SQLite in {tmp}"
        except Exception as exc:  # psycopg's errors, dj-database-url's: all mean "fix the URL"
            print(f"bench: FAILED: cannot use DATABASE_URL: {exc}")
            return 1
        print(f"Comunitas benchmark: production settings, {database}", flush=True)
        print(f"Scenarios: {', '.join(s for s in SCENARIOS if s in scenarios)}", flush=True)
        for command in SETUP_COMMANDS:
            print(f"$ comunitas {' '.join(command)}", flush=True)
            setup = [sys.executable, "-m", "comunitas", *command]
            done = subprocess.run(setup, env=env, cwd=tmp, check=False)
            if done.returncode != 0:
                print(f"bench: FAILED: `comunitas {' '.join(command)}` exited {done.returncode}")
                return 1

        staff_token = commons = projects = assemblies = None
        try:
            if "members" in scenarios:
                print(f"$ python bench/members.py seed --members {args.members}", flush=True)
                staff_token = bench_script(
                    MEMBERS_SCRIPT, env, tmp, "seed", "--members", str(args.members)
                )
            if "commons" in scenarios:
                print("$ python bench/commons.py seed", flush=True)
                commons = json.loads(bench_script(COMMONS_SCRIPT, env, tmp, "seed"))
            if "projects" in scenarios:
                print("$ python bench/projects.py seed", flush=True)
                projects = json.loads(bench_script(PROJECTS_SCRIPT, env, tmp, "seed"))
            if "assemblies" in scenarios:
                print(f"$ python bench/assemblies.py seed --members {args.members}", flush=True)
                assemblies = json.loads(
                    bench_script(
                        ASSEMBLIES_SCRIPT, env, tmp, "seed", "--members", str(args.members)
                    )
                )
        except RuntimeError as exc:
            print(f"bench: FAILED: {exc}")
            return 1

        port = free_port()
        options = gunicorn_args(args, port, tmp)
        log = tmp / "gunicorn.log"
        print(f"$ gunicorn comunitas.wsgi {' '.join(options)}", flush=True)
        storm = None
        with log.open("wb") as log_file:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "comunitas.wsgi", *options],
                env=env,
                cwd=tmp,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
            try:
                wait_ready(server, port)
                print(f"Ready on http://{HOST}:{port}; {args.connections} connections", flush=True)
                endpoints = {"health": EndpointResult("/health")}
                if "api" in scenarios:
                    api_path = f"/api/v1/coops/{args.slug}"
                    endpoints["api"] = EndpointResult(api_path)
                    token = member_token(env, tmp, args.slug)
                    endpoints["logged_in"] = EndpointResult(api_path, token=token)
                if staff_token is not None:
                    members_path = "/api/v1/coops/bench-soci/members?limit=50"
                    endpoints["members"] = EndpointResult(members_path, token=staff_token)
                if commons is not None:
                    commons_api = f"/api/v1/coops/{commons['slug']}"
                    month = f"{commons_api}/units/{commons['unit']}/availability"
                    month += f"?start={commons['month']}&days=31"
                    endpoints["month"] = EndpointResult(month)
                    endpoints["month_logged_in"] = EndpointResult(month, token=commons["token"])
                    endpoints["events"] = EndpointResult(
                        f"{commons_api}/events?upcoming=true&limit=50"
                    )
                if projects is not None:
                    for name, path in projects["paths"].items():
                        endpoints[name] = EndpointResult(path)
                if assemblies is not None:
                    for name, path in assemblies["paths"].items():
                        endpoints[name] = EndpointResult(path, token=assemblies["token"])
                measured = asyncio.run(
                    measure(
                        port,
                        list(endpoints.values()),
                        connections=args.connections,
                        warmup=args.warmup,
                        seconds=args.seconds,
                        rounds=args.rounds,
                    )
                )
                if commons is not None:
                    print(f"  purchase storm: {args.connections} buyers", flush=True)
                    storm = asyncio.run(purchase_storm(port, commons, buyers=args.connections))
            except (RuntimeError, TimeoutError, subprocess.CalledProcessError) as exc:
                print(f"bench: FAILED: {exc}\n--- gunicorn log ---\n{log_tail(log)}")
                return 1
            finally:
                stop(server)

        baseline = endpoints["health"]
        results = report(
            baseline,
            endpoints.get("api"),
            endpoints.get("logged_in"),
            endpoints.get("members"),
            args.connections,
        )
        oversold = False
        if commons is not None and storm is not None:
            try:
                counted = json.loads(
                    bench_script(
                        COMMONS_SCRIPT, env, tmp, "check", "--event", str(commons["event"])
                    )
                )
            except RuntimeError as exc:
                print(f"bench: FAILED: {exc}")
                return 1
            results["commons"] = report_commons(
                baseline,
                endpoints["month"],
                endpoints["month_logged_in"],
                endpoints["events"],
                storm,
                counted,
            )
            oversold = results["commons"]["storm"]["verdict"] != "PASS"
        if projects is not None:
            results["projects"] = report_projects(
                baseline,
                endpoints["needs"],
                endpoints["needs_filtered"],
                endpoints["coverage"],
                projects,
            )
        if assemblies is not None:
            results["assemblies"] = report_assemblies(
                baseline, endpoints["tally"], endpoints["voters"]
            )
        if "budgets" in scenarios:
            print("\n$ python bench/budgets.py", flush=True)
            try:
                results["budgets"] = json.loads(bench_script(BUDGETS_SCRIPT, env, tmp))
            except RuntimeError as exc:
                print(f"bench: FAILED: {exc}")
                return 1
        if "economy" in scenarios:
            try:
                print("\n$ python bench/economy.py", flush=True)
                results["economy"] = json.loads(bench_script(ECONOMY_SCRIPT, env, tmp))
                rounds = str(args.import_rounds)
                print(f"\n$ python bench/economy_import.py --rounds {rounds}", flush=True)
                imported = bench_script(ECONOMY_IMPORT_SCRIPT, env, tmp, "--rounds", rounds)
                results["economy_import"] = json.loads(imported)
            except RuntimeError as exc:
                print(f"bench: FAILED: {exc}")
                return 1
        if "members" in scenarios:
            print(f"\n$ python bench/members.py import --rounds {args.import_rounds}", flush=True)
            try:
                imported = bench_script(
                    MEMBERS_SCRIPT,
                    env,
                    tmp,
                    "import",
                    "--members",
                    str(args.members),
                    "--rounds",
                    str(args.import_rounds),
                )
            except RuntimeError as exc:
                print(f"bench: FAILED: {exc}")
                return 1
            results["members_import"] = json.loads(imported)
        cpus = os.cpu_count() or 1
        if load_before > cpus / 2:
            print(
                f"note: the load average was {load_before:.1f} on {cpus} CPUs before the run;"
                " other work on this machine makes the numbers noisy."
            )
        errors = sum(storm.errors.values()) if storm is not None else 0
        failures = sum(r.failures for r in measured) + errors + oversold
        if failures:
            print(f"\nbench: FAILED: {failures} requests failed or answered other than 200")
            for r in measured:
                print(f"  {r.path}: statuses {dict(r.statuses)}, no answer {dict(r.errors)}")
            print(f"--- gunicorn log ---\n{log_tail(log)}")

    results.update(
        backend=backend,
        scenarios=[s for s in SCENARIOS if s in scenarios],
        connections=args.connections,
        warmup_seconds=args.warmup,
        rounds=args.rounds,
        gunicorn=options,
        cpus=cpus,
        load_average_before=round(load_before, 2),
        python=sys.version.split()[0],
        when=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    if not args.no_save:
        print(f"\nResults: {save(results, backend).relative_to(BENCH_DIR.parent)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
