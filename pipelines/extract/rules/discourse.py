"""Deals told across sentences: a joint amount split in a later sentence, and a deal named only
by its size ("This $21B expansion ...") after a sentence naming its two companies.

Part of the deal extractor; the method is described in docs/extraction.md."""

from __future__ import annotations

import re
from datetime import date

from pipelines.extract.numbers import (
    Money,
    find_money,
)
from pipelines.extract.rules.clauses import (
    _is_hard_negative,
)
from pipelines.extract.rules.model import (
    _Candidate,
    _DocState,
    _Party,
)
from pipelines.extract.rules.roles import (
    _RANK_CAPACITY,
    _prior,
)
from pipelines.extract.rules.values import (
    _attrs,
)
from pipelines.extract.rules.vocabulary import (
    _F,
)


def _split_joint_amounts(units: list, merged: list[_Candidate], published: date | None) -> None:
    """Stakes announced with a joint amount ("Microsoft and Nvidia will invest up to $15
    billion") take their own amounts from a later sentence that splits it ("Nvidia will
    contribute as much as $10 billion and Microsoft as much as $5 billion"): a sentence
    where two of the investors are each followed by an amount."""
    open_stakes = {
        c.buyer.company.name: c
        for c in merged
        if c.deal_type == "equity_investment" and c.money is None and not c.is_title
    }
    if len(open_stakes) < 2:
        return
    for unit, s, _e, _ev, ents, is_title, _h in units:
        if is_title:
            continue
        amounts: dict[str, Money] = {}
        for i, (_a, b, co) in enumerate(ents):
            if co.name not in open_stakes or s < open_stakes[co.name].sent_start:
                continue
            stop = ents[i + 1][0] if i + 1 < len(ents) else len(unit)
            found = find_money(unit[b : min(stop, b + 60)], published)
            if found:
                amounts[co.name] = found[0]
        if len(amounts) >= 2:
            for name, money in amounts.items():
                stake = open_stakes[name]
                stake.money, stake.money_score = money, 3.0
            return


# "This $21B expansion suggests ...": a deal referred to by its size, its parties named in
# an earlier sentence of commentary
_DEAL_ANAPHOR_RE = re.compile(
    r"\b(?:this|that|the|this\s+week's|today's)\s+(?:(?:new|latest|fresh|reported|roughly|about"
    r"|approximately|~)\s+)?(?:[$€£]\s?[\d.,]+\s*(?:bn|billion|b|tn|trillion)?|(?:\w+-)?"
    r"(?:billion|trillion)-dollar)\s+(?:[\w-]+\s+)?(?P<noun>expansion|deal|contract|agreement"
    r"|commitment|order|top-up|add-on|extension|pact|upsizing)\b",
    _F,
)


def _discourse_candidate(
    units: list, merged: list[_Candidate], state: _DocState
) -> _Candidate | None:
    """A deal told across sentences, as newsletters and commentary do: the headline or an
    early sentence names two companies without a deal ("Meta is going all in on
    CoreWeave"), a later sentence names the deal only by its size ("This $21B expansion
    suggests ..."). When no sentence of the document states a deal between that pair, the
    two are read together: roles from the companies' kinds (a lab or hyperscaler rents from
    a neocloud), the value and type from the anaphoric sentence."""
    pair_unit = None
    for unit, s, e, evidence, ents, is_title, _headline in units:
        names = {co.name: co for _, _, co in ents}
        if pair_unit is None:
            if len(names) == 2 and not _is_hard_negative(unit):
                pair_unit = (list(names.values()), s)
            continue
        a, b = pair_unit[0]
        if is_title or {n for n in names} - {a.name, b.name} or _is_hard_negative(unit):
            continue  # another company's sentence, or a title, or talk of a deal
        m = _DEAL_ANAPHOR_RE.search(unit)
        if m is None:
            continue
        key = frozenset((a.name, b.name))
        if any(c.key[0] == key for c in merged):
            return None  # the pair's deal is stated somewhere: nothing to reconstruct
        prior = _prior(_RANK_CAPACITY, a, b)
        if prior == 0.0:
            return None  # no telling who rents from whom
        buyer, provider = (a, b) if prior > 0 else (b, a)
        attrs = _attrs(unit, state.published)
        if attrs.money is None:
            return None
        expansion = m.group("noun").lower() in ("expansion", "top-up", "add-on", "extension",
                                                 "upsizing")  # fmt: skip
        return _Candidate(
            buyer=_Party(buyer, buyer.name, 0),
            provider=_Party(provider, provider.name, 0),
            deal_type="expansion" if expansion else "capacity_contract",
            money=attrs.money,
            money_score=attrs.money_score,
            duration=attrs.duration,
            gpu_model=attrs.gpu_model,
            gpu_count=attrs.gpu_count,
            power_mw=attrs.power_mw,
            announced_on=attrs.date,
            explicit_date=attrs.explicit_date,
            sent_start=s,
            sent_end=e,
            evidence=evidence,
            grammar=False,
            recap=False,
            anaphora=True,
            is_title=False,
            deal_noun_and_verb=False,
            headline=False,
            order=state.order,
            origin=pair_unit[1],
        )
    return None
