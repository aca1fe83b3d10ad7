"""parse_document: HTML main text, titles, dates, encodings, plain text and Markdown."""

from datetime import datetime

from pipelines.extract.html import decode_body, parse_document
from pipelines.extract.mentions import extract_mentions

ARTICLE = """<!doctype html><html><head>
<title>Orbital signs deal | Example Wire</title>
<meta property="og:title" content="Anthropic signs $4bn compute deal with Crusoe">
<meta property="article:published_time" content="2026-02-03T09:00:00+01:00">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "name": "Example Wire"},
 {"@type": "NewsArticle", "headline": "Anthropic signs $4bn compute deal with Crusoe",
  "datePublished": "2026-02-02T22:30:00-05:00"}]}</script>
</head><body>
<div id="cookie-consent">We use cookies to improve your experience. Accept all</div>
<nav class="menu"><a href="/">Home</a><a href="/cloud">Cloud</a></nav>
<div class="ad-slot">Advertisement</div>
<article>
<h1>Anthropic signs $4bn compute deal with Crusoe</h1>
<p>Anthropic has signed a $4 billion agreement with Crusoe for GPU capacity at a new campus
in Wyoming, the companies said on Monday.</p>
<p>Crusoe will deliver the capacity in phases over a four-year term, starting with
Nvidia GB300 systems.</p>
<p>The AI lab has been adding suppliers as demand for its models grows.</p>
</article>
<aside class="sidebar related">
<h3>Related stories</h3>
<ul><li><a href="/a">Microsoft signs $12bn GPU contract with Vultr</a></li>
<li><a href="/b">Oracle to supply xAI with 500MW of capacity in $20bn deal</a></li></ul>
</aside>
<div class="newsletter">Subscribe to our newsletter for the latest cloud deals</div>
<footer>Copyright 2026 Example Wire. All rights reserved.</footer>
</body></html>"""


def test_html_main_text_title_and_jsonld_date():
    doc = parse_document(ARTICLE.encode(), "text/html; charset=utf-8", "https://ex.com/a")
    assert doc.title == "Anthropic signs $4bn compute deal with Crusoe"
    assert doc.published_at == datetime(2026, 2, 3, 3, 30)  # naive UTC from JSON-LD
    assert doc.published_from == "jsonld"
    assert doc.parser.startswith("trafilatura-")
    assert "Anthropic has signed a $4 billion agreement with Crusoe" in doc.text
    for junk in ("cookies", "Advertisement", "Vultr", "xAI", "newsletter", "Copyright"):
        assert junk not in doc.text
    assert "\n" in doc.text


def test_sidebar_headline_is_not_a_mention():
    doc = parse_document(ARTICLE.encode(), "text/html", "https://ex.com/a")
    ms = extract_mentions(doc.text, title=doc.title, published_at=doc.published_at)
    assert [(m.buyer, m.provider) for m in ms] == [("Anthropic", "Crusoe")]
    [m] = ms
    assert m.value_usd == 4e9 and m.duration_years == 4 and m.gpu_model == "GB300"
    assert doc.text[m.evidence_start : m.evidence_end] == m.evidence


def test_meta_time_and_feed_dates():
    meta = b"""<html><head><meta property="article:published_time" content="2025-05-06T10:00:00Z">
    </head><body><article><p>Some long enough paragraph about a data centre that opened
    today in a field somewhere, with many words so that extraction keeps it.</p></article>
    </body></html>"""
    doc = parse_document(meta, "text/html", "https://ex.com/m")
    assert (doc.published_at, doc.published_from) == (datetime(2025, 5, 6, 10, 0), "meta")
    timed = meta.replace(
        b'<meta property="article:published_time" content="2025-05-06T10:00:00Z">', b""
    ).replace(b"<article>", b'<article><time datetime="2025-05-07">7 May</time>')
    doc = parse_document(timed, "text/html", "https://ex.com/t")
    assert (doc.published_at, doc.published_from) == (datetime(2025, 5, 7), "meta")
    bare = (
        b"<html><body><article><p>"
        + b"Plain words about cooling systems. " * 10
        + b"</p></article></body></html>"
    )
    doc = parse_document(
        bare,
        "text/html",
        "https://ex.com/f",
        feed_title="Feed title",
        feed_published_at=datetime(2025, 1, 2, 3, 4),
    )
    assert (doc.published_at, doc.published_from, doc.title) == (
        datetime(2025, 1, 2, 3, 4),
        "feed",
        "Feed title",
    )


def test_non_utf8_page_declaring_utf8_is_decoded_by_detection():
    html = (
        "<html><head><meta charset='utf-8'></head><body><article><p>Caf\u00e9 Holdings "
        "said the \u201cagreement\u201d \u2013 worth \u20ac2bn \u2013 covers the "
        "r\u00e9gion's data centres and their na\u00efve cooling designs, "
        "according to the company's statement on the matter.</p></article></body></html>"
    )
    body = html.encode("cp1252")
    text, enc = decode_body(body, "text/html; charset=utf-8")
    assert enc != "utf-8"
    assert "\u201cagreement\u201d" in text and "\u20ac2bn" in text
    doc = parse_document(body, "text/html; charset=utf-8", "https://ex.com/enc")
    assert "Caf\u00e9 Holdings" in doc.text and "\u20ac2bn" in doc.text
    assert "\ufffd" not in doc.text


def test_bs4_fallback_when_trafilatura_finds_nothing():
    html = b"<html><body><nav>Menu</nav><main><p>Short.</p></main><footer>F</footer></body></html>"
    doc = parse_document(html, "text/html", "https://ex.com/s")
    assert "Short." in doc.text
    assert "Menu" not in doc.text


def test_markdown_with_front_matter():
    md = (
        b'---\ntitle: "Vultr lands a $1.5bn GPU order"\ndate: 2026-01-15\nauthor: X\n---\n\n'
        b"# Vultr lands a $1.5bn GPU order\n\nCohere has signed a $1.5 billion agreement to "
        b"rent GPU capacity from Vultr over\nthree years.\n\n- first bullet\n- second bullet\n"
    )
    doc = parse_document(md, None, "file:///notes/2026-01-15-vultr.md")
    assert doc.parser == "markdown"
    assert doc.title == "Vultr lands a $1.5bn GPU order"
    assert (doc.published_at, doc.published_from) == (datetime(2026, 1, 15), "meta")
    assert "title:" not in doc.text
    # hard-wrapped lines of a paragraph are joined, list items stay apart
    assert "rent GPU capacity from Vultr over three years." in doc.text
    assert "- first bullet\n- second bullet" in doc.text
    [m] = extract_mentions(doc.text, title=doc.title, published_at=doc.published_at)
    assert (m.buyer, m.provider, m.value_usd, m.duration_years) == ("Cohere", "Vultr", 1.5e9, 3)


def test_plain_text_dateline_and_first_line_title():
    txt = (
        b"ACME CLOUD AND BIGLAB SIGN AGREEMENT\n\nSAN FRANCISCO, April 9, 2026 -- Acme today "
        b"announced things.\n"
    )
    doc = parse_document(txt, "text/plain; charset=utf-8", "https://ex.com/pr.txt")
    assert doc.parser == "plaintext"
    assert doc.title == "ACME CLOUD AND BIGLAB SIGN AGREEMENT"
    assert (doc.published_at, doc.published_from) == (datetime(2026, 4, 9), "text")


def test_html_sniffed_without_content_type():
    doc = parse_document(ARTICLE.encode(), None, "https://ex.com/no-ext")
    assert doc.parser.startswith("trafilatura-")
