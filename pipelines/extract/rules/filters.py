"""The sentence filters: which sentences naming two companies cannot carry a deal, each a
named rule. A filter sees a :class:`SentenceView` (the sentence with its companies masked,
its recap clauses and past asides removed, its attributes parsed on first use) and says
whether it turns the sentence down; ``SENTENCE_FILTERS`` runs in order and the first that
fires decides, its name kept for ``csi eval --explain``. A new filter is a function and a
line in ``SENTENCE_FILTERS``, plus a test."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date

from pipelines.extract.rules.clauses import (
    _is_hard_negative,
    _mask_past_asides,
    _mask_recap_clauses,
)
from pipelines.extract.rules.docpass import EXPANDS_AGREEMENT_RE
from pipelines.extract.rules.model import _Party
from pipelines.extract.rules.roles import _plain
from pipelines.extract.rules.values import _Attrs, _attrs
from pipelines.extract.rules.vocabulary import (
    _BACKSTOP_RE,
    _CAPEX_RE,
    _COMPUTE_TRADE_RE,
    _EQUITY_STRONG_RE,
    _F,
    _FINANCING_RE,
    _GUIDANCE_RE,
    _LAUNCH_RE,
    _MNA_RE,
    _PROPERTY_RE,
    _SIGN_VERB_RE,
    COMPUTE_CUE_RE,
    DEAL_NOUN,
    DEAL_NOUN_RE,
    DEAL_VERB_RE,
    EQUITY_CUE_RE,
    WEAK_VERB_RE,
)

# a sentence introduces a deal (rather than discussing a known one) when it has a signing or
# transaction verb, a quantity, or an indefinite deal noun ("a $14B deal", "a new agreement")
_TRANSACT_RE = re.compile(
    r"\b(?:will|shall|would|to|agreed\s+to|agrees\s+to|has\s+agreed\s+to|have\s+agreed\s+to"
    r"|committed\s+to|commits\s+to|is\s+set\s+to|are\s+set\s+to|is\s+to|are\s+to|plans\s+to)\s+"
    r"(?:also\s+)?(?:supply|provide|rent|lease|buy|purchase|deliver|deploy|host|invest|pay|spend"
    r"|commit|put|take|acquire|procure|use|access|build|sell|offer|make)\b"
    r"|\b(?:committ(?:ed|ing)|commits|tapp(?:ed|ing)|taps|selects|selected|chose|picks|picked"
    r"|hired|awarded|invested|invests|backstop\w*|pledg\w+)\b",
    _F,
)


_INTRO_NOUN_RE = re.compile(
    rf"\b(?:a|an|new|first|second|another|separate|fresh|multi-?year|multibillion(?:-dollar)?"
    rf"|billion-dollar|landmark|major|long-term|\d+-year|[a-z]+-year)\s+(?:[\w$.,'-]+\s+){{0,5}}?"
    rf"{DEAL_NOUN}\b(?!\s+of\s+(?:this|that|such)\s)",
    _F,
)


_FRAMING_RE = re.compile(r"^\s*(?:For|To)\s+⟦\d+⟧(?:'s\s+\w+)?,")


_COORDINATED_RE = re.compile(r"⟦\d+⟧\s+and\s+⟦\d+⟧")


_RAISED_LED_BY_RE = re.compile(
    r"\b(?:rais(?:es|ed|ing)|clos(?:es|ed|ing))\b[^⟦;]{0,80}?\b(?:round|funding|financing)\b"
    r"[^⟦.]{0,30}?\bled\s+by\s+⟦",
    _F,
)


# "Google has agreed to rent computing capacity at an Nscale data centre": a deal stated
# without a value or a deal noun
_AGREED_TRADE_RE = re.compile(
    r"\b(?:has|have|had)\s+agreed\s+to\s+(?:rent|lease|buy|purchase|take|use)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:capacity|compute|computing|GPUs?|chips|servers|space|power|data\s+cent(?:er|re)\s+space)\b"
    # a customer relationship stated as such: "signed up X as a customer", "is now X's
    # biggest customer", "building dedicated capacity for X"
    r"|\bsign(?:s|ed|ing)?\s+up\s+⟦\d+⟧\s+as\s+(?:a|an|its)\s+(?:[\w-]+\s+)?(?:customer|client"
    r"|tenant)\b|\b(?:is|was|becomes|became|has\s+become)\s+(?:now\s+)?⟦\d+⟧(?:'s|’s)\s+"
    r"(?:[\w-]+\s+)?(?:customer|client|tenant)\b"
    r"|\b(?:is|are)\s+building\s+(?:dedicated\s+)?(?:[\w-]+\s+)?capacity\s+for\s+⟦\d+⟧",
    _F,
)


_LEASE_RE = re.compile(r"\b(?:lease|leases|leasing|sublease)\b", _F)


def _introduces_deal(txt: str, attrs: _Attrs) -> bool:
    return bool(
        attrs.money
        or attrs.gpu_count
        or attrs.power_mw
        or _SIGN_VERB_RE.search(txt)
        or _TRANSACT_RE.search(txt)
        or _INTRO_NOUN_RE.search(txt)
    )


class SentenceView:
    """One sentence as the filters read it; every part is computed on first use, so a
    sentence turned down early costs only what its filter read."""

    def __init__(
        self, masked: str, parties: list[_Party], modifiers: list[_Party], published: date | None
    ):
        self.masked = masked
        self.parties = parties
        self.modifiers = modifiers
        self.published = published

    @functools.cached_property
    def raised(self) -> bool:  # "raised $1.5bn in a round led by X"
        return _RAISED_LED_BY_RE.search(self.masked) is not None

    @functools.cached_property
    def _recap_masked(self) -> tuple[str, bool]:
        return _mask_recap_clauses(self.masked)

    @property
    def had_recap_clause(self) -> bool:
        return self._recap_masked[1]

    @functools.cached_property
    def cleaned(self) -> str:
        """Without recap clauses and past asides."""
        return _mask_past_asides(self._recap_masked[0], self.published)

    @functools.cached_property
    def attrs(self) -> _Attrs:
        return _attrs(
            _plain(self.cleaned, self.parties, self.modifiers), self.published, equity=self.raised
        )

    @functools.cached_property
    def has_noun(self) -> bool:
        return bool(DEAL_NOUN_RE.search(self.cleaned))

    @functools.cached_property
    def quantity(self) -> bool:
        return bool(self.attrs.quantity)

    @functools.cached_property
    def expanded(self) -> bool:  # "enlarged the agreement they signed in November"
        return EXPANDS_AGREEMENT_RE.search(self.masked) is not None

    @functools.cached_property
    def agreed_trade(self) -> bool:
        return self.expanded or _AGREED_TRADE_RE.search(self.cleaned) is not None

    def kept_attrs(self, keep: str | None) -> _Attrs | None:
        """What a turned-down sentence leaves for later sentences to enrich a deal with:
        nothing, its attributes, or (before any parsing) attributes parsed only if asked."""
        if keep == "attrs":
            return self.attrs
        if keep == "lazy":
            masked, parties, modifiers = self.masked, self.parties, self.modifiers
            return _attrs(
                lambda: _plain(_mask_recap_clauses(masked)[0], parties, modifiers),
                self.published,
            )
        return None


# --------------------------------------------------------------------------- filters
def no_deal_cue(v: SentenceView) -> bool:
    """No deal noun or verb at all: only details for an earlier mention."""
    return not (
        DEAL_NOUN_RE.search(v.masked)
        or v.raised
        or DEAL_VERB_RE.search(v.masked)
        or WEAK_VERB_RE.search(v.masked)
    )


def talks_denial_or_conditional(v: SentenceView) -> bool:
    """Talks, rumours, denials, negations, "would"/"could"."""
    return _is_hard_negative(v.masked)


def merger_or_acquisition(v: SentenceView) -> bool:
    return bool(_MNA_RE.search(v.cleaned) and not _EQUITY_STRONG_RE.search(v.cleaned))


def fund_raising(v: SentenceView) -> bool:
    """IPOs, notes, loans: raising money is not buying compute."""
    return bool(
        _FINANCING_RE.search(v.cleaned)
        and not _COMPUTE_TRADE_RE.search(v.cleaned)
        and not _BACKSTOP_RE.search(v.cleaned)
    )


def property_purchase(v: SentenceView) -> bool:
    return bool(
        _PROPERTY_RE.search(v.cleaned) and not re.search(r"\b(?:for|to)\s+⟦\d+⟧", v.cleaned)
    )


def no_deal_word(v: SentenceView) -> bool:
    """Once recap clauses are gone, no deal noun or verb is left."""
    return not (
        v.has_noun
        or DEAL_VERB_RE.search(v.cleaned)
        or (WEAK_VERB_RE.search(v.cleaned) and v.attrs.quantity)
        or (v.raised and v.attrs.quantity)
    )


def capex_or_guidance(v: SentenceView) -> bool:
    return bool(_CAPEX_RE.search(v.cleaned) or (_GUIDANCE_RE.search(v.cleaned) and not v.has_noun))


def product_launch(v: SentenceView) -> bool:
    return bool(
        _LAUNCH_RE.search(v.cleaned) and not (v.has_noun and _SIGN_VERB_RE.search(v.cleaned))
    )


def no_compute_or_equity_word(v: SentenceView) -> bool:
    """Nothing says what is traded: no compute word, quantity, equity, backstop or lease
    (a data-centre lease is the deal in this trade)."""
    return not (
        COMPUTE_CUE_RE.search(v.cleaned)
        or v.quantity
        or EQUITY_CUE_RE.search(v.cleaned)
        or _BACKSTOP_RE.search(v.cleaned)
        or _LEASE_RE.search(v.cleaned)
    )


def commentary_framing(v: SentenceView) -> bool:
    """ "For Nebius, a contract of this size ..." is comment."""
    return _FRAMING_RE.search(v.cleaned) is not None


def refers_to_a_known_deal(v: SentenceView) -> bool:
    """ "The deal answers a criticism ...": no quantity, indefinite deal noun or transaction
    verb introduces a deal."""
    return not (v.has_noun or v.quantity or v.agreed_trade) or not (
        _introduces_deal(v.cleaned, v.attrs) or v.agreed_trade
    )


def coordinated_subjects(v: SentenceView) -> bool:
    """ "OpenAI and Anthropic are growing ...": two companies side by side, no transaction."""
    return bool(
        _COORDINATED_RE.search(v.cleaned)
        and not v.quantity
        and not v.expanded
        and not _SIGN_VERB_RE.search(v.cleaned)
        and not _TRANSACT_RE.search(v.cleaned)
    )


# (name, filter, what a turned-down sentence keeps for enrichment: "lazy" | None | "attrs")
SENTENCE_FILTERS: tuple[tuple[str, Callable[[SentenceView], bool], str | None], ...] = (
    ("no_deal_cue", no_deal_cue, "lazy"),
    ("talks_denial_or_conditional", talks_denial_or_conditional, None),
    ("merger_or_acquisition", merger_or_acquisition, None),
    ("fund_raising", fund_raising, None),
    ("property_purchase", property_purchase, None),
    ("no_deal_word", no_deal_word, "attrs"),
    ("capex_or_guidance", capex_or_guidance, "attrs"),
    ("product_launch", product_launch, "attrs"),
    ("no_compute_or_equity_word", no_compute_or_equity_word, "attrs"),
    ("commentary_framing", commentary_framing, "attrs"),
    ("refers_to_a_known_deal", refers_to_a_known_deal, "attrs"),
    ("coordinated_subjects", coordinated_subjects, "attrs"),
)
