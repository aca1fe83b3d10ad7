"""`csi sql` and every read path are sealed: no file, network, ATTACH, INSTALL or write
escapes the warehouse, one statement per call, while plain SELECTs over every schema work."""

from __future__ import annotations

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.warehouse import SCHEMAS, connect, ensure_raw_schema, publish_snapshot


@pytest.fixture()
def warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    ensure_raw_schema(path)
    with connect(path) as con:
        for schema in SCHEMAS:
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table {schema}.probe as select '{schema}' as name, 42 as n")
    other = tmp_path / "other.duckdb"
    c = duckdb.connect(str(other))
    c.execute("create table keep as select 1 as x")
    c.close()
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:secret\n", encoding="utf-8")
    return path, other, secret


def _sql(path, query):
    return CliRunner().invoke(app, ["sql", query, "--warehouse", str(path)])


def test_plain_selects_over_every_schema_work(warehouse):
    path, _, _ = warehouse
    for schema in SCHEMAS:
        result = _sql(path, f"select name, n from {schema}.probe")
        assert result.exit_code == 0, result.output
        assert schema in result.output and "1 row" in result.output
    for query in ("show tables", "describe raw.probe", "explain select 1", "from raw.probe"):
        assert _sql(path, query).exit_code == 0, query


@pytest.mark.parametrize(
    "template, marker",
    [
        ("select * from read_csv('{secret}')", "disabled"),
        ("select * from read_text('{secret}')", "disabled"),
        ("select * from glob('{dir}/*')", "disabled"),
        ("select * from '{secret}'", "does not exist"),
        ("select * from read_csv('http://127.0.0.1:9/x.csv')", "disabled"),
        ("copy (select 1) to '{dir}/out.csv'", "COPY statements are refused"),
        ("export database '{dir}/exported'", "EXPORT statements are refused"),
        ("attach '{other}' as o", "ATTACH statements are refused"),
        ("install httpfs", "statements are refused"),
        ("load httpfs", "LOAD statements are refused"),
        ("set enable_external_access = true", "SET statements are refused"),
        ("create table raw.evil as select 1", "CREATE statements are refused"),
        ("select 1; drop table raw.probe", "one statement per call"),
        ("select 1; attach '{other}' as o; drop table o.keep", "one statement per call"),
        ("", "no statement"),
        ("select 1 as a -- ok\n", None),
        ("/* only a comment */", "no statement"),
    ],
)
def test_attacks_are_refused_with_a_clear_error(warehouse, template, marker):
    path, other, secret = warehouse
    query = template.format(secret=secret, dir=secret.parent, other=other)
    result = _sql(path, query)
    if marker is None:  # a trailing comment is part of the one statement
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1, result.output
    assert marker in result.output, result.output
    assert "root:x" not in result.output
    assert not (secret.parent / "out.csv").exists()
    assert not (secret.parent / "exported").exists()
    c = duckdb.connect(str(other), read_only=True)
    assert c.execute("select count(*) from keep").fetchone()[0] == 1
    c.close()
    assert _sql(path, "select n from raw.probe").exit_code == 0  # the warehouse is intact


def test_every_read_only_connection_is_sealed(warehouse):
    """The digest, the checks and the UI read through connect(read_only=True)."""
    path, _, secret = warehouse
    with connect(path, read_only=True) as con:
        with pytest.raises(duckdb.Error, match="disabled"):
            con.execute(f"select * from read_text('{secret}')")
        with pytest.raises(duckdb.Error):
            con.execute("set enable_external_access = true")
        with pytest.raises(duckdb.Error):
            con.execute(f"copy (select 1) to '{secret.parent}/leak.csv'")
    assert not (secret.parent / "leak.csv").exists()


def test_reading_the_snapshot_says_so(warehouse):
    path, _, _ = warehouse
    publish_snapshot(path)
    import subprocess
    import sys

    # another process holds the write lock: csi sql answers from the snapshot, and says so
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pipelines.warehouse import write_lock\n"
            f"with write_lock({str(path)!r}):\n    print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = _sql(path, "select n from raw.probe")
        assert result.exit_code == 0, result.output
        assert "reading the snapshot of the last completed run" in result.output
    finally:
        holder.kill()
        holder.wait()
