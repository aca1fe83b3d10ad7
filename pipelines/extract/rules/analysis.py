"""One sentence to candidate deals, once the sentence filters (``rules.filters``) let it
through: the deal type (capacity, expansion, chip supply, equity, backstop), the pair, the
value and attributes, and co-investors.

Part of the deal extractor; the method is described in docs/extraction.md."""

from __future__ import annotations

import re
from dataclasses import replace

from pipelines.extract.gazetteer import Company
from pipelines.extract.numbers import (
    find_gpu_count,
    find_power_mw,
)
from pipelines.extract.rules.clauses import (
    _PARALLEL_CLAUSE_RE,
    _SUBJECT_CLAUSE_RE,
    _clauses,
    _renumber,
    _respectively,
)
from pipelines.extract.rules.filters import (
    _RAISED_LED_BY_RE,
    SENTENCE_FILTERS,
    SentenceView,
)
from pipelines.extract.rules.model import (
    _Candidate,
    _DocState,
    _Party,
)
from pipelines.extract.rules.roles import (
    _CLOUD_ALIAS_RE,
    _choose_pair,
    _mask,
    _plain,
    _unmask_modifiers,
)
from pipelines.extract.rules.values import (
    _FIRM_VALUE_RE,
    _Attrs,
    _attrs,
)
from pipelines.extract.rules.vocabulary import (
    _BACKSTOP_RE,
    _CAPACITY_OBJECT_RE,
    _COMPUTE_TRADE_RE,
    _EQUITY_STRONG_RE,
    _EXPANSION_STRONG_RE,
    _F,
    _HARDWARE_RE,
    _SIGN_VERB_RE,
    ANAPHOR_RE,
    COMPUTE_CUE_RE,
    DEAL_NOUN_RE,
    DEAL_VERB_RE,
    ROUND_ANAPHOR_RE,
    WEAK_VERB_RE,
)

_OBLIGATIONS = (
    r"(?:[\w-]+\s+){0,2}?(?:lease|rent|rental|payment|purchase|contract\w*|take-or-pay)?\s*"
    r"(?:obligations|commitments|payments)"
)


_BACKSTOP_NOUN_RE = re.compile(
    r"\b(?:provid|offer|extend|giv|put\s+in\s+place|enter\w*\s+into)\w*\s+(?:a|an|the)?\s*"
    r"(?:[\w-]+\s+)?(?:backstop|guarantee)\b",
    _F,
)


# "X will invest up to $100bn in Y ..." is an investment even if Y then buys X's systems
_INVEST_AMOUNT_RE = re.compile(
    r"\binvest(?:s|ed|ing)?\s+(?:[^.⟦]{0,30}?\s)?(?:US)?[$€£]\s?\d[^.⟦]{0,40}?\bin\s+⟦", _F
)


_INVEST_WORD_RE = re.compile(r"\b(?:invest\w*|stakes?|funding|round)\b", _F)


_WARRANT_RE = re.compile(
    r"\b(?:warrants?|(?:issu\w+|grant\w*|receiv\w+)\s+(?:[^.]{0,40}?\s)?(?:shares|stock|equity)"
    r")\b",
    _F,
)


_STOCK_PURCHASE_RE = re.compile(
    r"\b(?:buy(?:s|ing)?|bought|purchas(?:e|es|ed|ing)|acquir(?:e|es|ed|ing))\s+[^⟦;]{0,40}?"
    r"\bof\s+⟦\d+⟧(?:'s)?\s+(?:common\s+|class\s+\w\s+|newly\s+issued\s+)?(?:stock|shares)\b",
    _F,
)


_ARROW_RE = re.compile(r"(⟦\d+⟧)\s*(?:→|->|⟶|⇒|=>)\s*(⟦\d+⟧)")


def _analyze_unit(
    unit: str,
    sent_start: int,
    sent_end: int,
    evidence: str,
    ents: list[tuple[int, int, Company]],
    state: _DocState,
    is_title: bool,
    recap_sentence: bool,
    headline: bool = False,
) -> tuple[list[_Candidate], _Attrs | None, list[_Party]]:
    """Candidates from one sentence (``unit``; entity offsets relative to it). A sentence
    naming two companies that a filter turns down is recorded in ``state.rejections`` with
    the filter's name, so ``csi eval --explain`` can say why a deal was not found."""
    published = state.published

    def reject(rule: str, kept_attrs: _Attrs | None) -> tuple[list, _Attrs | None, list]:
        names = frozenset(p.company.name for p in parties_all)
        if len(names) >= 2:
            state.rejections.append((evidence, names, rule))
        return [], kept_attrs, parties_all

    masked_all, parties_all, modifiers, generic = _mask(unit, ents)
    # a wrap-up's "Buyer → Provider, $38 billion" heading: the arrow runs buyer to provider
    masked_all = _ARROW_RE.sub(r"\1 agreed a contract to buy compute capacity from \2", masked_all)
    view = SentenceView(masked_all, parties_all, modifiers, published)
    for name, turned_down, keep in SENTENCE_FILTERS:
        if turned_down(view):
            return reject(name, view.kept_attrs(keep))
    cleaned, had_recap_clause, attrs = view.cleaned, view.had_recap_clause, view.attrs
    has_noun = view.has_noun

    out: list[_Candidate] = []
    units = _respectively(cleaned)
    if units is None:
        # several deals: three parties, or an investment next to a purchase ("X will invest
        # $100bn in Y, under which Y will deploy 10GW of X systems")
        split = len(parties_all) > 2 or (
            _EQUITY_STRONG_RE.search(cleaned) is not None
            and _COMPUTE_TRADE_RE.search(cleaned) is not None
        )
        units = _clauses(cleaned) if split else [cleaned]
    multi = len(units) > 1
    first_party: int | None = None
    m0 = re.search(r"⟦(\d+)⟧", cleaned)
    if m0:
        first_party = int(m0.group(1))
    prev: _Candidate | None = None
    for clause in units:
        parties = list(parties_all)
        clause_txt = clause
        inherited = False
        forced_type: str | None = None
        if multi:
            present = sorted({int(i) for i in re.findall(r"⟦(\d+)⟧", clause)})
            # a participle or "and ..." clause inherits the sentence subject
            if (
                len(present) == 1
                and first_party is not None
                and first_party not in present
                and _SUBJECT_CLAUSE_RE.match(clause)
            ):
                present = [first_party, *present]
                clause = f"⟦{first_party}⟧ " + clause
                inherited = True
            # "X will put $5B into A, while Y will invest $10B": Y invests in A too
            elif (
                len(present) == 1
                and prev is not None
                and _PARALLEL_CLAUSE_RE.match(clause)
                and prev.provider.company.name != parties[present[0]].company.name
            ):
                pidx = next(
                    (
                        i
                        for i, p in enumerate(parties)
                        if p.company.name == prev.provider.company.name
                    ),
                    None,
                )
                if pidx is not None:
                    present = [*present, pidx]
                    clause = clause.rstrip(" .;:,") + f" in ⟦{pidx}⟧"
                    inherited = True
                    if prev.deal_type == "equity_investment":
                        forced_type = prev.deal_type  # "... and Y up to $5 billion"
            sub = [parties[i] for i in present]
            clause_txt = _renumber(clause, {old: new for new, old in enumerate(present)})
            parties = sub
        else:
            # parties whose mention was masked (a recap clause) are not candidates
            present = sorted({int(i) for i in re.findall(r"⟦(\d+)⟧", clause_txt)})
            if len(present) < len(parties):
                parties = [parties[i] for i in present]
                clause_txt = _renumber(clause_txt, {old: new for new, old in enumerate(present)})
        promoted = False
        n_real = len(parties)
        if len(parties) < 2 and "⟪m" in clause_txt:
            clause_txt = _unmask_modifiers(clause_txt, parties, modifiers)
            promoted = True
        anaphora = False
        rm = ROUND_ANAPHOR_RE.search(clause_txt) if len(parties) == 1 else None
        if (
            rm is not None
            and state.primary is not None
            and state.primary.name != parties[0].company.name
        ):
            # "The round is led by X": the round is the main company's
            parties.append(_Party(state.primary, rm.group(0), rm.start(), anaphor=True))
            clause_txt = (
                clause_txt[: rm.start()] + f"⟦{len(parties) - 1}⟧'s round" + clause_txt[rm.end() :]
            )
            anaphora = True
        if len(parties) == 1:
            # resolve "the company"/"it"/"we" to the previous subject or the main company
            am = ANAPHOR_RE.search(clause_txt)
            other = None
            for cand in (state.prev_subject, state.primary):
                if cand is not None and cand.name != parties[0].company.name:
                    other = cand
                    break
            if am and other is not None and (has_noun or attrs.money):
                parties.append(_Party(other, am.group(0), am.start(), anaphor=True))
                clause_txt = (
                    clause_txt[: am.start()] + f"⟦{len(parties) - 1}⟧" + clause_txt[am.end() :]
                )
                anaphora = True
        if len(parties) < 2:
            continue
        if (
            multi
            and forced_type is None
            and not (DEAL_NOUN_RE.search(clause_txt) or DEAL_VERB_RE.search(clause_txt))
            and not (
                WEAK_VERB_RE.search(clause_txt)
                and (find_power_mw(clause_txt) or find_gpu_count(clause_txt))
            )
        ):
            continue
        pre_type = "capacity_contract"
        if forced_type is not None:
            pre_type = forced_type
        elif _BACKSTOP_RE.search(clause_txt):
            pre_type = "backstop"
        elif (
            _WARRANT_RE.search(clause_txt)
            and not _INVEST_WORD_RE.search(clause_txt)
            and not _COMPUTE_TRADE_RE.search(clause_txt)
        ):
            continue  # warrants or shares issued as part of a commercial deal: no new deal
        elif _STOCK_PURCHASE_RE.search(clause_txt) or _RAISED_LED_BY_RE.search(clause_txt):
            # "buys $2 billion of CoreWeave stock", "raised $1.5bn in a round led by X": the
            # money is equity even beside compute words ("backs 5 GW build-out")
            pre_type = "equity_investment"
        elif _EQUITY_STRONG_RE.search(clause_txt) and (
            not _COMPUTE_TRADE_RE.search(clause_txt) or _INVEST_AMOUNT_RE.search(clause_txt)
        ):
            pre_type = "equity_investment"
        if pre_type == "backstop":
            # "agreed to provide a backstop of ..." : the backstopper is the subject
            clause_txt = _BACKSTOP_NOUN_RE.sub("backstop", clause_txt)
        chosen = _choose_pair(clause_txt, parties, pre_type)
        if chosen is None:
            continue
        a, b, grammar, margin = chosen
        beneficiary = pre_type == "backstop" and bool(
            re.search(rf"⟦{b}⟧'s\s+{_OBLIGATIONS}", clause_txt, _F)
            # "... of the rent and related obligations Fluidstack owes under the leases"
            or re.search(
                rf"(?:obligations|payments|rent)\s+(?:that\s+)?⟦{b}⟧\s+(?:owes|pays|has)",
                clause_txt,
                _F,
            )
        )
        if promoted and (not grammar or a >= n_real):
            continue  # "includes Nvidia GB300 systems" is not a chip deal by itself
        buyer, provider = parties[a], parties[b]
        deal_type = pre_type
        if pre_type == "capacity_contract":
            if provider.company.role == "chipmaker" and not (
                _CAPACITY_OBJECT_RE.search(clause_txt) and not _HARDWARE_RE.search(clause_txt)
            ):
                deal_type = "chip_supply"
            elif (
                _EXPANSION_STRONG_RE.search(clause_txt)
                or had_recap_clause
                and re.search(
                    r"\b(?:builds?\s+on|on\s+top\s+of|in\s+addition\s+to|adds\s+to|bringing)\b",
                    masked_all,
                    _F,
                )
            ):
                deal_type = "expansion"
        cattrs = attrs
        if multi or pre_type == "equity_investment":
            cattrs = _attrs(
                _plain(clause_txt, parties, modifiers),
                published,
                equity=pre_type == "equity_investment",
            )
            if multi and cattrs.date == published and attrs.explicit_date:
                cattrs.date, cattrs.explicit_date = attrs.date, True
        cand = _Candidate(
            buyer=buyer,
            provider=provider,
            deal_type=deal_type,
            money=cattrs.money,
            money_score=cattrs.money_score,
            duration=cattrs.duration,
            gpu_model=cattrs.gpu_model or (attrs.gpu_model if multi else None),
            gpu_count=cattrs.gpu_count,
            power_mw=cattrs.power_mw,
            announced_on=cattrs.date,
            explicit_date=cattrs.explicit_date,
            sent_start=sent_start,
            sent_end=sent_end,
            evidence=evidence,
            grammar=grammar,
            recap=recap_sentence,
            anaphora=anaphora,
            is_title=is_title,
            deal_noun_and_verb=bool(
                DEAL_NOUN_RE.search(clause_txt) and _SIGN_VERB_RE.search(clause_txt)
            ),
            headline=headline or is_title,
            order=state.order,
            role_margin=margin,
            beneficiary=beneficiary,
            firm_value=bool(
                cattrs.money is not None
                and cattrs.money.qualifier in ("exact", "approx")
                and _FIRM_VALUE_RE.search(clause_txt)
            ),
            generic=pre_type == "capacity_contract"
            and not COMPUTE_CUE_RE.search(clause_txt)
            and not _HARDWARE_RE.search(clause_txt)
            # a cloud brand ("Azure services", "AWS") says what is traded
            and not _CLOUD_ALIAS_RE.search(provider.text),
        )
        del inherited
        out.append(cand)
        prev = cand
        state.order += 1
        if deal_type == "equity_investment":
            # "Microsoft and Nvidia will invest up to $15 billion in Anthropic": one stake each
            for other in _coinvestors(clause_txt, a, b):
                twin = replace(cand, buyer=parties[other], order=state.order)
                if not _EACH_RE.search(clause_txt):
                    cand.money = twin.money = None  # a joint amount is neither's own value
                out.append(twin)
                state.order += 1
    return out, attrs, parties_all


_EACH_RE = re.compile(r"\beach\b|\bapiece\b", _F)


def _coinvestors(masked: str, investor: int, investee: int) -> list[int]:
    """Parties coordinated with the investor as subjects ("⟦0⟧ and ⟦1⟧ will invest")."""
    out = []
    for m in re.finditer(r"⟦(\d+)⟧\s*(?:,|and|&|,\s*and)\s*⟦(\d+)⟧", masked):
        x, y = int(m.group(1)), int(m.group(2))
        if investor in (x, y):
            other = y if x == investor else x
            if other not in (investor, investee) and other not in out:
                out.append(other)
    return out
