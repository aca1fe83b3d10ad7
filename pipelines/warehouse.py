"""The one place that opens DuckDB connections.

Connections are opened only inside ``with`` blocks and never held across the dbt step:
DuckDB allows one read-write process or many read-only ones, never both.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "warehouse.duckdb"
SCHEMAS = ("raw", "staging", "intermediate", "marts", "analytics")

# Tables written by Python assets. dbt reads them as sources (dbt_project/models/staging).
RAW_DDL = """
create schema if not exists raw;
create schema if not exists analytics;

create table if not exists raw.bodies (
    sha256 varchar primary key,
    body blob not null
);

create table if not exists raw.documents (
    document_id varchar primary key,   -- '<source>:<first 16 hex of sha256>'
    source varchar not null,
    kind varchar not null,             -- rss | html_index | sec_edgar | xbrl_facts | local
    genre varchar not null,            -- filing | press_release | news
    url varchar not null,
    final_url varchar,
    fetched_at timestamp not null,
    http_status integer,
    content_type varchar,
    sha256 varchar not null,
    bytes bigint not null,
    feed_title varchar,                -- title given by the feed / index, if any
    feed_published_at timestamp,       -- date given by the feed / filing index, if any
    etag varchar,
    last_modified varchar
);

create table if not exists raw.fetch_log (
    attempt_id varchar primary key,
    run_id varchar not null,
    source varchar not null,
    url varchar not null,
    attempted_at timestamp not null,
    attempt integer not null,
    http_status integer,
    -- stored | duplicate | unchanged | ok (feed/listing page) | http_error | error | skipped
    outcome varchar not null,
    error varchar,
    elapsed_ms double,
    bytes bigint,
    document_id varchar
);

-- local sources: each file's size and mtime when last stored; a rerun reads only changed files
create table if not exists raw.local_files (
    source varchar not null,
    url varchar not null,              -- file:// URI, as raw.documents.url
    bytes bigint not null,
    mtime_ns bigint not null,
    document_id varchar not null,
    seen_at timestamp not null,
    primary key (source, url)
);

-- SEC XBRL company facts (xbrl_facts sources) as tidy rows; re-fetching upserts, never duplicates.
create table if not exists raw.xbrl_facts (
    fact_id varchar primary key,       -- 'cik|taxonomy:concept|unit|start|end|form|accession'
    cik bigint not null,
    company varchar,                   -- entityName in the companyfacts file
    taxonomy varchar not null,         -- us-gaap | ifrs-full | dei ...
    concept varchar not null,          -- e.g. PaymentsToAcquirePropertyPlantAndEquipment
    unit varchar not null,             -- e.g. USD
    fiscal_year integer,               -- SEC 'fy': fiscal year of the FILING, not of the period
    fiscal_period varchar,             -- SEC 'fp': FY | Q1 | Q2 | Q3 | Q4 (of the filing)
    period_start date,                 -- NULL for instant facts
    period_end date not null,
    value double not null,
    form varchar,                      -- 10-K, 10-Q, 20-F ...
    filed date,
    accession varchar not null,        -- accession number of the filing that reported it
    frame varchar,                     -- SEC calendar frame (CY2024), set on one fact per period
    source varchar not null,
    document_id varchar,               -- the companyfacts document the row was read from
    loaded_at timestamp not null
);

create table if not exists raw.parsed_documents (
    document_id varchar primary key,
    title varchar,
    published_at timestamp,
    published_from varchar,            -- jsonld | meta | feed | text | fetched
    text varchar not null,
    text_chars integer not null,
    parser varchar not null,
    parsed_at timestamp not null
);

create table if not exists raw.deal_mentions (
    mention_id varchar primary key,    -- '<document_id>#<n>'
    document_id varchar not null,
    mention_index integer not null,
    buyer varchar not null,
    provider varchar not null,
    buyer_text varchar,
    provider_text varchar,
    deal_type varchar not null,
    value_usd double,
    value_qualifier varchar,
    value_text varchar,
    currency varchar,
    duration_years double,
    end_date date,
    gpu_model varchar,
    gpu_count bigint,
    power_mw double,
    announced_on date,
    evidence varchar not null,
    evidence_start integer not null,
    evidence_end integer not null,
    confidence double not null,
    extractor_version varchar not null,
    extracted_at timestamp not null
);

-- mentions the schema refused (a value above $10T, a date outside 1995..next year, ...), one
-- row each with the reason; the rest of their document and chunk is stored as usual
create table if not exists raw.rejected_mentions (
    mention_id varchar primary key,
    document_id varchar not null,
    reason varchar not null,
    record varchar not null,           -- the refused mention as JSON
    extractor_version varchar not null,
    rejected_at timestamp not null
);

create table if not exists raw.extraction_log (
    document_id varchar primary key,   -- one row per document the extractor has seen
    mentions integer not null,
    extractor_version varchar not null,
    extracted_at timestamp not null
);
"""


def warehouse_path(path: str | os.PathLike | None = None) -> Path:
    """Resolve the warehouse path: explicit argument, then $CSI_WAREHOUSE, then the default."""
    chosen = path or os.environ.get("CSI_WAREHOUSE") or DEFAULT_WAREHOUSE
    return Path(chosen).expanduser().resolve()


def snapshot_path(path: str | os.PathLike | None = None) -> Path:
    """Where the copy of the last completed run lives (read when a writer is busy)."""
    target = warehouse_path(path)
    return target.with_name(f"{target.stem}.snapshot{target.suffix}")


def _lock_path(target: Path) -> Path:
    return target.with_name(f"{target.name}.lock")


# Warehouse files this process holds the write lock on, with a nesting depth.
_HELD: dict[Path, list[int]] = {}


@contextmanager
def write_lock(
    path: str | os.PathLike | None = None, on_wait: Callable[[str], None] | None = None
) -> Iterator[Path]:
    """Hold the warehouse's exclusive write lock (an advisory flock beside the file).

    Writers wait for each other and for readers instead of failing on DuckDB's file lock;
    re-entrant within a process. Released by the OS if the process dies.
    """
    target = warehouse_path(path)
    if target in _HELD:
        _HELD[target][1] += 1
        try:
            yield target
        finally:
            _HELD[target][1] -= 1
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(_lock_path(target), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait(f"waiting for another process to finish with {target}")
            fcntl.flock(fd, fcntl.LOCK_EX)
        _HELD[target] = [fd, 1]
        try:
            yield target
        finally:
            del _HELD[target]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def _shared_lock(target: Path, wait: bool) -> Iterator[bool]:
    """A reader's shared lock; yields False (without waiting) when a writer holds the file."""
    if target in _HELD:  # this process is the writer: its own reads are consistent
        yield True
        return
    fd = os.open(_lock_path(target), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# DuckDB's checkpoint tries every string compression on every column segment; its combined
# dictionary+FSST analysis costs about 0.25 s per 10 MB of HTML or text (raw.bodies,
# raw.parsed_documents) and was most of the ingest stage. Without it long strings are stored
# with zstd, which is both quicker and smaller for pages sharing an outlet's boilerplate.
# (a SET statement: DuckDB 2.0 does not apply this option from duckdb.connect(config=...))
WRITER_SETTINGS = "set disabled_compression_methods = 'dict_fsst'"


# Every read-only connection (``csi sql``, the digest, the UI's checks) is sealed: no file or
# network access outside the warehouse itself (read_csv, COPY ... TO, EXPORT, ATTACH,
# INSTALL), no extension loading, and the settings cannot be changed back.
READER_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}
# Statement kinds a reader may run: queries, EXPLAIN, and PRAGMA / CALL of built-in
# table functions (their file access is refused by READER_CONFIG).
READ_STATEMENTS = ("SELECT", "EXPLAIN", "PRAGMA", "CALL")


class QueryRefused(ValueError):
    """A query ``csi sql`` will not run: more than one statement, or one that is not a read."""


def read_only_statement(query: str) -> str:
    """The one read statement of ``query``, or :class:`QueryRefused` saying why not (empty,
    chained statements, or a kind that writes: COPY, ATTACH, INSTALL, CREATE, SET ...)."""
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise QueryRefused(str(exc)) from None
    if not statements:
        raise QueryRefused("the query has no statement that returns rows")
    if len(statements) > 1:
        raise QueryRefused(
            f"one statement per call: the query has {len(statements)} (separated by ';')"
        )
    kind = statements[0].type.name
    if kind not in READ_STATEMENTS:
        raise QueryRefused(
            f"{kind} statements are refused: csi sql only reads the warehouse "
            f"({', '.join(READ_STATEMENTS)})"
        )
    return statements[0].query


def rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failed write without hiding why it failed: when the failure already
    ended the transaction (a full disk, say), DuckDB's "cannot rollback - no transaction is
    active" would otherwise replace the real cause ("No space left on device")."""
    with suppress(duckdb.Error):
        con.execute("rollback")


LOCK_TIMEOUT_S = 600.0  # how long a writer waits for another program's DuckDB connection
_HOLDER_RE = re.compile(r"Conflicting lock is held in (?P<holder>.+?)(?:\.\s|\.?$)", re.S)


class WarehouseBusy(RuntimeError):
    """Another program kept its DuckDB connection on the warehouse past the wait."""


def _open_writer(
    target: Path, timeout: float | None = None, sleep: Callable[[float], None] = time.sleep
) -> duckdb.DuckDBPyConnection:
    """A read-write connection. If another program (a notebook, a BI tool, the duckdb
    shell) holds the file — even read-only, which DuckDB does not share with a writer —
    wait for it, saying once who holds it, up to ``timeout`` seconds
    (``CSI_LOCK_TIMEOUT``, default 600)."""
    if timeout is None:
        timeout = float(os.environ.get("CSI_LOCK_TIMEOUT") or LOCK_TIMEOUT_S)
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            con = duckdb.connect(str(target))
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            m = _HOLDER_RE.search(str(exc))
            holder = m.group("holder").strip() if m else "another program"
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"{target} is held by {holder}, which kept it for over {timeout:g} s; "
                    "close that connection (DuckDB lets no writer in while another process "
                    "has the file open, even read-only) or read the snapshot "
                    f"{snapshot_path(target)} instead, then run again"
                ) from None
            if not told:
                print(
                    f"csi: waiting for {holder} to close {target} (DuckDB allows no writer "
                    f"while another process has it open; giving up after {timeout:g} s)",
                    file=sys.stderr,
                    flush=True,
                )
                told = True
            sleep(0.5)
    con.execute(WRITER_SETTINGS)
    return con


@contextmanager
def connect(
    path: str | os.PathLike | None = None,
    read_only: bool = False,
    on_snapshot: Callable[[str], None] | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse for the duration of a ``with`` block.

    Writers take the write lock first. Readers take a shared lock, so a writer waits for
    them rather than failing; if a writer is busy, readers get the snapshot of the last
    completed run instead (or wait for the writer when there is no snapshot yet), and
    ``on_snapshot`` is told so with the snapshot's age. Readers are sealed
    (:data:`READER_CONFIG`).
    """
    target = warehouse_path(path)
    if not read_only:
        with write_lock(target):
            con = _open_writer(target)
            try:
                yield con
            finally:
                con.close()
        return
    if not target.exists():
        raise FileNotFoundError(
            f"warehouse {target} does not exist yet: run `csi run` (or `make run`) first"
        )
    snapshot = snapshot_path(target)
    with _shared_lock(target, wait=not snapshot.exists()) as got_main:
        source = target if got_main else snapshot
        if not got_main and on_snapshot is not None:
            taken = datetime.fromtimestamp(snapshot.stat().st_mtime, UTC)
            on_snapshot(
                f"a run is writing {target}: reading the snapshot of the last completed run "
                f"({taken:%Y-%m-%d %H:%M} UTC); newer data appears when the run ends"
            )
        con = duckdb.connect(str(source), read_only=True, config=READER_CONFIG)
        try:
            yield con
        finally:
            con.close()


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """Whether ``schema.name`` is a table or view on ``con``."""
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
    )


def publish_snapshot(path: str | os.PathLike | None = None) -> Path:
    """Copy the warehouse, as it is now, to the snapshot readers use while a run writes."""
    target = warehouse_path(path)
    snapshot = snapshot_path(target)
    with write_lock(target):
        con = _open_writer(target)
        try:
            con.execute("checkpoint")  # fold the WAL into the file before copying it
        finally:
            con.close()
        tmp = snapshot.with_name(snapshot.name + ".tmp")
        shutil.copyfile(target, tmp)
        os.replace(tmp, snapshot)  # readers see the old or the new snapshot, never half
    return snapshot


def ensure_raw_schema(path: str | os.PathLike | None = None) -> None:
    """Create the raw tables (idempotent)."""
    with connect(path) as con:
        con.execute(RAW_DDL)
