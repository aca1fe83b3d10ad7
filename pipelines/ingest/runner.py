"""Run every source of a sources file: fetch (live or replayed) and store.

A failing source never stops the others: its failure is logged in raw.fetch_log and
reported, and documents stored earlier are untouched.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.connectors import (
    LogEntry,
    SourceHarvest,
    collect_html_index,
    collect_rss,
    iter_local,
    utcnow,
)
from pipelines.ingest.http import DEFAULT_USER_AGENT, HttpClient, ReplayTransport
from pipelines.ingest.sec import collect_sec_edgar, collect_xbrl_facts
from pipelines.ingest.specs import SourcesFile
from pipelines.ingest.store import (
    StoreOutcome,
    known_documents,
    load_validators,
    local_file_stats,
    store_harvest,
)
from pipelines.warehouse import connect, ensure_raw_schema

SHIPPED_SOURCES = Path(__file__).resolve().parents[2] / "sources" / "live.yaml"


@dataclass
class IngestReport:
    run_id: str
    mode: str  # replay | live
    outcomes: list[StoreOutcome]

    @property
    def new_documents(self) -> int:
        return sum(o.new_documents for o in self.outcomes)

    @property
    def existing_documents(self) -> int:
        return sum(o.existing_documents for o in self.outcomes)

    @property
    def failed_fetches(self) -> int:
        return sum(o.failed_fetches for o in self.outcomes)

    @property
    def facts(self) -> int:
        return sum(o.facts for o in self.outcomes)


def recordings_for(sources: SourcesFile) -> Path | None:
    """Recordings ship beside a sources file as recordings/index.yaml; a user's file has none."""
    candidate = sources.base_dir / "recordings"
    return candidate if (candidate / "index.yaml").exists() else None


def make_client(sources: SourcesFile, live: bool) -> tuple[HttpClient, str]:
    recordings = None if live else recordings_for(sources)
    user_agent = sources.user_agent or DEFAULT_USER_AGENT
    if recordings is not None:
        client = HttpClient(
            user_agent=user_agent,
            transport=ReplayTransport(recordings),
            rate_limits=False,
            backoff_base=0.0,
        )
        return client, "replay"
    return HttpClient(user_agent=user_agent), "live"


def ingest(
    sources: SourcesFile,
    warehouse: str,
    *,
    live: bool = False,
    client: HttpClient | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
) -> IngestReport:
    ensure_raw_schema(warehouse)
    run_id = str(uuid.uuid4())
    own_client = client is None
    mode = "custom"
    if client is None:
        client, mode = make_client(sources, live)
    outcomes: list[StoreOutcome] = []
    try:
        for spec in sources.sources:
            if not spec.enabled:
                continue
            progress(f"fetching {spec.name} ({spec.kind})")
            if spec.kind == "local":
                outcome = _ingest_local(spec, sources, warehouse, run_id, progress)
            else:
                try:
                    harvest = _collect(spec, sources, client, warehouse)
                except Exception as exc:  # a connector bug must not stop the other sources
                    harvest = SourceHarvest(fatal=f"{type(exc).__name__}: {exc}")
                outcome = _store(warehouse, run_id, spec, harvest)
            facts = f", {outcome.facts} facts" if outcome.facts else ""
            progress(
                f"{spec.name}: {outcome.new_documents} new, {outcome.existing_documents} known, "
                f"{outcome.failed_fetches} failed{facts}"
            )
            outcomes.append(outcome)
    finally:
        if own_client:
            client.close()
    return IngestReport(run_id=run_id, mode=mode, outcomes=outcomes)


def _store(
    warehouse: str,
    run_id: str,
    spec,
    harvest: SourceHarvest,
    known: set[str] | None = None,
    con=None,
) -> StoreOutcome:
    if harvest.fatal and not harvest.log:
        where = spec.location or spec.name
        harvest.log.append(LogEntry(where, 0, utcnow(), None, "error", harvest.fatal))
    return store_harvest(
        warehouse,
        run_id=run_id,
        source=spec.name,
        kind=spec.kind,
        genre=spec.document_genre,
        harvest=harvest,
        known=known,
        con=con,
    )


def _ingest_local(
    spec, sources: SourcesFile, warehouse: str, run_id: str, progress: Callable[[str], None]
) -> StoreOutcome:
    """A local folder in batches: each batch is read, stored and committed before the next
    is read; files unchanged since they were stored (size and mtime) are not read."""
    total = StoreOutcome(source=spec.name, errors=[])
    read = 0
    with connect(warehouse) as con:
        known = known_documents(con, spec.name)
        batches = iter_local(spec, sources, local_file_stats(con, spec.name))
        while True:
            try:
                harvest = next(batches, None)
            except Exception as exc:  # listing or reading failed: earlier batches stay stored
                harvest = SourceHarvest(fatal=f"{type(exc).__name__}: {exc}")
                batches = iter(())
            if harvest is None:
                break
            part = _store(warehouse, run_id, spec, harvest, known, con)
            total.new_documents += part.new_documents
            total.existing_documents += part.existing_documents
            total.failed_fetches += part.failed_fetches
            total.errors += part.errors or []
            read += len(harvest.documents)
            if harvest.documents:
                progress(f"{spec.name}: {read:,} files read, {total.new_documents:,} new")
    return total


def _collect(spec, sources: SourcesFile, client: HttpClient, warehouse: str) -> SourceHarvest:
    validators = load_validators(warehouse, spec.name)
    with client.source_scope(spec.trusted_urls, spec.allow_private_network):
        return _collect_kind(spec, client, validators)


def _collect_kind(spec, client: HttpClient, validators) -> SourceHarvest:
    if spec.kind == "rss":
        return collect_rss(spec, client, validators)
    if spec.kind == "html_index":
        return collect_html_index(spec, client, validators)
    if spec.kind == "sec_edgar":
        return collect_sec_edgar(spec, client, validators)
    if spec.kind == "xbrl_facts":
        return collect_xbrl_facts(spec, client, validators)
    raise NotImplementedError(f"source {spec.name!r}: kind {spec.kind!r} has no connector")
