"""One test per general extraction rule (pipelines/extract/rules/), on sentences written
for these tests: role grammar, sentence classification, qualifiers, recaps, several deals in
one sentence, filing structure."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.extract.mentions import extract_mentions

PUB = date(2026, 5, 12)  # a Tuesday


def deals(text: str, title: str | None = None, published: date = PUB) -> list[tuple]:
    return [
        (m.buyer, m.provider, m.deal_type, m.value_usd, m.value_qualifier)
        for m in extract_mentions(text, title=title, published_at=published)
    ]


def one(text: str, title: str | None = None):
    ms = extract_mentions(text, title=title, published_at=PUB)
    assert len(ms) == 1, ms
    return ms[0]


# ------------------------------------------------------------------ unknown companies
def test_unknown_companies_become_parties_under_their_own_name():
    m = one(
        "Kestrelwave Cloud, Inc. signed a $300 million agreement to supply GPU capacity to "
        "Dunmore Robotics Corp. for two years."
    )
    assert (m.buyer, m.provider, m.value_usd, m.duration_years) == (
        "Dunmore Robotics",
        "Kestrelwave Cloud",
        300e6,
        2,
    )


# ------------------------------------------------------------------ filing structure
def test_8k_the_company_and_a_defined_customer():
    text = (
        "FORM 8-K\nVexlar Systems, Inc.\n(Exact name of registrant as specified in its charter)\n"
        "Item 1.01 Entry into a Material Definitive Agreement.\n"
        'On May 4, 2026, the Company entered into a Master Services Agreement (the "MSA") with '
        'Microsoft Corporation ("Customer"), pursuant to which the Company will provide Customer '
        "with dedicated GPU cloud capacity for a term of five years. The total contract value "
        "under the MSA is approximately $2.3 billion."
    )
    m = one(text)
    assert (m.buyer, m.provider, m.deal_type) == (
        "Microsoft",
        "Vexlar Systems",
        "capacity_contract",
    )
    assert (m.value_usd, m.value_qualifier, m.duration_years) == (2.3e9, "approx", 5)
    assert m.announced_on == date(2026, 5, 4)


def test_value_stated_before_the_deal_it_belongs_to():
    text = (
        'The Company has entered into a new order form (the "Order") with Nvidia. The initial '
        "value of the Order is $2.1 billion. Under the Order, Nvidia will purchase any capacity "
        "of Lambda that Lambda's other customers do not use."
    )
    m = one(text)
    assert (m.buyer, m.provider, m.deal_type, m.value_usd) == (
        "Nvidia",
        "Lambda",
        "backstop",
        2.1e9,
    )


def test_generic_agreement_sentence_lends_its_value_to_the_typed_deal():
    text = (
        "Lambda entered into an agreement with Nvidia with an initial value of $2.1 billion. "
        "Under the agreement, Nvidia will buy Lambda's unused cloud capacity through March 2031."
    )
    assert deals(text) == [("Nvidia", "Lambda", "backstop", 2.1e9, "exact")]


# ------------------------------------------------------------------ role grammar
@pytest.mark.parametrize(
    "text, buyer, provider",
    [
        # the owner of the site provides
        (
            "Crusoe signed a 12-year colocation agreement with Fluidstack at its Abilene campus.",
            "Fluidstack",
            "Crusoe",
        ),
        (
            "Fluidstack signed a 12-year lease with Crusoe for 80 MW at Crusoe's Wyoming campus.",
            "Fluidstack",
            "Crusoe",
        ),
        # the customer exercises its option
        (
            "Lambda said Cohere has exercised its option to expand their GPU capacity agreement "
            "by 40 MW.",
            "Cohere",
            "Lambda",
        ),
        # the landlord books the revenue
        (
            "Galaxy Digital expects the 15-year lease with CoreWeave to generate about $4 billion "
            "of revenue over the term.",
            "CoreWeave",
            "Galaxy Digital",
        ),
        # "X signs ... worth $N in contracted revenue": the subject is paid
        (
            "Hut 8 signed two leases with Fluidstack worth $2 billion in contracted revenue.",
            "Fluidstack",
            "Hut 8",
        ),
    ],
)
def test_landlord_and_tenant_grammar(text, buyer, provider):
    m = one(text)
    assert (m.buyer, m.provider) == (buyer, provider)


def test_a_sentence_without_a_deal_still_orients_the_deal():
    text = (
        "Core Scientific has signed a $1 billion data center agreement with Fluidstack. "
        "Fluidstack will run its inference fleet at Core Scientific's Denton campus."
    )
    assert deals(text)[0][:2] == ("Fluidstack", "Core Scientific")


def test_company_naming_the_contract_is_not_tapped():
    # "X adds a $3 billion Y contract": Y names the other side, it is not "tapped" by X
    m = one("Nebius adds a $2 billion Microsoft contract for GPU capacity")
    assert (m.buyer, m.provider) == ("Microsoft", "Nebius")


# ------------------------------------------------------------------ backstops
def test_backstop_of_a_tenants_lease_is_owed_to_the_landlord():
    text = (
        "Cipher Mining signed a 10-year colocation agreement with Fluidstack at its Texas site. "
        "Google agreed to provide a backstop of $1.4 billion of Fluidstack's lease obligations."
    )
    got = {(b, p, t) for b, p, t, _, _ in deals(text)}
    assert got == {
        ("Fluidstack", "Cipher Mining", "capacity_contract"),
        ("Google", "Cipher Mining", "backstop"),
    }


# ------------------------------------------------------------------ several deals
def test_respectively_gives_one_deal_per_pair():
    text = (
        "Microsoft signed agreements with Nscale and Nebius worth $6 billion and $17 billion, "
        "respectively."
    )
    assert deals(text) == [
        ("Microsoft", "Nscale", "capacity_contract", 6e9, "exact"),
        ("Microsoft", "Nebius", "capacity_contract", 17e9, "exact"),
    ]


def test_gapped_second_investor():
    text = "Nvidia will invest up to $4 billion in Mistral AI and Microsoft up to $2 billion."
    assert deals(text) == [
        ("Nvidia", "Mistral AI", "equity_investment", 4e9, "up_to"),
        ("Microsoft", "Mistral AI", "equity_investment", 2e9, "up_to"),
    ]


def test_investment_and_purchase_in_one_sentence():
    text = (
        "AMD will invest $2 billion in xAI, under which xAI will deploy 1 gigawatt of AMD "
        "Instinct GPUs."
    )
    got = {(b, p, t) for b, p, t, _, _ in deals(text)}
    assert got == {("AMD", "xAI", "equity_investment"), ("xAI", "AMD", "chip_supply")}


def test_absolute_and_participle_phrases_are_not_parties():
    text = "Hut 8 signs $2bn hosting deal with Fluidstack at its Texas campus, backed by Google"
    assert [d[:3] for d in deals(text)] == [("Fluidstack", "Hut 8", "capacity_contract")]


# ------------------------------------------------------------------ equity
def test_funding_round_led_by_an_investor():
    text = (
        "Cohere raises $600 million in new funding. The round is led by Nvidia, which is "
        "investing $300 million."
    )
    assert deals(text, title="Cohere raises $600 million")[0][:4] == (
        "Nvidia",
        "Cohere",
        "equity_investment",
        300e6,
    )


def test_warrants_and_shares_issued_in_a_commercial_deal_are_no_investment():
    text = (
        "AMD will supply Cohere with 50,000 GPUs. As part of the deal, AMD issued Cohere a "
        "warrant for up to 10 million shares of AMD stock."
    )
    assert {d[2] for d in deals(text)} == {"chip_supply"}


def test_investing_in_a_company_is_not_capex_guidance():
    assert deals("SoftBank intends to invest up to $20 billion in OpenAI.")[0][2] == (
        "equity_investment"
    )


# ------------------------------------------------------------------ values
@pytest.mark.parametrize(
    "sentence, usd, qualifier",
    [
        ("The aggregate contract value of the Agreement is $1.2 billion.", 1.2e9, "exact"),
        (
            "Total base rent over the initial term is expected to be about $900 million.",
            9e8,
            "approx",
        ),
        (
            "The leases represent $2.4 billion of contracted revenue over their terms.",
            2.4e9,
            "exact",
        ),
        ("The order is for up to approximately $3 billion of capacity.", 3e9, "up_to"),
    ],
)
def test_value_sentences_after_the_deal(sentence, usd, qualifier):
    text = f"Lambda signed a five-year GPU capacity agreement with Cohere. {sentence}"
    m = one(text)
    assert (m.value_usd, m.value_qualifier) == (usd, qualifier)


def test_running_total_is_not_the_deal_value():
    text = (
        "Meta expanded its agreement with Nebius by $2 billion. Including the expansion, the "
        "total value of Meta's agreements with Nebius is $5 billion."
    )
    m = one(text)
    assert (m.deal_type, m.value_usd) == ("expansion", 2e9)


def test_equity_received_in_a_deal_is_not_its_value():
    text = (
        "CoreWeave will provide compute to Mistral AI under a contract valued at $1.3 billion. "
        "CoreWeave will receive $100 million of Mistral AI equity."
    )
    m = one(text)
    assert (m.value_usd, m.deal_type) == (1.3e9, "capacity_contract")


# ------------------------------------------------------------------ recaps and news
@pytest.mark.parametrize(
    "recap",
    [
        "Earlier this month Nscale signed a $1 billion contract with Microsoft.",
        "Two weeks ago Nscale signed a $1 billion contract with Microsoft.",
        "Nscale signed a $1 billion contract with Microsoft on March 2, 2026.",
        "Microsoft recently signed a $1 billion contract with Nscale.",
        "The financing comes days after Nscale signed a $1 billion contract with Microsoft.",
    ],
)
def test_background_deals_are_recaps(recap):
    text = f"Nscale shares rose on Tuesday. {recap}"
    assert deals(text) == []


def test_reported_speech_past_perfect_is_news():
    text = (
        "Lambda said on Monday that it had signed a $1.5 billion agreement with Microsoft for GPUs."
    )
    assert deals(text) == [("Microsoft", "Lambda", "capacity_contract", 1.5e9, "exact")]


def test_new_facility_does_not_make_a_recap_fresh():
    text = (
        "Nebius signed a $3 billion deal with Meta on Tuesday. In January, Nebius agreed to "
        "provide Microsoft with GPU capacity from a new facility in Texas."
    )
    assert [d[:2] for d in deals(text)] == [("Meta", "Nebius")]


def test_relative_clause_listing_past_deals_is_background():
    text = (
        "OpenAI, which has signed deals with Oracle, Microsoft and CoreWeave, said it would "
        "keep buying."
    )
    assert deals(text) == []


def test_second_contract_with_someone_else_is_not_an_expansion():
    text = "Nebius signed a $3 billion agreement with Meta, its second contract with a hyperscaler."
    assert deals(text)[0][2] == "capacity_contract"


def test_extending_a_relationship_is_not_an_expansion():
    text = (
        "Lambda signed a multibillion-dollar agreement with Microsoft for GPU capacity. "
        "The agreement extends a long-standing relationship."
    )
    assert deals(text)[0][2] == "capacity_contract"


@pytest.mark.parametrize(
    "text",
    [
        "Opinion: Microsoft's $9bn contract with IREN is a bet on cheap power",
        "CoreWeave raised $1.5 billion in its IPO, with Nvidia anchoring the offering with a "
        "$250 million order.",
        "Lambda closed a $1.5 billion credit facility secured by Nvidia GPUs.",
        "Mistral AI and ASML signed a collaboration agreement to explore AI in lithography.",
        "Strandway is aware of media reports that it agreed to provide GPU capacity to Cohere.",
    ],
)
def test_non_deals(text):
    assert deals(text) == []


def test_opinion_piece_yields_nothing_even_with_deal_sentences():
    text = "Microsoft will pay IREN $9.7 billion for GPU capacity over five years."
    assert deals(text, title="Opinion: the neocloud bubble") == []


def test_project_names_are_not_parties():
    text = "OpenAI has agreed with Oracle to develop 2 gigawatts of additional Stargate capacity."
    assert [d[:3] for d in deals(text)] == [("OpenAI", "Oracle", "capacity_contract")]


# ------------------------------------------------------------------ hardware and power
def test_site_size_and_what_capacity_could_run_are_not_the_deal():
    m = one(
        "Microsoft signed a $2 billion GPU capacity contract with IREN at IREN's 2 GW Sweetwater "
        "campus, enough to run over one million chips."
    )
    assert (m.power_mw, m.gpu_count) == (None, None)


def test_branded_counts_and_models():
    m = one("Intel will supply Cohere with 9,216 Intel Gaudi 3 AI accelerators.")
    assert (m.deal_type, m.gpu_model, m.gpu_count) == ("chip_supply", "Gaudi 3", 9216)


def test_aside_telling_an_older_deal_is_background():
    text = (
        "Poolside will pay CoreWeave about $1.2 billion for a GB300 cluster. CoreWeave, which "
        "last year signed a $14 billion contract with Meta, is diversifying its customers."
    )
    assert [d[:2] for d in deals(text)] == [("Poolside", "CoreWeave")]


def test_cluster_total_after_the_deal_is_not_its_gpu_count():
    m = one(
        "Dell won a $5 billion order to supply xAI with GB300 servers, which xAI said would "
        "bring its cluster to one million GPUs."
    )
    assert (m.deal_type, m.gpu_count) == ("chip_supply", None)


@pytest.mark.parametrize(
    "text",
    [
        "Microsoft exercised an option to add 50 MW to its contract with IREN.",
        "Microsoft will add 50 MW to its existing contract with IREN, worth about $1 billion.",
    ],
)
def test_adding_to_an_existing_contract_is_an_expansion(text):
    assert one(text).deal_type == "expansion"
