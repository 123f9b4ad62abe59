"""Run jobs at the same instant on real threads, each with its own database connection, as
concurrent requests would: the concurrency tests of every app use it."""

from __future__ import annotations

import threading

from django.db import connection


def run_together(jobs, *, connections: int | None = None) -> list:
    """Start every job at once on its own thread; return each one's result or exception.
    ``connections`` bounds how many hold a database connection at the same time (a shared
    PostgreSQL server allows 100 in all), as the workers of an application server would."""
    barrier = threading.Barrier(len(jobs))
    pool = threading.BoundedSemaphore(connections or len(jobs))
    results: list = [None] * len(jobs)

    def worker(i, job):
        try:
            barrier.wait()
            with pool:
                try:
                    results[i] = job()
                finally:
                    connection.close()
        except Exception as exc:  # collected and asserted by the test
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
