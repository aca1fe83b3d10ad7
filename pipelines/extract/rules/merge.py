"""Several sentences about one deal merged into one: roles by grammar votes, the best value (a
firm part before a ceiling), the most specific GPU model, dates and durations; untyped
sentences absorbed into a typed deal; backstops moved to the landlord; confidence; the
public :class:`Mention`.

Part of the deal extractor; the method is described in docs/extraction.md."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

from pipelines.extract.numbers import (
    Duration,
    gpu_specificity,
)
from pipelines.extract.rules.model import (
    Mention,
    _Candidate,
)
from pipelines.extract.rules.values import (
    _FIRM_VALUE_RE,
    _QUAL_RANK,
    _Attrs,
)


def _absorb_generic(cands: list[_Candidate]) -> list[_Candidate]:
    """A deal sentence with no word saying what is traded ("X entered into an order form
    with Y with an initial value of $6.3 billion") is the same deal as a typed one between
    the same two companies ("Under the Order Form, Y will buy X's unsold capacity"): it lends
    its value and date to that one instead of becoming a mention of its own."""
    out = []
    for c in cands:
        if c.generic:
            pair = frozenset((c.buyer.company.name, c.provider.company.name))
            other = next(
                (
                    o
                    for o in cands
                    if not o.generic
                    # a purchase is never the same deal as a stake ("will hold an
                    # investment in OpenAI" beside "OpenAI will buy $250bn of Azure")
                    and o.deal_type != "equity_investment"
                    and frozenset((o.buyer.company.name, o.provider.company.name)) == pair
                ),
                None,
            )
            if other is not None:
                if other.money is None and c.money is not None:
                    other.money, other.money_score = c.money, c.money_score
                if not other.explicit_date and c.explicit_date:
                    other.announced_on, other.explicit_date = c.announced_on, True
                other.duration = _combine_durations(other.duration, c.duration)
                for attr in ("gpu_model", "gpu_count", "power_mw"):
                    if getattr(other, attr) is None:
                        setattr(other, attr, getattr(c, attr))
                other.support += 1
                other.is_title = other.is_title and c.is_title
                continue
        out.append(c)
    return out


def _resolve_backstop_landlords(cands: list[_Candidate]) -> bool:
    """A backstop of a tenant's obligations ("Google will backstop $1.8bn of Fluidstack's lease
    obligations") is provided, in the end, to the owner of the capacity: the provider of
    the tenant's own deal in the same document, when there is one. True if any changed."""
    changed = False
    for c in cands:
        if c.deal_type != "backstop" or not c.beneficiary:
            continue
        tenant = c.provider.company.name
        lease = next(
            (
                o
                for o in cands
                if o.family == "capacity"
                and o.buyer.company.name == tenant
                and o.provider.company.name != c.buyer.company.name
            ),
            None,
        )
        if lease is not None:
            c.provider = lease.provider
            c.beneficiary = False
            changed = True
    return changed


def _confidence(c: _Candidate) -> float:
    """Additive score, clipped to [0.05, 0.99]:

    0.35 two parties and a deal cue; +0.20 roles from grammar; +0.15 a value;
    +0.10 a deal noun with a signing verb; +0.05 duration/GPU/power; +0.05 two or more
    supporting sentences; -0.15 a party from an anaphor; -0.15 a recap of an older deal."""
    score = 0.35
    score += 0.20 if c.grammar else 0.0
    score += 0.15 if c.money is not None else 0.0
    score += 0.10 if c.deal_noun_and_verb else 0.0
    score += 0.05 if (c.duration or c.gpu_model or c.gpu_count or c.power_mw) else 0.0
    score += 0.05 if c.support >= 2 else 0.0
    score -= 0.15 if c.anaphora else 0.0
    score -= 0.15 if c.recap else 0.0
    return round(min(0.99, max(0.05, score)), 3)


def _money_key(c: _Candidate) -> tuple:
    m = c.money
    assert m is not None
    digits = len(re.sub(r"\D", "", f"{m.amount:.6g}").rstrip("0")) if m.amount else 0
    return (
        c.firm_value,  # "the contract itself is valued at $17.4bn" beats "up to $19.4bn"
        c.money_score >= 3.0,
        not c.headline,
        digits,
        _QUAL_RANK.get(m.qualifier, 0),
        -c.order,
    )


def _merge(
    group: list[_Candidate], hints: dict[tuple[str, str], float] | None = None
) -> _Candidate:
    """One candidate from several sentences about the same deal. ``hints`` are orientation
    votes (buyer, provider) from sentences about the same parties that carried no deal."""
    body = [c for c in group if not c.is_title] or group

    def strength(c: _Candidate) -> tuple:
        extras = sum(x is not None for x in (c.duration, c.gpu_model, c.gpu_count, c.power_mw))
        return (
            c.money is not None,
            c.grammar,
            c.deal_noun_and_verb,
            not c.anaphora,
            not c.headline,
            extras,
            -c.order,
        )

    best = max(body, key=strength)
    # roles: the orientation backed by grammar wins, else the best sentence's
    votes: dict[tuple[str, str], float] = {}
    for c in group:
        k = (c.buyer.company.name, c.provider.company.name)
        votes[k] = votes.get(k, 0.0) + (2.0 if c.grammar else 0.5) + max(c.role_margin, 0) * 0.1
    swap = False
    # other sentences' grammar only decides when no sentence of the deal itself has any
    if hints and best.family == "capacity" and not any(c.grammar for c in group):
        b0, p0 = best.buyer.company.name, best.provider.company.name
        for k in ((b0, p0), (p0, b0)):
            if hints.get(k):
                votes[k] = votes.get(k, 0.0) + hints[k]
    top = max(votes.items(), key=lambda kv: kv[1])[0]
    if (best.buyer.company.name, best.provider.company.name) != top:
        flipped = [c for c in body if (c.buyer.company.name, c.provider.company.name) == top]
        if flipped:
            best = max(flipped, key=strength)
        else:
            swap = True
    merged = replace(
        best,
        support=len({(c.sent_start, c.is_title) for c in group}),
        origin=min(group, key=lambda c: c.order).sent_start,
    )
    with_money = [c for c in group if c.money is not None]
    if with_money:
        src = max(with_money, key=_money_key)
        merged.money, merged.money_score = src.money, src.money_score
    if any(c.deal_type == "expansion" for c in group) and merged.family == "capacity":
        merged.deal_type = "expansion"
    for c in group:
        if gpu_specificity(c.gpu_model) > gpu_specificity(merged.gpu_model):
            merged.gpu_model = c.gpu_model
    for c in sorted(group, key=lambda c: c.order):
        merged.duration = _combine_durations(merged.duration, c.duration)
    for attr in ("gpu_model", "gpu_count", "power_mw"):
        if getattr(merged, attr) is None:
            for c in sorted(group, key=lambda c: c.order):
                if getattr(c, attr) is not None:
                    setattr(merged, attr, getattr(c, attr))
                    break
    if not merged.explicit_date:
        dated = [c for c in group if c.explicit_date]
        if dated:
            merged.announced_on, merged.explicit_date = dated[0].announced_on, True
    if swap:
        merged.buyer, merged.provider = merged.provider, merged.buyer
    merged.grammar = any(c.grammar for c in group) and merged.grammar or best.grammar
    merged.anaphora = all(c.anaphora for c in group)
    merged.deal_noun_and_verb = any(c.deal_noun_and_verb for c in group)
    return merged


def _combine_durations(a: Duration | None, b: Duration | None) -> Duration | None:
    """Keep ``a``'s fields and fill its gaps (years, end date) from ``b``."""
    if a is None or b is None:
        return a or b
    if (a.years is None and b.years is not None) or (a.end_date is None and b.end_date):
        return Duration(
            a.years if a.years is not None else b.years,
            a.end_date or b.end_date,
            "; ".join(t for t in (a.text, b.text) if t),
        )
    return a


def _enrich(c: _Candidate, attrs: _Attrs, with_value: bool) -> None:
    if with_value and c.money is None and attrs.money is not None and attrs.money_score >= 2.0:
        c.money, c.money_score = attrs.money, attrs.money_score - 1.0
    elif (
        c.money is not None
        and c.money.qualifier == "up_to"
        and attrs.money is not None
        and attrs.money.qualifier in ("exact", "approx")
        and (attrs.money.usd or 0) < (c.money.usd or 0)
        and _FIRM_VALUE_RE.search(attrs._plain)
    ):  # "worth up to $27 billion ... The core of the agreement is $12 billion"
        c.money, c.money_score, c.firm_value = attrs.money, attrs.money_score, True
    c.duration = _combine_durations(c.duration, attrs.duration)
    if gpu_specificity(attrs.gpu_model) > gpu_specificity(c.gpu_model):
        c.gpu_model = attrs.gpu_model
    if c.gpu_count is None and attrs.gpu_count:
        c.gpu_count = attrs.gpu_count
    if c.power_mw is None and attrs.power_mw:
        c.power_mw = attrs.power_mw
    if not c.explicit_date and attrs.explicit_date:
        c.announced_on, c.explicit_date = attrs.date, True


def _to_mention(c: _Candidate) -> Mention:
    m = c.money
    equity = c.deal_type == "equity_investment"
    value_text = None
    if m is not None:
        value_text = m.text + (f" [{m.rate_note}]" if m.rate_note else "")
    return Mention(
        buyer=c.buyer.company.name,
        provider=c.provider.company.name,
        buyer_text=c.buyer.text,
        provider_text=c.provider.text,
        deal_type=c.deal_type,
        value_usd=round(m.usd, 2) if m is not None and m.usd is not None else None,
        value_qualifier=m.qualifier if m is not None else None,
        value_text=value_text,
        currency=m.currency if m is not None else None,
        duration_years=c.duration.years if c.duration else None,
        end_date=c.duration.end_date if c.duration else None,
        gpu_model=None if equity else c.gpu_model,
        gpu_count=None if equity else c.gpu_count,
        power_mw=None if equity else c.power_mw,
        announced_on=c.announced_on,
        evidence=c.evidence,
        evidence_start=c.sent_start,
        evidence_end=c.sent_end,
        confidence=_confidence(c),
    )


def _as_date(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value
