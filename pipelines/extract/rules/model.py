"""The extractor's data: the public :class:`Mention`, the deal types and value qualifiers, and
the candidates the rules build (a party, a candidate deal, the document state).

Part of the deal extractor; the method is described in docs/extraction.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pipelines.extract.gazetteer import Company
from pipelines.extract.numbers import (
    Duration,
    Money,
)

EXTRACTOR_VERSION = "rules-0.3.0"


DEAL_TYPES = ("capacity_contract", "expansion", "chip_supply", "equity_investment", "backstop")


VALUE_QUALIFIERS = ("exact", "up_to", "at_least", "approx")


@dataclass
class Mention:
    buyer: str
    provider: str
    buyer_text: str
    provider_text: str
    deal_type: str
    value_usd: float | None
    value_qualifier: str | None
    value_text: str | None
    currency: str | None
    duration_years: float | None
    end_date: date | None
    gpu_model: str | None
    gpu_count: int | None
    power_mw: float | None
    announced_on: date | None
    evidence: str
    evidence_start: int
    evidence_end: int
    confidence: float


# =========================================================================== candidates
@dataclass
class _Party:
    company: Company
    text: str
    start: int  # offset in the unit string
    anaphor: bool = False


@dataclass
class _Candidate:
    buyer: _Party
    provider: _Party
    deal_type: str
    money: Money | None
    money_score: float
    duration: Duration | None
    gpu_model: str | None
    gpu_count: int | None
    power_mw: float | None
    announced_on: date | None
    explicit_date: bool
    sent_start: int
    sent_end: int
    evidence: str
    grammar: bool
    recap: bool
    anaphora: bool
    is_title: bool
    deal_noun_and_verb: bool
    headline: bool
    order: int
    support: int = 1
    role_margin: float = 0.0
    origin: int = -1  # sentence offset where the deal was first seen
    beneficiary: bool = False  # backstop of the provider's own obligations (a tenant's lease)
    generic: bool = False  # typed by default: no hardware, capacity or equity word in its clause
    firm_value: bool = False  # its value is the firm part stated beside a ceiling

    @property
    def family(self) -> str:
        return (
            "capacity" if self.deal_type in ("capacity_contract", "expansion") else self.deal_type
        )

    @property
    def key(self) -> tuple[frozenset[str], str]:
        return frozenset((self.buyer.company.name, self.provider.company.name)), self.family


@dataclass
class _DocState:
    published: date | None
    primary: Company | None = None
    prev_subject: Company | None = None
    doc_date: date | None = None  # "Three agreements were announced on 3 November"
    candidates: list[_Candidate] = field(default_factory=list)
    order: int = 0
    # (buyer, provider) -> grammar votes from sentences that name both but carry no deal
    hints: dict[tuple[str, str], float] = field(default_factory=dict)
    # sentences naming two or three companies without a deal, read for hints if needed
    hint_units: list[tuple[str, list[tuple[int, int, Company]], frozenset[str]]] = field(
        default_factory=list
    )
    # sentences naming two or more companies that a filter turned down: (sentence,
    # companies, filter name)
    rejections: list[tuple[str, frozenset[str], str]] = field(default_factory=list)
