"""Turn a fetched body (HTML, plain text or Markdown) into title, date and main text.

Libraries
    * trafilatura 2.3.1 (``bare_extraction(..., with_metadata=True, favor_precision=True)``)
      finds the main text and drops navigation, cookie banners, ads, related-story
      sidebars and footers. When it returns nothing, a BeautifulSoup fallback keeps the
      paragraphs of ``<article>``/``<main>``/``<body>`` after removing boilerplate tags.
    * lxml parses the page once for metadata (JSON-LD, ``<meta>``, ``<time>``); the same
      tree is then handed to trafilatura.
    * charset_normalizer (a trafilatura dependency) guesses the encoding when the declared
      one fails (a Windows-1252 page that says UTF-8).
    * dateparser (also a trafilatura dependency) is only a last resort for odd date strings.

Published date, first found wins, and ``published_from`` says where it came from:
``jsonld`` (datePublished), ``meta`` (article:published_time and friends, an
``<article>``'s ``<time datetime>``, Markdown front matter), ``feed`` (the date the feed or
filing index gave), ``text`` (a dateline such as "SAN FRANCISCO, April 9, 2026 —").
Dates are naive UTC.
"""

from __future__ import annotations

import codecs
import email.utils
import json
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version

import lxml.html
from lxml import etree

from pipelines.extract.numbers import dateline_date

try:
    _TRAF_VERSION = version("trafilatura")
except PackageNotFoundError:  # pragma: no cover
    _TRAF_VERSION = "unknown"
PARSER_HTML = f"trafilatura-{_TRAF_VERSION}"
PARSER_HTML_FALLBACK = "bs4-fallback"
PARSER_TEXT = "plaintext"
PARSER_MARKDOWN = "markdown"


@dataclass(frozen=True)
class ParsedDocument:
    title: str | None
    published_at: datetime | None  # naive UTC
    published_from: str | None  # 'jsonld' | 'meta' | 'feed' | 'text' | None
    text: str  # main text only, paragraphs separated by "\n"
    parser: str  # e.g. 'trafilatura-2.3.1' or 'plaintext'


# --------------------------------------------------------------------------- decoding
_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET_RE = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.I)


def _known(enc: str | None) -> str | None:
    if not enc:
        return None
    try:
        return codecs.lookup(enc.strip().lower()).name
    except LookupError:
        return None


_SINGLE_BYTE_RE = re.compile(
    r"^(?:cp(?!932|936|949|950)\d{3,4}|iso8859_\d+|latin_1|mac_\w+|koi8_\w|tis_620|hp_roman8"
    r"|ptcp154|kz1048)$"
)


def _utf16_without_bom(body: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' for UTF-16 text without a byte-order mark: mostly-ASCII
    text in UTF-16 has a NUL in every other byte (odd positions for LE, even for BE),
    which no 8-bit or UTF-8 page has."""
    head = body[:4096]
    if len(head) < 16 or b"\x00" not in head:
        return None
    half = len(head) // 2
    odd = head[1::2].count(0)
    even = head[0::2].count(0)
    if odd >= 0.6 * half and even <= 0.1 * half:
        return "utf-16-le"
    if even >= 0.6 * half and odd <= 0.1 * half:
        return "utf-16-be"
    return None


# Invisible format characters: bidi embeddings, overrides and isolates, direction marks,
# zero-width spaces and joiners, word joiner, BOM, soft hyphen. Inside or around a name
# they split it ("Core\u200bWeave") or hide it, and the words beside it pass for a company.
_INVISIBLE_RE = re.compile(
    "[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode with the declared charset (header, BOM, or ``<meta charset>``), falling back
    to detection when it fails; invisible format characters are removed. Returns (text,
    encoding used)."""
    text, encoding = _decode_body(body, content_type)
    return _INVISIBLE_RE.sub("", text), encoding


def _decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", errors="replace"), "utf-16"
    utf16 = _utf16_without_bom(body)
    if utf16:
        return body.decode(utf16, errors="replace"), utf16
    declared = None
    if content_type:
        m = _CHARSET_RE.search(content_type)
        declared = _known(m.group(1)) if m else None
    if declared is None:
        m = _META_CHARSET_RE.search(body[:4096])
        declared = _known(m.group(1).decode("ascii", "ignore")) if m else None
    if declared in ("latin-1", "iso8859-1", "ascii"):
        declared = "cp1252"  # what browsers do for these labels
    for enc in (declared, "utf-8") if declared != "utf-8" else ("utf-8",):
        if enc is None:
            continue
        try:
            return body.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    guess = None
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        guess = _known(best.encoding) if best is not None else None
    except Exception:  # pragma: no cover - detection is best effort
        guess = None
    if guess is not None and _SINGLE_BYTE_RE.match(guess):
        # a Western page mislabelled as UTF-8 is far likelier than a Baltic or Greek one:
        # among single-byte code pages, prefer Windows-1252 when it decodes cleanly
        guess = "cp1252"
    for enc in (guess, "cp1252"):
        if enc is None:
            continue
        try:
            text = body.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if enc != "cp1252" and re.search("[\x80-\x9f]", text):
            continue  # C1 controls: a Windows code page was meant
        return text, enc
    return body.decode("utf-8", errors="replace"), "utf-8-replace"


# --------------------------------------------------------------------------- dates
def _to_naive_utc(dt: datetime) -> datetime:
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


_MONTH_DATE_RE = re.compile(r"^(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})")


def parse_date(value: str | None) -> datetime | None:
    """ISO 8601, RFC 2822, 'April 9, 2026', else dateparser; naive UTC."""
    if not value or not isinstance(value, str):
        return None
    v = value.strip()
    if not v:
        return None
    iso = v.replace("Z", "+00:00") if v.endswith("Z") else v
    try:
        return _to_naive_utc(datetime.fromisoformat(iso))
    except ValueError:
        pass
    try:
        return _to_naive_utc(email.utils.parsedate_to_datetime(v))
    except (TypeError, ValueError, IndexError):
        pass
    m = _MONTH_DATE_RE.match(v)
    if m:
        for fmt in ("%B %d %Y", "%b %d %Y"):
            try:
                return datetime.strptime(f"{m['month']} {m['day']} {m['year']}", fmt)
            except ValueError:
                continue
    try:
        import dateparser

        dt = dateparser.parse(v, settings={"TO_TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": True})
    except Exception:  # pragma: no cover
        dt = None
    if dt is None or not 1990 <= dt.year <= 2100:
        return None
    return _to_naive_utc(dt)


_ARTICLE_TYPES = {
    "newsarticle", "article", "blogposting", "reportagenewsarticle", "pressrelease", "report",
    "analysisnewsarticle", "techarticle", "scholarlyarticle", "liveblogposting", "webpage",
}  # fmt: skip
_META_DATE_KEYS = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "datepublished", "pubdate", "publishdate", "publish-date", "publish_date", "dc.date",
    "dc.date.issued", "dcterms.created", "dcterms.issued", "sailthru.date", "parsely-pub-date",
    "citation_publication_date", "date", "article.published", "cxenseparse:recs:publishtime",
)  # fmt: skip


def _jsonld_objects(tree) -> list[dict]:
    out: list[dict] = []
    for node in tree.xpath('//script[contains(translate(@type,"LDJSON","ldjson"),"ld+json")]'):
        raw = (node.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw.replace("\n", " ")))
            except ValueError:
                continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                out.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    return out


def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.lower()}
    if isinstance(t, list):
        return {x.lower() for x in t if isinstance(x, str)}
    return set()


_PARSERS = threading.local()


def html_tree(html: str):
    """The lxml tree of a page, or None when it is blank or lxml cannot read it.

    ``huge_tree``: by default libxml2 drops a text node over 10 MB without a word, and
    with it the whole text of a page written as one enormous paragraph. lxml parsers are
    not to be shared between threads, so each thread keeps its own."""
    if not html.strip():
        return None
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        return lxml.html.fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):
        return None


def html_metadata(tree) -> tuple[str | None, datetime | None, str | None]:
    """(title, published_at, published_from) from JSON-LD, <meta> and <time>."""
    title: str | None = None
    for obj in _jsonld_objects(tree):
        if _types(obj) & _ARTICLE_TYPES:
            head = obj.get("headline") or obj.get("name")
            if isinstance(head, str) and head.strip() and title is None:
                title = head.strip()
            dt = parse_date(obj.get("datePublished") or obj.get("dateCreated"))
            if dt is not None:
                return title, dt, "jsonld"
    metas: dict[str, str] = {}
    for node in tree.xpath("//meta[@content]"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
        if key and key not in metas:
            metas[key] = node.get("content")
    if title is None:
        title = (metas.get("og:title") or metas.get("twitter:title") or "").strip() or None
    for key in _META_DATE_KEYS:
        dt = parse_date(metas.get(key))
        if dt is not None:
            return title, dt, "meta"
    for xp in (
        "//article//time[@datetime]",
        '//time[@itemprop="datePublished"]',
        "//*[@itemprop='datePublished'][@content]",
        "//time[@pubdate]",
    ):
        for node in tree.xpath(xp):
            dt = parse_date(node.get("datetime") or node.get("content"))
            if dt is not None:
                return title, dt, "meta"
    return title, None, None


# --------------------------------------------------------------------------- HTML text
_BOILERPLATE_TAGS = (
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
    "svg", "button", "figure", "template",
)  # fmt: skip
BOILERPLATE_ATTR = re.compile(
    r"cookie|consent|banner|related|sidebar|newsletter|share|social|comment|advert|\bads?\b"
    r"|promo|subscribe|footer|\bnav|menu|breadcrumb|popup|modal|trending|recommend|most-read",
    re.I,
)
_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "td", "pre")


def _bs4_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(list(_BOILERPLATE_TAGS)):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.attrs is None:
            continue
        attrs = " ".join(
            [" ".join(tag.get("class") or []), str(tag.get("id") or ""), str(tag.get("role") or "")]
        )
        if attrs.strip() and BOILERPLATE_ATTR.search(attrs):
            tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    lines: list[str] = []
    for block in root.find_all(list(_BLOCK_TAGS)):
        if block.find(list(_BLOCK_TAGS)):
            continue  # keep the innermost blocks only
        line = " ".join(block.get_text(" ", strip=True).split())
        if line:
            lines.append(line)
    if not lines:
        text = root.get_text("\n", strip=True)
        lines = [" ".join(x.split()) for x in text.split("\n") if x.strip()]
    return "\n".join(lines)


def _clean_text(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def _parse_html(
    html: str, url: str, feed_title: str | None, feed_published_at: datetime | None
) -> ParsedDocument:
    from trafilatura import bare_extraction

    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    tree = html_tree(html)
    title, published, source = (None, None, None)
    h1 = None
    page_title = None
    if tree is not None:
        title, published, source = html_metadata(tree)
        h1s = tree.xpath("//h1")
        h1 = " ".join(h1s[0].text_content().split()) if h1s else None
        pts = tree.xpath("//title")
        page_title = " ".join(pts[0].text_content().split()) if pts else None
    text = ""
    parser = PARSER_HTML
    try:
        # metadata (title, author, date) comes from our own rules above: trafilatura's
        # metadata pass would double the cost of a page and its titles of SEC files are worse
        doc = bare_extraction(
            tree if tree is not None else html,
            url=url or None,
            with_metadata=False,
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            deduplicate=False,
        )
    except Exception:
        doc = None
    if doc is not None:
        text = _clean_text(getattr(doc, "text", None) or "")
    if not text.strip():
        text = _clean_text(_bs4_text(html))
        parser = PARSER_HTML_FALLBACK
    title = title or h1 or feed_title or page_title
    if published is None and feed_published_at is not None:
        published, source = _to_naive_utc(feed_published_at), "feed"
    if published is None:
        d = dateline_date(text)
        if d is not None:
            published, source = datetime(d.year, d.month, d.day), "text"
    return ParsedDocument(
        title=" ".join(title.split()) if title else None,
        published_at=published,
        published_from=source if published is not None else None,
        text=text,
        parser=parser,
    )


# --------------------------------------------------------------------------- plain text
_FRONT_MATTER_RE = re.compile(r"\A\s*---[ \t]*\n(?P<body>.*?)\n---[ \t]*(?:\n|\Z)", re.S)
_KEY_LINE_RE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*?)\s*$")
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+(?P<title>.+?)\s*#*\s*$", re.M)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML-ish front matter between --- fences, or leading 'key: value' lines that include
    title/date. Returns (fields, rest of the text)."""
    fields: dict[str, str] = {}
    m = _FRONT_MATTER_RE.match(text)
    if m:
        for line in m.group("body").splitlines():
            km = _KEY_LINE_RE.match(line)
            if km:
                fields[km["key"].lower()] = km["value"].strip().strip("\"'")
        return fields, text[m.end() :]
    lines = text.split("\n")
    i = 0
    while i < len(lines) and i < 12:
        km = _KEY_LINE_RE.match(lines[i])
        if not km or km["key"].lower() not in {
            "title", "date", "published", "published_at", "source", "url", "author", "tags",
            "publisher", "updated", "slug", "category", "kind", "genre",
        }:  # fmt: skip
            break
        fields[km["key"].lower()] = km["value"].strip().strip("\"'")
        i += 1
    if fields and ("title" in fields or "date" in fields or "published" in fields):
        return fields, "\n".join(lines[i:])
    return {}, text


_BLOCK_START_RE = re.compile(
    r"^\s*(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|>|\||```|---|===|\*\*[^*]+\*\*\s*$"
    r"|(?:Date|Dated|Published|Posted|Updated|Filed|By|Source|Byline)\s*:)"
)


def _unwrap(text: str) -> str:
    """Join hard-wrapped lines of a paragraph; blank lines, headings, list items and table
    rows keep their own lines."""
    out: list[str] = []
    para: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            if para:
                out.append(" ".join(para))
                para = []
            out.append("")
            continue
        if _BLOCK_START_RE.match(line) or (para and _BLOCK_START_RE.match(para[0])):
            if para:
                out.append(" ".join(para))
            para = [line.strip()]
            continue
        para.append(line.strip())
    if para:
        out.append(" ".join(para))
    return "\n".join(out)


_MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", re.M)
_MD_EMPHASIS_RE = re.compile(r"(?<![\w*])(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_MD_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _strip_markdown(text: str) -> str:
    """Markdown markup off: headings' #, **bold**/*italic* markers, [links](url) -> text."""
    text = _MD_HEADING_RE.sub(r"\1", text)
    text = _MD_LINK_RE.sub(r"\1", text)
    return _MD_EMPHASIS_RE.sub(r"\2", text)


def _parse_text(
    text: str, markdown: bool, feed_title: str | None, feed_published_at: datetime | None
) -> ParsedDocument:
    fields, rest = _front_matter(text.replace("\r\n", "\n").replace("\r", "\n"))
    body = rest.strip("\n")
    title = fields.get("title") or None
    if not title:
        hm = _HEADING_RE.search(body) if markdown or body.lstrip().startswith("#") else None
        if hm and hm.start() < 400:
            title = hm.group("title")
        else:
            lines = [ln.strip() for ln in body.split("\n")[:12] if ln.strip()]
            first = lines[0] if lines else ""
            # a wire-service banner ("BUSINESS WIRE") above the headline is not the title
            if (
                len(lines) > 1
                and len(first.split()) <= 3
                and first.upper() == first
                and len(lines[1].split()) >= 4
            ):
                first = lines[1]
            title = first[:300] or None
    title = title or feed_title
    published = None
    source = None
    for key in ("date", "published", "published_at"):
        dt = parse_date(fields.get(key))
        if dt is not None:
            published, source = dt, "meta"
            break
    if published is None and feed_published_at is not None:
        published, source = _to_naive_utc(feed_published_at), "feed"
    if published is None:
        d = dateline_date(body)
        if d is not None:
            published, source = datetime(d.year, d.month, d.day), "text"
    if title and markdown:
        title = _strip_markdown(title)
    return ParsedDocument(
        title=" ".join(title.split()) if title else None,
        published_at=published,
        published_from=source,
        text=_clean_text(_strip_markdown(_unwrap(body)) if markdown else _unwrap(body)),
        parser=PARSER_MARKDOWN if markdown else PARSER_TEXT,
    )


# --------------------------------------------------------------------------- entry point
_HTML_SNIFF_RE = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:p|div|article)[\s>]", re.I
)


def document_kind(body_head: str, content_type: str | None, url: str) -> str:
    ct = (content_type or "").split(";")[0].strip().lower()
    path = (url or "").split("?")[0].split("#")[0].lower()
    if ct in ("text/markdown", "text/x-markdown") or path.endswith((".md", ".markdown")):
        return "markdown"
    if "html" in ct or ct in ("application/xml", "text/xml"):
        return "html"
    if ct == "text/plain" or path.endswith(".txt"):
        return "html" if _HTML_SNIFF_RE.search(body_head[:2000]) else "text"
    if path.endswith((".htm", ".html", ".xhtml")):
        return "html"
    return "html" if _HTML_SNIFF_RE.search(body_head[:2000]) else "text"


def parse_document(
    body: bytes,
    content_type: str | None,
    url: str,
    *,
    feed_title: str | None = None,
    feed_published_at: datetime | None = None,
) -> ParsedDocument:
    """Title, published date (naive UTC, with its source) and main text of a document."""
    if isinstance(body, str):  # tolerate already-decoded input
        body = body.encode("utf-8")
    text, _ = decode_body(body or b"", content_type)
    kind = document_kind(text[:2000], content_type, url)
    if kind == "html":
        return _parse_html(text, url, feed_title, feed_published_at)
    return _parse_text(text, kind == "markdown", feed_title, feed_published_at)
