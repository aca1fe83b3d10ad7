"""Clauses: recap clauses and past asides masked out, the hard negatives (talks, denials,
conditionals), and splitting a sentence into the clauses that each carry one deal
("respectively", "under which", ", and X will").

Part of the deal extractor; the method is described in docs/extraction.md."""

from __future__ import annotations

import re
from datetime import date

from pipelines.extract.numbers import (
    past_anchor,
)
from pipelines.extract.rules.vocabulary import (
    _ASIDE_RE,
    _F,
    _RECAP_CLAUSE_RE,
    _RECAP_SENTENCE_RE,
    _REPORTED_SPEECH_RE,
    _RUMOUR_RE,
    _WOULD_RE,
)


def _mask_recap_clauses(unit: str) -> tuple[str, bool]:
    """Blank out clauses that recap an earlier deal; True if any was found."""
    found = False
    out = unit
    for m in _RECAP_CLAUSE_RE.finditer(unit):
        found = True
        start = m.start()
        stop = len(unit)
        for nxt in _CLAUSE_END_RE.finditer(unit, m.end()):
            # a comma inside a list of names ("deals with Oracle, Microsoft and CoreWeave,")
            # does not end the clause
            if nxt.group(0).startswith(",") and _LIST_ITEM_RE.match(unit, nxt.end() - 1):
                continue
            stop = nxt.start()
            break
        out = out[:start] + " " * (stop - start) + out[stop:]
    return out, found


def _mask_past_asides(masked: str, published: date | None) -> str:
    """Blank out asides that tell an older story: "X, which last year signed a $14.2 billion
    contract with Y, has ..." (the aside's deal is background, the sentence may be news)."""
    if "," not in masked and "(" not in masked and "—" not in masked and "–" not in masked:
        return masked
    out = masked
    for m in _ASIDE_RE.finditer(masked):
        aside = m.group(0)
        if "⟦" not in aside:
            continue
        if (
            past_anchor(aside, published)
            or _RECAP_SENTENCE_RE.search(aside)
            or _PERFECT_DEAL_RE.search(aside)
        ):
            out = out[: m.start()] + " " * (m.end() - m.start()) + out[m.end() :]
    return out


_PERFECT_DEAL_RE = re.compile(
    r"\b(?:has|have|had)\s+(?:\w+\s+)?(?:signed|struck|inked|agreed|secured|landed|won|announced)\b",
    _F,
)


_CLAUSE_END_RE = re.compile(r"[,;:]\s|\s[—–]\s|\s--\s")


_LIST_ITEM_RE = re.compile(
    r"\s(?:and\s+|or\s+)?(?:⟦\d+⟧|[A-Z][\w.&'-]*(?:\s[A-Z][\w.&'-]*){0,3})(?:'s)?\s*(?:,|and\b|or\b)"
)


def _is_hard_negative(unit: str) -> bool:
    if _RUMOUR_RE.search(unit):
        return True
    for m in _WOULD_RE.finditer(unit):
        if not _REPORTED_SPEECH_RE.search(unit[max(0, m.start() - 60) : m.start()]):
            return True
    return False


_CLAUSE_SPLIT_RE = re.compile(
    r",?\s+(?=(?:in\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,4}?)?under\s+which\b)|;\s+|,\s+(?=(?:while|whereas|and\s+separately|separately)\b)"
    r"|,\s+(?=which\s+⟦\d+⟧)|,\s+(?=with\s+⟦\d+⟧\s+[a-z]+ing\b)"
    r"|,\s+(?=(?i:backed|supported|guaranteed|underwritten|financed|funded)\s+by\s+⟦)"
    r"|,\s+(?=and\s+(?:that\s+)?⟦\d+⟧(?:\s+(?:and|&)\s+⟦\d+⟧)?\s+(?:[a-z]+ly\s+)?(?:will|has|have"
    r"|had|is|are|was|were|also|signed|agreed))"
    r"|\s+(?=and\s+⟦\d+⟧\s+(?:up\s+to\s+|about\s+|roughly\s+|as\s+much\s+as\s+|another\s+)?"
    r"(?:US)?[$€£]\s?\d)"
    r"|,?\s+and\s+(?=(?:[a-z]+ing|also|separately)\s)|,\s+(?=[a-z]+ing\s+(?:a|an|the|to|its)\s)",
)


_SUBJECT_CLAUSE_RE = re.compile(r"^\s*(?:and\s+|while\s+|whereas\s+|also\s+)?(?:[a-z]+ing\b)", _F)


_PARALLEL_CLAUSE_RE = re.compile(r"^\s*(?:while|whereas|and)\b", _F)


_MONEYISH = (
    r"(?:(?:up\s+to|about|roughly|approximately|around|nearly|as\s+much\s+as|more\s+than|over"
    r"|at\s+least)\s+)?(?:US)?[$€£]\s?\d[\d.,]*(?:\s?(?:trillion|billion|million|bn|mn|tn|[bmk]))?\b"
)


_RESPECTIVELY_RE = re.compile(
    r"^(?P<pre>.*?)⟦(?P<a>\d+)⟧\s+and\s+⟦(?P<b>\d+)⟧(?P<mid>.*?)(?P<m1>" + _MONEYISH + r")"
    r",?\s+and\s+(?P<m2>" + _MONEYISH + r"),?\s+respectively\b,?(?P<post>.*)$",
    _F | re.S,
)


def _respectively(masked: str) -> list[str] | None:
    """ "A and B will invest $10B and $5B, respectively, in C" -> one clause per investor."""
    if "respectively" not in masked.lower():
        return None
    m = _RESPECTIVELY_RE.match(masked)
    if m is None:
        return None
    pre, mid, post = m.group("pre"), m.group("mid"), m.group("post")
    return [
        f"{pre}⟦{m.group('a')}⟧{mid}{m.group('m1')}{post}",
        f"{pre}⟦{m.group('b')}⟧{mid}{m.group('m2')}{post}",
    ]


def _clauses(masked: str) -> list[str]:
    """Split a masked sentence into clauses that may carry their own deal."""
    return [p for p in _CLAUSE_SPLIT_RE.split(masked) if p and p.strip()]


def _renumber(masked: str, remap: dict[int, int]) -> str:
    return re.sub(r"⟦(\d+)⟧", lambda m: f"⟦{remap[int(m.group(1))]}⟧", masked)
