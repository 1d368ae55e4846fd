"""The Alembic migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from surveillance.warehouse.db import get_engine, upgrade
from surveillance.warehouse.models import Base


def schema_differences(url: str) -> list:
    upgrade(url)
    with get_engine(url).connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), Base.metadata)


def test_sqlite_schema_matches_the_models(tmp_path) -> None:
    assert schema_differences(f"sqlite:///{tmp_path / 'w.db'}") == []


@pytest.mark.postgres
def test_postgres_schema_matches_the_models(pg_url: str) -> None:
    assert schema_differences(pg_url) == []
