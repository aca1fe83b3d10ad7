"""dbt models as Dagster assets (dagster-dbt). dbt sources map to the Python assets upstream."""

import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from pipelines.defs.resources import CsiSettings
from pipelines.warehouse import PROJECT_ROOT, warehouse_path, write_lock

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def dbt_env(warehouse: str | None = None) -> dict[str, str]:
    """Environment for every dbt call: the warehouse path and no usage tracking."""
    env = dict(os.environ)
    env["CSI_WAREHOUSE"] = str(warehouse_path(warehouse))
    env["DO_NOT_TRACK"] = "1"
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return env


def _newest_source_mtime() -> float:
    newest = 0.0
    for sub in ("models", "seeds", "macros", "tests"):
        for path in (DBT_PROJECT_DIR / sub).rglob("*"):
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    for name in ("dbt_project.yml", "profiles.yml"):
        newest = max(newest, (DBT_PROJECT_DIR / name).stat().st_mtime)
    return newest


def ensure_manifest() -> Path:
    """Run `dbt parse` when the manifest is missing or older than the dbt project files.

    A fresh clone has no manifest, and @dbt_assets needs one to build the asset graph; this
    makes the CLI, the tests and `dagster dev` all load without a separate step.
    """
    manifest = dbt_project.manifest_path
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime():
        return manifest
    proc = subprocess.run(
        [
            DBT_EXECUTABLE,
            "parse",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--quiet",
        ],
        env=dbt_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dbt parse failed in {DBT_PROJECT_DIR}:\n{proc.stdout}\n{proc.stderr}")
    return manifest


# What a pipeline run builds: models, seeds and data tests. dbt unit tests check model logic
# on fixed inputs, so they belong to development and CI, as dbt advises: `make test` runs them
# (tests/test_dbt_models.py) and a run skips them (about 2 s of a 1 % rerun's dbt build).
BUILD_ARGS = ["build", "--exclude-resource-type", "unit_test"]


class CsiDbtTranslator(DagsterDbtTranslator):
    """Every dbt node sits in the 'warehouse' group; sources keep their meta asset keys."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "warehouse"


ensure_manifest()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    # raw.documents and raw.fetch_log are both written by the raw_documents asset
    dagster_dbt_translator=CsiDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_duplicate_source_asset_keys=True)
    ),
    pool="warehouse",
)
def warehouse_models(context: AssetExecutionContext, dbt: DbtCliResource, csi: CsiSettings):
    """dbt build: staging, intermediate and marts models, seeds and their tests."""
    previous = os.environ.get("CSI_WAREHOUSE")
    os.environ["CSI_WAREHOUSE"] = csi.warehouse_file  # dbt's profile reads it
    # dbt opens the DuckDB file itself: hold the warehouse write lock for its whole run
    with write_lock(csi.warehouse_file, on_wait=context.log.info):
        args = [*BUILD_ARGS, "--full-refresh"] if csi.dbt_full_refresh else BUILD_ARGS
        invocation = dbt.cli(args, context=context)
        try:
            yield from invocation.stream()
        finally:
            _restore_env(previous)
        statuses = Counter(
            r["status"] for r in invocation.get_artifact("run_results.json")["results"]
        )
        context.log.info(
            "dbt build: " + ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
        )
        prune_invocation_targets(Path(invocation.target_path))


def prune_invocation_targets(keep: Path) -> int:
    """Remove the per-run folders dagster-dbt leaves in dbt_project/target (about 4 MB a
    run), all but ``keep`` (the last run's, for reading its logs and artifacts). Called
    under the warehouse write lock, so no other dbt run is using one."""
    removed = 0
    for folder in keep.parent.glob("warehouse_models-*"):
        if folder.is_dir() and folder.resolve() != keep.resolve():
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _restore_env(previous: str | None) -> None:
    if previous is None:
        os.environ.pop("CSI_WAREHOUSE", None)
    else:
        os.environ["CSI_WAREHOUSE"] = previous


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project, profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=DBT_EXECUTABLE
    )
