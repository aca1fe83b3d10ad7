"""Sentence splitting that keeps abbreviations ("Inc.", "U.S.") and numbers ("$14.2bn") whole.

Part of the deal extractor; the method is described in docs/extraction.md."""

from __future__ import annotations

import re

_SENT_BOUNDARY_RE = re.compile(r"[.!?]+[\"')\]*_]*\s+(?=[\"'(\[*_]*[A-Z0-9$€£¥])")


_ABBREV = {
    "inc", "corp", "co", "ltd", "mr", "ms", "mrs", "dr", "st", "jr", "sr", "u.s", "u.k", "e.u",
    "no", "vs", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "n.v", "s.a", "plc", "l.p", "llc", "e.g", "i.e", "est", "fig", "gov", "sen",
    "rep", "gen", "col", "lt", "capt", "prof", "u.n", "a.m", "p.m", "ave", "dept", "mt",
}  # fmt: skip


_WORD_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


# =========================================================================== sentences
def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: paragraphs split on newlines, then on sentence punctuation followed by
    a capital, digit or currency sign, unless the word before is a known abbreviation or a
    single initial."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        start = pos
        end_para = pos + len(para)
        pos = end_para + 1
        if not para.strip():
            continue
        s = start
        for m in _SENT_BOUNDARY_RE.finditer(text, start, end_para):
            w = _WORD_BEFORE_RE.search(text, max(start, m.start() - 12), m.start())
            if w:
                word = w.group(1).lower().rstrip(".")
                if word in _ABBREV or (len(word) == 1 and text[m.start()] == "."):
                    continue
            e = m.start() + len(m.group(0).rstrip())
            if text[s:e].strip():
                spans.append(_strip_span(text, s, e))
            s = m.end()
        if text[s:end_para].strip():
            spans.append(_strip_span(text, s, end_para))
    return spans


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e
