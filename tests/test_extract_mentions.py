"""extract_mentions: parties and roles, deal types, values, non-deals, merging."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.extract.gazetteer import Gazetteer
from pipelines.extract.mentions import EXTRACTOR_VERSION, extract_mentions, might_mention_deal

PUB = date(2026, 3, 11)  # a Wednesday


def one(text: str, **kw):
    ms = extract_mentions(text, published_at=kw.pop("published_at", PUB), **kw)
    assert len(ms) == 1, [(m.buyer, m.provider, m.deal_type) for m in ms]
    return ms[0]


def pairs(text: str, **kw):
    ms = extract_mentions(text, published_at=kw.pop("published_at", PUB), **kw)
    return [(m.buyer, m.provider, m.deal_type) for m in ms]


# ----------------------------------------------------------------------------- roles
@pytest.mark.parametrize(
    ("sentence", "buyer", "provider"),
    [
        ("Vultr will supply Cohere with H200 capacity under a $2bn contract.", "Cohere", "Vultr"),
        ("Cohere signed a $2bn contract with Vultr for GPU capacity.", "Cohere", "Vultr"),
        (
            "Fluidstack was awarded a $3bn contract by Mistral AI for compute.",
            "Mistral AI",
            "Fluidstack",
        ),
        ("Crusoe inks a $5bn deal to provide compute to xAI.", "xAI", "Crusoe"),
        (
            "Perplexity taps Together AI for GPUs in a $900 million agreement.",
            "Perplexity",
            "Together AI",
        ),
        ("Amazon will rent capacity from TeraWulf in a $3.2bn deal.", "Amazon", "TeraWulf"),
        (
            "Google commits $3bn to Cipher Mining for AI hosting capacity.",
            "Google",
            "Cipher Mining",
        ),
        (
            "Galaxy Digital was selected by Oracle to host 200MW of GPU capacity.",
            "Oracle",
            "Galaxy Digital",
        ),
        ("Hut 8 lands Anthropic as anchor tenant in a $7bn lease.", "Anthropic", "Hut 8"),
        ("Microsoft will pay Nscale $6bn for capacity in Norway.", "Microsoft", "Nscale"),
        ("OpenAI agreed to buy $8bn of compute from Cerebras.", "OpenAI", "Cerebras"),
        # no grammar either way: roles come from the prior (lab/hyperscaler buys)
        (
            "Nebius and Safe Superintelligence signed a $1bn capacity agreement.",
            "Safe Superintelligence",
            "Nebius",
        ),
    ],
)
def test_roles_active_and_passive(sentence, buyer, provider):
    m = one(sentence)
    assert (m.buyer, m.provider) == (buyer, provider)
    assert m.deal_type == "capacity_contract"


def test_evidence_span_points_into_text():
    text = "Intro line about markets.\nCohere signed a $2bn contract with Vultr for GPUs."
    m = one(text)
    assert text[m.evidence_start : m.evidence_end] == m.evidence
    assert m.evidence.startswith("Cohere signed")
    assert (m.buyer_text, m.provider_text) == ("Cohere", "Vultr")


# ----------------------------------------------------------------------------- types
def test_chip_supply():
    m = one("AMD will supply Thinking Machines with 2GW of Instinct MI355X GPUs.")
    assert (m.buyer, m.provider, m.deal_type) == ("Thinking Machines", "AMD", "chip_supply")
    assert m.gpu_model == "MI355X" and m.power_mw == 2000
    m = one("xAI agreed to buy $5bn of servers from Dell for its Memphis cluster.")
    assert (m.buyer, m.provider, m.deal_type) == ("xAI", "Dell", "chip_supply")


def test_equity_investment_is_not_capacity():
    m = one("SoftBank took a 40% stake in Crusoe for $4.5 billion.")
    assert (m.buyer, m.provider, m.deal_type) == ("SoftBank", "Crusoe", "equity_investment")
    assert m.value_usd == 4.5e9
    m = one("Nvidia will invest up to $2 billion in Mistral AI.")
    assert (m.buyer, m.provider, m.deal_type, m.value_qualifier) == (
        "Nvidia",
        "Mistral AI",
        "equity_investment",
        "up_to",
    )


def test_backstop():
    m = one("Google agreed to buy any unused capacity from Fluidstack under a $1.4bn backstop.")
    assert (m.buyer, m.provider, m.deal_type) == ("Google", "Fluidstack", "backstop")


def test_expansion_of_existing_agreement():
    m = one("Cohere expanded its existing agreement with Vultr by an additional $900 million.")
    assert (m.buyer, m.provider, m.deal_type, m.value_usd) == (
        "Cohere",
        "Vultr",
        "expansion",
        900e6,
    )
    # "expand its use of" is not an expansion of an agreement
    m = one("Mistral AI will expand its use of Fluidstack GPUs under a new $1bn agreement.")
    assert m.deal_type == "capacity_contract"


# ----------------------------------------------------------------------------- values
@pytest.mark.parametrize(
    ("phrase", "usd", "qualifier"),
    [
        ("a $21B", 21e9, "exact"),
        ("a $14.2bn", 14.2e9, "exact"),
        ("a US$9.7 billion", 9.7e9, "exact"),
        ("a $480 million", 480e6, "exact"),
        ("a $1.2 trillion", 1.2e12, "exact"),
        ("an up to $19.4 billion", 19.4e9, "up_to"),
        ("a more than $10 billion", 10e9, "at_least"),
        ("an approximately $3bn", 3e9, "approx"),
        ("a multibillion-dollar", None, None),
    ],
)
def test_values_in_a_deal_sentence(phrase, usd, qualifier):
    m = one(f"Lambda signed {phrase} agreement with Meta for GPU capacity.")
    assert (m.value_usd, m.value_qualifier) == (usd, qualifier)


def test_value_in_dollars_words_and_euros():
    m = one("Oracle will pay Nebius 38 billion dollars for capacity over five years.")
    assert m.value_usd == 38e9 and m.duration_years == 5
    m = one(
        "Mistral AI signed a €1.2bn agreement with Nscale for GPU capacity.",
        published_at=date(2025, 8, 1),
    )
    assert m.currency == "EUR"
    assert m.value_usd == pytest.approx(1.2e9 * 1.17)
    assert "EUR->USD" in m.value_text


def test_vague_values_have_none():
    m = one("xAI signed a deal worth tens of billions of dollars with Oracle for compute.")
    assert m.value_usd is None and m.value_qualifier is None


def test_revenue_and_funding_amounts_are_not_the_deal_value():
    m = one("Vultr, which raised $333 million last year, signed a $1.1bn GPU contract with Cohere.")
    assert m.value_usd == 1.1e9


# ----------------------------------------------------------------------------- attributes
def test_duration_end_date_hardware_power_and_date():
    m = one(
        "Cohere signed a six-year, $2bn agreement with Vultr on Monday for 4,096 H200s "
        "and 40MW of power, running through June 2032."
    )
    assert m.duration_years == 6
    assert m.end_date == date(2032, 6, 30)
    assert (m.gpu_model, m.gpu_count, m.power_mw) == ("H200", 4096, 40)
    assert m.announced_on == date(2026, 3, 9)
    m = one("Meta will rent one million TPUs from Google over seven years in a $50bn deal.")
    assert (m.gpu_model, m.gpu_count, m.duration_years) == ("TPU", 1_000_000, 7)
    m = one("Meta will rent tens of thousands of GPUs from Lambda in a $1bn deal.")
    assert m.gpu_count is None


def test_announced_on_defaults_to_published_and_reads_explicit_dates():
    assert one("Cohere signed a $2bn deal with Vultr.").announced_on == PUB
    m = one("Cohere signed a $2bn deal with Vultr on March 2.")
    assert m.announced_on == date(2026, 3, 2)


# ----------------------------------------------------------------------------- non-deals
@pytest.mark.parametrize(
    "text",
    [
        # launch
        "Lambda launched new instances powered by Nvidia B300 GPUs for customers.",
        # capex guidance
        "Amazon expects to spend $100 billion on AI data centres this year, including "
        "capacity for Anthropic.",
        # rumours, talks, denials
        "xAI is in talks with Oracle about a $10 billion cloud deal.",
        "Meta is said to be negotiating a $5bn contract with Nebius.",
        "Nscale denied a report that it had signed a $3bn deal with Microsoft.",
        "Amazon and Crusoe have not signed a capacity agreement, the companies said.",
        # M&A of a company
        "Crusoe agreed to acquire Lancium in a $1.1 billion all-stock deal.",
        # property purchase, no customer
        "Applied Digital bought a 300-acre site in Texas for $200 million.",
        # opinion, speaking generally
        "Hyperscalers such as Microsoft and Google keep signing contracts with neoclouds "
        "like Nebius and Nscale.",
        "For Nebius, a contract of this size with Microsoft changes the picture.",
    ],
)
def test_non_deals_yield_nothing(text):
    assert pairs(text) == []


def test_background_recap_does_not_add_a_second_mention():
    text = (
        "Cohere signed a $3bn agreement with Vultr on Tuesday for H200 capacity.\n"
        "The deal builds on a $1.1 billion agreement the two companies signed last July.\n"
        "Cohere first signed with Vultr in 2024, when it agreed a $600 million order."
    )
    m = one(text)
    assert m.value_usd == 3e9
    assert m.evidence.startswith("Cohere signed")


def test_recap_only_document_yields_nothing():
    text = (
        "Vultr said its backlog grew. Cohere signed a $1.1bn contract with Vultr last "
        "July, and Perplexity signed one in 2024."
    )
    assert pairs(text, published_at=date(2026, 3, 11)) == []


def test_rumour_in_title_blocks_body_restatements():
    text = "The deal would give xAI 1GW of capacity from Oracle for about $20bn."
    assert pairs(text, title="xAI in talks with Oracle over huge cloud deal") == []


# ----------------------------------------------------------------------------- merging
def test_two_deals_in_one_article():
    text = (
        "Microsoft signed two agreements this week.\n"
        "Microsoft signed a $5bn contract with Nscale for GPU capacity in Norway.\n"
        "Separately, Anthropic will rent capacity from Fluidstack under a $2bn deal."
    )
    assert pairs(text) == [
        ("Microsoft", "Nscale", "capacity_contract"),
        ("Anthropic", "Fluidstack", "capacity_contract"),
    ]


def test_two_deals_in_one_sentence():
    text = (
        "Google has signed two more agreements, committing to a $3bn contract with "
        "TeraWulf and striking a separate $1bn deal with Fluidstack."
    )
    assert pairs(text) == [
        ("Google", "TeraWulf", "capacity_contract"),
        ("Google", "Fluidstack", "capacity_contract"),
    ]


def test_same_deal_repeated_merges_and_keeps_the_most_precise_value():
    text = (
        "Nebius lands $3B Perplexity deal\n"
        "Perplexity has signed a $3.1 billion agreement with Nebius for GPU capacity.\n"
        "Under the agreement, Nebius will provide Perplexity with GB300 systems over five "
        "years.\n"
        "The contract runs through December 2030."
    )
    m = one(text, title="Nebius lands $3B Perplexity deal")
    assert (m.buyer, m.provider) == ("Perplexity", "Nebius")
    assert m.value_usd == 3.1e9
    assert (m.gpu_model, m.duration_years, m.end_date) == ("GB300", 5, date(2030, 12, 31))
    assert m.evidence.startswith("Perplexity has signed")
    assert 0.0 < m.confidence <= 1.0


def test_anaphora_resolves_the_company():
    text = (
        "Nscale today announced a new multi-year partnership with Microsoft.\n"
        "Under the partnership, the company will provide Microsoft with 50,000 GPUs "
        "worth $2.4 billion."
    )
    m = one(text, title="Nscale announces Microsoft partnership")
    assert (m.buyer, m.provider, m.value_usd, m.gpu_count) == ("Microsoft", "Nscale", 2.4e9, 50_000)


def test_title_only_mention_when_body_lacks_parties():
    ms = extract_mentions(
        "Shares rose sharply in early trading.",
        title="Cohere signs $2bn deal with Vultr",
        published_at=PUB,
    )
    assert [(m.buyer, m.provider) for m in ms] == [("Cohere", "Vultr")]
    assert (ms[0].evidence_start, ms[0].evidence_end) == (0, 0)


def test_confidence_is_higher_with_value_and_grammar():
    strong = one("Vultr will supply Cohere with capacity under a $2bn contract.")
    weak = one("Vultr and Cohere struck a capacity partnership.")
    assert strong.confidence > weak.confidence
    assert EXTRACTOR_VERSION


# ----------------------------------------------------------------------------- pre-filter
DEAL_TEXTS = [
    "Vultr will supply Cohere with capacity under a $2bn contract.",
    "Hut 8 lands Anthropic as anchor tenant in a $7bn lease.",
    "Crusoe inks a $5bn deal to provide compute to xAI.",
]


def test_prefilter_keeps_deals_and_drops_unrelated_text():
    for text in DEAL_TEXTS:
        assert might_mention_deal(text)
        assert might_mention_deal(f"<html><body><p>{text}</p></body></html>")
    assert not might_mention_deal("The weather in Lisbon was mild all week.")
    assert not might_mention_deal("Nebius shares rose 4% on the Nasdaq.")


_WORDS = [
    "Meta",
    "CoreWeave",
    "signed",
    "a",
    "$3bn",
    "deal",
    "with",
    "for",
    "GPU",
    "capacity",
    "Nebius",
    "will",
    "supply",
    "OpenAI",
    "the",
    "rent",
    "from",
    "talks",
    "Oracle",
    "stake",
    "in",
    "AMD",
    "chips",
    "agreement",
    "tapped",
    "by",
    "Microsoft",
    "200MW",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=3, max_size=18))
def test_prefilter_never_drops_what_the_extractor_finds(words):
    text = " ".join(words) + "."
    if extract_mentions(text, published_at=PUB):
        assert might_mention_deal(text)


def test_custom_gazetteer_is_used(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text(
        "company,role,ticker,cik,aliases\nAcme Cloud,neocloud,,,Acme\nBigLab,ai_lab,,,\n",
        encoding="utf-8",
    )
    g = Gazetteer.load(p)
    ms = extract_mentions(
        "BigLab signed a $1bn deal with Acme for GPUs.", gazetteer=g, published_at=PUB
    )
    assert [(m.buyer, m.provider) for m in ms] == [("BigLab", "Acme Cloud")]


def test_follow_up_sentence_linking_to_an_earlier_agreement_marks_an_expansion():
    text = (
        "Crusoe has been picked by Perplexity to build 300MW of capacity in Texas.\n"
        "The order builds on a 100MW agreement the pair signed in 2024."
    )
    m = one(text)
    assert (m.buyer, m.provider, m.deal_type, m.power_mw) == (
        "Perplexity",
        "Crusoe",
        "expansion",
        300,
    )
