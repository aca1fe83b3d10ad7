"""Smoke test of bench/run_bench.py: a tiny corpus through ingest -> parse -> extract (no dbt).

Checks the shape of results.json and the Markdown table, never timings."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_bench():
    spec = importlib.util.spec_from_file_location("run_bench", ROOT / "bench" / "run_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_smoke(tmp_path):
    bench = load_bench()
    out, md = tmp_path / "results.json", tmp_path / "RESULTS.md"
    results = bench.main(
        [
            "--sizes", "200",
            "--out", str(out),
            "--markdown", str(md),
            "--profile-out", str(tmp_path / "profile.txt"),
            "--workdir", str(tmp_path / "work"),
            "--no-dbt",
            "--profile-sample", "0",
        ]
    )  # fmt: skip
    saved = json.loads(out.read_text())
    assert saved["runs"][0]["documents"] == results["runs"][0]["documents"] == 200
    assert saved["machine"]["cpus"] >= 1 and saved["impl"] == "pipelines.documents"
    run = saved["runs"][0]
    assert [s["stage"] for s in run["stages"]] == ["ingest", "parse", "extract"]
    for s in run["stages"]:
        assert s["documents"] == 200
        assert s["seconds"] > 0 and s["cpu_seconds"] >= 0 and s["docs_per_second"] > 0
        assert s["peak_rss_mb"] > 10
    assert run["corpus"]["deal_documents"] == 14 and run["corpus"]["deals"] >= 14
    assert run["parse_extract_docs_per_second"] > 0
    idle = run["rerun_nothing_new"]
    assert run["peak_rss_mb"] == max(
        s["peak_rss_mb"] for s in run["stages"] + idle["stages"] + run["rerun"]["stages"]
    )
    q = run["quality"]
    assert q["labelled_deals"] == run["corpus"]["deals"]
    assert 0.5 <= q["recall"] <= 1.0 and q["mentions"] >= q["found"]
    b = run["baseline"]
    assert b["documents"] == 200 and b["sampled_every"] == 1
    assert b["docs_per_second"] > 0 and b["speedup_parse_extract"] > 0
    assert b["labelled_deals"] == q["labelled_deals"]
    # nothing new: every stage runs and finds no work
    assert idle["new_documents"] == 0
    assert {s["stage"]: s["documents"] for s in idle["stages"]} == {
        "ingest": 0,
        "parse": 0,
        "extract": 0,
    }
    assert idle["info"]["ingest_existing_documents"] == 200
    rerun = run["rerun"]
    assert rerun["new_documents"] == 2
    assert {s["stage"]: s["documents"] for s in rerun["stages"]} == {
        "ingest": 2,
        "parse": 2,
        "extract": 2,
    }
    assert rerun["info"]["ingest_existing_documents"] == 200
    assert rerun["percent_of_full"] > 0
    targets = run["targets"]
    assert set(targets) == set(bench.TARGETS)
    assert targets["total_seconds"]["met"] is None  # no dbt: the whole pipeline was not run
    assert isinstance(targets["speedup_vs_naive"]["met"], bool)
    table = md.read_text()
    assert "| 200 | parse |" in table and "naive baseline" in table
    assert "| 200 | rerun, +0 new (nothing new) |" in table
    assert "| 200 | rerun, +2 new (1 %) |" in table
    assert "1 % rerun, by stage: ingest " in table
