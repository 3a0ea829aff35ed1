"""`worker`: run background jobs for every app process (needs REDIS_URL)."""

from __future__ import annotations

import sys

import click

from reelmatch.bootstrap import setup_observability
from reelmatch.cli.context import AppContext, pass_app
from reelmatch.config import load_settings
from reelmatch.errors import InvalidInput
from reelmatch.jobs.process import serve, stop_signals, supervise

NO_REDIS = (
    "The worker needs REDIS_URL: it takes jobs from the queues the app processes share. "
    "Without Redis the app runs its background jobs itself (`make run`)."
)


@click.command()
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=None,
    help="Jobs at once per process [default: REELMATCH_WORKER_THREADS, 2].",
)
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes [default: REELMATCH_WORKER_PROCESSES, 1].",
)
@pass_app
def worker(app: AppContext, threads: int | None, processes: int | None) -> None:
    """Run the background jobs: metadata refresh, model training, event pruning, cache
    warm-up (each scheduled once per period across all workers) and `recommend --all-users`
    chunks. Start any number, on any number of machines; SIGTERM stops one gracefully."""
    settings = load_settings()
    if settings.redis_url is None:
        raise InvalidInput(NO_REDIS)
    threads = threads or settings.worker_threads
    processes = processes or settings.worker_processes
    with stop_signals() as stop:
        if processes > 1:
            setup_observability(settings)
            sys.exit(supervise(processes=processes, threads=threads, stop=stop))
        services = app.services
        setup_observability(services.settings)  # a service: INFO unless told otherwise
        serve(services.jobs, threads=threads, stop=stop)
