"""Builds the services from Settings: the one place that wires the app together.

Pages get the result through `reelmatch.ui.services()` (cached for the process); the CLI builds
its own. Tests build one per temp database with `build_services(settings, ...)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from reelmatch.catalog import Catalog
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.config import Settings, load_settings
from reelmatch.events import DiscardEvents, EventSink
from reelmatch.services.exports import ExportService
from reelmatch.services.imports import ImportLimits, ImportService
from reelmatch.services.library import LibraryService
from reelmatch.services.users import UserService
from reelmatch.store.database import Database


@dataclass
class Services:
    settings: Settings
    database: Database
    catalog: Catalog
    events: EventSink
    users: UserService
    library: LibraryService
    imports: ImportService
    exports: ExportService

    def close(self) -> None:
        self.database.dispose()


def build_catalog(settings: Settings) -> Catalog:
    return OfflineCatalog()


def build_services(
    settings: Settings | None = None,
    *,
    catalog: Catalog | None = None,
    bcrypt_rounds: int = 12,
) -> Services:
    settings = settings or load_settings()
    database = Database.from_url(settings.effective_database_url)
    catalog = catalog or build_catalog(settings)
    events: EventSink = DiscardEvents()
    library = LibraryService(database, catalog=catalog, events=events)
    return Services(
        settings=settings,
        database=database,
        catalog=catalog,
        events=events,
        users=UserService(database, bcrypt_rounds=bcrypt_rounds),
        library=library,
        imports=ImportService(
            database,
            catalog=catalog,
            events=events,
            limits=ImportLimits.from_megabytes(settings.max_upload_mb),
        ),
        exports=ExportService(library),
    )
