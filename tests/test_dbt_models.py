"""The dbt project on a small hand-made warehouse: real `dbt build`, then the marts are read.

Raw rows: three news outlets and an 8-K filing report Meta's contract with CoreWeave, a
press release announces an expansion four months later, and an unrelated Microsoft-Nebius
contract. The gazetteer is this module's own fixture (Nebius deliberately missing), loaded
into raw.companies in place of the seed (the build excludes seeds), so the assertions do
not depend on what seeds/companies.csv holds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse import ensure_raw_schema

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT = REPO_ROOT / "dbt_project"
DBT = Path(sys.executable).parent / "dbt"

# fmt: off
COMPANIES = [
    # company, role, ticker, cik, aliases
    ("Meta", "hyperscaler", "META", "0001326801", "Meta Platforms|Facebook"),
    ("CoreWeave", "neocloud", "CRWV", "0001769628", "CoreWeave Inc"),
    ("Microsoft", "hyperscaler", "MSFT", "0000789019", ""),
]

DOCUMENTS = [
    # document_id, source, kind, genre, url, fetched_at, published_at (parsed; None: unparsed)
    ("dcd:01", "dcd", "rss", "news", "https://news.test/dcd/meta-coreweave",
     datetime(2025, 9, 30, 14, 0), datetime(2025, 9, 30, 12, 0)),
    ("reuters:02", "reuters", "rss", "news", "https://news.test/reuters/meta-coreweave",
     datetime(2025, 10, 1, 9, 0), datetime(2025, 10, 1, 8, 0)),
    ("register:03", "register", "rss", "news", "https://news.test/register/meta-coreweave",
     datetime(2025, 10, 2, 10, 0), None),
    ("edgar:04", "edgar", "sec_edgar", "filing", "https://sec.test/crwv-8k",
     datetime(2025, 10, 3, 18, 0), datetime(2025, 10, 1, 0, 0)),
    ("crwv_press:05", "crwv_press", "html_index", "press_release", "https://crwv.test/expansion",
     datetime(2026, 2, 10, 15, 0), datetime(2026, 2, 10, 13, 0)),
    ("dcd:06", "dcd", "rss", "news", "https://news.test/dcd/microsoft-nebius",
     datetime(2025, 9, 9, 7, 0), datetime(2025, 9, 8, 22, 0)),
]

MENTIONS = [
    # mention_id, buyer, provider, deal_type, value_usd, value_qualifier, announced_on,
    # gpu_model, confidence
    ("dcd:01#0", "Meta", "CoreWeave", "capacity_contract", 14.2e9, "up_to",
     date(2025, 9, 30), None, 0.8),
    ("reuters:02#0", "Meta", "CoreWeave", "capacity_contract", 14.2e9, "exact",
     date(2025, 9, 30), "GB300", 0.85),
    # no date in the text and no parsed date: falls back to the day it was fetched
    ("register:03#0", "Meta", "CoreWeave", "capacity_contract", 14e9, "approx",
     None, None, 0.7),
    # the filing: no date in the mention, dated by the filing's publication date
    ("edgar:04#0", "Meta", "CoreWeave", "Capacity_Contract", 14.2e9, "Up to",
     None, None, 0.95),
    ("crwv_press:05#0", "Meta", "CoreWeave", "expansion", 5e9, "exact",
     date(2026, 2, 10), None, 0.9),
    ("dcd:06#0", "Microsoft", "Nebius", "capacity_contract", 17.4e9, "exact",
     date(2025, 9, 8), None, 0.9),
]
# fmt: on


XBRL_FACTS = [
    # fact_id, cik, entity name, period_start, period_end, value, form, filed, accession
    ("m1", 1326801, "Meta Platforms, Inc.", date(2024, 1, 1), date(2024, 12, 31), 37.256e9,
     "10-K", date(2025, 1, 30), "0001326801-25-000017"),
    ("m2", 1326801, "Meta Platforms, Inc.", date(2025, 1, 1), date(2025, 3, 31), 13.7e9,
     "10-Q", date(2025, 4, 30), "0001326801-25-000054"),
]  # fmt: skip


def deal_id(buyer: str, provider: str, deal_type: str, first_announced_on: str) -> str:
    """The documented deal_id: md5 of buyer|provider|deal_type|first announced date."""
    key = f"{buyer}|{provider}|{deal_type}|{first_announced_on}"
    return hashlib.md5(key.encode()).hexdigest()


CONTRACT_ID = deal_id("Meta", "CoreWeave", "capacity_contract", "2025-09-30")
EXPANSION_ID = deal_id("Meta", "CoreWeave", "expansion", "2026-02-10")
NEBIUS_ID = deal_id("Microsoft", "Nebius", "capacity_contract", "2025-09-08")


def insert_documents(con: duckdb.DuckDBPyConnection, documents: list[tuple]) -> None:
    """Documents (rows shaped like DOCUMENTS) as the fetch and parse stages store them."""
    for doc_id, source, kind, genre, url, fetched_at, published_at in documents:
        sha = hashlib.sha256(doc_id.encode()).hexdigest()
        con.execute(
            "insert into raw.documents (document_id, source, kind, genre, url, fetched_at,"
            " http_status, sha256, bytes) values (?, ?, ?, ?, ?, ?, 200, ?, 1000)",
            [doc_id, source, kind, genre, url, fetched_at, sha],
        )
        con.execute(
            "insert into raw.fetch_log (attempt_id, run_id, source, url, attempted_at,"
            " attempt, http_status, outcome, document_id)"
            " values (?, 'run-1', ?, ?, ?, 1, 200, 'stored', ?)",
            [f"run-1:{doc_id}", source, url, fetched_at, doc_id],
        )
        if published_at is not None:
            con.execute(
                "insert into raw.parsed_documents (document_id, title, published_at,"
                " published_from, text, text_chars, parser, parsed_at)"
                " values (?, 'A deal', ?, 'meta', 'text', 4, 'test', ?)",
                [doc_id, published_at, fetched_at],
            )


def insert_mentions(
    con: duckdb.DuckDBPyConnection,
    mentions: list[tuple],
    extracted_at: datetime = datetime(2026, 3, 1, 12, 0),
) -> None:
    """Deal mentions (rows shaped like MENTIONS) as the extract stage stores them."""
    for mention in mentions:
        mention_id = mention[0]
        con.execute(
            "insert into raw.deal_mentions (mention_id, buyer, provider, deal_type,"
            " value_usd, value_qualifier, announced_on, gpu_model, confidence,"
            " document_id, mention_index, currency, evidence, evidence_start, evidence_end,"
            " extractor_version, extracted_at)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'USD', ?, 0, 10, 'test', ?)",
            [
                *mention,
                mention_id.split("#")[0],
                int(mention_id.split("#")[1]),
                f"evidence of {mention_id}",
                extracted_at,
            ],
        )


def set_companies(con: duckdb.DuckDBPyConnection, companies: list[tuple]) -> None:
    """The gazetteer in raw.companies, where the seed would load it (the builds skip seeds)."""
    con.execute(
        "create or replace table raw.companies (company varchar, role varchar,"
        " ticker varchar, cik varchar, aliases varchar)"
    )
    con.executemany("insert into raw.companies values (?, ?, ?, ?, ?)", companies)


def fill_raw(path: Path) -> None:
    """Raw tables as the Python assets would leave them, plus the fixture gazetteer."""
    ensure_raw_schema(path)
    with duckdb.connect(str(path)) as con:
        insert_documents(con, DOCUMENTS)
        insert_mentions(con, MENTIONS)
        set_companies(con, COMPANIES)
        for fact in XBRL_FACTS:
            con.execute(
                "insert into raw.xbrl_facts (fact_id, cik, company, taxonomy, concept, unit,"
                " period_start, period_end, value, form, filed, accession, source, loaded_at)"
                " values (?, ?, ?, 'us-gaap', 'PaymentsToAcquirePropertyPlantAndEquipment',"
                " 'USD', ?, ?, ?, ?, ?, ?, 'capex', now())",
                list(fact),
            )


def run_dbt(args: list[str], warehouse: Path, tmp: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "CSI_WAREHOUSE": str(warehouse),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        str(DBT),
        *args,
        "--project-dir",
        str(DBT_PROJECT),
        "--profiles-dir",
        str(DBT_PROJECT),
        "--target-path",
        str(tmp / "target"),
        "--log-path",
        str(tmp / "logs"),
    ]
    return subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def statuses(tmp: Path) -> dict[str, str]:
    results = json.loads((tmp / "target" / "run_results.json").read_text())
    return {result["unique_id"]: result["status"] for result in results["results"]}


def rows(warehouse: Path, sql: str) -> list[dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """One `dbt build` (everything but the seed) on the hand-made warehouse."""
    tmp = tmp_path_factory.mktemp("dbt")
    warehouse = tmp / "warehouse.duckdb"
    fill_raw(warehouse)
    result = run_dbt(["build", "--exclude", "resource_type:seed"], warehouse, tmp)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    return warehouse, tmp


def test_build_passes_every_test_and_unit_test(built):
    _, tmp = built
    results = statuses(tmp)
    assert not {node: s for node, s in results.items() if s not in ("success", "pass", "warn")}
    unit_tests = {node.split(".")[-1] for node in results if node.startswith("unit_test.")}
    assert {
        "one_deal_reported_by_three_outlets",
        "same_parties_months_apart_are_two_deals",
        "expansion_links_to_the_earlier_deal",
        "quarterly_backlog_spreads_each_deal_over_its_term",
        "pair_commitments_accumulate_in_order",
    } <= unit_tests
    singular = {node.split(".")[-1] for node in results if ".assert_" in node}
    assert singular == {
        "assert_no_document_in_two_deals_of_a_pair",
        "assert_no_document_splits_a_deal",
        "assert_unknown_companies_are_listed",
        "assert_backlog_rolls_forward",
    }
    # Nebius is not in the gazetteer: warned about, kept
    warned = [node for node, s in results.items() if s == "warn"]
    assert any("relationships_fct_deals_provider" in node for node in warned)


def test_three_outlets_and_a_filing_are_one_deal_valued_from_the_filing(built):
    warehouse, _ = built
    [deal] = rows(warehouse, f"select * from marts.fct_deals where deal_id = '{CONTRACT_ID}'")
    assert deal["announced_on"] == date(2025, 9, 30)
    assert (deal["buyer"], deal["provider"]) == ("Meta", "CoreWeave")
    assert deal["provider_type"] == "neocloud"
    assert deal["deal_type"] == "capacity_contract"
    # the filing's "up to $14.2B" beats the news' exact $14.2B: authority before precision
    assert deal["value_usd"] == 14.2e9
    assert deal["value_qualifier"] == "up_to"
    assert deal["gpu_model"] == "GB300"  # first non-null in preference order
    assert deal["source_count"] == 4
    assert deal["first_seen_at"] == datetime(2025, 9, 30, 14, 0)
    assert deal["confidence"] == pytest.approx(0.95)
    assert deal["expands_deal_id"] is None


def test_expansion_is_its_own_deal_linked_to_the_contract(built):
    warehouse, _ = built
    deals = rows(warehouse, "select * from marts.fct_deals order by announced_on")
    assert [d["deal_id"] for d in deals] == [NEBIUS_ID, CONTRACT_ID, EXPANSION_ID]
    expansion = deals[2]
    assert expansion["deal_type"] == "expansion"
    assert expansion["value_usd"] == 5e9
    assert expansion["source_count"] == 1
    assert expansion["expands_deal_id"] == CONTRACT_ID


def test_unknown_company_is_kept(built):
    warehouse, _ = built
    [deal] = rows(warehouse, f"select * from marts.fct_deals where deal_id = '{NEBIUS_ID}'")
    assert deal["provider"] == "Nebius"
    assert deal["provider_type"] is None
    assert deal["value_usd"] == 17.4e9
    unresolved = rows(
        warehouse,
        "select name, role_in_mentions, mentions, documents, deals, example_document_id,"
        " example_url from marts.fct_unresolved_companies",
    )
    assert unresolved == [
        {
            "name": "Nebius",
            "role_in_mentions": "provider",
            "mentions": 1,
            "documents": 1,
            "deals": 1,
            "example_document_id": "dcd:06",
            "example_url": "https://news.test/dcd/microsoft-nebius",
        }
    ]


def test_bridge_keeps_every_reported_value(built):
    warehouse, _ = built
    bridge = rows(
        warehouse,
        "select mention_id, reported_value_usd, reported_value_qualifier, genre,"
        " value_preference_rank from marts.bridge_deal_documents"
        f" where deal_id = '{CONTRACT_ID}' order by value_preference_rank",
    )
    assert [(b["mention_id"], b["reported_value_qualifier"]) for b in bridge] == [
        ("edgar:04#0", "up_to"),
        ("reuters:02#0", "exact"),
        ("register:03#0", "approx"),
        ("dcd:01#0", "up_to"),
    ]
    assert bridge[0]["genre"] == "filing"
    total = rows(warehouse, "select count(*) as n from marts.bridge_deal_documents")
    assert total == [{"n": len(MENTIONS)}]


def test_dim_companies_counts_deals(built):
    warehouse, _ = built
    companies = rows(
        warehouse,
        "select company, role, cik, aliases, deals_as_buyer, deals_as_provider"
        " from marts.dim_companies order by company",
    )
    assert companies == [
        {
            "company": "CoreWeave",
            "role": "neocloud",
            "cik": "0001769628",
            "aliases": ["CoreWeave Inc"],
            "deals_as_buyer": 0,
            "deals_as_provider": 2,
        },
        {
            "company": "Meta",
            "role": "hyperscaler",
            "cik": "0001326801",
            "aliases": ["Meta Platforms", "Facebook"],
            "deals_as_buyer": 2,
            "deals_as_provider": 0,
        },
        {
            "company": "Microsoft",
            "role": "hyperscaler",
            "cik": "0000789019",
            "aliases": [],
            "deals_as_buyer": 1,
            "deals_as_provider": 0,
        },
    ]


def test_marts_have_the_contract_columns(built):
    warehouse, _ = built
    with duckdb.connect(str(warehouse), read_only=True) as con:
        fct = [c[0] for c in con.execute("select * from marts.fct_deals limit 0").description]
        bridge = {
            c[0] for c in con.execute("select * from marts.bridge_deal_documents").description
        }
        dim = [c[0] for c in con.execute("select * from marts.dim_companies limit 0").description]
    assert fct == [
        "deal_id", "announced_on", "buyer", "provider", "provider_type", "deal_type",
        "value_usd", "value_qualifier", "duration_years", "end_date", "gpu_model",
        "gpu_count", "power_mw", "expands_deal_id", "source_count", "first_seen_at",
        "confidence",
    ]  # fmt: skip
    assert bridge >= {
        "deal_id", "document_id", "url", "published_at", "source", "evidence", "mention_id",
        "reported_value_usd", "reported_value_qualifier", "genre",
    }  # fmt: skip
    assert dim == [
        "company", "role", "ticker", "cik", "aliases", "deals_as_buyer", "deals_as_provider",
    ]  # fmt: skip


def test_warehouse_has_exactly_the_contract_schemas(built):
    warehouse, _ = built
    schemas = rows(
        warehouse,
        "select distinct table_schema as s from information_schema.tables order by s",
    )
    assert [s["s"] for s in schemas] == ["intermediate", "marts", "raw", "staging"]


def test_pair_commitments_accumulate(built):
    warehouse, _ = built
    pairs = rows(
        warehouse,
        "select deal_id, buyer, provider, value_usd, cumulative_value_usd, deals_to_date"
        " from marts.fct_pair_commitments order by buyer, provider, announced_on",
    )
    assert pairs == [
        {"deal_id": CONTRACT_ID, "buyer": "Meta", "provider": "CoreWeave", "value_usd": 14.2e9,
         "cumulative_value_usd": 14.2e9, "deals_to_date": 1},
        {"deal_id": EXPANSION_ID, "buyer": "Meta", "provider": "CoreWeave", "value_usd": 5e9,
         "cumulative_value_usd": pytest.approx(19.2e9), "deals_to_date": 2},
        {"deal_id": NEBIUS_ID, "buyer": "Microsoft", "provider": "Nebius", "value_usd": 17.4e9,
         "cumulative_value_usd": 17.4e9, "deals_to_date": 1},
    ]  # fmt: skip


def test_provider_capacity_quarterly(built):
    warehouse, _ = built
    quarters = rows(
        warehouse,
        "select quarter, new_contracted_value_usd, delivered_value_usd, backlog_usd,"
        " customers_to_date, uses_default_duration from marts.fct_provider_capacity_quarterly"
        " where provider = 'CoreWeave' order by quarter",
    )
    # no duration stated: the default 5 years (20 quarters) from the quarter after signing
    assert quarters == [
        {"quarter": "2025-Q3", "new_contracted_value_usd": 14.2e9, "delivered_value_usd": 0,
         "backlog_usd": 14.2e9, "customers_to_date": 1, "uses_default_duration": True},
        {"quarter": "2025-Q4", "new_contracted_value_usd": 0,
         "delivered_value_usd": pytest.approx(0.71e9), "backlog_usd": pytest.approx(13.49e9),
         "customers_to_date": 1, "uses_default_duration": True},
        {"quarter": "2026-Q1", "new_contracted_value_usd": 5e9,
         "delivered_value_usd": pytest.approx(0.71e9), "backlog_usd": pytest.approx(17.78e9),
         "customers_to_date": 1, "uses_default_duration": True},
    ]  # fmt: skip
    keys = rows(
        warehouse,
        "select provider, count(*) as n from marts.fct_provider_capacity_quarterly group by 1"
        " order by 1",
    )
    assert keys == [{"provider": "CoreWeave", "n": 3}, {"provider": "Nebius", "n": 3}]


def test_capex_from_annual_reports(built):
    warehouse, _ = built
    capex = rows(warehouse, "select company, fiscal_year, capex_usd from marts.fct_capex")
    assert capex == [{"company": "Meta", "fiscal_year": 2024, "capex_usd": 37.256e9}]


def test_docs_generate_and_everything_is_described(built):
    warehouse, tmp = built
    result = run_dbt(["docs", "generate"], warehouse, tmp)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    catalog = json.loads((tmp / "target" / "catalog.json").read_text())
    manifest = json.loads((tmp / "target" / "manifest.json").read_text())
    assert "model.csi.fct_deals" in catalog["nodes"]
    undescribed = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model":
            continue
        if not node["description"].strip():
            undescribed.append(unique_id)
        described = {name for name, c in node["columns"].items() if c["description"].strip()}
        built_columns = {c.lower() for c in catalog["nodes"][unique_id]["columns"]}
        undescribed += [f"{unique_id}.{c}" for c in sorted(built_columns - described)]
    assert not undescribed


def test_not_null_columns_fails_once_per_column_with_nulls(built, tmp_path):
    """The folded not-null test (tests/generic/not_null_columns.sql) can fail, and counts
    each column holding NULLs once."""
    warehouse, _ = built
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "update marts.fct_deals set buyer = null, confidence = null "
            "where deal_id = (select min(deal_id) from marts.fct_deals)"
        )
    result = run_dbt(["test", "--select", "fct_deals,test_name:not_null_columns"], copy, tmp_path)
    assert result.returncode == 1, result.stdout[-3000:]
    runs = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    assert [(r["status"], r["failures"]) for r in runs] == [("fail", 2)]
