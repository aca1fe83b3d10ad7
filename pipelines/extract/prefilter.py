"""A cheap pre-filter before trafilatura: pages that cannot report a deal skip the full parse.

Proposed as ``pipelines/extract/prefilter.py`` (bench-only until then; measured by
``bench/run_bench.py --impl proposed``).

``quick_parse`` reads an HTML page with lxml alone: title and date by the same JSON-LD /
``<meta>`` / ``<time>`` rules as ``parse_document``, and the text of the page minus
scripts, navigation, headers, footers, asides, forms and elements whose class or id says
cookie/related/sidebar/comment/ad/newsletter... (one line per block element). It drops less
than trafilatura does, so every paragraph trafilatura keeps is in it.

``may_report_deal`` then looks, paragraph by paragraph in title + text, for what
``extract_mentions`` needs in one sentence before it can emit a mention: a deal cue (deal
noun, deal verb, or weak verb), a deal noun or a quantity (money of $1M or more, MW/GW, a
GPU count), a compute/equity cue or a quantity, and two parties (two company names, the
gazetteer's or the document's own as ``DocumentNames`` finds them, or one name and an
anaphor such as "the company"). A paragraph is checked rather than a sentence so that
sentence splitting (abbreviations such as "Inc.") can never hide a deal. Every condition is
a superset of the extractor's, so a page the filter rejects has no mention to lose.

Uses the extractor's own cue regexes (private names of ``pipelines.extract.mentions`` and
``pipelines.extract.html``): when it moves into ``pipelines/extract`` it should live beside
them, so a new cue word widens the filter with the extractor.
"""

from __future__ import annotations

import re
from datetime import datetime

from pipelines.extract.entities import DocumentNames
from pipelines.extract.gazetteer import Gazetteer
from pipelines.extract.html import (
    BOILERPLATE_ATTR,
    decode_body,
    document_kind,
    html_metadata,
    html_tree,
)
from pipelines.extract.mentions import (
    ANAPHOR_RE,
    COMPUTE_CUE_RE,
    DEAL_NOUN_RE,
    DEAL_VERB_RE,
    EQUITY_CUE_RE,
    EXTRACTOR_VERSION,
    ROUND_ANAPHOR_RE,
    WEAK_VERB_RE,
)

# raw.parsed_documents.parser of a page that skipped trafilatura; it names the extractor
# whose cues decided, so the extract stage trusts only decisions of the current extractor
PARSER_PREFILTER = f"lxml-prefilter+{EXTRACTOR_VERSION}"
PREFILTER_PREFIX = "lxml-prefilter"

_DROP_XPATH = "|".join(
    f"//{t}"
    for t in (
        "script",
        "style",
        "noscript",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "iframe",
        "svg",
        "button",
        "template",
    )  # fmt: skip
)
_ATTR_XPATH = "//*[@class or @id or @role]"
_BLOCKS = (
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "td", "th",
    "table", "section", "article", "main", "blockquote", "pre", "dd", "dt", "hr", "body",
)  # fmt: skip
_CUE_RE = re.compile(
    "|".join(p.pattern for p in (DEAL_NOUN_RE, DEAL_VERB_RE, WEAK_VERB_RE)), re.IGNORECASE
)
# a quantity the extractor counts: money of a million or more, a power figure, a GPU count
_QUANTITY_RE = re.compile(
    r"(?:[$€£¥]|\b(?:USD|EUR|GBP|JPY|CHF|CAD|AUD)\s?)\s?\d[\d,.]*\s?(?:-\s?\d[\d,.]*\s?)?"
    r"(?:trillion|billion|million|tln|bln|mln|bil|mil|tn|bn|mn|mm|tr|[tbmk])\b"
    r"|[$€£¥]\s?\d{1,3}(?:,\d{3}){2,}"
    r"|\b\d[\d,.]*\s(?:trillion|billion|million|tln|bln|mln|tn|bn|mn)\s+(?:dollars|euros?|pounds"
    r"|yen|USD|EUR|GBP|U\.?S\.?\s+dollars)"
    r"|\b(?:\d[\d,.]*|a|one|two|three|four|five|six|seven|eight|nine|ten)\s*-?\s*"
    r"(?:gigawatts?|GW|megawatts?|MW)\b"
    r"|\b(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?\s*(?:million|thousand|k|m)?|one|two|three|four"
    r"|five|six|seven|eight|nine|ten|tens|hundreds|thousands)\b[^.\n]{0,60}?\b(?:GPUs?|chips"
    r"|accelerators|superchips|processors|xPUs|TPUs)\b",
    re.IGNORECASE,
)


def _paragraph(text: str, at: int) -> tuple[int, int]:
    end = text.find("\n", at)
    return text.rfind("\n", 0, at) + 1, (len(text) if end < 0 else end)


def may_report_deal(title: str | None, text: str, gazetteer: Gazetteer) -> bool:
    """False when no paragraph of title + text has what a deal mention needs."""
    doc = f"{title}\n{text}" if title else text
    names: DocumentNames | None = None
    pos = 0
    while True:
        m = _CUE_RE.search(doc, pos)
        if m is None:
            return False
        s, e = _paragraph(doc, m.start())
        pos = max(e, m.end())
        para = doc[s:e]
        quantity = _QUANTITY_RE.search(para) is not None
        if not (quantity or DEAL_NOUN_RE.search(para)):
            continue
        if not (quantity or COMPUTE_CUE_RE.search(para) or EQUITY_CUE_RE.search(para)):
            continue
        companies = {co.name for _, _, co in gazetteer.find(para)}
        if len(companies) >= 2:
            return True
        if names is None:
            names = DocumentNames(gazetteer, doc, title)
        companies |= {co.name for _, _, co in names.find(para)}
        if len(companies) >= 2:
            return True
        if companies and (ANAPHOR_RE.search(para) or ROUND_ANAPHOR_RE.search(para)):
            return True


def quick_parse(
    body: bytes, content_type: str | None, url: str
) -> tuple[str | None, datetime | None, str | None, str] | None:
    """(title, published_at, published_from, text) of an HTML page via lxml only; None when
    the page is not HTML or lxml cannot read it (the caller then parses it in full)."""
    html, _ = decode_body(body or b"", content_type)
    if document_kind(html[:2000], content_type, url) != "html":
        return None
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    tree = html_tree(html)
    if tree is None:
        return None
    title, published, source = html_metadata(tree)
    if title is None:
        for xp in ("//h1", "//title"):
            found = tree.xpath(xp)
            title = " ".join(found[0].text_content().split()) or None if found else None
            if title:
                break
    for el in tree.xpath(_DROP_XPATH):
        el.drop_tree()
    for el in tree.xpath(_ATTR_XPATH):
        attrs = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('role') or ''}"
        if BOILERPLATE_ATTR.search(attrs) and not el.xpath(".//article|.//main"):
            el.drop_tree()
    for el in tree.iter(*_BLOCKS):  # a line per block; inline tags stay within their line
        el.tail = "\n" + el.tail if el.tail else "\n"
        el.text = "\n" + el.text if el.text else "\n"
    lines = (" ".join(t.split()) for t in tree.text_content().split("\n"))
    text = "\n".join(line for line in lines if line)
    if not text and markup_text_chars(html) >= LOST_TEXT_CHARS:
        # lxml gave up on the page (elements nested deeper than libxml2 allows) and kept no
        # text: the full parse, with its fallbacks, reads it instead
        return None
    return title, published, source, text


LOST_TEXT_CHARS = 200  # text outside tags that a page with no parsed text must not have
_TAG_RE = re.compile(r"<(?:script|style)\b.*?</(?:script|style)\s*>|<[^>]*>", re.S | re.I)


def markup_text_chars(html: str) -> int:
    """Characters of a page outside its tags, scripts and styles (a rough measure, used
    only when a parse kept no text at all)."""
    return len("".join(_TAG_RE.sub(" ", html).split()))
