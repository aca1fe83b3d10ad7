"""Deal mentions from a document's text: the orchestration of the extractor.

``extract_mentions`` splits the text into sentences (with the title as its own unit), finds
the companies (gazetteer + recogniser), asks the sentence rules (``rules.analysis``) for
candidate deals, reads details from follow-up sentences, merges the sentences about one deal
(``rules.merge``), reads deals told across sentences (``rules.discourse``), and lets the
document-level pass (``rules.docpass``) decide which candidates the document reports. How the
rules work, and why, is in docs/extraction.md.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from pipelines.extract.entities import DocumentNames, might_name_company
from pipelines.extract.gazetteer import Company, Gazetteer
from pipelines.extract.numbers import (
    MONEY_HINT_RE,
    announced_date,
    past_anchor,
)
from pipelines.extract.rules.analysis import (
    _analyze_unit,
)
from pipelines.extract.rules.clauses import (
    _is_hard_negative,
    _mask_recap_clauses,
)
from pipelines.extract.rules.discourse import (
    _discourse_candidate,
    _split_joint_amounts,
)
from pipelines.extract.rules.docpass import (
    EXPANDS_AGREEMENT_RE,
    NEW,
    CandidateView,
    Decision,
    DocumentView,
    Pair,
    decide,
    is_roundup,
)
from pipelines.extract.rules.merge import (
    _absorb_generic,
    _as_date,
    _enrich,
    _merge,
    _resolve_backstop_landlords,
    _to_mention,
)
from pipelines.extract.rules.model import (
    DEAL_TYPES,
    EXTRACTOR_VERSION,
    VALUE_QUALIFIERS,
    Mention,
    _Candidate,
    _DocState,
)
from pipelines.extract.rules.roles import (
    _orientation_hints,
)
from pipelines.extract.rules.sentences import (
    split_sentences,
)
from pipelines.extract.rules.values import (
    _Attrs,
    _attrs,
)
from pipelines.extract.rules.vocabulary import (
    _ASIDE_RE,
    _CONTINUATION_RE,
    _DEAL_REF_RE,
    _EXPANSION_LINK_RE,
    _F,
    _FRESH_RE,
    _HAD_RE,
    _NORM,
    _RECAP_SENTENCE_RE,
    _REPORTING_RE,
    ANAPHOR_RE,
    COMPUTE_CUE_RE,
    DEAL_NOUN,
    DEAL_NOUN_RE,
    DEAL_VERB_RE,
    EQUITY_CUE_RE,
    PREFILTER_CUES,
    ROUND_ANAPHOR_RE,
    WEAK_VERB_RE,
)

__all__ = [
    "ANAPHOR_RE",
    "COMPUTE_CUE_RE",
    "DEAL_NOUN",
    "DEAL_NOUN_RE",
    "DEAL_TYPES",
    "DEAL_VERB_RE",
    "EQUITY_CUE_RE",
    "EXTRACTOR_VERSION",
    "Mention",
    "PREFILTER_CUES",
    "ROUND_ANAPHOR_RE",
    "VALUE_QUALIFIERS",
    "WEAK_VERB_RE",
    "extract_mentions",
    "might_mention_deal",
    "split_sentences",
]


def _same_text(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s).strip().lower()  # noqa: E731
    return norm(a) == norm(b)


_OPINION_RE = re.compile(
    r"^\W*(?:opinion|comment|commentary|column|editorial|op-?ed|viewpoint|guest\s+column"
    r"|letters?(?:\s+to\s+the\s+editor)?)\s*[:|\u2013\u2014-]",
    _F,
)


# =========================================================================== public API
def extract_mentions(
    text: str,
    *,
    title: str | None = None,
    published_at: date | datetime | None = None,
    gazetteer: Gazetteer | None = None,
    decisions: list[tuple[Mention, Decision]] | None = None,
    rejections: list[tuple[str, frozenset[str], str]] | None = None,
) -> list[Mention]:
    """Deal mentions in ``text`` (one per distinct deal), in order of first evidence.

    Candidates the document-level pass (:mod:`pipelines.extract.rules.docpass`) judges not to be
    news of this document (recaps, background, tallies, declined deals) are dropped; pass a
    list as ``decisions`` to receive every candidate with its status and deciding rule, and
    as ``rejections`` to receive each sentence naming two companies that a sentence filter
    turned down, with the filter's name."""
    gaz = gazetteer or Gazetteer.load()
    published = _as_date(published_at)
    head = (title or "").strip() or text.lstrip()[:200]
    if _OPINION_RE.match(head) or _OPINION_RE.match(text.lstrip()[:200]):
        return []  # an opinion piece discusses deals, it does not report them
    norm = text.translate(_NORM)
    state = _DocState(published=published)
    sentences = split_sentences(norm)
    names = DocumentNames(gaz, norm, title.translate(_NORM).strip() if title else None)
    ents_all = names.find(norm)

    units: list[tuple[str, int, int, str, list[tuple[int, int, Company]], bool, bool]] = []
    headline_at = -1
    if title and title.strip():
        t_norm = title.translate(_NORM).strip()
        first = norm[sentences[0][0] : sentences[0][1]] if sentences else ""
        t_ents = names.find(t_norm)
        if t_ents:
            state.primary = t_ents[0][2]
        if not _same_text(first, t_norm):
            units.append((t_norm, 0, 0, title.strip(), t_ents, True, True))
        elif sentences:
            headline_at = sentences[0][0]
    ei = 0
    for s, e in sentences:
        while ei < len(ents_all) and ents_all[ei][0] < s:
            ei += 1
        j = ei
        sent_ents = []
        while j < len(ents_all) and ents_all[j][1] <= e:
            a, b, co = ents_all[j]
            sent_ents.append((a - s, b - s, co))
            j += 1
        units.append((norm[s:e], s, e, text[s:e], sent_ents, False, s == headline_at))
    if state.primary is None:
        for _, _, _, _, ents, _, _ in units[:3]:
            if ents:
                state.primary = ents[0][2]
                break

    title_rumour = bool(title and _is_hard_negative(title.translate(_NORM)))
    last_cand: _Candidate | None = None
    since_last = 99
    # a value stated before its deal ("The initial value of the Order is $6.3 billion." then
    # "Under the Order, X will buy ..."): (parties named, attributes, unit number)
    pending: tuple[set[str], _Attrs, int] | None = None
    for n_unit, (unit, s, e, evidence, ents, is_title, headline) in enumerate(units):
        since_last += 1
        if pending is not None and n_unit - pending[2] > 3:
            pending = None
        if not ents:
            if (
                not state.candidates
                and not is_title
                and _DEAL_REF_RE.search(unit)
                and MONEY_HINT_RE.search(unit)
                and not _is_hard_negative(unit)
            ):
                cleaned, _ = _mask_recap_clauses(unit)
                pattrs = _attrs(cleaned, published)
                if pattrs.money is not None and pattrs.money_score >= 3.0:
                    pending = (set(), pattrs, n_unit)
            if DEAL_NOUN_RE.search(unit) and not _is_hard_negative(unit):
                d, explicit = announced_date(unit, published)
                if explicit and state.doc_date is None and not past_anchor(unit, published):
                    state.doc_date = d
            # continuation: "The agreement runs through 2031 and covers 4,096 H200s."
            if last_cand is not None and since_last <= 3 and not _is_hard_negative(unit):
                cleaned, _ = _mask_recap_clauses(unit)
                if not past_anchor(cleaned, published) and not _RECAP_SENTENCE_RE.search(unit):
                    deal_ref = bool(_DEAL_REF_RE.search(unit))
                    cattrs = _attrs(cleaned, published)
                    # "Total base rent over the initial term is about $900 million."
                    strong_value = bool(
                        MONEY_HINT_RE.search(unit)
                        and cattrs.money is not None
                        and cattrs.money_score >= 3.0
                    )
                    if (
                        deal_ref
                        or strong_value
                        or (since_last <= 2 and _CONTINUATION_RE.search(unit))
                    ):
                        _enrich(last_cand, cattrs, with_value=deal_ref or strong_value)
                if _EXPANSION_LINK_RE.search(unit) and last_cand.family == "capacity":
                    # "The expansion builds on a 200MW agreement signed in 2024."
                    last_cand.deal_type = "expansion"
            continue
        # the time of the main clause decides: asides ("which raised $1bn last year") and
        # recap clauses do not make the sentence a recap
        main, _ = _mask_recap_clauses(_ASIDE_RE.sub(" ", unit))
        anchor = past_anchor(main, published)
        # reported speech backshifts the tense: "X said it had signed" is news, not a recap
        if _REPORTING_RE.search(main):
            main = _HAD_RE.sub("has ", main)
        recap = bool(
            (anchor or _RECAP_SENTENCE_RE.search(main))
            and not _FRESH_RE.search(unit)
            # "enlarged the agreement they signed in November": the past is the original's
            and not EXPANDS_AGREEMENT_RE.search(unit)
        )
        cands, attrs, parties = _analyze_unit(
            unit, s, e, evidence, ents, state, is_title, recap, headline
        )
        if not cands and not is_title and len(parties) >= 2 and not _is_hard_negative(unit):
            state.hint_units.append((unit, ents, frozenset(p.company.name for p in parties)))
        if cands:
            if pending is not None:
                for c in cands:
                    if c.money is None and pending[0] <= {
                        c.buyer.company.name,
                        c.provider.company.name,
                    }:
                        _enrich(c, pending[1], with_value=True)
                pending = None
            state.candidates.extend(cands)
            last_cand = cands[-1]
            since_last = 0
        elif (
            not state.candidates
            and attrs is not None
            and not recap
            and not is_title
            and attrs.money is not None
            and attrs.money_score >= 3.0
        ):
            pending = ({p.company.name for p in parties}, attrs, n_unit)
        elif state.candidates and attrs is not None and not recap:
            # a sentence naming only the parties of an earlier mention adds detail to it
            names = {p.company.name for p in parties}
            target = next(
                (
                    c
                    for c in reversed(state.candidates)
                    if names <= {c.buyer.company.name, c.provider.company.name}
                    and (len(names) > 1 or since_last <= 3)
                ),
                None,
            )
            if target is not None:
                strong_value = attrs.money is not None and attrs.money_score >= 3.0
                _enrich(target, attrs, with_value=bool(_DEAL_REF_RE.search(unit)) or strong_value)
        if parties and not is_title:
            state.prev_subject = parties[0].company

    cands = state.candidates
    if title_rumour:
        cands = [c for c in cands if not c.is_title and c.deal_noun_and_verb]
    # background recaps of older deals never become mentions (not even alone)
    if decisions is not None:
        decisions.extend(
            (_to_mention(c), Decision("recap", "past_anchor_in_sentence")) for c in cands if c.recap
        )
    cands = [c for c in cands if not c.recap]
    cands = _absorb_generic(cands)
    groups: dict[tuple, list[_Candidate]] = {}
    for c in cands:
        groups.setdefault(c.key, []).append(c)
    pairs = {k[0] for k in groups if k[1] == "capacity"}
    for unit, ents, names_in in state.hint_units:
        if any(pair <= names_in for pair in pairs):
            _orientation_hints(unit, ents, state.hints)
    merged = [_merge(g, state.hints) for g in groups.values()]
    if _resolve_backstop_landlords(merged):
        regroup: dict[tuple, list[_Candidate]] = {}
        for c in merged:
            regroup.setdefault(c.key, []).append(c)
        merged = [g[0] if len(g) == 1 else _merge(g) for g in regroup.values()]
    # a title-only candidate is kept only if the body does not mention its parties at all
    body_names = {co.name for _, _, co in ents_all}
    merged = [
        c
        for c in merged
        if not c.is_title
        or not ({c.buyer.company.name, c.provider.company.name} <= body_names)
        or c.support > 1
    ]
    for c in merged:
        if not c.explicit_date:
            # deals introduced in one sentence were announced together
            sib = next(
                (o for o in merged if o is not c and o.explicit_date and o.origin == c.origin),
                None,
            )
            if sib is not None:
                c.announced_on = sib.announced_on
            elif state.doc_date is not None:
                c.announced_on = state.doc_date
    _split_joint_amounts(units, merged, published)
    if rejections is not None:
        rejections.extend(state.rejections)
    found = _discourse_candidate(units, merged, state)
    if found is not None:
        merged.append(found)
    merged.sort(key=lambda c: (c.is_title, c.sent_start, c.order))
    view = _document_view(title, published, units, merged)
    kept = []
    for c, cv in zip(merged, view.candidates, strict=True):
        decision = decide(cv, view)
        if decisions is not None:
            decisions.append((_to_mention(c), decision))
        if decision.status == NEW:
            kept.append(c)
    return [_to_mention(c) for c in kept]


_LIST_ITEM_START_RE = re.compile(r"^\s*(?:[-*•·▪]|\d{1,2}[.)])\s+")


LEAD_SENTENCES = 2  # body sentences naming a company that count as the lead


def _document_view(
    title: str | None, published: date | None, units: list, merged: list[_Candidate]
) -> DocumentView:
    """The document as the document-level rules read it: headline and lead companies,
    whether it is a wrap-up of several deals, and each candidate's sentence and date."""
    title_cos: set[str] = set()
    lead_cos: set[str] = set()
    lead_seen = 0
    lead_text: list[str] = []
    for _unit, _s, _e, _ev, ents, is_title, headline in units:
        if is_title or headline:  # the title, or the body's first line when it repeats it
            title_cos |= {co.name for _, _, co in ents}
    # a headline naming both parties leaves the lead one sentence to add to it
    lead_n = 1 if len(title_cos) >= 2 else LEAD_SENTENCES
    for unit, _s, _e, _ev, ents, is_title, headline in units:
        names = {co.name for _, _, co in ents}
        if is_title or headline:
            continue
        if len(lead_text) < LEAD_SENTENCES + 2:
            lead_text.append(unit)
        if names and lead_seen < lead_n:
            lead_cos |= names
            lead_seen += 1
    listed = {
        c.key
        for c in merged
        if not c.is_title and _LIST_ITEM_START_RE.match(c.evidence) is not None
    }
    view = DocumentView(
        published=published,
        title=title or "",
        title_companies=frozenset(title_cos),
        lead_companies=frozenset(lead_cos),
        roundup=is_roundup(title or "", " ".join(lead_text), len(listed)),
    )
    for c in merged:
        view.candidates.append(
            CandidateView(
                pair=Pair(c.buyer.company.name, c.provider.company.name),
                deal_type=c.deal_type,
                sentence=c.evidence,
                buyer_text=c.buyer.text,
                provider_text=c.provider.text,
                is_title=c.is_title or c.headline,
                explicit_date=c.explicit_date,
                announced_on=c.announced_on,
                value_text=c.money.text if c.money is not None else None,
            )
        )
    return view


def might_mention_deal(text_or_html: str, gazetteer: Gazetteer | None = None) -> bool:
    """Cheap pre-filter: True unless the text certainly holds no deal mention.

    A mention needs two distinct companies (or one plus an anaphor) and a deal cue, so this
    checks, case-insensitively, that one deal cue word stem occurs, and that a gazetteer alias
    occurs or one of the signals :mod:`pipelines.extract.entities` needs to recognise an
    unknown company (a corporate suffix, a listing, an "About" heading, an appositive "X, a
    ... company", a filing's registrant caption). Both checks are supersets of what
    :func:`extract_mentions` needs, so it never drops a document the extractor would find a
    deal in."""
    gaz = gazetteer or Gazetteer.load()
    low = text_or_html.lower()
    if not any(cue in low for cue in PREFILTER_CUES):
        return False
    if any(alias in low for alias in gaz.aliases_lower):
        return True
    # companies the gazetteer does not know are only recognised from these signals
    return might_name_company(text_or_html)
