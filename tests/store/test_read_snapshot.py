"""A read-only unit of work sees one snapshot on both databases: the analytics read the
rollups' coverage, then the rows it covers, and the job may commit in between."""

from __future__ import annotations

from reelmatch.bootstrap import Services
from reelmatch.store.rollup_plan import Coverage
from reelmatch.store.uow import UnitOfWork


def _save(services: Services, stop: int) -> None:
    with UnitOfWork(services.database) as uow:
        uow.rollups.save_state(Coverage(0, stop), last_event_id=0)
        uow.commit()


def test_a_commit_during_a_read_stays_out_of_it(services: Services) -> None:
    _save(services, 24)
    with UnitOfWork(services.database, read_only=True) as reading:
        assert reading.rollups.coverage() == Coverage(0, 24)
        _save(services, 25)  # the job moves the coverage on meanwhile
        assert reading.rollups.coverage() == Coverage(0, 24)
    with UnitOfWork(services.database, read_only=True) as after:
        assert after.rollups.coverage() == Coverage(0, 25)
