"""The installation status shown on the Status page (cached briefly: it touches the database),
and the background jobs' counts."""

from __future__ import annotations

import redis
import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.jobs import JobCounts, JobsOverview
from reelmatch.services.health import Check, run_checks


@st.cache_data(ttl=30, show_spinner=False)
def _checks(_services: Services, key: str) -> list[Check]:
    checks = run_checks(
        _services.settings,
        _services.database,
        events=_services.event_queue_health(),  # the app's own queue: `doctor` sees only its own
        models=_services.recommendations.keeper.store,
    )
    return [*checks, _services.jobs.check()]


def status_rows(services: Services) -> list[Check]:
    return _checks(services, services.settings.effective_database_url)


def job_overview(services: Services) -> JobsOverview | None:
    """The jobs' counts now (None when Redis cannot be read)."""
    try:
        return services.jobs.overview()
    except (redis.RedisError, OSError):
        return None


def render_jobs(overview: JobsOverview | None) -> None:
    """The "Jobs" section: per job, queued, running, waiting to retry, failed for good, the
    last success and the last error with its time."""
    st.subheader("Jobs")
    if overview is None:
        st.warning("The job queues cannot be read right now (Redis is not answering).")
        return
    where = (
        f"{len(overview.workers)} worker(s) alive"
        if overview.mode == "redis"
        else "run by this app process (no REDIS_URL)"
    )
    st.caption(f"Background jobs: {where}.")
    st.dataframe([_job_row(counts) for counts in overview.jobs], hide_index=True, width="stretch")


def _job_row(counts: JobCounts) -> dict[str, object]:
    error = counts.last_error
    if error and counts.last_error_at is not None:
        error = f"{counts.last_error_at:%Y-%m-%d %H:%M:%S} UTC: {error}"
    ok = f"{counts.last_ok_at:%Y-%m-%d %H:%M:%S} UTC" if counts.last_ok_at else "never"
    return {
        "job": counts.job,
        "queued": counts.queued,
        "running": counts.running,
        "retrying": counts.retrying,
        "failed": counts.failed,
        "last success": ok,
        "last error": error or "",
    }
