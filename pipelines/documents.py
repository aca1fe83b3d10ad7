"""Parse and extract stages over the warehouse: only new documents are processed.

The work itself is pure (``pipelines.extract``); this module moves rows between the raw
tables. Documents are content-addressed, so a document parsed or extracted once is never
processed again unless the extractor version changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from pipelines.extract.gazetteer import Gazetteer
from pipelines.extract.html import parse_document
from pipelines.extract.mentions import EXTRACTOR_VERSION, extract_mentions
from pipelines.extract.schema import validate_mentions
from pipelines.warehouse import connect, ensure_raw_schema

BATCH = 500


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class StageReport:
    processed: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)
    produced: int = 0


def parse_new_documents(
    warehouse: str, progress: Callable[[str], None] = lambda _m: None
) -> StageReport:
    """Parse every stored document that has no raw.parsed_documents row yet."""
    ensure_raw_schema(warehouse)
    report = StageReport()
    with connect(warehouse) as con:
        todo = con.execute(
            """
            select d.document_id, d.url, d.content_type, d.feed_title, d.feed_published_at,
                   d.fetched_at, b.body
            from raw.documents d join raw.bodies b using (sha256)
            where d.document_id not in (select document_id from raw.parsed_documents)
              and d.kind <> 'xbrl_facts'  -- company facts are data (raw.xbrl_facts), not text
            order by d.document_id
            """
        ).fetchall()
        rows = []
        for i, (doc_id, url, ctype, feed_title, feed_pub, fetched_at, body) in enumerate(todo):
            try:
                parsed = parse_document(
                    bytes(body), ctype, url, feed_title=feed_title, feed_published_at=feed_pub
                )
            except Exception as exc:  # one bad document never stops the stage
                report.failures.append(f"{doc_id} ({url}): {type(exc).__name__}: {exc}")
                continue
            published, source = parsed.published_at, parsed.published_from
            if published is None:
                published, source = fetched_at, "fetched"
            rows.append(
                (
                    doc_id,
                    parsed.title,
                    published,
                    source,
                    parsed.text,
                    len(parsed.text),
                    parsed.parser,
                    _utcnow(),
                )
            )
            if (i + 1) % BATCH == 0:
                progress(f"parsed {i + 1}/{len(todo)} documents")
        if rows:
            con.executemany("insert into raw.parsed_documents values (?,?,?,?,?,?,?,?)", rows)
        report.processed = len(rows)
        report.produced = len(rows)
    return report


def extract_new_mentions(
    warehouse: str,
    gazetteer: Gazetteer | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> tuple[StageReport, pd.DataFrame]:
    """Extract deal mentions from parsed documents the current extractor has not seen.

    Returns the report and the validated DataFrame of new mentions.
    """
    ensure_raw_schema(warehouse)
    gazetteer = gazetteer or Gazetteer.load()
    report = StageReport()
    with connect(warehouse) as con:
        todo = con.execute(
            """
            select p.document_id, p.title, p.published_at, p.text
            from raw.parsed_documents p
            left join raw.extraction_log l
              on l.document_id = p.document_id and l.extractor_version = ?
            where l.document_id is null
            order by p.document_id
            """,
            [EXTRACTOR_VERSION],
        ).fetchall()
    records, log_rows, now = [], [], _utcnow()
    for i, (doc_id, title, published_at, text) in enumerate(todo):
        try:
            mentions = extract_mentions(
                text,
                title=title,
                published_at=published_at.date() if published_at else None,
                gazetteer=gazetteer,
            )
        except Exception as exc:
            report.failures.append(f"{doc_id}: {type(exc).__name__}: {exc}")
            continue
        for n, m in enumerate(mentions):
            rec = {k: getattr(m, k) for k in MENTION_FIELDS}
            rec.update(mention_id=f"{doc_id}#{n}", document_id=doc_id, mention_index=n)
            records.append(rec)
        log_rows.append((doc_id, len(mentions), EXTRACTOR_VERSION, now))
        if (i + 1) % BATCH == 0:
            progress(f"extracted {i + 1}/{len(todo)} documents")
    frame = pd.DataFrame.from_records(records, columns=MENTION_COLUMNS)
    frame = validate_mentions(frame)  # raises, naming the offending rows; nothing is written
    frame["extractor_version"] = EXTRACTOR_VERSION
    frame["extracted_at"] = now
    with connect(warehouse) as con:
        con.execute("begin transaction")
        try:
            done = [r[0] for r in log_rows]
            if done:
                # a new extractor version replaces that document's earlier mentions
                con.execute(
                    "delete from raw.deal_mentions where document_id in (select unnest(?))",
                    [done],
                )
                con.execute(
                    "delete from raw.extraction_log where document_id in (select unnest(?))",
                    [done],
                )
                con.executemany("insert into raw.extraction_log values (?,?,?,?)", log_rows)
            if not frame.empty:
                con.register("new_mentions", frame[RAW_MENTION_ORDER])
                con.execute("insert into raw.deal_mentions select * from new_mentions")
                con.unregister("new_mentions")
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    report.processed = len(log_rows)
    report.produced = len(frame)
    return report, frame


MENTION_FIELDS = (
    "buyer",
    "provider",
    "buyer_text",
    "provider_text",
    "deal_type",
    "value_usd",
    "value_qualifier",
    "value_text",
    "currency",
    "duration_years",
    "end_date",
    "gpu_model",
    "gpu_count",
    "power_mw",
    "announced_on",
    "evidence",
    "evidence_start",
    "evidence_end",
    "confidence",
)
MENTION_COLUMNS = ["mention_id", "document_id", "mention_index", *MENTION_FIELDS]
RAW_MENTION_ORDER = [*MENTION_COLUMNS, "extractor_version", "extracted_at"]
