"""Measure the deal extractor against labelled documents (``csi eval``).

A labels file is YAML with one key, ``documents:``, a list of entries; each names its document
in one of three ways:

* ``file:`` relative to the labels file (the development set, ``eval/devset/labels.yaml``);
* ``url:`` a recorded URL, resolved through ``sources/recordings/index.yaml`` (the recorded
  corpus, ``sources/recordings/labels.yaml``); the title and date the feed gave for that URL
  are passed to the parser, as the pipeline does;
* ``path:`` a local file relative to the repository root (``sources/notes/...``).

Other keys: ``genre`` (``news | press_release | filing``; default ``filing`` for sec.gov URLs,
``news`` for other recorded URLs and ``press_release`` for local files, as
``sources/live.yaml`` declares them), ``published`` (for sec.gov URLs, passed as the feed date:
the pipeline dates filings by the filing index), ``decoy``
(must yield no capacity deal) and ``deals`` (each with ``buyer, provider, deal_type`` and the
fields below).

Each document goes through the real stages: :func:`~pipelines.extract.html.parse_document`
then :func:`~pipelines.extract.mentions.extract_mentions`. Predicted and labelled deals are
matched per document on (buyer, provider, market) — capacity_contract and expansion are one
market, and which of the two a deal is counts as a field — company names compared after
resolving aliases through the gazetteer (names outside it — invented companies — are compared
case-insensitively without corporate suffixes). The report gives precision, recall and F1 at
deal level (overall, per genre and per labels file), the accuracy of each field on matched
deals, decoys that yielded a capacity deal, and every miss and false positive.

Field accuracy: ``value_usd`` within 1 % (both null counts as correct), ``power_mw`` within
1 %, the other fields equal (both null counts as correct).

Run ``python -m pipelines.extract.evaluate [LABELS.yaml ...]``.
"""

from __future__ import annotations

import functools
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import yaml

from pipelines.extract.gazetteer import Gazetteer
from pipelines.extract.html import parse_document
from pipelines.extract.mentions import EXTRACTOR_VERSION, Mention, extract_mentions

ROOT = Path(__file__).resolve().parents[2]
DEVSET_LABELS = ROOT / "eval" / "devset" / "labels.yaml"
RECORDINGS_LABELS = ROOT / "sources" / "recordings" / "labels.yaml"
# Real-language set (eval/reallang): documents written after reading real reporting, in the
# proportions of its constructions. Rules are tuned on the dev part only; the test part is
# held out and scored when a piece of work is finished.
REALLANG_DEV_LABELS = ROOT / "eval" / "reallang" / "dev" / "labels.yaml"
REALLANG_TEST_LABELS = ROOT / "eval" / "reallang" / "test" / "labels.yaml"
DEFAULT_LABEL_SETS: tuple[Path, ...] = (
    DEVSET_LABELS,
    RECORDINGS_LABELS,
    REALLANG_DEV_LABELS,
    REALLANG_TEST_LABELS,
)

CAPACITY_TYPES = ("capacity_contract", "expansion")
FIELDS = (
    "deal_type",  # capacity_contract vs expansion: one market, so one deal, a field apart
    "value_usd",
    "value_qualifier",
    "announced_on",
    "duration_years",
    "end_date",
    "gpu_model",
    "gpu_count",
    "power_mw",
)
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".markdown": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
}


_SEC_HOST_RE = re.compile(r"^https?://(?:www\.)?sec\.gov/", re.IGNORECASE)


class LabelsError(ValueError):
    """A labels file that cannot be read: the message names the file and the entry."""


# =========================================================================== results
@dataclass(frozen=True)
class Deal:
    """A labelled or predicted deal, reduced to the fields that are scored."""

    buyer: str
    provider: str
    deal_type: str
    value_usd: float | None = None
    value_qualifier: str | None = None
    announced_on: date | None = None
    duration_years: float | None = None
    end_date: date | None = None
    gpu_model: str | None = None
    gpu_count: int | None = None
    power_mw: float | None = None
    evidence: str | None = None

    def label(self) -> str:
        return f"{self.buyer} <- {self.provider} ({self.deal_type})"


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Scores) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


@dataclass
class FieldMismatch:
    document: str
    deal: str
    field: str
    expected: object
    predicted: object


@dataclass
class DocumentResult:
    document: str  # file / url / path as labelled
    label_set: str  # labels file, relative to the repository when possible
    genre: str
    decoy: bool
    labelled: list[Deal]
    predicted: list[Deal]
    matched: list[tuple[Deal, Deal]]  # (labelled, predicted)
    misses: list[Deal]
    false_positives: list[Deal]
    published: date | None = None
    error: str | None = None
    # every candidate the document-level pass judged, with its status and deciding rule
    decisions: list[tuple[Deal, str, str]] = field(default_factory=list)
    # sentences naming two companies that a sentence filter turned down
    rejections: list[tuple[str, frozenset[str], str]] = field(default_factory=list)

    def why(self, deal: Deal, gazetteer: Gazetteer) -> str:
        """Which rule decided about the candidate for ``deal`` (same parties and market),
        or that no sentence rule produced one."""

        def key(d: Deal) -> tuple:
            pair = frozenset((company_key(d.buyer, gazetteer), company_key(d.provider, gazetteer)))
            return pair, market_of(d.deal_type)

        k = key(deal)
        found = [(d, status, rule) for d, status, rule in self.decisions if key(d) == k]
        if not found:
            pair = k[0]
            turned_down = [
                (rule, sentence)
                for sentence, names, rule in self.rejections
                if pair <= {company_key(n, gazetteer) for n in names}
            ]
            if turned_down:
                # a sentence with a deal cue that a filter turned down says more than one
                # that merely names both companies
                turned_down.sort(key=lambda rs: rs[0] == "no_deal_cue")
                rule, sentence = turned_down[0]
                more = f" (and {len(turned_down) - 1} more)" if len(turned_down) > 1 else ""
                return (
                    f"no candidate: sentence filter {rule} turned down “{_short(sentence)}”{more}"
                )
            return "no candidate: no sentence names both companies with a deal cue"
        return "; ".join(
            f"{status} by rule {rule} ({d.label()}: “{_short(d.evidence)}”)"
            for d, status, rule in found
        )

    @property
    def scores(self) -> Scores:
        return Scores(len(self.matched), len(self.false_positives), len(self.misses))

    @property
    def decoy_capacity(self) -> list[Deal]:
        """Capacity deals predicted in a decoy document (each one is a failure)."""
        if not self.decoy:
            return []
        return [d for d in self.predicted if d.deal_type in CAPACITY_TYPES]


@dataclass
class EvalReport:
    documents: list[DocumentResult]
    label_sets: list[str]
    extractor_version: str = EXTRACTOR_VERSION
    seconds: float = 0.0
    overall: Scores = field(default_factory=Scores)
    by_genre: dict[str, Scores] = field(default_factory=dict)
    by_label_set: dict[str, Scores] = field(default_factory=dict)
    # field -> (correct, total) over matched deals
    field_accuracy: dict[str, tuple[int, int]] = field(default_factory=dict)
    field_mismatches: list[FieldMismatch] = field(default_factory=list)

    @property
    def misses(self) -> list[tuple[str, Deal]]:
        return [(d.document, x) for d in self.documents for x in d.misses]

    @property
    def false_positives(self) -> list[tuple[str, Deal]]:
        return [(d.document, x) for d in self.documents for x in d.false_positives]

    @property
    def decoy_failures(self) -> list[tuple[str, Deal]]:
        return [(d.document, x) for d in self.documents for x in d.decoy_capacity]

    @property
    def errors(self) -> list[tuple[str, str]]:
        return [(d.document, d.error) for d in self.documents if d.error]

    @property
    def matched(self) -> int:
        return self.overall.tp

    def accuracy(self, name: str) -> float:
        ok, total = self.field_accuracy.get(name, (0, 0))
        return ok / total if total else 1.0

    @property
    def n_decoys(self) -> int:
        return sum(d.decoy for d in self.documents)

    def restrict(self, label_set: str) -> EvalReport:
        """The same report over one labels file's documents only."""
        docs = [d for d in self.documents if d.label_set == label_set]
        return _aggregate(docs, [label_set], self.seconds)


# =========================================================================== comparing
_SUFFIX_RE = re.compile(
    r"(?:,?\s+(?:Inc|Incorporated|Corp|Corporation|Co|Company|Ltd|Limited|LLC|L\.L\.C|PLC|plc|N\.V"
    r"|S\.A|AG|SE|GmbH|B\.V|LP|L\.P|Holdings|Group))+\.?$",
    re.IGNORECASE,
)


def market_of(deal_type: str) -> str:
    """The market a deal type is matched in: capacity_contract and expansion are one."""
    return "capacity" if deal_type in CAPACITY_TYPES else deal_type


def company_key(name: str, gazetteer: Gazetteer) -> str:
    """Canonical comparison key: the gazetteer's canonical name, else the name without
    corporate suffixes, case-folded and with whitespace collapsed."""
    name = " ".join(str(name).split())
    try:
        return gazetteer.get(name).name.casefold()
    except KeyError:
        pass
    bare = _SUFFIX_RE.sub("", name).strip(" ,.")
    try:
        return gazetteer.get(bare).name.casefold()
    except KeyError:
        return bare.casefold()


def _as_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _close(a: float | None, b: float | None, rel: float = 0.01) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= rel * max(abs(float(a)), abs(float(b)))


def field_correct(name: str, expected: object, predicted: object) -> bool:
    """Whether a predicted field counts as correct against the label."""
    if name in ("value_usd", "power_mw"):
        return _close(expected, predicted)  # type: ignore[arg-type]
    if name == "duration_years":
        return _close(expected, predicted, rel=1e-6)  # type: ignore[arg-type]
    if name == "gpu_model":
        if expected is None or predicted is None:
            return expected is None and predicted is None
        return str(expected).casefold() == str(predicted).casefold()
    if name in ("announced_on", "end_date"):
        return _as_date(expected) == _as_date(predicted)
    if name == "gpu_count":
        if expected is None or predicted is None:
            return expected is None and predicted is None
        return int(expected) == int(predicted)  # type: ignore[call-overload]
    return expected == predicted


def _deal_from_label(raw: dict, where: str) -> Deal:
    for key in ("buyer", "provider", "deal_type"):
        if not raw.get(key):
            raise LabelsError(f"{where}: deal without {key!r}: {raw}")

    def num(key: str) -> float | None:
        v = raw.get(key)
        return None if v is None else float(v)

    return Deal(
        buyer=str(raw["buyer"]),
        provider=str(raw["provider"]),
        deal_type=str(raw["deal_type"]),
        value_usd=num("value_usd"),
        value_qualifier=raw.get("value_qualifier"),
        announced_on=_as_date(raw.get("announced_on")),
        duration_years=num("duration_years"),
        end_date=_as_date(raw.get("end_date")),
        gpu_model=raw.get("gpu_model"),
        gpu_count=None if raw.get("gpu_count") is None else int(raw["gpu_count"]),
        power_mw=num("power_mw"),
    )


def _deal_from_mention(m: Mention) -> Deal:
    return Deal(
        buyer=m.buyer,
        provider=m.provider,
        deal_type=m.deal_type,
        value_usd=m.value_usd,
        value_qualifier=m.value_qualifier,
        announced_on=m.announced_on,
        duration_years=m.duration_years,
        end_date=m.end_date,
        gpu_model=m.gpu_model,
        gpu_count=m.gpu_count,
        power_mw=m.power_mw,
        evidence=m.evidence,
    )


def match_deals(
    labelled: list[Deal], predicted: list[Deal], gazetteer: Gazetteer
) -> tuple[list[tuple[Deal, Deal]], list[Deal], list[Deal]]:
    """Pair labelled and predicted deals on (buyer, provider, market): capacity_contract and
    expansion are one market, so a deal typed one way by the label and the other by the
    extractor is found (its deal_type is scored as a field). Each side is used at most once
    (a second prediction of the same deal is a false positive)."""

    def key(d: Deal) -> tuple[str, str, str]:
        return (
            company_key(d.buyer, gazetteer),
            company_key(d.provider, gazetteer),
            market_of(d.deal_type),
        )

    remaining = list(predicted)
    matched: list[tuple[Deal, Deal]] = []
    misses: list[Deal] = []
    for lab in labelled:
        k = key(lab)
        hit = next((p for p in remaining if key(p) == k), None)
        if hit is None:
            misses.append(lab)
        else:
            remaining.remove(hit)
            matched.append((lab, hit))
    return matched, misses, remaining


# =========================================================================== documents
@dataclass(frozen=True)
class _Source:
    """Where a labelled document's bytes come from, and what the fetcher would have known."""

    body: bytes
    content_type: str | None
    url: str
    feed_title: str | None = None
    feed_published_at: datetime | None = None


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LabelsError(f"{path}: cannot read labels: {exc}") from exc
    except yaml.YAMLError as exc:
        raise LabelsError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise LabelsError(f"{path}: expected a mapping with a 'documents' list")
    return data


class _Recordings:
    """The replay index and the feed items (title, date) of ``sources/recordings``."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.entries: dict[str, dict] = {}
        self.feed_items: dict[str, tuple[str | None, datetime | None]] = {}
        index = folder / "index.yaml"
        if not index.is_file():
            return
        data = yaml.safe_load(index.read_text(encoding="utf-8")) or {}
        for entry in data.get("recordings") or []:
            if isinstance(entry, dict) and entry.get("url"):
                self.entries[str(entry["url"])] = entry
        self._read_feeds()

    def _read_feeds(self) -> None:
        import feedparser

        for entry in self.entries.values():
            ctype = str(entry.get("content_type") or "")
            if not any(t in ctype for t in ("rss", "atom", "xml")):
                continue
            path = self.folder / str(entry.get("file", ""))
            if not path.is_file():
                continue
            feed = feedparser.parse(path.read_bytes())
            for item in feed.entries:
                link = item.get("link")
                if not link:
                    continue
                parsed = item.get("published_parsed") or item.get("updated_parsed")
                when = datetime(*parsed[:6]) if parsed else None
                self.feed_items.setdefault(link, (item.get("title"), when))

    def source(self, url: str, where: str) -> _Source:
        entry = self.entries.get(url)
        if entry is None:
            raise LabelsError(f"{where}: url {url} is not in {self.folder / 'index.yaml'}")
        path = self.folder / str(entry.get("file", ""))
        if not path.is_file():
            raise LabelsError(f"{where}: recording {path} is missing")
        title, when = self.feed_items.get(url, (None, None))
        return _Source(
            path.read_bytes(),
            entry.get("content_type"),
            url,
            feed_title=title,
            feed_published_at=when,
        )


def _local_source(path: Path, where: str) -> _Source:
    if not path.is_file():
        raise LabelsError(f"{where}: document {path} is missing")
    return _Source(path.read_bytes(), _CONTENT_TYPES.get(path.suffix.lower()), path.as_uri())


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _documents(
    labels_path: Path, recordings: Callable[[], _Recordings]
) -> Iterable[tuple[str, str, bool, list[Deal], date | None, _Source]]:
    data = _read_yaml(labels_path)
    for i, doc in enumerate(data["documents"]):
        where = f"{labels_path}: documents[{i}]"
        if not isinstance(doc, dict):
            raise LabelsError(f"{where}: expected a mapping")
        if doc.get("file"):
            name = str(doc["file"])
            src = _local_source(labels_path.parent / name, where)
            genre = doc.get("genre") or "news"
        elif doc.get("url"):
            name = str(doc["url"])
            src = recordings().source(name, where)
            sec = _SEC_HOST_RE.match(name) is not None
            if sec and src.feed_published_at is None and doc.get("published"):
                # the filing index gives the filing date, which the pipeline passes as the
                # feed date; the label's `published` is that date
                when = _as_date(doc["published"])
                assert when is not None
                src = replace(src, feed_published_at=datetime(when.year, when.month, when.day))
            genre = doc.get("genre") or ("filing" if sec else "news")
        elif doc.get("path"):
            name = str(doc["path"])
            src = _local_source(ROOT / name, where)
            genre = doc.get("genre") or "press_release"
        else:
            raise LabelsError(f"{where}: needs one of 'file', 'url' or 'path'")
        deals = [_deal_from_label(x, f"{where} ({name})") for x in doc.get("deals") or []]
        yield name, str(genre), bool(doc.get("decoy")), deals, _as_date(doc.get("published")), src


def load_documents(
    label_sets: list[Path] | None = None,
) -> list[tuple[str, str, str, bool, list[Deal], date | None, _Source]]:
    """Every labelled document: (label_set, name, genre, decoy, deals, published, source)."""
    out = []
    recordings = functools.cache(lambda: _Recordings(ROOT / "sources" / "recordings"))
    for labels_path in label_sets or list(DEFAULT_LABEL_SETS):
        labels_path = Path(labels_path).expanduser().resolve()
        for name, genre, decoy, deals, published, src in _documents(labels_path, recordings):
            out.append((_relative(labels_path), name, genre, decoy, deals, published, src))
    return out


def extract_document(
    src: _Source,
    gazetteer: Gazetteer,
    decisions: list | None = None,
    rejections: list | None = None,
) -> list[Mention]:
    """Parse and extract one document exactly as the pipeline does (``decisions`` receives
    every candidate with the document-level pass's status and rule)."""
    parsed = parse_document(
        src.body,
        src.content_type,
        src.url,
        feed_title=src.feed_title,
        feed_published_at=src.feed_published_at,
    )
    return extract_mentions(
        parsed.text,
        title=parsed.title,
        published_at=parsed.published_at.date() if parsed.published_at else None,
        gazetteer=gazetteer,
        decisions=decisions,
        rejections=rejections,
    )


# =========================================================================== public API
def evaluate(label_sets: list[Path] | None = None) -> EvalReport:
    """Run parse + extract over every labelled document and score it against its labels
    (default: the development set and the recorded corpus)."""
    gaz = Gazetteer.load()
    sets = [Path(p).expanduser().resolve() for p in (label_sets or list(DEFAULT_LABEL_SETS))]
    started = time.perf_counter()
    results: list[DocumentResult] = []
    for label_set, name, genre, decoy, labelled, published, src in load_documents(sets):
        error = None
        judged: list = []
        turned_down: list = []
        try:
            predicted = [
                _deal_from_mention(m) for m in extract_document(src, gaz, judged, turned_down)
            ]
        except Exception as exc:  # a crash is scored as finding nothing, and reported
            predicted, error = [], f"{type(exc).__name__}: {exc}"
        matched, misses, fps = match_deals(labelled, predicted, gaz)
        results.append(
            DocumentResult(
                document=name,
                label_set=label_set,
                genre=genre,
                decoy=decoy,
                labelled=labelled,
                predicted=predicted,
                matched=matched,
                misses=misses,
                false_positives=fps,
                published=published,
                error=error,
                decisions=[(_deal_from_mention(m), d.status, d.rule) for m, d in judged],
                rejections=turned_down,
            )
        )
    return _aggregate(results, [_relative(p) for p in sets], time.perf_counter() - started)


def _aggregate(results: list[DocumentResult], label_sets: list[str], seconds: float) -> EvalReport:
    report = EvalReport(documents=results, label_sets=label_sets, seconds=seconds)
    for doc in results:
        s = doc.scores
        report.overall.add(s)
        report.by_genre.setdefault(doc.genre, Scores()).add(s)
        report.by_label_set.setdefault(doc.label_set, Scores()).add(s)
        for lab, pred in doc.matched:
            for name in FIELDS:
                ok, total = report.field_accuracy.get(name, (0, 0))
                exp, got = getattr(lab, name), getattr(pred, name)
                good = field_correct(name, exp, got)
                report.field_accuracy[name] = (ok + good, total + 1)
                if not good:
                    report.field_mismatches.append(
                        FieldMismatch(doc.document, lab.label(), name, exp, got)
                    )
    for name in FIELDS:
        report.field_accuracy.setdefault(name, (0, 0))
    return report


def _fmt_value(v: object) -> str:
    if isinstance(v, float) and v >= 1e6:
        return f"{v / 1e9:.4g}B" if v >= 1e9 else f"{v / 1e6:.4g}M"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "null" if v is None else str(v)


def _short(text: str | None, limit: int = 110) -> str:
    ev = (text or "").strip().replace("\n", " ")
    return ev if len(ev) <= limit else ev[: limit - 3] + "..."


def format_report(report: EvalReport, *, details: bool = True, explain: bool = False) -> str:
    """A readable table: deal-level P/R/F1 overall, per genre and per labels file, field
    accuracy on matched deals, decoys, then (with ``details``) misses, false positives and
    field mismatches."""
    lines: list[str] = []
    n_docs = len(report.documents)
    n_labelled = sum(len(d.labelled) for d in report.documents)
    lines.append(
        f"Deal extraction eval — extractor {report.extractor_version}, {n_docs} documents, "
        f"{n_labelled} labelled deals, {report.seconds:.1f}s"
    )
    lines.append("labels: " + ", ".join(report.label_sets))
    lines.append("")
    header = f"{'deal level (buyer+provider+market)':<36}{'docs':>6}{'TP':>5}{'FP':>5}{'FN':>5}"
    header += f"{'precision':>11}{'recall':>8}{'F1':>7}"
    lines.append(header)
    lines.append("-" * len(header))

    def row(label: str, docs: int, s: Scores) -> str:
        return (
            f"{label:<36}{docs:>6}{s.tp:>5}{s.fp:>5}{s.fn:>5}"
            f"{s.precision:>11.3f}{s.recall:>8.3f}{s.f1:>7.3f}"
        )

    lines.append(row("all", n_docs, report.overall))
    for genre in sorted(report.by_genre):
        docs = sum(d.genre == genre for d in report.documents)
        lines.append(row(f"  genre {genre}", docs, report.by_genre[genre]))
    if len(report.by_label_set) > 1:
        for ls in report.label_sets:
            if ls in report.by_label_set:
                docs = sum(d.label_set == ls for d in report.documents)
                lines.append(row(f"  {ls}", docs, report.by_label_set[ls]))
    lines.append("")
    fh = f"{'field accuracy on matched deals':<36}{'correct':>9}{'of':>6}{'accuracy':>10}"
    lines.append(fh)
    lines.append("-" * len(fh))
    for name in FIELDS:
        ok, total = report.field_accuracy.get(name, (0, 0))
        acc = f"{ok / total:.3f}" if total else "-"
        lines.append(f"{name:<36}{ok:>9}{total:>6}{acc:>10}")
    lines.append("")
    fails = report.decoy_failures
    lines.append(
        f"decoys: {report.n_decoys} documents, {len({d for d, _ in fails})} yielded a capacity deal"
    )
    for doc, deal in fails:
        lines.append(f"  DECOY {doc}: {deal.label()}")
    for doc, err in report.errors:
        lines.append(f"  ERROR {doc}: {err}")
    if details:
        lines.append("")
        lines.append(f"misses ({len(report.misses)}):")
        gaz = Gazetteer.load() if explain else None
        for result in report.documents:
            for deal in result.misses:
                lines.append(
                    f"  {result.document}: {deal.label()} value={_fmt_value(deal.value_usd)}"
                )
                if gaz is not None:
                    lines.append(f"      why: {result.why(deal, gaz)}")
        lines.append(f"false positives ({len(report.false_positives)}):")
        for doc, deal in report.false_positives:
            ev = (deal.evidence or "").strip().replace("\n", " ")
            ev = ev if len(ev) <= 110 else ev[:107] + "..."
            lines.append(f"  {doc}: {deal.label()} value={_fmt_value(deal.value_usd)}")
            if ev:
                lines.append(f"      “{ev}”")
            if explain:
                lines.append("      why: new: no document-level rule dropped it")
        lines.append(f"field mismatches ({len(report.field_mismatches)}):")
        for fm in report.field_mismatches:
            lines.append(
                f"  {fm.document}: {fm.deal} {fm.field}: expected "
                f"{_fmt_value(fm.expected)}, got {_fmt_value(fm.predicted)}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    brief = "--brief" in args
    paths = [Path(a) for a in args if not a.startswith("--")]
    report = evaluate(paths or None)
    print(format_report(report, details=not brief, explain="--explain" in args))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
