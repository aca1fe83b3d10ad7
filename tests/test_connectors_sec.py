"""sec_edgar and xbrl_facts connectors against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json

import duckdb
import pytest

from pipelines.ingest.http import HttpClient, rate_key
from pipelines.ingest.runner import ingest
from pipelines.ingest.sec import exhibit_pattern, find_exhibits
from pipelines.ingest.specs import load_sources

UA = "csi-tests (Compute Supply Intelligence; tests@example.org)"
CIK = 1769628
ACC_8K = "0001769628-25-000101"
ACC_10Q = "0001769628-25-000090"
ACC_OLD = "0001769628-24-000007"

SUBMISSIONS = {
    "cik": str(CIK),
    "entityType": "operating",
    "name": "CoreWeave, Inc.",
    "tickers": ["CRWV"],
    "exchanges": ["Nasdaq"],
    "filings": {
        "recent": {
            "accessionNumber": [ACC_8K, "0001769628-25-000095", ACC_10Q, ACC_OLD],
            "filingDate": ["2025-09-30", "2025-09-02", "2025-08-13", "2024-12-02"],
            "reportDate": ["2025-09-30", "", "2025-06-30", "2024-12-01"],
            "form": ["8-K", "4", "10-Q", "8-K"],
            "items": ["1.01,9.01", "", "", "8.01"],
            "primaryDocument": ["crwv-20250930.htm", "xslF345X05/wk-form4.xml", "q.htm", "o.htm"],
            "primaryDocDescription": ["8-K", "FORM 4", "10-Q", "8-K"],
        },
        "files": [],
    },
}
INDEX = {
    "directory": {
        "name": f"/Archives/edgar/data/{CIK}/{ACC_8K.replace('-', '')}",
        "parent-dir": f"/Archives/edgar/data/{CIK}",
        "item": [
            {"name": f"{ACC_8K}-index-headers.html", "type": "text.gif", "size": ""},
            {"name": f"{ACC_8K}-index.html", "type": "text.gif", "size": ""},
            {"name": f"{ACC_8K}.txt", "type": "text.gif", "size": "48213"},
            {"name": "crwv-20250930.htm", "type": "text.gif", "size": "21877"},
            {"name": "crwv-ex99_1.htm", "type": "text.gif", "size": "10452"},
            {"name": "crwv-20250930_htm.xml", "type": "text.gif", "size": "3120"},
            {"name": "image001.jpg", "type": "image2.gif", "size": "5120"},
        ],
    }
}
FILING = "<html><body><p>Item 1.01 Entry into a Material Definitive Agreement.</p></body></html>"
EXHIBIT = "<html><body><p>CoreWeave signs an order form with Meta.</p></body></html>"


def _folder(acc: str) -> str:
    return f"/Archives/edgar/data/{CIK}/{acc.replace('-', '')}"


def _sources(tmp_path, body: str, ua: str = UA):
    path = tmp_path / "sources.yaml"
    path.write_text(f"user_agent: '{ua}'\nsources:\n{body}", encoding="utf-8")
    return load_sources(path)


@pytest.fixture
def client():
    c = HttpClient(user_agent=UA, sleep=lambda _s: None, respect_robots=False)
    yield c
    c.close()


def test_sec_edgar_primary_document_and_exhibit(httpserver, tmp_path, client):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request(f"/submissions/CIK{CIK:010d}.json").respond_with_json(SUBMISSIONS)
    httpserver.expect_request(f"{_folder(ACC_8K)}/index.json").respond_with_json(INDEX)
    httpserver.expect_request(f"{_folder(ACC_8K)}/crwv-20250930.htm").respond_with_data(
        FILING, content_type="text/html"
    )
    httpserver.expect_request(f"{_folder(ACC_8K)}/crwv-ex99_1.htm").respond_with_data(
        EXHIBIT, content_type="text/html"
    )
    sources = _sources(
        tmp_path,
        f"  - {{name: edgar, kind: sec_edgar, ciks: [{CIK}], forms: [8-k], since: 2025-01-01,\n"
        f"     data_url: '{base}', archives_url: '{base}/'}}\n",
    )
    wh = str(tmp_path / "wh.duckdb")
    report = ingest(sources, wh, client=client)
    assert report.failed_fetches == 0 and report.new_documents == 2
    with duckdb.connect(wh, read_only=True) as con:
        docs = con.execute(
            "select url, kind, genre, feed_title, feed_published_at from raw.documents order by url"
        ).fetchall()
        log = con.execute("select url, outcome from raw.fetch_log order by url").fetchall()
    assert [d[0].rsplit("/", 1)[1] for d in docs] == ["crwv-20250930.htm", "crwv-ex99_1.htm"]
    assert {d[1] for d in docs} == {"sec_edgar"} and {d[2] for d in docs} == {"filing"}
    assert docs[0][3] == "8-K CoreWeave, Inc. Items 1.01, 9.01"
    assert docs[1][3] == "8-K CoreWeave, Inc. EX-99.1"
    assert str(docs[0][4]) == "2025-09-30 00:00:00"
    # the submissions JSON and the filing index are read (ok), not stored as documents;
    # the Form 4, the 10-Q and the 2024 8-K are filtered out and never requested
    assert sorted(outcome for _, outcome in log) == ["ok", "ok", "stored", "stored"]
    assert not any(ACC_10Q.replace("-", "") in url or "wk-form4" in url for url, _ in log)
    # what SEC asks of every client: the declared User-Agent and compressed transfers
    for request, _ in httpserver.log:
        assert request.headers["User-Agent"] == UA
        assert request.headers["Accept-Encoding"] == "gzip, deflate"


def test_sec_edgar_without_contact_email_is_refused(httpserver, tmp_path):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_data(
        "<rss version='2.0'><channel><title>t</title><item><title>Deal</title>"
        f"<link>{base}/a</link><description>Deal text</description></item></channel></rss>"
    )
    sources = _sources(
        tmp_path,
        f"  - {{name: edgar, kind: sec_edgar, ciks: [{CIK}], data_url: '{base}'}}\n"
        f"  - {{name: capex, kind: xbrl_facts, ciks: [789019], data_url: '{base}'}}\n"
        f"  - {{name: feed, kind: rss, url: '{base}/feed.xml', follow_links: false}}\n",
        ua="csi research bot",
    )
    wh = str(tmp_path / "wh.duckdb")
    with HttpClient(user_agent="csi research bot", respect_robots=False) as anonymous:
        report = ingest(sources, wh, client=anonymous)
    by_source = {o.source: o for o in report.outcomes}
    assert "contact email" in by_source["edgar"].errors[0]
    assert "contact email" in by_source["capex"].errors[0]
    assert by_source["feed"].new_documents == 1  # the other source still ran
    with duckdb.connect(wh, read_only=True) as con:
        rows = con.execute(
            "select source, url, outcome, error from raw.fetch_log where source <> 'feed'"
        ).fetchall()
    assert {(r[0], r[2]) for r in rows} == {("edgar", "skipped"), ("capex", "skipped")}
    assert {r[1].removeprefix(base) for r in rows} == {
        f"/submissions/CIK{CIK:010d}.json",
        "/api/xbrl/companyfacts/CIK0000789019.json",
    }
    assert all("refused" in r[3] for r in rows)
    # SEC was never asked anything
    assert [r.path for r, _ in httpserver.log] == ["/feed.xml"]


def _fact(start, end, val, accn, fy, fp, form, filed, frame=None):
    entry = {"start": start, "end": end, "val": val, "accn": accn, "fy": fy, "fp": fp}
    entry.update({"form": form, "filed": filed})
    if frame:
        entry["frame"] = frame
    return entry


COMPANYFACTS = {
    "cik": 1326801,
    "entityName": "Meta Platforms, Inc.",
    "facts": {
        "dei": {
            "EntityCommonStockSharesOutstanding": {
                "units": {"shares": [{"end": "2025-01-24", "val": 1, "accn": "x", "fy": 2024}]}
            }
        },
        "us-gaap": {
            "PaymentsToAcquirePropertyPlantAndEquipment": {
                "label": "Payments to Acquire Property, Plant, and Equipment",
                "description": "The cash outflow associated with the acquisition of long-lived "
                "physical assets.",
                "units": {
                    "USD": [
                        _fact("2023-01-01", "2023-12-31", 27266000000, "A-24", 2023, "FY", "10-K",
                              "2024-02-02"),
                        _fact("2023-01-01", "2023-12-31", 27266000000, "A-25", 2024, "FY", "10-K",
                              "2025-01-30", "CY2023"),
                        _fact("2024-01-01", "2024-12-31", 37256000000, "A-25", 2024, "FY", "10-K",
                              "2025-01-30", "CY2024"),
                        _fact("2024-01-01", "2024-03-31", 6400000000, "Q-24", 2024, "Q1", "10-Q",
                              "2024-04-25"),
                    ]
                },
            },
            "RevenueFromContractWithCustomerExcludingAssessedTax": {
                "units": {"USD": [_fact("2024-01-01", "2024-12-31", 1, "A-25", 2024, "FY",
                                        "10-K", "2025-01-30")]}
            },
        },
    },
}  # fmt: skip


def test_xbrl_facts_tidy_rows_and_no_duplicates_on_rerun(httpserver, tmp_path, client):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/api/xbrl/companyfacts/CIK0001326801.json").respond_with_json(
        COMPANYFACTS
    )
    sources = _sources(
        tmp_path,
        f"  - {{name: capex, kind: xbrl_facts, ciks: [1326801], data_url: '{base}'}}\n",
    )
    wh = str(tmp_path / "wh.duckdb")
    first = ingest(sources, wh, client=client)
    second = ingest(sources, wh, client=client)
    assert first.facts == 4 and first.new_documents == 1
    assert second.facts == 4 and second.new_documents == 0 and second.existing_documents == 1
    with duckdb.connect(wh, read_only=True) as con:
        facts = con.execute(
            "select cik, company, concept, fiscal_year, fiscal_period, period_start, period_end,"
            " value, unit, form, filed, accession, frame, document_id"
            " from raw.xbrl_facts order by period_end, accession"
        ).fetchall()
        kinds = con.execute("select kind, genre, feed_title from raw.documents").fetchall()
    assert len(facts) == 4  # the rerun upserted the same four rows
    annual_2024 = [f for f in facts if str(f[6]) == "2024-12-31"][0]
    assert annual_2024[:5] == (
        1326801,
        "Meta Platforms, Inc.",
        "PaymentsToAcquirePropertyPlantAndEquipment",
        2024,
        "FY",
    )
    assert str(annual_2024[5]) == "2024-01-01" and annual_2024[7] == 37256000000
    assert annual_2024[8:13] == ("USD", "10-K", annual_2024[10], "A-25", "CY2024")
    assert annual_2024[13].startswith("capex:")
    # the 2023 value reported twice (its own 10-K and next year's comparative) stays two rows
    assert [f[11] for f in facts if str(f[6]) == "2023-12-31"] == ["A-24", "A-25"]
    assert kinds == [("xbrl_facts", "filing", "XBRL company facts: Meta Platforms, Inc.")]


def test_xbrl_invalid_json_is_logged_and_other_ciks_continue(httpserver, tmp_path, client):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/api/xbrl/companyfacts/CIK0000789019.json").respond_with_data(
        "{not json", content_type="application/json"
    )
    httpserver.expect_request("/api/xbrl/companyfacts/CIK0001326801.json").respond_with_data(
        json.dumps(COMPANYFACTS), content_type="application/json"
    )
    sources = _sources(
        tmp_path,
        f"  - {{name: capex, kind: xbrl_facts, ciks: [789019, 1326801], data_url: '{base}'}}\n",
    )
    wh = str(tmp_path / "wh.duckdb")
    report = ingest(sources, wh, client=client)
    assert report.facts == 4 and report.failed_fetches == 1
    with duckdb.connect(wh, read_only=True) as con:
        err = con.execute("select error from raw.fetch_log where outcome = 'error'").fetchone()
    assert "invalid companyfacts JSON" in err[0]


def test_sec_hosts_share_one_bucket_clamped_to_ten_per_second():
    assert rate_key("data.sec.gov", 50) == ("sec.gov", 10.0)
    assert rate_key("www.sec.gov", None) == ("sec.gov", 10.0)
    assert rate_key("www.sec.gov", 2) == ("sec.gov", 2)
    assert rate_key("example.com", 50) == ("example.com", 50)


def test_sec_rate_limit_is_enforced_across_hosts():
    """Five requests to two sec.gov hosts on a frozen clock: 0.1 s apart, never closer."""
    import httpx

    slept: list[float] = []
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text="{}"))
    with HttpClient(
        user_agent=UA, transport=transport, sleep=slept.append, clock=lambda: 0.0
    ) as sec:
        sec.respect_robots = False
        for host in ("data.sec.gov", "www.sec.gov", "data.sec.gov", "www.sec.gov", "x.sec.gov"):
            assert sec.fetch(f"https://{host}/x", rate_per_s=100).ok
    assert slept == pytest.approx([0.1, 0.2, 0.3, 0.4])


@pytest.mark.parametrize(
    ("name", "exhibit", "hit"),
    [
        ("crwv-ex99_1.htm", "EX-99.1", True),
        ("d123456dex991.htm", "EX-99.1", True),
        ("exhibit99-1.htm", "EX-99.1", True),
        ("ex-99.01.htm", "EX-99.1", True),
        ("q32025ex991pressrelease.htm", "EX-99.1", True),
        ("ex9910.htm", "EX-99.1", False),
        ("ex99_11.htm", "EX-99.1", False),
        ("ex99_2.htm", "EX-99.1", False),
        ("ex99_2.htm", "EX-99.2", True),
        ("ex99.htm", "EX-99", True),
        ("ex99_1.htm", "EX-99", False),
        ("index.json", "EX-99.1", False),
    ],
)
def test_exhibit_file_names(name, exhibit, hit):
    assert bool(exhibit_pattern(exhibit).search(name)) is hit


def test_find_exhibits_skips_primary_and_non_documents():
    found = find_exhibits(INDEX, ["EX-99.1", "EX-99.2"], "crwv-20250930.htm")
    assert found == [("EX-99.1", "crwv-ex99_1.htm")]
    typed = {"directory": {"item": [{"name": "pr.htm", "type": "EX-99.1"}]}}
    assert find_exhibits(typed, ["EX-99.1"], None) == [("EX-99.1", "pr.htm")]


INDEX_HTM = """<html><body><table class="tableFile" summary="Document Format Files">
<tr><th scope="col">Seq</th><th scope="col">Description</th><th scope="col">Document</th>
<th scope="col">Type</th><th scope="col">Size</th></tr>
<tr><td>1</td><td>8-K</td><td><a href="/Archives/edgar/data/1045810/000104581025000228/nvda-20251119.htm">nvda-20251119.htm</a></td><td>8-K</td><td>30211</td></tr>
<tr><td>2</td><td>PRESS RELEASE</td><td><a href="/Archives/edgar/data/1045810/000104581025000228/q3fy26pr.htm">q3fy26pr.htm</a></td><td>EX-99.1</td><td>90112</td></tr>
<tr><td>3</td><td>CFO COMMENTARY</td><td><a href="/Archives/edgar/data/1045810/000104581025000228/q3fy26cfo.htm">q3fy26cfo.htm</a></td><td>EX-99.2</td><td>40112</td></tr>
</table></body></html>"""  # noqa: E501


def test_exhibits_with_uninformative_names_are_found_through_the_html_index(
    httpserver, tmp_path, client
):
    cik, acc = 1045810, "0001045810-25-000228"
    folder = f"/Archives/edgar/data/{cik}/{acc.replace('-', '')}"
    base = httpserver.url_for("").rstrip("/")
    subs = {
        "cik": str(cik),
        "name": "NVIDIA CORP",
        "filings": {
            "recent": {
                "accessionNumber": [acc],
                "filingDate": ["2025-11-19"],
                "form": ["8-K"],
                "items": ["2.02,9.01"],
                "primaryDocument": ["nvda-20251119.htm"],
                "primaryDocDescription": ["8-K"],
            },
            "files": [],
        },
    }
    items = [f"{acc}-index-headers.html", f"{acc}-index.html", f"{acc}.txt", "nvda-20251119.htm"]
    items += ["q3fy26pr.htm", "q3fy26cfo.htm", "R1.htm"]
    httpserver.expect_request(f"/submissions/CIK{cik:010d}.json").respond_with_json(subs)
    httpserver.expect_request(f"{folder}/index.json").respond_with_json(
        {"directory": {"item": [{"name": n, "type": "text.gif"} for n in items]}}
    )
    httpserver.expect_request(f"{folder}/{acc}-index.html").respond_with_data(INDEX_HTM)
    for name in ("nvda-20251119.htm", "q3fy26pr.htm", "q3fy26cfo.htm"):
        httpserver.expect_request(f"{folder}/{name}").respond_with_data(f"<p>{name}</p>")
    sources = _sources(
        tmp_path,
        f"  - {{name: edgar, kind: sec_edgar, ciks: [{cik}], exhibits: [EX-99.1],\n"
        f"     data_url: '{base}', archives_url: '{base}'}}\n",
    )
    wh = str(tmp_path / "wh.duckdb")
    report = ingest(sources, wh, client=client)
    assert report.failed_fetches == 0
    with duckdb.connect(wh, read_only=True) as con:
        titles = con.execute("select feed_title from raw.documents order by url").fetchall()
    # EX-99.2 (the CFO commentary) was not asked for
    assert titles == [("8-K NVIDIA CORP Items 2.02, 9.01",), ("8-K NVIDIA CORP EX-99.1",)]


def test_older_submission_pages_are_read_when_since_reaches_back(httpserver, tmp_path, client):
    base = httpserver.url_for("").rstrip("/")
    recent = json.loads(json.dumps(SUBMISSIONS))
    recent["filings"]["files"] = [
        {"name": "CIK0001769628-submissions-001.json", "filingFrom": "2024-01-02",
         "filingTo": "2024-12-30", "filingCount": 1},
        {"name": "CIK0001769628-submissions-000.json", "filingFrom": "2019-01-02",
         "filingTo": "2023-12-29", "filingCount": 1},
    ]  # fmt: skip
    older = {
        "accessionNumber": ["0001769628-24-000003"],
        "filingDate": ["2024-06-03"],
        "form": ["8-K/A"],
        "items": ["8.01"],
        "primaryDocument": ["amended.htm"],
    }
    httpserver.expect_request(f"/submissions/CIK{CIK:010d}.json").respond_with_json(recent)
    httpserver.expect_request("/submissions/CIK0001769628-submissions-001.json").respond_with_json(
        older
    )
    for acc, doc in (
        (ACC_8K, "crwv-20250930.htm"),
        (ACC_OLD, "o.htm"),
        ("0001769628-24-000003", "amended.htm"),
    ):  # noqa: E501
        httpserver.expect_request(f"{_folder(acc)}/{doc}").respond_with_data(f"<p>{doc}</p>")
    sources = _sources(
        tmp_path,
        f"  - {{name: edgar, kind: sec_edgar, ciks: [{CIK}], forms: [8-K], since: 2024-06-01,\n"
        f"     exhibits: [], data_url: '{base}', archives_url: '{base}'}}\n",
    )
    wh = str(tmp_path / "wh.duckdb")
    report = ingest(sources, wh, client=client)
    assert report.failed_fetches == 0 and report.new_documents == 3
    requested = {r.path for r, _ in httpserver.log}
    assert "/submissions/CIK0001769628-submissions-001.json" in requested
    assert "/submissions/CIK0001769628-submissions-000.json" not in requested  # before since
