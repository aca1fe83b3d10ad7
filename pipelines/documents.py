"""Parse and extract stages over the warehouse: only new documents are processed.

The work itself is pure (``pipelines.extract``); this module moves rows between the raw
tables. Documents are content-addressed, so a document parsed or extracted once is never
processed again unless the extractor version changes.

Speed (see bench/): a cheap pre-filter (``pipelines.extract.prefilter``) lets pages that
cannot report a deal skip trafilatura (they are stored with the quick lxml text, parser
``lxml-prefilter+<extractor version>``, and the extract stage logs them without reading
them); the work runs in a pool of worker processes, one per core (``CSI_WORKERS``
overrides). The backlog is one streamed query, read ``CHUNK`` rows at a time: the workers
process one chunk while this process reads the next and writes the previous one (one
``INSERT ... SELECT`` from a DataFrame), so memory holds a few chunks of bodies rather than
the whole backlog, and each document is read once.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from pipelines.extract.gazetteer import Gazetteer
from pipelines.extract.html import parse_document
from pipelines.extract.mentions import EXTRACTOR_VERSION, extract_mentions
from pipelines.extract.prefilter import (
    LOST_TEXT_CHARS,
    PARSER_PREFILTER,
    PREFILTER_PREFIX,
    markup_text_chars,
    may_report_deal,
    quick_parse,
)
from pipelines.extract.schema import plausible_date, split_mentions
from pipelines.parallel import worker_count
from pipelines.warehouse import connect, ensure_raw_schema, rollback_quietly

CHUNK = 1000  # documents read, parsed and written per round trip to the warehouse
POOL_MIN = 200  # fewer new documents than this are processed in-process (no pool start-up)


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class StageReport:
    processed: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)
    produced: int = 0
    rejected: int = 0  # mentions quarantined in raw.rejected_mentions
    warnings: list[str] = field(default_factory=list)  # per-document notes (a date refused)


# --------------------------------------------------------------------------- workers
_GAZETTEER: Gazetteer | None = None


def _init_worker(gazetteer: Gazetteer | None = None) -> None:
    global _GAZETTEER
    _GAZETTEER = gazetteer or Gazetteer.load()


def _parse_one(row: tuple) -> tuple:
    """(a raw.parsed_documents row, warning or None) for one stored document, or
    (document_id, error)."""
    doc_id, url, ctype, feed_title, feed_pub, fetched_at, body = row
    gazetteer = _GAZETTEER or Gazetteer.load()
    body = bytes(body)
    try:
        quick = quick_parse(body, ctype, url)
        if quick is not None and not may_report_deal(quick[0] or feed_title, quick[3], gazetteer):
            title, published, source, text = quick
            title, parser = title or feed_title, PARSER_PREFILTER
        else:
            parsed = parse_document(
                body, ctype, url, feed_title=feed_title, feed_published_at=feed_pub
            )
            title, published, source = parsed.title, parsed.published_at, parsed.published_from
            text, parser = parsed.text, parsed.parser
    except Exception as exc:  # one bad document never stops the stage
        return (doc_id, f"{doc_id} ({url}): {type(exc).__name__}: {exc}")
    warning = None
    if not text.strip() and body and parser != PARSER_PREFILTER:
        lost = markup_text_chars(body.decode("utf-8", "replace"))
        if lost >= LOST_TEXT_CHARS:
            warning = (
                f"{doc_id} ({url}): the parse kept no text from a page with about {lost:,} "
                "characters of text (markup nested too deep or broken?); stored empty"
            )
    if published is not None and not plausible_date(published, fetched_at):
        warning = warning or (
            f"{doc_id} ({url}): publication date {published:%Y-%m-%d} ({source}) is outside "
            f"1995..a year after the fetch; not used"
        )
        published = None
    if feed_pub is not None and not plausible_date(feed_pub, fetched_at):
        warning = warning or (
            f"{doc_id} ({url}): feed date {feed_pub:%Y-%m-%d} is outside 1995..a year after "
            "the fetch; not used"
        )
        feed_pub = None
    if published is None and feed_pub is not None:
        published, source = feed_pub, "feed"
    if published is None:
        published, source = fetched_at, "fetched"
    return (doc_id, title, published, source, text, len(text), parser, _utcnow()), warning


def _extract_one(row: tuple) -> tuple:
    """(document_id, mention records or None, error or None) for one parsed document."""
    doc_id, title, published_at, text, parser = row
    gazetteer = _GAZETTEER or Gazetteer.load()
    try:
        # a page pre-filtered under an older extractor is checked again with today's cues
        if parser.startswith(PREFILTER_PREFIX) and not may_report_deal(title, text, gazetteer):
            return doc_id, [], None
        mentions = extract_mentions(
            text,
            title=title,
            published_at=published_at.date() if published_at else None,
            gazetteer=gazetteer,
        )
    except Exception as exc:
        return doc_id, None, f"{doc_id}: {type(exc).__name__}: {exc}"
    return doc_id, [{k: getattr(m, k) for k in MENTION_FIELDS} for m in mentions], None


@dataclass
class _Done:
    results: list

    def get(self) -> list:
        return self.results


@dataclass
class _Pending:
    futures: list[Future]

    def get(self) -> list:
        return [out for future in self.futures for out in future.result()]


def _map(fn: Callable, rows: list) -> list:
    return [fn(r) for r in rows]


class WorkerDied(RuntimeError):
    """A worker process ended without returning (killed, out of memory, crashed)."""


class _Workers:
    """A process pool (forkserver: safe under Dagster's threads) or, for one worker or a
    small backlog, plain in-process calls. Started before any warehouse connection opens.

    concurrent.futures rather than multiprocessing.Pool: when a worker dies (the kernel's
    out-of-memory killer, a crash in a C extension), Pool loses the task and waits for it
    forever, while the executor fails every pending task with BrokenProcessPool."""

    def __init__(self, workers: int, backlog: int, gazetteer: Gazetteer | None):
        self.pool = None
        self.workers = workers
        if workers > 1 and backlog >= POOL_MIN:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(["pipelines.extract.mentions", "pipelines.extract.html"])
            # the caller's gazetteer (pickled once per worker), else each loads the default
            self.pool = ProcessPoolExecutor(
                workers, mp_context=ctx, initializer=_init_worker, initargs=(gazetteer,)
            )
        else:
            _init_worker(gazetteer)

    def submit(self, fn: Callable, rows: list):
        """Start ``fn`` over ``rows``; the returned object's ``get()`` gives the results in
        order (in-process: computed now)."""
        if self.pool is None:
            return _Done([fn(r) for r in rows])
        size = max(1, min(64, len(rows) // (4 * self.workers)))
        return _Pending(
            [self.pool.submit(_map, fn, rows[i : i + size]) for i in range(0, len(rows), size)]
        )

    def run(self, fn: Callable, batches: Iterator[list], depth: int = 2) -> Iterator[list]:
        """Results of ``fn`` per batch, in order, with up to ``depth`` batches in flight: the
        workers process one batch while this process reads the next and writes the last.
        Raises :class:`WorkerDied` if a worker process dies."""
        pending: deque = deque()
        try:
            for rows in batches:
                pending.append(self.submit(fn, rows))
                if len(pending) >= depth:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
        except BrokenProcessPool as exc:
            raise WorkerDied(
                f"a worker process died (killed, out of memory or crashed): {exc}"
            ) from exc

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _batches(result, size: int) -> Iterator[list]:
    """Rows of a DuckDB query result, ``size`` at a time (streamed, not materialised)."""
    while rows := result.fetchmany(size):
        yield rows


# --------------------------------------------------------------------------- stages
_UNPARSED = """
    where d.kind <> 'xbrl_facts'  -- company facts are data (raw.xbrl_facts), not text
      and not exists (select 1 from raw.parsed_documents p where p.document_id = d.document_id)
"""


def parse_new_documents(
    warehouse: str,
    progress: Callable[[str], None] = lambda _m: None,
    *,
    workers: int | None = None,
) -> StageReport:
    """Parse every stored document that has no raw.parsed_documents row yet."""
    ensure_raw_schema(warehouse)
    report = StageReport()
    backlog: dict[str, list[tuple]] = {}  # sha256 -> its unparsed documents' fields
    with connect(warehouse) as con:
        for sha, *doc in con.execute(
            f"""
            select d.sha256, d.document_id, d.url, d.content_type, d.feed_title,
                   d.feed_published_at, d.fetched_at
            from raw.documents d {_UNPARSED}
            """
        ).fetchall():
            backlog.setdefault(sha, []).append(tuple(doc))
    total = sum(len(docs) for docs in backlog.values())
    if not total:
        return report
    pool = _Workers(worker_count(workers), total, None)
    try:
        with connect(warehouse) as con:
            reader = con.cursor()  # streams the bodies while ``con`` writes each chunk
            # a semi-join: DuckDB builds its hash table on the wanted hashes, where an inner
            # join with raw.documents built it on every body (1 GB at 100,000 pages)
            result = reader.execute(
                f"""
                select sha256, body from raw.bodies
                where sha256 in (select d.sha256 from raw.documents d {_UNPARSED})
                """
            )
            tasks = (
                [(*doc, body) for sha, body in rows for doc in backlog.pop(sha, ())]
                for rows in _batches(result, CHUNK)
            )
            try:
                for outs in pool.run(_parse_one, tasks):
                    rows = []
                    for out in outs:
                        if isinstance(out[0], str):
                            report.failures.append(out[1])
                            continue
                        rows.append(out[0])
                        if out[1]:
                            report.warnings.append(out[1])
                    if rows:
                        frame = pd.DataFrame.from_records(rows, columns=PARSED_COLUMNS)
                        con.register("new_parsed", frame)
                        con.execute("insert into raw.parsed_documents select * from new_parsed")
                        con.unregister("new_parsed")
                    report.processed += len(rows)
                    progress(f"parsed {report.processed:,}/{total:,} documents")
            except WorkerDied as exc:
                raise WorkerDied(
                    f"parse stage in {warehouse}: {exc}. {report.processed:,} of {total:,} "
                    "new documents were parsed and stored before it; run again to parse the "
                    "rest (stored documents are not parsed twice)."
                ) from exc
            reader.close()
    finally:
        pool.close()
    report.produced = report.processed
    return report


def extract_new_mentions(
    warehouse: str,
    gazetteer: Gazetteer | None = None,
    progress: Callable[[str], None] = lambda _m: None,
    *,
    workers: int | None = None,
) -> tuple[StageReport, pd.DataFrame]:
    """Extract deal mentions from parsed documents the current extractor has not seen.

    Returns the report and the validated DataFrame of new mentions.
    """
    ensure_raw_schema(warehouse)
    report = StageReport()
    with connect(warehouse) as con:
        rows = con.execute(
            """
            select p.document_id, p.parser = ? as filtered
            from raw.parsed_documents p
            left join raw.extraction_log l
              on l.document_id = p.document_id and l.extractor_version = ?
            where l.document_id is null
            order by p.document_id
            """,
            [PARSER_PREFILTER, EXTRACTOR_VERSION],
        ).fetchall()
    records, now = [], _utcnow()
    # pages the current extractor's pre-filter rejected at parse time have no mention: logged
    # as seen without reading their text
    log_rows = [(doc_id, 0, EXTRACTOR_VERSION, now) for doc_id, filtered in rows if filtered]
    backlog = len(rows) - len(log_rows)
    pool = _Workers(worker_count(workers), backlog, gazetteer)
    try:
        with connect(warehouse) as con:
            reader = con.cursor()  # streams the texts; ``con`` writes once all are read
            result = reader.execute(
                """
                select p.document_id, p.title, p.published_at, p.text, p.parser
                from raw.parsed_documents p
                where p.parser <> ? and not exists (
                    select 1 from raw.extraction_log l
                    where l.document_id = p.document_id and l.extractor_version = ?)
                """,
                [PARSER_PREFILTER, EXTRACTOR_VERSION],
            )
            try:
                for outs in pool.run(_extract_one, _batches(result, CHUNK)):
                    for doc_id, mentions, error in outs:
                        if error is not None:
                            report.failures.append(error)
                            continue
                        for n, rec in enumerate(mentions):
                            rec.update(
                                mention_id=f"{doc_id}#{n}", document_id=doc_id, mention_index=n
                            )
                            records.append(rec)
                        log_rows.append((doc_id, len(mentions), EXTRACTOR_VERSION, now))
                    progress(f"extracted {len(log_rows):,}/{len(rows):,} documents")
            except WorkerDied as exc:
                raise WorkerDied(
                    f"extract stage in {warehouse}: {exc}. Nothing from this run was stored "
                    "(mentions and the extraction log are written together at the end); the "
                    "mentions stored by earlier runs are unchanged. Run again to extract."
                ) from exc
            reader.close()
            frame, rejected = _write_mentions(con, records, log_rows, now)
    finally:
        pool.close()
    report.processed = len(log_rows)
    report.produced = len(frame)
    report.rejected = len(rejected)
    for _, row in rejected.iterrows():
        report.warnings.append(f"mention {row['mention_id']} quarantined: {row['reason']}")
    return report, frame


def _write_mentions(
    con, records: list[dict], log_rows: list[tuple], now: datetime
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate the new mentions, then write the valid ones, the refused ones (to
    raw.rejected_mentions, with the reason) and the extraction log in one transaction.

    One bad value (a "$15 trillion" typo, a date in year 9999) never blocks its neighbours:
    its row is quarantined and the document counts as extracted, so later runs do not trip
    on it again. Returns (stored frame, rejected frame)."""
    frame = pd.DataFrame.from_records(records, columns=MENTION_COLUMNS)
    frame, rejected = split_mentions(frame)
    frame["extractor_version"] = EXTRACTOR_VERSION
    frame["extracted_at"] = now
    rejected["extractor_version"] = EXTRACTOR_VERSION
    rejected["rejected_at"] = now
    log = pd.DataFrame.from_records(log_rows, columns=LOG_COLUMNS)
    con.execute("begin transaction")
    try:
        if len(log):
            con.register("done_docs", log)
            # a new extractor version replaces that document's earlier mentions
            con.execute(
                "delete from raw.deal_mentions "
                "where document_id in (select document_id from done_docs)"
            )
            for table in ("extraction_log", "rejected_mentions"):
                con.execute(
                    f"delete from raw.{table} "
                    "where document_id in (select document_id from done_docs)"
                )
            con.execute("insert into raw.extraction_log select * from done_docs")
            con.unregister("done_docs")
        if not frame.empty:
            con.register("new_mentions", frame[RAW_MENTION_ORDER])
            con.execute("insert into raw.deal_mentions select * from new_mentions")
            con.unregister("new_mentions")
        if not rejected.empty:
            con.register("new_rejected", rejected)
            con.execute("insert into raw.rejected_mentions select * from new_rejected")
            con.unregister("new_rejected")
        con.execute("commit")
    except Exception:
        rollback_quietly(con)
        raise
    return frame, rejected


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
PARSED_COLUMNS = [
    "document_id", "title", "published_at", "published_from", "text", "text_chars", "parser",
    "parsed_at",
]  # fmt: skip
LOG_COLUMNS = ["document_id", "mentions", "extractor_version", "extracted_at"]
