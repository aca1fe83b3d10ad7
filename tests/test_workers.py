"""A worker process that dies (out-of-memory killer, a crash in a C extension) stops the
parse stage with an error that says what was stored, instead of hanging it; a rerun parses
the rest."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from pipelines import documents
from pipelines.ingest.runner import ingest
from pipelines.ingest.specs import load_sources
from pipelines.synth import generate_corpus
from pipelines.warehouse import connect

DOOMED = "0000040.html"  # the corpus page whose parse kills its worker
_real_parse_one = documents._parse_one


def _killed_on(row):
    """In a worker: SIGKILL itself on the marker row, else echo the row."""
    if row == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    return row


def _parse_or_die(row):
    """In a worker: SIGKILL itself on the doomed page, else parse as the stage does."""
    if row[1].endswith(DOOMED):
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_parse_one(row)


def _within(seconds: float, fn):
    """fn() in a thread; fails the test instead of hanging the suite if it never returns."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s: the pool hung"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_a_dead_worker_raises_instead_of_hanging():
    workers = documents._Workers(2, backlog=10**6, gazetteer=None)
    try:
        assert workers.pool is not None
        batches = iter([["a", "b"], ["c", "die", "d"], ["e"]])
        with pytest.raises(documents.WorkerDied, match="worker process died"):
            _within(120, lambda: list(workers.run(_killed_on, batches)))
    finally:
        workers.close()
    healthy = documents._Workers(2, backlog=10**6, gazetteer=None)
    try:
        batches = iter([["a", "b"], ["c"], ["d", "e", "f"]])
        assert _within(120, lambda: list(healthy.run(_killed_on, batches))) == [
            ["a", "b"],
            ["c"],
            ["d", "e", "f"],
        ]
    finally:
        healthy.close()


def test_parse_stage_reports_what_was_stored_and_a_rerun_finishes(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "POOL_MIN", 1)
    monkeypatch.setattr(documents, "CHUNK", 16)
    corpus = tmp_path / "corpus"
    generate_corpus(64, corpus, seed=3)
    assert len(list(corpus.rglob(DOOMED))) == 1
    (tmp_path / "sources.yaml").write_text(
        f"sources:\n  - name: synth\n    kind: local\n    path: {corpus}\n"
    )
    warehouse = str(tmp_path / "wh.duckdb")
    ingest(load_sources(tmp_path / "sources.yaml"), warehouse)

    monkeypatch.setattr(documents, "_parse_one", _parse_or_die)
    with pytest.raises(documents.WorkerDied) as caught:
        _within(180, lambda: documents.parse_new_documents(warehouse, workers=2))
    message = str(caught.value)
    assert message.startswith(f"parse stage in {warehouse}: a worker process died")
    with connect(warehouse, read_only=True) as con:
        stored = con.execute("select count(*) from raw.parsed_documents").fetchone()[0]
    assert f"{stored:,} of 64 new documents were parsed and stored before it" in message
    assert stored < 64

    monkeypatch.setattr(documents, "_parse_one", _real_parse_one)
    report = documents.parse_new_documents(warehouse, workers=2)
    assert report.processed == 64 - stored and not report.failures
    with connect(warehouse, read_only=True) as con:
        assert con.execute("select count(*) from raw.parsed_documents").fetchone()[0] == 64
