"""Company names a document defines for itself, on top of the gazetteer.

The gazetteer (:mod:`pipelines.extract.gazetteer`) knows the market's companies. A document
also names companies it does not know (a start-up renting its first cluster, a new landlord)
and defines short names of its own (``Strandway Compute, Inc. (the "Company")``,
``Meta Platforms, Inc. ("Meta")``). This module finds both, per document, so that role
grammar can work on "the Company" and on names nobody listed.

Unknown companies are recognised only from strong, genre-wide signals:

* a corporate suffix: ``Strandway Compute, Inc.``, ``Vindrake Compute ASA``, ``Fluidstack Ltd.``;
* a listing: ``Halcyra Sovereign Cloud (NASDAQ: HSC)``;
* a press-release boilerplate heading: ``About Tessaloom AI`` (a paragraph of its own, or
  followed by the name again / "is", "operates", "builds"...);
* an appositive or copula naming the kind of company: ``Quillfeather Labs, a start-up
  building ...``, ``X is a GPU cloud provider``.

Each unknown company gets a canonical name (the name without its corporate suffix), a role
inferred from its name and descriptor (``Cloud``/``Compute``/"data center" -> neocloud,
``AI``/``Labs``/"models" -> ai_lab, else other), and a short form (its first word, when that
word is distinctive: "Strandway", "Halcyra"), also matched in capitals ("HALCYRA").

Defined terms map a parenthesised quoted name to the company just before it; "the Company"
then resolves to the filer. Hits inside the defining parentheses are dropped.

Known limits: a name with no suffix, listing, "About" heading or descriptor stays unknown;
a capitalised multi-word phrase with a corporate suffix that is not a party (an exchange,
"The Nasdaq Stock Market LLC") is recognised too and only filtered later by the grammar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.extract.gazetteer import Company, Gazetteer

_TOK = r"(?:[A-Z][A-Za-z0-9'-]*[A-Za-z0-9]|[A-Z])"
_NAME = rf"{_TOK}(?:[ ](?:{_TOK}|&|\d{{1,3}}(?![\d,.])))" + r"{0,5}"
_SUFFIX = (
    r"(?:Inc|Incorporated|Corp|Corporation|Ltd|Limited|LLC|L\.L\.C|plc|PLC|ASA|AB|AG|SE|SAS"
    r"|S\.A|N\.V|GmbH|B\.V|Pty|Co|LP|L\.P|Oy|S\.p\.A|K\.K)"
)
_ABOUT_RE = re.compile(
    rf"^[ \t#*]*About[ ](?P<name>{_NAME})[ \t*]*(?:$|(?=[ ](?P=name)\b|[ ](?:is|operates|builds"
    r"|develops|provides|designs|makes|offers|was|has|helps)\b))",
    re.MULTILINE,
)
_KIND = (
    r"(?:company|start-?up|developer|provider|maker|lab|laboratory|operator|firm|bank|platform"
    r"|builder|designer|owner|supplier|business|group|venture|neocloud|hyperscaler|lender"
    r"|investor|manager|landlord|specialist|vendor)s?"
)
_SUFFIX_TAIL_RE = re.compile(rf"(?:,[ ]?|[ ]){_SUFFIX}(?![\w-])")
_TICKER_TAIL_RE = re.compile(
    r"\((?:NASDAQ|Nasdaq|NYSE|NYSE American|TSX|LSE|ASX|OTC|OTCQX|Euronext|Oslo Børs|Oslo Bors"
    r"|SIX|TSE)(?:[ ]\w+)?[ ]?:[ ]?[A-Z.]{1,6}\)"
)
_TRAILING_SUFFIX_RE = re.compile(rf"(?:,?[ ]{_SUFFIX}\.?)?[ ]?$")
_APPOSITIVE_TAIL_RE = re.compile(
    rf"(?:,[ ]|[ ]is[ ])(?:a|an)[ ](?:[\w'-]+[ ]){{0,6}}?{_KIND}\b(?P<desc>[^.;\n]{{0,80}})"
)
_NAME_TAIL_RE = re.compile(rf"(?<![\w&'-])(?P<name>{_NAME})$")


def _name_before(text: str, end: int) -> tuple[str, int] | None:
    """The run of capitalised words (at most six) ending at ``end`` (a corporate suffix and
    a space before ``end`` are skipped), and its start."""
    base = max(0, end - 120)
    tail = _TRAILING_SUFFIX_RE.search(text, base, end)
    if tail is not None:
        end = tail.start()
    m = _NAME_TAIL_RE.search(text, base, end)
    if m is None:
        return None
    return m.group("name"), m.start("name")


# capitalised words that start a sentence or a heading but do not start a company name
_STOP = {
    "about", "the", "a", "an", "on", "in", "at", "for", "by", "with", "and", "or", "of", "to",
    "today", "this", "that", "these", "those", "its", "our", "their", "his", "her", "we",
    "subsidiaries", "subsidiary", "under", "after", "before", "as", "from", "into", "while",
    "when", "if", "but", "also", "each", "both", "separately", "meanwhile", "however",
    "according", "shares", "analysts", "investors", "customers", "pursuant", "item", "form",
    "exhibit", "new", "first", "last", "fictional", "dear", "photo", "source", "contact",
    "media", "press", "news", "update", "correction", "opinion", "analysis", "breaking",
    "exclusive", "report", "reports", "said", "says", "announced", "chief", "ceo", "cfo",
}  # fmt: skip
# words that cannot be a distinctive short form of a company
_GENERIC_WORD = {
    "ai", "cloud", "compute", "computing", "data", "digital", "global", "capital", "energy",
    "systems", "technologies", "technology", "labs", "lab", "group", "holdings", "partners",
    "networks", "infrastructure", "sovereign", "gpu", "united", "american", "national",
    "general", "international", "open", "north", "south", "east", "west", "first", "new",
    "advanced", "applied", "bank", "the", "power", "green", "blue", "red", "black", "white",
    "core", "prime", "next", "smart", "deep", "quantum", "frontier", "strategic", "company",
    "corporation", "inc", "nasdaq", "stock", "market", "exchange", "securities",
}  # fmt: skip
_NEOCLOUD_HINT_RE = re.compile(
    r"\b(?:cloud|compute|computing|GPU|data[- ]cent(?:er|re)s?|data\s+parks?|hosting|colocation"
    r"|infrastructure|neocloud|campus|campuses)\b",
    re.IGNORECASE,
)
_LAB_HINT_RE = re.compile(
    r"\b(?:AI|Labs?|Intelligence|models?|research|reasoning|foundation)\b", re.IGNORECASE
)
_OTHER_HINT_RE = re.compile(
    r"\b(?:bank|lender|capital|asset\s+manager|investor|insurer|biosciences?|therapeutics"
    r"|pharma\w*|drug|retailer|manufacturer)\b",
    re.IGNORECASE,
)
_DEFINED_RE = re.compile(
    r"[ ]?\((?:the[ ])?\"(?P<t1>[A-Z][\w.&' -]{0,40}?)\"(?:[ ](?:or|and)[ ](?:the[ ])?"
    r"\"(?P<t2>[A-Z][\w.&' -]{0,40}?)\")?\)"
)
_BETWEEN_RE = re.compile(rf"^\.?(?:,?[ ]{_SUFFIX}\.?)*(?:,?[ ]\((?:[^()]{{0,30}})\))?$")
# SEC cover pages: the registrant's name sits above this caption; "the Company" is the filer
_REGISTRANT_RE = re.compile(
    r"^(?P<name>[^\n]{2,80})\n\s*\((?:Exact\s+name\s+of\s+registrant|Translation\s+of\s+registrant)",
    re.MULTILINE | re.IGNORECASE,
)


_SUFFIX_TOKEN_RE = re.compile(rf"{_SUFFIX}\.?,?")
# exchanges, regulators and the like are named with suffixes too, but never rent compute
_NOT_PARTY_WORDS = {"stock", "exchange", "securities", "commission", "market", "markets"}


@dataclass(frozen=True)
class LocalName:
    """An alias valid in one document: ``text`` (matched as written) names ``company``."""

    text: str
    company: Company
    upper_ok: bool = True  # also match the alias in capitals


def _clean(name: str) -> str | None:
    toks = name.split(" ")
    while toks and toks[0].lower().strip("'") in _STOP:
        toks = toks[1:]
    # "Strandway Compute Strandway Compute" (an About heading run into its paragraph)
    n = len(toks)
    if n >= 2 and n % 2 == 0 and toks[: n // 2] == toks[n // 2 :]:
        toks = toks[: n // 2]
    while toks and (toks[-1] in ("&", "and") or _SUFFIX_TOKEN_RE.fullmatch(toks[-1])):
        toks = toks[:-1]
    if any(t.lower() in _NOT_PARTY_WORDS for t in toks):
        return None
    if not toks:
        return None
    name = " ".join(toks)
    letters = sum(c.isalpha() for c in name)
    if letters < 3 or name.isdigit():
        return None
    return name


def _role(name: str, desc: str) -> str:
    text = f"{name} {desc}"
    last = name.split(" ")[-1].lower()
    if _OTHER_HINT_RE.search(text):
        return "other"
    if last in ("cloud", "compute", "computing", "gpu") or _NEOCLOUD_HINT_RE.search(desc):
        return "neocloud"
    if last in ("ai", "labs", "lab", "intelligence") or _LAB_HINT_RE.search(desc):
        return "ai_lab"
    if _NEOCLOUD_HINT_RE.search(name):
        return "neocloud"
    return "other"


def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in spans)


def discover(
    text: str, gazetteer: Gazetteer, known_hits: list[tuple[int, int, Company]] | None = None
) -> tuple[list[LocalName], list[tuple[int, int]]]:
    """Local aliases of ``text`` and the spans of defining parentheses (to be skipped).

    ``known_hits`` are the gazetteer's hits in ``text`` (computed if not given)."""
    hits = known_hits if known_hits is not None else gazetteer.find(text)
    known_spans = [(s, e) for s, e, _ in hits]
    found: dict[str, tuple[str, str]] = {}  # casefold name -> (name, descriptor)
    order: list[str] = []

    def add(raw: str, start: int, desc: str = "") -> None:
        name = _clean(raw)
        if name is None:
            return
        offset = raw.find(name)
        s = start + max(offset, 0)
        if _overlaps(known_spans, s, s + len(name)):
            return
        try:
            gazetteer.get(name)
            return
        except KeyError:
            pass
        key = name.casefold()
        if key not in found:
            found[key] = (name, desc)
            order.append(key)
        elif desc and not found[key][1]:
            found[key] = (found[key][0], desc)

    # each signal is found first, then the capitalised name just before it (fast on long
    # texts: no regex tries a name at every capital letter)
    for rx in (_SUFFIX_TAIL_RE, _TICKER_TAIL_RE, _APPOSITIVE_TAIL_RE):
        for m in rx.finditer(text):
            got = _name_before(text, m.start())
            if got is not None:
                desc = m.group(0) if rx is _APPOSITIVE_TAIL_RE else ""
                add(got[0], got[1], desc)
    if "About" in text:
        for m in _ABOUT_RE.finditer(text):
            add(m.group("name"), m.start("name"))
    # a name recognised with its suffix is the same company when seen with a longer
    # capitalised run in front ("About Strandway Compute" vs "Strandway Compute")
    companies: dict[str, Company] = {}
    locals_: list[LocalName] = []
    for key in order:
        name, desc = found[key]
        co = Company(name, _role(name, desc), None, None, ())
        companies[key] = co
        locals_.append(LocalName(name, co))
    # short forms: the first word, when distinctive and unambiguous
    firsts: dict[str, list[Company]] = {}
    for co in companies.values():
        toks = co.name.split(" ")
        if len(toks) < 2:
            continue
        first = toks[0]
        if len(first) < 4 or first.lower() in _GENERIC_WORD or not first[0].isupper():
            continue
        if re.search(rf"\b{re.escape(first.lower())}\b", text):
            continue  # the word is used in lower case: a common word
        try:
            gazetteer.get(first)
            continue
        except KeyError:
            pass
        firsts.setdefault(first, []).append(co)
    for first, cos in firsts.items():
        if len(cos) == 1:
            locals_.append(LocalName(first, cos[0]))
    # defined terms: NAME[, Inc.] (the "Company") / ("Meta") / ("AMD" or the "Company")
    paren_spans: list[tuple[int, int]] = []
    reg = _REGISTRANT_RE.search(text) if "registrant" in text.lower() else None
    if reg is not None:
        filer = _registrant(reg, text, gazetteer, hits, locals_)
        if filer is not None:
            locals_.append(LocalName("Company", filer, upper_ok=False))
            locals_.append(LocalName("Registrant", filer, upper_ok=False))
    if '("' in text or '(the "' in text:
        local_hits = _find_local(text, locals_) if locals_ else []
        all_hits = sorted([*hits, *local_hits], key=lambda h: h[0])
        for m in _DEFINED_RE.finditer(text):
            ante = None
            for _, e, co in reversed(all_hits):
                if e <= m.start():
                    if _BETWEEN_RE.match(text[e : m.start()]):
                        ante = co
                    break
            if ante is None:
                continue
            paren_spans.append((m.start(), m.end()))
            for term in (m.group("t1"), m.group("t2")):
                if not term:
                    continue
                term = term.strip()
                try:
                    if gazetteer.get(term).name == ante.name:
                        continue  # ("Microsoft"): the gazetteer already finds it
                except KeyError:
                    pass
                if term.casefold() == ante.name.casefold():
                    continue
                locals_.append(LocalName(term, ante, upper_ok=False))
    return locals_, paren_spans


def _registrant(
    m: re.Match,
    text: str,
    gazetteer: Gazetteer,
    hits: list[tuple[int, int, Company]],
    locals_: list[LocalName],
) -> Company | None:
    """The company named on a filing's cover line (gazetteer or local name)."""
    s, e = m.span("name")
    for hs, he, co in hits:
        if s <= hs and he <= e:
            return co
    line = m.group("name").strip()
    for ln in locals_:
        if ln.text in line:
            return ln.company
    name = _clean(_SUFFIX_TOKEN_RE.sub("", line).strip(" ,.")) if line else None
    if not name or len(name) > 60:
        return None
    return Company(name, _role(name, ""), None, None, ())


def _find_local(text: str, locals_: list[LocalName]) -> list[tuple[int, int, Company]]:
    out: list[tuple[int, int, Company]] = []
    by_text: dict[str, Company] = {}
    for ln in sorted(locals_, key=lambda x: -len(x.text)):
        by_text.setdefault(ln.text, ln.company)
        if ln.upper_ok and ln.text.upper() != ln.text:
            by_text.setdefault(ln.text.upper(), ln.company)
    alts = "|".join(re.escape(t) for t in sorted(by_text, key=len, reverse=True))
    for m in re.finditer(rf"(?<![\w@#])(?:{alts})(?![\w])", text):
        out.append((m.start(), m.end(), by_text[m.group(0)]))
    return out


_HINT_RE = re.compile(
    rf"[ ,]{_SUFFIX}(?![\w-])|\((?:NASDAQ|Nasdaq|NYSE|TSX|LSE|ASX|OTC|Euronext)|About[ ]"
    r"|registrant|(?:,[ ]|[ ]is[ ])an?[ ](?:[\w'-]+[ ]){0,6}?" + _KIND + r"\b"
)


def might_name_company(text: str) -> bool:
    """Cheap test: could :func:`discover` find a company in ``text``? (A superset: True when
    any of its signals occurs.) Used by the extraction pre-filter."""
    return _HINT_RE.search(text) is not None


class DocumentNames:
    """Gazetteer plus one document's local names; ``find`` merges both without overlaps
    (the longer hit wins; on a tie the gazetteer's)."""

    def __init__(self, gazetteer: Gazetteer, text: str, title: str | None = None):
        self.gazetteer = gazetteer
        self._text_hits = gazetteer.find(text)
        self._title = title
        self._title_hits = gazetteer.find(title) if title else []
        source, hits = text, self._text_hits
        if title:
            source = f"{text}\n{title}"
            base = len(text) + 1
            hits = hits + [(s + base, e + base, co) for s, e, co in self._title_hits]
        self.local, self._skip = discover(source, gazetteer, hits)
        self._skip = [(s, e) for s, e in self._skip if e <= len(text)]
        self._text = text

    def find(self, text: str) -> list[tuple[int, int, Company]]:
        if text is self._text:
            known = self._text_hits
        elif text == self._title:
            known = self._title_hits
        else:
            known = self.gazetteer.find(text)
        if not self.local:
            return list(known)
        local = _find_local(text, self.local)
        skip = self._skip if text is self._text else []
        merged = sorted(
            [(s, e, co, 1) for s, e, co in known] + [(s, e, co, 0) for s, e, co in local],
            key=lambda h: (h[0], -(h[1] - h[0]), -h[3]),
        )
        out: list[tuple[int, int, Company]] = []
        last_end = -1
        for s, e, co, _ in merged:
            if s < last_end or _overlaps(skip, s, e):
                continue
            out.append((s, e, co))
            last_end = e
        return out

    def companies(self) -> list[Company]:
        seen: dict[str, Company] = {}
        for ln in self.local:
            seen.setdefault(ln.company.name, ln.company)
        return list(seen.values())
