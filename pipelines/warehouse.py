"""The one place that opens DuckDB connections.

Connections are opened only inside ``with`` blocks and never held across the dbt step:
DuckDB allows one read-write process or many read-only ones, never both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def connect(
    path: str | os.PathLike | None = None, read_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse for the duration of a ``with`` block."""
    target = warehouse_path(path)
    if read_only and not target.exists():
        raise FileNotFoundError(
            f"warehouse {target} does not exist yet: run `csi run` (or `make run`) first"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def ensure_raw_schema(path: str | os.PathLike | None = None) -> None:
    """Create the raw tables (idempotent)."""
    with connect(path) as con:
        con.execute(RAW_DDL)
