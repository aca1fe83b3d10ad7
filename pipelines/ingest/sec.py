"""SEC EDGAR connectors: filings (``sec_edgar``) and XBRL company facts (``xbrl_facts``).

Endpoints (all JSON except the filings themselves):

* ``{data_url}/submissions/CIK##########.json`` - a company's filings: ``filings.recent``
  holds parallel arrays (``accessionNumber``, ``filingDate``, ``form``, ``primaryDocument``,
  ``primaryDocDescription``, ``items``...), ``filings.files`` older pages of the same arrays.
* ``{archives_url}/Archives/edgar/data/<cik>/<accession without dashes>/index.json`` - the
  filing's folder listing (``directory.item[].name``), where exhibits are found by file name
  (EDGAR names them ``...ex99_1.htm``, ``dex991.htm``, ``exhibit991.htm``...).
* ``{data_url}/api/xbrl/companyfacts/CIK##########.json`` - every XBRL fact a company filed:
  ``facts.<taxonomy>.<Concept>.units.<unit>[]`` with ``start, end, val, accn, fy, fp, form,
  filed, frame``.

SEC asks for at most 10 requests per second and a User-Agent naming the requester with a
contact email; the client clamps every sec.gov host to 10/s, and live runs refuse to start a
SEC source whose User-Agent has no email address (replays never reach SEC).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime

from bs4 import BeautifulSoup

from pipelines.ingest.connectors import (
    FetchedDocument,
    LogEntry,
    SourceHarvest,
    Validators,
    XbrlFact,
    _document,
    _get,
    utcnow,
)
from pipelines.ingest.http import SEC_MAX_RATE, FetchResult, HttpClient, has_contact_email
from pipelines.ingest.specs import SecEdgarSpec, XbrlFactsSpec

EXHIBIT_EXTENSIONS = (".htm", ".html", ".txt")
ITEM_NAMES = {
    "1.01": "Entry into a Material Definitive Agreement",
    "1.02": "Termination of a Material Definitive Agreement",
    "2.01": "Completion of Acquisition or Disposition of Assets",
    "2.02": "Results of Operations and Financial Condition",
    "2.03": "Creation of a Direct Financial Obligation",
    "3.02": "Unregistered Sales of Equity Securities",
    "5.02": "Departure or Appointment of Officers or Directors",
    "7.01": "Regulation FD Disclosure",
    "8.01": "Other Events",
    "9.01": "Financial Statements and Exhibits",
}


def submissions_url(spec: SecEdgarSpec | XbrlFactsSpec, cik: int) -> str:
    return f"{spec.data_url}/submissions/CIK{cik:010d}.json"


def companyfacts_url(spec: XbrlFactsSpec, cik: int) -> str:
    return f"{spec.data_url}/api/xbrl/companyfacts/CIK{cik:010d}.json"


def filing_folder(spec: SecEdgarSpec, cik: int, accession: str) -> str:
    return f"{spec.archives_url}/Archives/edgar/data/{cik}/{accession.replace('-', '')}"


def _refuse_without_email(
    spec: SecEdgarSpec | XbrlFactsSpec, client: HttpClient, urls: list[str]
) -> SourceHarvest | None:
    """Live SEC requests need a contact email in the User-Agent; replays do not reach SEC."""
    if client.replaying or has_contact_email(client.user_agent):
        return None
    message = (
        f"refused: SEC requires a User-Agent with a contact email, got {client.user_agent!r}; "
        "set e.g. user_agent: 'Acme Research (data@acme.example)' in the sources file"
    )
    harvest = SourceHarvest(fatal=message)
    for url in urls:
        harvest.log.append(LogEntry(url, 0, utcnow(), None, "skipped", message, 0.0, None))
    return harvest


def _json(harvest: SourceHarvest, result: FetchResult, what: str) -> dict | None:
    """The JSON body of a successful fetch, or None with the fetch-log row marked an error."""
    if not result.ok:
        return None
    try:
        data = json.loads(result.body or b"")
    except ValueError as exc:
        data = exc
    if not isinstance(data, dict):
        problem = f"invalid {what} JSON: {data if isinstance(data, Exception) else 'not an object'}"
        harvest.log[-1].outcome = "error"
        harvest.log[-1].error = problem
        return None
    return data


def _rate(spec: SecEdgarSpec | XbrlFactsSpec) -> float:
    return min(spec.rate_limit_per_s, SEC_MAX_RATE)


# -- sec_edgar --------------------------------------------------------------------------------
def _parse_date(value) -> date | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _rows(arrays: dict) -> list[dict]:
    """Parallel arrays (``accessionNumber: [...], form: [...]``) to one dict per filing."""
    if not isinstance(arrays, dict):
        return []
    accessions = arrays.get("accessionNumber") or []
    rows = []
    for i, accession in enumerate(accessions):
        row = {}
        for key, values in arrays.items():
            if isinstance(values, list) and i < len(values):
                row[key] = values[i]
        row["accessionNumber"] = accession
        rows.append(row)
    return rows


def _form_matches(form: str, wanted: set[str], amendments: bool) -> bool:
    form = (form or "").upper()
    if form in wanted:
        return True
    return amendments and form.endswith("/A") and form[:-2] in wanted


def _title(form: str, company: str, filing: dict, exhibit: str | None = None) -> str:
    if exhibit:
        detail = exhibit
    else:
        items = [i.strip() for i in str(filing.get("items") or "").split(",") if i.strip()]
        if items:
            detail = "Items " + ", ".join(items)
        else:
            detail = str(filing.get("primaryDocDescription") or "").strip()
    return " ".join(part for part in (form, company, detail) if part)


def exhibit_pattern(exhibit: str) -> re.Pattern[str]:
    """File-name pattern of an exhibit type: EX-99.1 matches ex99_1.htm, crwv-ex991.htm,
    d12345dex991.htm, exhibit99-1.htm, ex-99.01.htm (not ex9910.htm, not ex99_11.htm)."""
    m = re.fullmatch(r"EX-(\d+)(?:\.(\d+))?", exhibit.upper())
    if m is None:
        raise ValueError(f"not an exhibit type: {exhibit!r}")
    main, sub = m.group(1), m.group(2)
    tail = rf"[-_.]?0*{sub}(?!\d)" if sub else r"(?![-_.]?\d)"
    return re.compile(rf"ex(?:hibit)?[-_ .]?0*{main}{tail}", re.I)


def _unmatched_documents(index: dict, primary: str | None, taken: set[str]) -> list[str]:
    """Documents in index.json that may be exhibits whose names gave no type away (e.g.
    Nvidia's 'q3fy26pr.htm'): not the primary, an index page, the full submission .txt or
    an XBRL viewer page (R1.htm)."""
    out = []
    for it in (index.get("directory") or {}).get("item") or []:
        name = str(it.get("name") or "") if isinstance(it, dict) else ""
        low = name.lower()
        if not low.endswith(EXHIBIT_EXTENSIONS) or name == primary or name in taken:
            continue
        if re.match(r"^\d{10}-\d{2}-\d{6}", name) or re.fullmatch(r"r\d+\.htm", low):
            continue
        out.append(name)
    return out


def _index_page_name(index: dict, accession: str) -> str:
    for it in (index.get("directory") or {}).get("item") or []:
        name = str(it.get("name") or "") if isinstance(it, dict) else ""
        if name.endswith(("-index.htm", "-index.html")) and "headers" not in name:
            return name
    return f"{accession}-index.htm"


def exhibit_types_from_index_page(page: bytes) -> dict[str, str]:
    """EDGAR's HTML filing index ('<accession>-index.htm'): its document table (class
    'tableFile', columns Seq, Description, Document, Type, Size) maps file name → type."""
    soup = BeautifulSoup(page, "lxml")
    types: dict[str, str] = {}
    for table in soup.select("table.tableFile"):
        header = [th.get_text(" ", strip=True).lower() for th in table.select("tr th")]
        if "document" not in header or "type" not in header:
            continue
        doc_col, type_col = header.index("document"), header.index("type")
        for row in table.select("tr"):
            cells = row.find_all("td")
            if len(cells) <= max(doc_col, type_col):
                continue
            link = cells[doc_col].find("a")
            name = (link.get("href", "").rsplit("/", 1)[-1] if link else "") or cells[
                doc_col
            ].get_text(strip=True)
            kind = cells[type_col].get_text(strip=True).upper()
            if name and kind:
                types[name.split(" ")[0]] = kind
    return types


def find_exhibits(
    index: dict,
    exhibits: list[str],
    primary: str | None,
    types: dict[str, str] | None = None,
) -> list[tuple[str, str]]:
    """(exhibit type, file name) pairs in a filing's index.json, in the order of ``exhibits``.

    A file's type comes from ``types`` (read from the HTML filing index) or the item's
    ``type`` (some mirrors set it); EDGAR's index.json itself only has file names, which are
    matched against :func:`exhibit_pattern`."""
    items = ((index.get("directory") or {}).get("item")) or []
    types = {k: v.upper() for k, v in (types or {}).items()}
    names = [
        (str(it.get("name") or ""), types.get(str(it.get("name")), str(it.get("type") or "")))
        for it in items
        if isinstance(it, dict)
    ]
    found: list[tuple[str, str]] = []
    taken: set[str] = set()
    for exhibit in exhibits:
        pattern = exhibit_pattern(exhibit)
        for name, typ in names:
            if not name or name == primary or name in taken:
                continue
            if not name.lower().endswith(EXHIBIT_EXTENSIONS):
                continue
            if typ.upper() == exhibit.upper() or (not types and pattern.search(name)):
                found.append((exhibit, name))
                taken.add(name)
    return found


def _filings(
    spec: SecEdgarSpec, client: HttpClient, harvest: SourceHarvest, data: dict, cik: int
) -> list[dict]:
    filings = data.get("filings") or {}
    rows = _rows(filings.get("recent") or {})
    # older pages, when the window reaches back before the recent block
    oldest = min((d for r in rows if (d := _parse_date(r.get("filingDate")))), default=None)
    if spec.since is None or oldest is None or oldest > spec.since:
        for page in filings.get("files") or []:
            if not isinstance(page, dict) or not page.get("name"):
                continue
            page_to = _parse_date(page.get("filingTo"))
            if spec.since is not None and page_to is not None and page_to < spec.since:
                continue
            result = client.fetch(
                f"{spec.data_url}/submissions/{page['name']}", rate_per_s=_rate(spec)
            )
            harvest.record(result)
            older = _json(harvest, result, "submissions page")
            if older is not None:
                rows.extend(_rows(older))
    return select_filings(spec, rows)


def select_filings(spec: SecEdgarSpec, rows: list[dict]) -> list[dict]:
    """The filings a spec tracks (forms, amendments, since), newest first, capped."""
    wanted = set(spec.forms)
    picked = []
    for row in rows:
        filed = _parse_date(row.get("filingDate"))
        if not _form_matches(str(row.get("form") or ""), wanted, spec.amendments):
            continue
        if spec.since is not None and (filed is None or filed < spec.since):
            continue
        row["_filed"] = filed
        picked.append(row)
    picked.sort(key=lambda r: (r["_filed"] or date.min, r["accessionNumber"]), reverse=True)
    return picked[: spec.max_filings] if spec.max_filings else picked


def recent_filings(spec: SecEdgarSpec, submissions: dict) -> list[dict]:
    """Tracked filings in a submissions JSON's ``recent`` block (no paging), newest first."""
    return select_filings(spec, _rows((submissions.get("filings") or {}).get("recent") or {}))


def collect_sec_edgar(
    spec: SecEdgarSpec, client: HttpClient, validators: Validators
) -> SourceHarvest:
    """Filings of each CIK (forms, since) from the submissions JSON: each filing's primary
    document and its press-release exhibits, titled '<form> <company> <items>' and dated
    by the filing date."""
    refused = _refuse_without_email(spec, client, [submissions_url(spec, c) for c in spec.ciks])
    if refused is not None:
        return refused
    harvest = SourceHarvest()
    rate = _rate(spec)
    failed_ciks = []
    for cik in spec.ciks:
        result = client.fetch(submissions_url(spec, cik), rate_per_s=rate)
        harvest.record(result)
        data = _json(harvest, result, "submissions")
        if data is None:
            failed_ciks.append(cik)
            continue
        company = str(data.get("name") or f"CIK {cik}")
        for filing in _filings(spec, client, harvest, data, cik):
            accession = str(filing["accessionNumber"])
            form = str(filing.get("form") or "")
            folder = filing_folder(spec, cik, accession)
            filed = filing["_filed"]
            published = datetime(filed.year, filed.month, filed.day) if filed else None
            primary = str(filing.get("primaryDocument") or "").strip() or None
            wanted: list[tuple[str | None, str]] = []
            if primary:
                wanted.append((None, primary))
            if spec.exhibits:
                index_result = client.fetch(f"{folder}/index.json", rate_per_s=rate)
                harvest.record(index_result)
                index = _json(harvest, index_result, "filing index")
                if index is not None:
                    found = find_exhibits(index, spec.exhibits, primary)
                    taken = {name for _, name in found}
                    if len(found) < len(spec.exhibits) and _unmatched_documents(
                        index, primary, taken
                    ):
                        # names that say nothing: the HTML filing index has each file's type
                        page = client.fetch(
                            f"{folder}/{_index_page_name(index, accession)}", rate_per_s=rate
                        )
                        harvest.record(page)
                        if page.ok:
                            types = exhibit_types_from_index_page(page.body or b"")
                            found = find_exhibits(index, spec.exhibits, primary, types)
                    wanted.extend(found)
            for exhibit, name in wanted:
                doc_result = _get(client, f"{folder}/{name}", rate, validators)
                harvest.record(doc_result)
                if doc_result.ok:
                    harvest.documents.append(
                        _document(
                            doc_result,
                            feed_title=_title(form, company, filing, exhibit),
                            feed_published_at=published,
                        )
                    )
    if failed_ciks and len(failed_ciks) == len(spec.ciks):
        harvest.fatal = f"no submissions could be read for CIKs {failed_ciks}"
    return harvest


# -- xbrl_facts -------------------------------------------------------------------------------
def _split_concept(concept: str) -> tuple[str, str]:
    taxonomy, _, name = concept.rpartition(":")
    return (taxonomy or "us-gaap"), name


def tidy_facts(data: dict, concepts: list[str], url: str, cik: int) -> list[XbrlFact]:
    """companyfacts JSON → one XbrlFact per (concept, unit, reported value)."""
    company = data.get("entityName")
    facts = data.get("facts") or {}
    rows: dict[str, XbrlFact] = {}
    for wanted in concepts:
        taxonomy, name = _split_concept(wanted)
        block = (facts.get(taxonomy) or {}).get(name) or {}
        for unit, entries in (block.get("units") or {}).items():
            for entry in entries or []:
                if not isinstance(entry, dict):
                    continue
                end = _parse_date(entry.get("end"))
                value = entry.get("val")
                if end is None or not isinstance(value, int | float) or not entry.get("accn"):
                    continue
                fy = entry.get("fy")
                fact = XbrlFact(
                    url=url,
                    cik=cik,
                    company=company,
                    taxonomy=taxonomy,
                    concept=name,
                    unit=str(unit),
                    fiscal_year=int(fy) if isinstance(fy, int | float) else None,
                    fiscal_period=entry.get("fp"),
                    period_start=_parse_date(entry.get("start")),
                    period_end=end,
                    value=float(value),
                    form=entry.get("form"),
                    filed=_parse_date(entry.get("filed")),
                    accession=str(entry["accn"]),
                    frame=entry.get("frame"),
                )
                rows[fact.fact_id] = fact  # the same fact twice in one file counts once
    return list(rows.values())


def collect_xbrl_facts(
    spec: XbrlFactsSpec, client: HttpClient, validators: Validators
) -> SourceHarvest:
    """companyfacts JSON of each CIK: the body is stored as a document (kind xbrl_facts) and
    the configured concepts become tidy rows for raw.xbrl_facts, upserted, so a refetch never
    duplicates a fact. No conditional GET: after a 304 there would be no body to read a newly
    configured concept from, and an unchanged body is stored only once anyway."""
    refused = _refuse_without_email(spec, client, [companyfacts_url(spec, c) for c in spec.ciks])
    if refused is not None:
        return refused
    harvest = SourceHarvest()
    failed = []
    for cik in spec.ciks:
        url = companyfacts_url(spec, cik)
        result = client.fetch(url, rate_per_s=_rate(spec), max_bytes=spec.max_bytes)
        harvest.record(result)
        data = _json(harvest, result, "companyfacts")
        if data is None:
            failed.append(cik)
            continue
        facts = tidy_facts(data, list(spec.concepts), url, cik)
        if not facts:
            harvest.log[
                -1
            ].error = (
                f"none of the concepts {list(spec.concepts)} in the company facts of CIK {cik}"
            )
        harvest.facts.extend(facts)
        latest = max((f.filed for f in facts if f.filed), default=None)
        doc: FetchedDocument = _document(
            result,
            feed_title=f"XBRL company facts: {data.get('entityName') or f'CIK {cik}'}",
            feed_published_at=datetime(latest.year, latest.month, latest.day) if latest else None,
        )
        harvest.documents.append(doc)
    if failed and len(failed) == len(spec.ciks):
        harvest.fatal = f"no company facts could be read for CIKs {failed}"
    return harvest
