"""Content-addressed storage of fetched documents in the warehouse's raw schema.

Every body is stored once (raw.bodies keyed by sha256); a document is identified by its
source and content (``<source>:<sha256[:16]>``), so re-running never duplicates a document
and a changed page becomes a new document. Each source is written in one transaction:
a failure rolls back only that source's new rows and never touches earlier documents.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from pipelines.ingest.connectors import SourceHarvest
from pipelines.warehouse import connect


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


def store_harvest(
    warehouse: str, *, run_id: str, source: str, kind: str, genre: str, harvest: SourceHarvest
) -> StoreOutcome:
    """Write one source's documents, bodies and fetch-log rows in a single transaction."""
    outcome = StoreOutcome(source=source, errors=[])
    fetched_at = datetime.now(UTC).replace(tzinfo=None)
    doc_rows, body_rows, doc_for_url = [], {}, {}
    with connect(warehouse) as con:
        known = {
            r[0]
            for r in con.execute(
                "select document_id from raw.documents where source = ?", [source]
            ).fetchall()
        }
        for doc in harvest.documents:
            sha = hashlib.sha256(doc.body).hexdigest()
            did = document_id(source, sha)
            doc_for_url[doc.url] = did
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
        if harvest.fatal:
            outcome.errors.append(harvest.fatal)
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
                if new_bodies:
                    con.executemany("insert into raw.bodies values (?, ?)", new_bodies)
            if doc_rows:
                con.executemany(
                    "insert into raw.documents values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", doc_rows
                )
            if log_rows:
                con.executemany(
                    "insert into raw.fetch_log values (?,?,?,?,?,?,?,?,?,?,?,?)", log_rows
                )
            if harvest.facts:
                outcome.facts = _upsert_facts(con, source, harvest, doc_for_url, fetched_at)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
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
