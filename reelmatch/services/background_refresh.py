"""The metadata refresher on a daemon thread, for the app process.

Passes run shortly after `start()`, then every `interval` seconds, and right away when
`wake()` is called (the app calls it after an import). A pass that made progress and left
rows behind is followed by the next one at once (the refresher paces itself). After a failure
(TMDB down, the database gone, a bug) the thread logs it and waits `retry_delay`, doubling up
to `max_retry_delay`, then tries again: nothing is lost, the rows just stay stale meanwhile.
No page ever waits for this thread, and nothing it does can raise into one.
"""

from __future__ import annotations

import logging

from reelmatch.services.metadata_refresh import MetadataRefresher, RefreshReport
from reelmatch.services.repeater import Repeater

log = logging.getLogger(__name__)

#: Movies one pass refreshes at most before the thread looks at its events again.
PASS_LIMIT = 500


class BackgroundRefresher:
    def __init__(
        self,
        refresher: MetadataRefresher,
        *,
        first_delay: float = 10.0,
        interval: float = 300.0,
        retry_delay: float = 30.0,
        max_retry_delay: float = 900.0,
        pass_limit: int = PASS_LIMIT,
    ) -> None:
        self.refresher = refresher
        self._interval = interval
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._pass_limit = pass_limit
        self._delay = retry_delay
        self._thread = Repeater(
            self._step, name="reelmatch-metadata-refresh", first_delay=first_delay
        )
        #: The last pass's report (None before the first pass or after a crash).
        self.last_report: RefreshReport | None = None
        self.passes = 0

    @property
    def running(self) -> bool:
        return self._thread.running

    def start(self) -> None:
        """Start the thread (once; later calls do nothing)."""
        self._thread.start()

    def wake(self) -> None:
        """Run a pass now rather than at the next interval (no-op if not started)."""
        self._thread.wake()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to finish (the current batch completes) and wait up to `timeout`."""
        self._thread.stop(timeout)

    def _step(self) -> float:
        """One pass; the seconds until the next one."""
        report = self._pass()
        if report is None or report.failed:
            pause, self._delay = self._delay, min(self._delay * 2, self._max_retry_delay)
            return pause
        self._delay = self._retry_delay
        return 0.0 if report.progressed and report.remaining else self._interval

    def _pass(self) -> RefreshReport | None:
        report: RefreshReport | None = None
        try:
            report = self.refresher.refresh(limit=self._pass_limit, wait=self._thread.sleep)
        except Exception:
            log.exception("metadata refresh failed; trying again later")
        if report is not None and report.failed:
            log.warning("metadata refresh stopped: %s Trying again later.", report.error)
        self.last_report = report
        self.passes += 1
        return report
