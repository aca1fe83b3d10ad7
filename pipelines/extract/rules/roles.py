"""Roles: masking the companies of a sentence, the pair and role patterns (who supplies, who
consumes, passives, awards, customers, rounds led by), hardware-maker modifiers, the role
priors by kind of company, and choosing the (buyer, provider) pair.

Part of the deal extractor; the method is described in docs/extraction.md."""

from __future__ import annotations

import re

from pipelines.extract.gazetteer import Company
from pipelines.extract.rules.model import (
    _Party,
)
from pipelines.extract.rules.vocabulary import (
    _CORP_SUFFIX_RE,
    _DESCRIPTOR_AFTER_RE,
    _F,
    _GENERIC_BEFORE_RE,
    _PAREN_NOISE_RE,
    _PLURAL_CLASS_RE,
    _PROJECT_AFTER_RE,
    DEAL_NOUN,
)

# ---------------------------------------------------------------- role patterns
_PROVIDE_V = (
    r"(?:suppl(?:y|ies|ied|ying)|provid(?:e|es|ed|ing)|deliver(?:s|ed|ing)?|offer(?:s|ed|ing)?"
    r"|sell(?:s|ing)?|sold|host(?:s|ed|ing)?|power(?:s|ed|ing)?|serv(?:e|es|ed|ing)"
    r"|furnish(?:es|ed|ing)?|giv(?:e|es|ing)|gave|leas(?:e|es|ed|ing)|rent(?:s|ed|ing)?"
    r"|build(?:s|ing)?|built|deploy(?:s|ed|ing)?|dedicat(?:e|es|ed|ing)|allocat(?:e|es|ed|ing)"
    r"|make\s+available|bring(?:s|ing)?|ship(?:s|ped|ping)?|extend(?:s|ed|ing)?)"
)


_CONSUME_V = (
    r"(?:rent(?:s|ed|ing)?|leas(?:e|es|ed|ing)|buy(?:s|ing)?|bought|purchas(?:e|es|ed|ing)"
    r"|procur(?:e|es|ed|ing)|sourc(?:e|es|ed|ing)|acquir(?:e|es|ed|ing)|access(?:es|ed|ing)?"
    r"|obtain(?:s|ed|ing)?|secur(?:e|es|ed|ing)|reserv(?:e|es|ed|ing)|us(?:e|es|ed|ing)"
    r"|tap(?:s|ped|ping)?|draw(?:s|ing)?|order(?:s|ed|ing)?|book(?:s|ed|ing)?|get(?:s|ting)?|got"
    r"|tak(?:e|es|ing)|took|receiv(?:e|es|ed|ing)|contract(?:s|ed|ing)?|commit(?:s|ted|ting)?"
    r"|spend(?:s|ing)?|spent|pa(?:y|ys|id|ying))"
)


_TAP_V = (
    r"(?:tap(?:s|ped|ping)?|select(?:s|ed|ing)?|cho(?:se|oses|ose|osing|sen)|pick(?:s|ed|ing)?"
    r"|hir(?:e|es|ed|ing)|enlist(?:s|ed|ing)?|engag(?:e|es|ed|ing)|turn(?:s|ed|ing)?\s+to"
    r"|rel(?:y|ies|ied|ying)\s+on|lean(?:s|ed|ing)?\s+on|commission(?:s|ed|ing)?"
    r"|retain(?:s|ed|ing)?|sign(?:s|ed|ing)?\s+up|add(?:s|ed|ing)?|onboard(?:s|ed|ing)?)"
)


_PASSIVE_V = (
    r"(?:awarded|selected|tapped|chosen|picked|hired|engaged|contracted|commissioned|enlisted"
    r"|retained|named|signed|paid|backed|funded|financed|hired)"
)


_G = r"[^⟦]{0,%d}?"


_SITE_NOUN = (
    r"(?:campus|campuses|site|sites|data\s+cent(?:er|re)s?|facility|facilities|park|parks"
    r"|building|buildings)\b"
)


# descriptor words between a verb/preposition and the company ("neocloud provider X")
_D = r"(?:(?!(?:with|to|for|from|by|and|or|as|of|in|on|at|under)\b)[\w'.&$,-]+\s+){0,5}?"


def _e(name: str) -> str:
    return rf"⟦(?P<{name}>\d+)⟧"


# (regex, weight, kind) with groups b (buyer) and/or p (provider). kind: 'pair' | 'role'
_PAIR_PATTERNS: list[tuple[re.Pattern, float, str]] = [
    # X was awarded/selected ... by Y
    (
        re.compile(
            _e("p") + _G % 60 + r"\b(?:was|were|is|are|has\s+been|have\s+been|had\s+been|will\s+be"
            r"|being|been|gets|got|get)\s+(?:\w+\s+)?"
            + _PASSIVE_V
            + r"\b"
            + _G % 80
            + r"\bby\s+"
            + _D
            + _e("b"),
            _F,
        ),
        4.0,
        "passive",
    ),
    (
        re.compile(
            r"\b(?:awarded|granted)\s+(?:to\s+)?"
            + _D
            + _e("p")
            + _G % 60
            + r"\bby\s+"
            + _D
            + _e("b"),
            _F,
        ),
        4.0,
        "passive2",
    ),
    (
        re.compile(
            _e("p") + r",?\s+(?:which\s+was\s+)?" + _PASSIVE_V + r"\s+by\s+" + _D + _e("b"), _F
        ),
        4.0,
        "reduced_passive",
    ),
    # Y awarded X (a contract)
    (re.compile(_e("b") + _G % 40 + r"\bawards?(?:ed)?\s+" + _D + _e("p"), _F), 4.0, "award"),
    # Y is (now) X's biggest customer
    (
        re.compile(
            _e("b")
            + r"\s+(?:is|was|becomes|became|has\s+become|will\s+be)\s+(?:now\s+)?"
            + _e("p")
            + r"(?:'s|’s)\s+(?:[\w-]+\s+){0,2}?(?:customer|client|tenant)\b",
            _F,
        ),
        5.0,
        "customer_of",
    ),
    # X signed up / added / landed Y as a customer (or to its customer list)
    (
        re.compile(
            _e("p")
            + _G % 60
            + r"\b(?:sign(?:s|ed|ing)?\s+up|add(?:s|ed|ing)?|land(?:s|ed|ing)?|won|wins"
            r"|onboard(?:s|ed|ing)?|count(?:s|ed)?|welcom(?:es|ed))\s+"
            + _D
            + _e("b")
            + r"\s+(?:as\s+(?:a|an|its|their)\s+(?:[\w-]+\s+){0,2}?(?:customer|client|tenant)"
            r"|to\s+(?:its|the|their)\s+(?:[\w-]+\s+)?(?:customer|client)s?\b)",
            _F,
        ),
        5.0,
        "signed_up_customer",
    ),
    # X wins/lands a contract from Y
    (
        re.compile(
            _e("p") + _G % 60 + r"\b(?:won|wins|win|winning|lands?|landed|landing|clinch(?:es|ed)?"
            r"|bag(?:s|ged)?|snag(?:s|ged)?|secur(?:es|ed|ing)|nabs?|nabbed|scor(?:es|ed))\b"
            + _G % 60
            + rf"\b(?:{DEAL_NOUN}|award|business)\b"
            + _G % 40
            + r"\b(?:from|with|by)\s+"
            + _D
            + _e("b"),
            _F,
        ),
        3.0,
        "win_from",
    ),
    # X lands/signs Y as (anchor) customer
    (
        re.compile(
            _e("p")
            + _G % 60
            + r"\b(?:land|sign|add|win|won|secur|welcom|onboard|count|nam)\w*\s+"
            + _D
            + _e("b")
            + _G % 40
            + r"\bas\s+(?:an?\s+|its\s+|their\s+|the\s+)?(?:\w+\s+){0,2}?"
            r"(?:customer|client|tenant|anchor|offtaker|user)",
            _F,
        ),
        4.0,
        "as_customer",
    ),
    # Y becomes a customer of X / Y, a customer of X
    (
        re.compile(
            _e("b") + _G % 60 + r"\b(?:customer|client|tenant|user)s?\s+of\s+" + _D + _e("p"), _F
        ),
        3.0,
        "customer_of",
    ),
    # X's customer(s) (include) Y
    (
        re.compile(
            _e("p") + r"(?:'s)?\s+(?:\w+\s+){0,2}?(?:customer|client|tenant)s?"
            r"(?:\s+(?:include|includes|including|such\s+as|like|is|are|was))?,?\s+" + _D + _e("b"),
            _F,
        ),
        3.0,
        "providers_customer",
    ),
    # X (will) provide Y with ...
    (
        re.compile(
            _e("p") + _G % 80 + r"\b(?:suppl\w*|provid\w*|furnish\w*|equip\w*|arm(?:s|ed|ing)?)"
            r"\s+" + _D + _e("b") + r"(?:'s)?\s+(?:\w+\s+){0,3}?with\b",
            _F,
        ),
        3.0,
        "provide_with",
    ),
    # X (will) supply/provide ... to/for Y
    (
        re.compile(
            _e("p")
            + _G % 80
            + r"\b"
            + _PROVIDE_V
            + r"\b"
            + _G % 100
            + r"\b(?:to|for)\s+"
            + _D
            + _e("b"),
            _F,
        ),
        3.0,
        "provide_to",
    ),
    # X signs leases with Y: the landlord/developer signs leases with its tenant
    (
        re.compile(
            _e("p")
            + _G % 60
            + r"\b(?:sign(?:s|ed)?|ink(?:s|ed)?|execut(?:es|ed)|agree[sd]?)\b"
            + r"[^⟦]{0,60}?\bleases?\s+with\s+"
            + _D
            + _e("b"),
            _F,
        ),
        1.5,
        "lease_with",
    ),
    # X will host/power/serve Y('s)
    (
        re.compile(
            _e("p")
            + _G % 60
            + r"\b(?:host|power|serve|support|fuel|run|train)\w*\s+"
            + _D
            + _e("b"),
            _F,
        ),
        2.0,
        "host",
    ),
    # Y (will) rent/buy ... from X
    (
        re.compile(
            _e("b") + _G % 80 + r"\b" + _CONSUME_V + r"\b" + _G % 100 + r"\bfrom\s+" + _D + _e("p"),
            _F,
        ),
        3.0,
        "consume_from",
    ),
    # Y taps/selects/picks X
    (
        re.compile(
            _e("b")
            + _G % 60
            + r"\b"
            + _TAP_V
            + r"\s+"
            + _D
            + _e("p")
            # not "X adds a $3 billion Y contract": there Y only names the other side
            + rf"(?!(?:'s)?\s+(?:[\w-]+\s+)?{DEAL_NOUN}\b)",
            _F,
        ),
        3.0,
        "tap",
    ),
    # Y commits/pays/spends $N to/with X; Y will pay X
    (
        re.compile(
            _e("b")
            + _G % 80
            + r"\b(?:commit\w*|pa(?:y|ys|id|ying)|spend\w*|spent)\b"
            + _G % 80
            + r"\b(?:to|with|on|at)\s+"
            + _D
            + _e("p"),
            _F,
        ),
        3.0,
        "commit_to",
    ),
    (re.compile(_e("b") + _G % 60 + r"\bpa(?:y|ys|id|ying)\s+" + _D + _e("p"), _F), 3.0, "pay"),
    # Y signs with X to rent/buy/use (purpose clause)
    (
        re.compile(
            _e("b")
            + _G % 80
            + r"\bwith\s+"
            + _D
            + _e("p")
            + r"[^⟦,]{0,50}?"
            + r"\bto\s+(?:rent|buy|purchase|lease|procure|obtain|reserve)\w*",
            _F,
        ),
        1.5,
        "with_to_consume",
    ),
    # equity: Y invests in X / Y takes a stake in X / Y led a round in X
    (
        re.compile(
            _e("b") + _G % 80 + r"\b(?:invest\w*|stake|equity|shares|warrants|funding|backing"
            r"|financing|round)\b" + _G % 80 + r"\bin\s+" + _D + _e("p"),
            _F,
        ),
        3.0,
        "invest_in",
    ),
    (
        re.compile(
            _e("p")
            + _G % 80
            + r"\b(?:rais\w*|secur\w*|clos\w*|receiv\w*|land\w*|gets?|got)\b"
            + _G % 80
            + r"\b(?:from|led\s+by|backed\s+by|by)\s+"
            + _D
            + _e("b"),
            _F,
        ),
        2.5,
        "raised_from",
    ),
    (
        re.compile(
            _e("p")
            + r"'s\s+(?:[\w-]+\s+){0,3}?(?:round|raise|financing)\b[^⟦]{0,40}?\bled\s+by\s+"
            + _D
            + _e("b"),
            _F,
        ),
        3.0,
        "round_led_by",
    ),
    # X raised $1.5 billion in (new funding | a Series E round) led by Y
    (
        re.compile(
            _e("p") + r"[^⟦.]{0,60}?\b(?:rais(?:es|ed|ing)|clos(?:es|ed|ing)|secur(?:es|ed|ing)"
            r"|land(?:s|ed))\b[^⟦.]{0,80}?\b(?:round|funding|financing|raise|investment)\b[^⟦.]{0,30}?"
            r"\bled\s+by\s+" + _D + _e("b"),
            _F,
        ),
        4.0,
        "raised_led_by",
    ),
]


_ROLE_PATTERNS: list[tuple[re.Pattern, float, str]] = [
    (
        re.compile(
            _e("p") + r"[^⟦.]{0,40}?\b(?:will|would|to|has\s+agreed\s+to|agreed\s+to|is\s+set\s+to)"
            r"?\s*(?:suppl|provid|deliver|host|sell|power|offer|build)\w*\b",
            _F,
        ),
        1.5,
        "p_verb",
    ),
    (
        re.compile(
            _e("b") + r"[^⟦.]{0,40}?\b(?:rent|buy|bought|purchas|procur|commit|pays|paid|spend"
            r"|order|reserv|tap|select|cho[so]|deploy|backstop|guarantee)\w*\b",
            _F,
        ),
        1.5,
        "b_verb",
    ),
    (
        re.compile(
            r"\b(?:capacity|compute|GPUs?|chips|infrastructure|services|cloud|servers|systems"
            r"|power|space|clusters?)\s+(?:\w+\s+){0,2}?from\s+" + _D + _e("p"),
            _F,
        ),
        2.0,
        "from_p",
    ),
    (
        re.compile(
            r"\b(?:capacity|compute|GPUs?|chips|infrastructure|services|servers|systems"
            r"|clusters?)\s+(?:\w+\s+){0,2}?(?:to|for)\s+" + _D + _e("b"),
            _F,
        ),
        1.5,
        "for_b",
    ),
    (
        re.compile(
            _e("b") + r"'s\s+(?:\w+\s+){0,2}?(?:order|purchase|commitment|spending|spend"
            r"|demand|workloads?)\b",
            _F,
        ),
        1.0,
        "b_poss",
    ),
    # the owner of the site provides: "at the Company's Lake Mariner campus", "from X's
    # data center"; "X ... at its campus" (its = the clause's subject)
    (
        re.compile(
            r"\b(?:at|from|in)\s+(?:the\s+)?" + _e("p") + r"'s\s+(?:[\w-]+\s+){0,5}?" + _SITE_NOUN,
            _F,
        ),
        2.0,
        "site_owner",
    ),
    (
        re.compile(
            _SITE_NOUN + r"[^⟦.]{0,40}?\b(?:developed|built|owned|operated|constructed|run)\s+by\s+"
            r"(?:the\s+)?" + _e("p"),
            _F,
        ),
        2.0,
        "site_built_by",
    ),
    (
        re.compile(
            r"^[^⟦]{0,60}?"
            + _e("p")
            + r"(?:'s)?[^⟦]{0,160}?(?:⟦\d+⟧[^⟦]{0,120}?)?\b(?:at|from|in)\s+"
            r"its\s+(?:own\s+)?(?:[\w-]+\s+){0,5}?" + _SITE_NOUN,
            _F,
        ),
        2.0,
        "site_owner_its",
    ),
    # the tenant's obligations, the customer's option: "X's lease obligations", "X has
    # exercised its option", "grants X an option to lease"
    (
        re.compile(
            _e("b") + r"'s\s+(?:[\w-]+\s+){0,2}?(?:lease|rent|rental|payment|purchase|take-or-pay"
            r"|offtake)\s+(?:obligations|commitments|payments)",
            _F,
        ),
        2.0,
        "tenant_obligations",
    ),
    (
        re.compile(
            _e("b") + r"[^⟦.]{0,40}?\bexercis(?:e|es|ed|ing)\s+(?:its|an|the|their|a)\s+"
            r"(?:[\w-]+\s+){0,2}?options?\b",
            _F,
        ),
        2.0,
        "exercises_option",
    ),
    (
        re.compile(
            r"\bgrant(?:s|ed|ing)?\s+" + _e("b") + r"\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?"
            r"(?:option|right)s?\b",
            _F,
        ),
        2.0,
        "granted_option",
    ),
    (
        re.compile(
            r"^[^⟦]{0,60}?" + _e("p") + r"[^.]{0,200}?\b(?:in|of)\s+(?:[\w-]+\s+)?(?:contracted"
            r"|contract|committed)\s+revenues?\b",
            _F,
        ),
        1.5,
        "subject_contracted_revenue",
    ),
    # the party that books the revenue provides: "X expects the agreements to generate
    # $3.7 billion of contracted revenue"
    (
        re.compile(
            _e("p") + r"[^⟦.]{0,40}?\b(?:expects?|expected|estimates?|estimated|anticipates?"
            r"|projects?|will\s+(?:generate|recogni[sz]e|book|earn))\b[^.]{0,120}?"
            r"\b(?:revenues?|rent|sales|backlog)\b",
            _F,
        ),
        2.0,
        "books_revenue",
    ),
]


# who buys, by role, when grammar says nothing (higher rank buys)
_RANK_CAPACITY = {"ai_lab": 4, "hyperscaler": 3, "other": 2, "neocloud": 1, "chipmaker": 0}


_RANK_EQUITY = {"chipmaker": 3, "hyperscaler": 3, "other": 3, "ai_lab": 1, "neocloud": 1}


_RANK_BACKSTOP = {"chipmaker": 3, "hyperscaler": 3, "ai_lab": 2, "other": 2, "neocloud": 0}


_CLOUD_ALIAS_RE = re.compile(r"(?:cloud|azure|aws|web\s+services|\boci\b|gcp)", _F)


_MODIFIER_AFTER_RE = re.compile(
    r"^(?:'s)?[\s-]*(?:\w+[\s-]+){0,2}?(?:GPUs?|chips?|accelerators?|processors?|superchips?"
    r"|graphics|hardware|silicon|systems?|servers?|platforms?|architecture|racks?|networking"
    r"|Blackwell|Hopper|Rubin|Vera|Grace|Instinct|TPUs?|Trainium\w*|Ironwood|DGX|HGX|NVL\d*|CUDA"
    r"|Spectrum|InfiniBand|Quantum|Epyc|EPYC|Xeon|Gaudi|[A-Z]{1,2}\d{2,3}[A-Z]?s?)\b"
)


_MODIFIER_BEFORE_RE = re.compile(r"\b(?:powered\s+by|based\s+on|built\s+on|using|running)\s+$", _F)


# "Facebook parent Meta", "Microsoft's Azure": one company named twice in a row
_SAME_TWICE_RE = re.compile(
    r"⟦(\d+)⟧(?:,?\s+(?:the\s+)?(?:(?!(?:which|who|that|under|with|and|or|to|from|for|by|in|of"
    r"|on|at|as|will|would|has|have|is|was|said|says)\b)[\w-]+\s+){0,3}?)?⟦\1⟧",
    _F,
)


def _mask(
    unit: str, ents: list[tuple[int, int, Company]]
) -> tuple[str, list[_Party], list[_Party], list[_Party]]:
    """Replace party companies with ⟦i⟧; return (masked, parties, modifiers, generic)."""
    parties: list[_Party] = []
    modifiers: list[_Party] = []
    generic: list[_Party] = []
    pieces: list[str] = []
    last = 0
    for s, e, co in ents:
        before = unit[last:s]
        pieces.append(before)
        after = unit[e : e + 40]
        prior_text = "".join(pieces)[-60:]
        party = _Party(co, unit[s:e], s)
        if co.role == "chipmaker" and (
            _MODIFIER_AFTER_RE.match(after) or _MODIFIER_BEFORE_RE.search(prior_text)
        ):
            modifiers.append(party)
            pieces.append(f"⟪m{len(modifiers) - 1}⟫")
        elif (
            _DESCRIPTOR_AFTER_RE.match(after)
            or co.role == "other"
            and _PROJECT_AFTER_RE.match(after)
            or _GENERIC_BEFORE_RE.search(prior_text)
            and _PLURAL_CLASS_RE.search(
                re.sub(r"(?:⟦\d+⟧|⟪g\d+⟫)(?:'s)?,?\s+(?:and\s+|or\s+)?", "", prior_text)
            )
        ):
            generic.append(party)
            pieces.append(f"⟪g{len(generic) - 1}⟫")
        else:
            # the same company twice ("Facebook parent Meta") keeps one index
            idx = next((i for i, p in enumerate(parties) if p.company.name == co.name), None)
            if idx is None:
                parties.append(party)
                idx = len(parties) - 1
            pieces.append(f"⟦{idx}⟧")
        last = e
    pieces.append(unit[last:])
    masked = "".join(pieces)
    masked = _SAME_TWICE_RE.sub(r"⟦\1⟧", masked)
    masked = _PAREN_NOISE_RE.sub("", masked)
    masked = _CORP_SUFFIX_RE.sub(r"\1", masked)
    return masked, parties, modifiers, generic


def _unmask_modifiers(masked: str, parties: list[_Party], modifiers: list[_Party]) -> str:
    """Promote hardware-modifier chipmakers to parties (used when fewer than two remain)."""

    def repl(m: re.Match) -> str:
        mod = modifiers[int(m.group(1))]
        idx = next((i for i, p in enumerate(parties) if p.company.name == mod.company.name), None)
        if idx is None:
            parties.append(mod)
            idx = len(parties) - 1
        return f"⟦{idx}⟧"

    return re.sub(r"⟪m(\d+)⟫", repl, masked)


def _plain(masked: str, parties: list[_Party], modifiers: list[_Party]) -> str:
    """Masked text with modifiers/generic shown as words, for attribute parsing."""
    out = re.sub(r"⟪m(\d+)⟫", lambda m: modifiers[int(m.group(1))].company.name, masked)
    return re.sub(r"⟦\d+⟧|⟪g\d+⟫", "COMPANY", out)


def _role_scores(masked: str, n: int) -> tuple[dict, list[float], list[float], set[str]]:
    """Pattern votes: pair[(b, p)] for 'b buys from p'; buy[i]/prov[i] for single roles."""
    pair: dict[tuple[int, int], float] = {}
    buy = [0.0] * n
    prov = [0.0] * n
    tags: set[str] = set()
    starts = [m.start() for m in re.finditer(r"⟦\d+⟧", masked)]

    def matches(rx: re.Pattern) -> list[re.Match]:
        if rx.pattern.startswith("⟦"):
            # anchored at each placeholder, so overlapping pairs are all seen
            return [m for m in (rx.match(masked, st) for st in starts) if m]
        return list(rx.finditer(masked))

    for rx, w, tag in _PAIR_PATTERNS:
        for m in matches(rx):
            b, p = int(m.group("b")), int(m.group("p"))
            if b == p or b >= n or p >= n:
                continue
            pair[(b, p)] = max(pair.get((b, p), 0.0), w)
            tags.add(tag)
    for rx, w, tag in _ROLE_PATTERNS:
        for m in matches(rx):
            gd = m.groupdict()
            if gd.get("b") is not None and int(gd["b"]) < n:
                buy[int(gd["b"])] = max(buy[int(gd["b"])], w)
                tags.add(tag)
            if gd.get("p") is not None and int(gd["p"]) < n:
                prov[int(gd["p"])] = max(prov[int(gd["p"])], w)
                tags.add(tag)
    return pair, buy, prov, tags


def _prior(rank: dict[str, int], a: Company, b: Company) -> float:
    diff = rank.get(a.role, 2) - rank.get(b.role, 2)
    if diff == 0:
        return 0.0
    return (1.0 if diff == 1 else 1.5) * (1 if diff > 0 else -1)


def _choose_pair(
    masked: str, parties: list[_Party], pre_type: str
) -> tuple[int, int, bool, float] | None:
    n = len(parties)
    pair, buy, prov, _ = _role_scores(masked, n)
    rank = {"equity_investment": _RANK_EQUITY, "backstop": _RANK_BACKSTOP}.get(
        pre_type, _RANK_CAPACITY
    )
    positions = [next((m.start() for m in re.finditer(rf"⟦{i}⟧", masked)), 0) for i in range(n)]
    best: tuple[float, float, int, int] | None = None
    scored: list[tuple[float, float, int, int]] = []
    for a in range(n):
        for b in range(n):
            if a == b or parties[a].company.name == parties[b].company.name:
                continue
            grammar = pair.get((a, b), 0.0) - pair.get((b, a), 0.0)
            grammar += buy[a] + prov[b] - 0.5 * (prov[a] + buy[b])
            if _CLOUD_ALIAS_RE.search(parties[b].text):
                grammar += 0.5
            if _CLOUD_ALIAS_RE.search(parties[a].text):
                grammar -= 0.5
            prior = _prior(rank, parties[a].company, parties[b].company)
            involved = max(pair.get((a, b), 0.0), pair.get((b, a), 0.0))
            involved += max(buy[a], prov[a]) + max(buy[b], prov[b])
            # prefer pairs the grammar talks about, then close pairs, then the first subject
            closeness = -abs(positions[a] - positions[b]) / 400.0
            subject = 0.3 if 0 in (a, b) else 0.0
            tie = 0.05 if positions[a] < positions[b] else 0.0  # first-named buys, on a tie
            total = grammar + prior + 0.5 * min(involved, 3.0) + closeness + subject + tie
            scored.append((total, grammar, a, b))
            if best is None or total > best[0]:
                best = (total, grammar, a, b)
    if best is None:
        return None
    total, grammar, a, b = best
    reverse = next((s for s in scored if s[2] == b and s[3] == a), None)
    margin = total - reverse[0] if reverse else total
    return a, b, grammar > 0.4, margin


def _orientation_hints(
    unit: str, ents: list[tuple[int, int, Company]], hints: dict[tuple[str, str], float]
) -> None:
    """Role grammar of a sentence that names two companies without reporting a deal ("X will
    run its workloads at Y's campus") still says who rents from whom."""
    masked, parties, _, _ = _mask(unit, ents)
    n = len(parties)
    if n < 2 or n > 3:
        return
    pair, buy, prov, _ = _role_scores(masked, n)
    for a in range(n):
        for b in range(n):
            if a == b or parties[a].company.name == parties[b].company.name:
                continue
            g = pair.get((a, b), 0.0) - pair.get((b, a), 0.0) + buy[a] + prov[b]
            g -= buy[b] + prov[a]
            if g >= 1.5:
                k = (parties[a].company.name, parties[b].company.name)
                hints[k] = hints.get(k, 0.0) + min(g, 3.0)
