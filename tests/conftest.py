"""Shared fixtures. dbt never phones home from tests."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


@pytest.fixture(scope="session")
def recorded_run(tmp_path_factory):
    """The whole pipeline materialized by Dagster on the shipped recordings, once per session.

    Returns (warehouse path, digest folder, Dagster result).
    """
    from pipelines.definitions import run_everything
    from pipelines.defs.resources import CsiSettings

    root = tmp_path_factory.mktemp("recorded_run")
    warehouse = str(root / "warehouse.duckdb")
    digests = str(root / "digests")
    first, second, week = run_everything(CsiSettings(warehouse=warehouse, digest_dir=digests))
    assert first.success and second is not None and second.success
    return warehouse, digests, (first, second, week)
