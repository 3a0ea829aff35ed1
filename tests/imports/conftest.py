"""Fixtures for the import tests: an import service wired to a recording event sink, and a
user to import for."""

from __future__ import annotations

import pytest

from reelmatch.bootstrap import Services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.domain import User
from reelmatch.services.imports import ImportService
from tests.support.events import RecordingEvents


@pytest.fixture
def events() -> RecordingEvents:
    return RecordingEvents()


@pytest.fixture
def imports(
    services: Services, offline_catalog: OfflineCatalog, events: RecordingEvents
) -> ImportService:
    return ImportService(
        services.database.unit_of_work, catalog=offline_catalog, events=events, lookup_workers=4
    )


@pytest.fixture
def alice(services: Services) -> User:
    return services.users.create_user(username="alice", password="password1")
