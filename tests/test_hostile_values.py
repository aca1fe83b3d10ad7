"""Hostile values: one bad page never wedges the pipeline (issue: contain hostile input).

A value above $10T or a page dated 9999-12-31 used to fail the pandera check for the whole
chunk (nothing stored, every later run failing the same way) or crash build-versus-rent.
Now the bad mention is quarantined in raw.rejected_mentions with its reason, the rest of the
chunk is stored, the run goes on, and the next run is green.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from pipelines.extract.numbers import find_money
from pipelines.extract.schema import COLUMNS, plausible_date, split_mentions

GOOD = """---
title: Nebius signs five-year GPU deal with Microsoft
date: 2025-09-08
---
Nebius today announced a five-year agreement to provide Microsoft with GPU capacity worth
$17.4 billion.
"""
HUGE = """---
title: CoreWeave and Meta
date: 2025-09-30
---
CoreWeave today announced an agreement to provide Meta with AI compute capacity worth
$15 trillion.
"""
FAR_FUTURE = """---
title: Oracle and OpenAI
date: 9999-12-31
---
Oracle today announced an agreement to provide OpenAI with compute capacity worth
$30 billion.
"""
ANCIENT = """---
title: Lambda and Microsoft
date: 1900-01-01
---
Lambda today announced an agreement to provide Microsoft with GPU capacity worth
$1.5 billion.
"""


def _mention(**over) -> dict:
    row = dict(
        mention_id="d#0", document_id="d", mention_index=0, buyer="Meta", provider="CoreWeave",
        buyer_text=None, provider_text=None, deal_type="capacity_contract", value_usd=1e9,
        value_qualifier="exact", value_text="$1B", currency="USD", duration_years=None,
        end_date=None, gpu_model=None, gpu_count=None, power_mw=None,
        announced_on=date(2025, 1, 1), evidence="x", evidence_start=0, evidence_end=1,
        confidence=0.9,
    )  # fmt: skip
    row.update(over)
    return row


def test_split_sets_each_bad_row_aside_with_its_reason():
    rows = [
        _mention(),
        _mention(mention_id="d#1", mention_index=1, value_usd=1.5e13),
        _mention(mention_id="e#0", document_id="e", announced_on=date(9999, 12, 31)),
        _mention(mention_id="f#0", document_id="f", end_date=date(2999, 1, 1)),
    ]
    valid, rejected = split_mentions(pd.DataFrame(rows, columns=list(COLUMNS)))
    assert list(valid["mention_id"]) == ["d#0"]
    reasons = dict(zip(rejected["mention_id"], rejected["reason"], strict=True))
    assert "value_usd" in reasons["d#1"] and "in_range" in reasons["d#1"]
    assert "plausible_announced_on" in reasons["e#0"]
    assert "plausible_end_date" in reasons["f#0"]
    assert '"value_usd": 15000000000000.0' in rejected.set_index("mention_id").at["d#1", "record"]


def test_plausible_date_window():
    fetched = date(2026, 1, 10)
    assert plausible_date(date(2025, 9, 8), fetched)
    assert plausible_date(date(2026, 12, 31), fetched)  # within a year of the fetch
    assert not plausible_date(date(2027, 3, 1), fetched)
    assert not plausible_date(date(1994, 12, 31), fetched)
    assert not plausible_date(date(9999, 12, 31), fetched)


@pytest.mark.parametrize("text", ["a -$5 billion write-down", "(-$5 billion)", "minus $2bn"])
def test_negative_amounts_are_not_deal_values(text):
    assert find_money(text) == []


def test_signed_range_and_plain_amounts_still_read():
    assert [m.usd for m in find_money("a $5-$6 billion deal")] == [5e9]
    assert [m.usd for m in find_money("a deal – $5 billion")] == [5e9]


def test_poisoned_chunk_stores_the_rest_and_the_next_run_is_green(tmp_path):
    from pipelines.definitions import run_everything
    from pipelines.defs.resources import CsiSettings

    notes = tmp_path / "notes"
    notes.mkdir()
    for name, text in {
        "good.md": GOOD, "huge.md": HUGE, "future.md": FAR_FUTURE, "ancient.md": ANCIENT,
    }.items():  # fmt: skip
        (notes / name).write_text(text, encoding="utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - {name: notes, kind: local, path: notes, genre: press_release}\n",
        encoding="utf-8",
    )
    warehouse = tmp_path / "w.duckdb"
    csi = CsiSettings(
        sources_file=str(sources), warehouse=str(warehouse), digest_dir=str(tmp_path / "d")
    )
    first, second, _ = run_everything(csi)
    assert first.success and second is not None and second.success

    checks = {
        e.check_name: e for e in first.get_asset_check_evaluations()
    }  # the quarantine check warns
    assert not checks["no_quarantined_mentions"].passed
    assert checks["mentions_match_schema"].passed

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rejected = con.execute("select document_id, reason from raw.rejected_mentions").fetchall()
        assert len(rejected) == 1 and "value_usd" in rejected[0][1]
        deals = con.execute(
            "select buyer, provider, value_usd, announced_on from marts.fct_deals order by buyer"
        ).fetchall()
        pairs = {(b, p) for b, p, _, _ in deals}
        assert ("Microsoft", "Nebius") in pairs  # the good page's deal is stored
        assert ("OpenAI", "Oracle") in pairs  # the 9999 page: its deal kept, its date not
        assert ("Meta", "CoreWeave") not in pairs  # the $15T mention is quarantined
        assert all(date(1995, 1, 1) <= d <= date.today() for *_, d in deals)
        published = dict(
            con.execute(
                "select d.url, p.published_from from raw.parsed_documents p "
                "join raw.documents d using (document_id)"
            ).fetchall()
        )
        assert {k.rsplit("/", 1)[1]: v for k, v in published.items()}["future.md"] == "fetched"
        periods = {
            p
            for (p,) in con.execute("select distinct period from analytics.market_share").fetchall()
        }
        assert not any(p.startswith(("1900", "9999")) for p in periods)
    finally:
        con.close()

    again, again_digest, _ = run_everything(csi)  # nothing new, nothing wedged
    assert again.success and again_digest is not None and again_digest.success
