"""Content-addressed storage of fetched documents in the warehouse's raw schema.

Every body is stored once (raw.bodies keyed by sha256); a document is identified by its
source and content (``<source>:<sha256[:16]>``), so re-running never duplicates a document
and a changed page becomes a new document. Each harvest (a source, or one batch of a local
folder) is written in one transaction: a failure rolls back only that harvest's new rows
and never touches earlier documents. raw.local_files remembers each local file's size and
mtime when it was stored, so a rerun reads only files that changed.
"""

from __future__ import annotations

import hashlib
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from pipelines.ingest.connectors import SourceHarvest
from pipelines.warehouse import connect, rollback_quietly


def document_id(source: str, sha256: str) -> str:
    return f"{source}:{sha256[:16]}"


@dataclass
class StoreOutcome:
    source: str
    new_documents: int = 0
    existing_documents: int = 0
    failed_fetches: int = 0
    errors: list[str] | None = None
    facts: int = 0  # xbrl facts upserted


def load_validators(warehouse: str, source: str) -> dict[str, tuple[str | None, str | None]]:
    """Latest ETag / Last-Modified per URL of a source, for conditional GET."""
    with connect(warehouse) as con:
        rows = con.execute(
            """
            select url, etag, last_modified from (
                select url, etag, last_modified,
                       row_number() over (partition by url order by fetched_at desc) as rn
                from raw.documents
                where source = ? and (etag is not null or last_modified is not null)
            ) where rn = 1
            """,
            [source],
        ).fetchall()
    return {url: (etag, modified) for url, etag, modified in rows}


def known_documents(con, source: str) -> set[str]:
    """Document ids already stored for a source."""
    rows = con.execute("select document_id from raw.documents where source = ?", [source])
    return {r[0] for r in rows.fetchall()}


def local_file_stats(con, source: str) -> dict[str, tuple[int, int]]:
    """(size, mtime_ns) per file URI of a local source when it was last stored, for files
    whose document is still in raw.documents."""
    rows = con.execute(
        """
        select f.url, f.bytes, f.mtime_ns
        from raw.local_files f join raw.documents d using (document_id)
        where f.source = ?
        """,
        [source],
    ).fetchall()
    return {url: (size, mtime) for url, size, mtime in rows}


def _insert(con, table: str, columns: list[str], rows: list[tuple], *, replace=False) -> None:
    """One INSERT ... SELECT from a DataFrame (executemany is row-at-a-time and slow);
    ``replace``: rows whose key exists replace it."""
    if not rows:
        return
    frame = pd.DataFrame.from_records(rows, columns=columns)
    con.register("_store_rows", frame)
    try:
        names = ", ".join(columns)
        verb = "insert or replace" if replace else "insert"
        con.execute(f"{verb} into {table} ({names}) select {names} from _store_rows")
    finally:
        con.unregister("_store_rows")


_DOC_COLUMNS = [
    "document_id", "source", "kind", "genre", "url", "final_url", "fetched_at", "http_status",
    "content_type", "sha256", "bytes", "feed_title", "feed_published_at", "etag",
    "last_modified",
]  # fmt: skip
_LOG_COLUMNS = [
    "attempt_id", "run_id", "source", "url", "attempted_at", "attempt", "http_status",
    "outcome", "error", "elapsed_ms", "bytes", "document_id",
]  # fmt: skip
_LOCAL_COLUMNS = ["source", "url", "bytes", "mtime_ns", "document_id", "seen_at"]


def store_harvest(
    warehouse: str,
    *,
    run_id: str,
    source: str,
    kind: str,
    genre: str,
    harvest: SourceHarvest,
    known: set[str] | None = None,
    con=None,
) -> StoreOutcome:
    """Write one harvest's documents, bodies and fetch-log rows in a single transaction.

    ``known``: the source's stored document ids, when the caller stores a source in several
    harvests (it is updated with the new ones); read from the warehouse otherwise.
    ``con``: an open warehouse connection to write with (one per source saves a checkpoint
    per harvest); the warehouse is opened for this harvest otherwise."""
    with nullcontext(con) if con is not None else connect(warehouse) as con:
        return _write_harvest(
            con, run_id=run_id, source=source, kind=kind, genre=genre, harvest=harvest, known=known
        )


def _write_harvest(
    con, *, run_id: str, source: str, kind: str, genre: str, harvest: SourceHarvest, known
) -> StoreOutcome:
    outcome = StoreOutcome(source=source, errors=[], existing_documents=harvest.unchanged)
    fetched_at = datetime.now(UTC).replace(tzinfo=None)
    doc_rows, body_rows, doc_for_url, file_rows = [], {}, {}, []
    if known is None:
        known = known_documents(con, source)
    for doc in harvest.documents:
        sha = hashlib.sha256(doc.body).hexdigest()
        did = document_id(source, sha)
        doc_for_url[doc.url] = did
        if doc.file_stat is not None:
            file_rows.append((source, doc.url, *doc.file_stat, did, fetched_at))
        if did in known:
            outcome.existing_documents += 1
            continue
        known.add(did)
        outcome.new_documents += 1
        body_rows[sha] = doc.body
        doc_rows.append(
            (
                did,
                source,
                kind,
                genre,
                doc.url,
                doc.final_url,
                fetched_at,
                doc.http_status,
                doc.content_type,
                sha,
                len(doc.body),
                doc.feed_title,
                doc.feed_published_at,
                doc.etag,
                doc.last_modified,
            )
        )
    log_rows = []
    new_ids = {row[0] for row in doc_rows}
    for entry in harvest.log:
        outcome_name = entry.outcome
        did = doc_for_url.get(entry.url) if entry.outcome == "ok" else None
        if entry.outcome == "ok" and did is not None:
            outcome_name = "stored" if did in new_ids else "duplicate"
            new_ids.discard(did)
        elif entry.outcome in ("http_error", "error", "skipped"):
            outcome.failed_fetches += 1
            if entry.error:
                outcome.errors.append(f"{entry.url}: {entry.error}")
        log_rows.append(
            (
                str(uuid.uuid4()),
                run_id,
                source,
                entry.url,
                entry.attempted_at,
                entry.attempt,
                entry.http_status,
                outcome_name,
                entry.error,
                entry.elapsed_ms,
                entry.bytes,
                did,
            )
        )
    if harvest.fatal and not any(e.endswith(f": {harvest.fatal}") for e in outcome.errors):
        outcome.errors.append(harvest.fatal)  # unless its log entry already said it
    con.execute("begin transaction")
    try:
        if body_rows:
            existing = {
                r[0]
                for r in con.execute(
                    "select sha256 from raw.bodies where sha256 in (select unnest(?))",
                    [list(body_rows)],
                ).fetchall()
            }
            new_bodies = [(s, b) for s, b in body_rows.items() if s not in existing]
            _insert(con, "raw.bodies", ["sha256", "body"], new_bodies)
        _insert(con, "raw.documents", _DOC_COLUMNS, doc_rows)
        _insert(con, "raw.fetch_log", _LOG_COLUMNS, log_rows)
        _insert(con, "raw.local_files", _LOCAL_COLUMNS, file_rows, replace=True)
        if harvest.facts:
            outcome.facts = _upsert_facts(con, source, harvest, doc_for_url, fetched_at)
        con.execute("commit")
    except Exception:
        rollback_quietly(con)
        known.difference_update(r[0] for r in doc_rows)
        raise
    return outcome


_FACT_COLUMNS = (
    "fact_id, cik, company, taxonomy, concept, unit, fiscal_year, fiscal_period, period_start, "
    "period_end, value, form, filed, accession, frame, source, document_id, loaded_at"
)
_FACT_UPDATES = ", ".join(
    f"{c} = excluded.{c}"
    for c in _FACT_COLUMNS.split(", ")
    if c not in ("fact_id", "cik", "taxonomy", "concept", "unit", "period_end", "accession")
)


def _upsert_facts(con, source: str, harvest: SourceHarvest, doc_for_url, loaded_at) -> int:
    """Insert or update raw.xbrl_facts rows keyed by fact_id; returns the rows written."""
    rows = {}
    for f in harvest.facts:
        rows[f.fact_id] = (
            f.fact_id,
            f.cik,
            f.company,
            f.taxonomy,
            f.concept,
            f.unit,
            f.fiscal_year,
            f.fiscal_period,
            f.period_start,
            f.period_end,
            f.value,
            f.form,
            f.filed,
            f.accession,
            f.frame,
            source,
            doc_for_url.get(f.url),
            loaded_at,
        )
    con.executemany(
        f"insert into raw.xbrl_facts ({_FACT_COLUMNS}) values "
        f"({', '.join('?' * len(_FACT_COLUMNS.split(', ')))}) "
        f"on conflict (fact_id) do update set {_FACT_UPDATES}",
        list(rows.values()),
    )
    return len(rows)
